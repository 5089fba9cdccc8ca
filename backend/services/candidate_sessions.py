"""Candidate sessions: what a redeemed key becomes. A key is redeemed once; the session it
starts is active until completed, past its deadline (reads as expired), or marked by the
organisation as completed, expired or hired."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, update

from backend.models.assessments import (
    Assessment,
    CandidateKey,
    CandidateSession,
    SessionPublic,
    SessionStatus,
    session_status,
)
from backend.models.base import iso, utcnow
from backend.services.candidate_keys import usable_candidate_key
from backend.services.errors import Conflict, NotFound
from backend.services.ownership import find_owned


def redeem_key(session: Session, *, key: str) -> CandidateSession:
    """Start the session for a candidate key, once. Unknown or revoked key (or deleted
    assessment): Unauthorized (401); already redeemed: Conflict (409, with the existing
    ``sessionId``); past its expiry: KeyExpired (410). The deadline is now + the assessment's
    time limit, or none."""
    row, assessment = usable_candidate_key(session, raw=key)
    if row.session_id is not None:
        raise Conflict(
            "This key has already been redeemed; a key starts one session only.",
            code="key_already_redeemed",
            sessionId=row.session_id,
        )
    now = utcnow()
    limit = assessment.time_limit_minutes
    candidate_session = CandidateSession(
        org_id=row.org_id,
        assessment_id=row.assessment_id,
        candidate_key_id=row.id,
        status=SessionStatus.active,
        started_at=now,
        deadline_at=now + timedelta(minutes=limit) if limit else None,
    )
    row.redeemed_at = now
    row.session_id = candidate_session.id
    session.add(candidate_session)
    session.add(row)
    try:
        session.commit()
    except IntegrityError:
        # A concurrent redeem of the same key won (candidate_key_id is unique).
        session.rollback()
        raise Conflict(
            "This key has already been redeemed; a key starts one session only.",
            code="key_already_redeemed",
        ) from None
    session.refresh(candidate_session)
    return candidate_session


def get_candidate_session(
    session: Session, *, org_id: str, session_id: str, candidate_key_id: str | None = None
) -> CandidateSession:
    """The organisation's session; when ``candidate_key_id`` is given (a candidate calling),
    only the session that key started. NotFound otherwise."""
    row = find_owned(session, CandidateSession, session_id, org_id=org_id)
    if row is None or (candidate_key_id is not None and row.candidate_key_id != candidate_key_id):
        raise NotFound("Session not found.")
    return row


def _record(session: Session, row: CandidateSession, status: SessionStatus) -> CandidateSession:
    """Store a status; completed and hired sessions get a completion time (kept on the key
    too, where seed 001's candidate list reads it)."""
    row.status = status
    if status in (SessionStatus.completed, SessionStatus.hired) and row.completed_at is None:
        row.completed_at = utcnow()
    session.add(row)
    key = session.get(CandidateKey, row.candidate_key_id)
    if key is not None and key.completed_at != row.completed_at:
        key.completed_at = row.completed_at
        session.add(key)
    session.commit()
    session.refresh(row)
    return row


def complete_session(
    session: Session, *, org_id: str, session_id: str, candidate_key_id: str | None = None
) -> CandidateSession:
    """The candidate (or the organisation) finishes an active session. Completing a completed
    session changes nothing; an expired or hired one is a Conflict."""
    row = get_candidate_session(
        session, org_id=org_id, session_id=session_id, candidate_key_id=candidate_key_id
    )
    status = session_status(row)
    if status == SessionStatus.completed:
        return row
    if status != SessionStatus.active:
        raise Conflict(
            f"This session is {status} and can no longer be completed.",
            code="session_not_active",
        )
    return _record(session, row, SessionStatus.completed)


def set_session_status(
    session: Session, *, org_id: str, session_id: str, status: SessionStatus | str
) -> CandidateSession:
    """The organisation records an outcome: completed, expired or hired."""
    row = get_candidate_session(session, org_id=org_id, session_id=session_id)
    return _record(session, row, SessionStatus(status))


def expire_overdue_sessions(session: Session) -> int:
    """Store ``expired`` on active sessions past their deadline (they already read as expired;
    this keeps SQL filters on the column honest). For the worker; returns how many changed."""
    result = session.exec(
        update(CandidateSession)
        .where(
            col(CandidateSession.status) == SessionStatus.active,
            col(CandidateSession.deadline_at).is_not(None),
            col(CandidateSession.deadline_at) <= utcnow(),
        )
        .values(status=SessionStatus.expired)
    )
    session.commit()
    return result.rowcount


def public_session(session: Session, *, candidate_session: CandidateSession) -> SessionPublic:
    """The session as the REST contract shows it, with its derived status."""
    key = session.get(CandidateKey, candidate_session.candidate_key_id)
    assessment = session.get(Assessment, candidate_session.assessment_id)
    return SessionPublic(
        id=candidate_session.id,
        org_id=candidate_session.org_id,
        assessment_id=candidate_session.assessment_id,
        key_id=candidate_session.candidate_key_id,
        key=key.key if key is not None else "",
        candidate_name=key.candidate_name if key is not None else None,
        candidate_email=key.candidate_email if key is not None else None,
        status=session_status(candidate_session),
        started_at=iso(candidate_session.started_at),
        deadline_at=iso(candidate_session.deadline_at),
        completed_at=iso(candidate_session.completed_at),
        time_limit_minutes=assessment.time_limit_minutes if assessment is not None else None,
    )
