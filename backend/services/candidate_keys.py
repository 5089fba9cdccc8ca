"""Candidate keys (seed 001): per assessment, expiring, revocable, redeemable once; invite
emails for keys generated with candidate emails; the organisation-wide candidate list."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import UTC, timedelta
from typing import Any
from urllib.parse import quote

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from backend.models.assessments import (
    Assessment,
    CandidateKey,
    CandidateListItem,
    CandidateSession,
    KeyPublic,
    KeysCreate,
    key_status,
)
from backend.models.base import iso, utcnow
from backend.services import mail
from backend.services.assessments import get_assessment
from backend.services.billing import gate
from backend.services.candidate_key_search import CandidateKeyFilter, find_candidate_keys
from backend.services.errors import Conflict, DomainError, NotFound, Unauthorized
from backend.services.organisations import get_organisation
from backend.services.ownership import find_owned
from backend.services.pagination import Page, paginate
from backend.settings import get_settings

# No I, O, 0 or 1: a key read aloud or copied from paper cannot be mistyped between them.
KEY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_KEY_COLUMN_LENGTH = 32
_GENERATION_TRIES = 5

DEFAULT_LIMIT, MIN_LIMIT, MAX_LIMIT = 50, 1, 200
# Beyond this PostgreSQL's OFFSET would overflow; no organisation has that many keys.
MAX_OFFSET = 2**31 - 1


def key_prefix() -> str:
    """The configured prefix, upper-cased because keys are matched upper-cased."""
    prefix = get_settings().candidate_key_prefix.strip().upper() or "TL"
    return prefix[: _KEY_COLUMN_LENGTH - len("-XXXX-XXXX")]


def new_key_string(prefix: str) -> str:
    """``PREFIX-XXXX-XXXX`` from an unambiguous alphabet, from the OS's secure random source."""
    groups = ("".join(secrets.choice(KEY_ALPHABET) for _ in range(4)) for _ in range(2))
    return "-".join((prefix, *groups))


def _fresh_key_strings(session: Session, count: int) -> list[str]:
    """``count`` distinct key strings that no stored key uses (collisions are astronomically
    rare in 32**8 combinations, but a duplicate must never reach a candidate)."""
    prefix = key_prefix()
    chosen: set[str] = set()
    while len(chosen) < count:
        batch = {new_key_string(prefix) for _ in range(count - len(chosen))} - chosen
        taken = set(session.exec(select(CandidateKey.key).where(col(CandidateKey.key).in_(batch))))
        chosen |= batch - taken
    return sorted(chosen)


def _time_limit_text(minutes: int | None) -> str:
    if minutes is None:
        return "none"
    return f"{minutes} minutes, counted from when you start"


def invite_link(key: str) -> str:
    """Where a candidate starts: the web app's candidate page with the key filled in."""
    return f"{get_settings().public_url.rstrip('/')}/candidate?key={quote(key)}"


def invite_email(*, assessment: Assessment, key: CandidateKey, org_name: str) -> tuple[str, str]:
    """Subject and plain-text body of the invite for one key."""
    expiry = key.expires_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    greeting = f"Hello {key.candidate_name}," if key.candidate_name else "Hello,"
    subject = f"{org_name} invites you to an assessment: {assessment.title}"
    body = "\n".join(
        [
            greeting,
            "",
            f"{org_name} invites you to a technical assessment for the role of {assessment.role}.",
            "",
            f"Assessment: {assessment.title}",
            f"Role: {assessment.role}",
            f"Time limit: {_time_limit_text(assessment.time_limit_minutes)}",
            f"Your key: {key.key}",
            f"Start before: {expiry} (the key expires then)",
            "",
            "Start here:",
            invite_link(key.key),
            "",
            "How your work is evaluated: automated tools help evaluate your work (for example "
            "by running its tests and analysing the code), and people at "
            f"{org_name} review the results and make every decision. If you would prefer an "
            "alternative process, or need an adjustment, reply to this email and tell us.",
            "",
            "The key is personal: please do not share it.",
        ]
    )
    return subject, body


def generate_keys(
    session: Session, *, org_id: str, assessment_id: str, data: KeysCreate, billed: bool = True
) -> list[CandidateKey]:
    """Create ``data.count`` keys that expire ``expiresInDays`` from now, and queue one invite
    email per candidate email (sent by ``mail.deliver_pending``). Keys and emails are saved in
    one transaction: no key without its invite, no invite without its key. Every path that
    makes keys (REST, web app, an ATS) comes here: where billing applies, 402 without an
    active subscription. ``billed=False`` only for the demo organisation's data."""
    if billed:
        gate.require_subscription(session, org_id=org_id)
    assessment = get_assessment(session, org_id=org_id, assessment_id=assessment_id)
    org_name = data.org_name or get_organisation(session, org_id=org_id).name
    emails = data.candidate_emails or []
    names = data.candidate_names or []
    for _ in range(_GENERATION_TRIES):
        now = utcnow()
        expires_at = now + timedelta(days=assessment.expires_in_days)
        keys = [
            CandidateKey(
                org_id=org_id,
                assessment_id=assessment.id,
                key=value,
                candidate_email=emails[i] if i < len(emails) else None,
                candidate_name=(names[i] or None) if i < len(names) else None,
                # Distinct timestamps keep "ordered by creation" equal to request order.
                created_at=now + timedelta(microseconds=i),
                expires_at=expires_at,
            )
            for i, value in enumerate(_fresh_key_strings(session, data.count))
        ]
        session.add_all(keys)
        for key in keys:
            if key.candidate_email:
                subject, body = invite_email(assessment=assessment, key=key, org_name=org_name)
                mail.queue_email(
                    session,
                    org_id=org_id,
                    to=key.candidate_email,
                    subject=subject,
                    body=body,
                    purpose=mail.CANDIDATE_INVITE,
                    related_id=key.id,
                    commit=False,
                )
        try:
            session.commit()
        except IntegrityError:
            # A concurrent request stored one of these strings first; draw again.
            session.rollback()
            continue
        for key in keys:
            session.refresh(key)
        return keys
    raise Conflict("Could not generate unique candidate keys; please try again.")


def list_keys(session: Session, *, org_id: str, assessment_id: str) -> list[CandidateKey]:
    """The assessment's keys that are not revoked, in creation order."""
    assessment = get_assessment(session, org_id=org_id, assessment_id=assessment_id)
    return list(
        session.exec(
            select(CandidateKey)
            .where(
                CandidateKey.assessment_id == assessment.id,
                col(CandidateKey.revoked_at).is_(None),
            )
            .order_by(col(CandidateKey.created_at), col(CandidateKey.id))
        )
    )


def page_of_keys(
    session: Session, *, org_id: str, assessment_id: str, page: int, size: int
) -> Page[CandidateKey]:
    """One page of the assessment's keys that are not revoked, newest first (the web app's
    table; past the last page, the last)."""
    assessment = get_assessment(session, org_id=org_id, assessment_id=assessment_id)
    newest_first = (
        select(CandidateKey)
        .where(CandidateKey.assessment_id == assessment.id, col(CandidateKey.revoked_at).is_(None))
        .order_by(col(CandidateKey.created_at).desc(), col(CandidateKey.id).desc())
    )
    return paginate(session, newest_first, page=page, size=size, clamp=True)


def revoke_key(session: Session, *, org_id: str, assessment_id: str, key_id: str) -> CandidateKey:
    """Revoke one key; NotFound when it is missing, already revoked or of another assessment."""
    assessment = get_assessment(session, org_id=org_id, assessment_id=assessment_id)
    key = find_owned(session, CandidateKey, key_id, org_id=org_id)
    if key is None or key.assessment_id != assessment.id or key.revoked_at is not None:
        raise NotFound("Candidate key not found.")
    key.revoked_at = utcnow()
    session.add(key)
    session.commit()
    session.refresh(key)
    return key


def find_candidate_key(session: Session, *, raw: str) -> CandidateKey | None:
    """The stored key matching what a candidate typed (case and surrounding spaces ignored),
    revoked or not; None when nothing matches."""
    value = raw.strip().upper()
    if not value or len(value) > _KEY_COLUMN_LENGTH or "\x00" in value:
        return None
    return session.exec(select(CandidateKey).where(CandidateKey.key == value)).first()


class KeyExpired(DomainError):
    """A candidate key past its expiry that was never redeemed."""

    status_code = 410
    code = "key_expired"


def usable_candidate_key(session: Session, *, raw: str) -> tuple[CandidateKey, Assessment]:
    """The key a candidate typed and its assessment, when the key may be used: known, not
    revoked, its assessment not deleted, and either redeemed (the session's deadline governs
    from then on) or not yet expired. Unauthorized (401) or KeyExpired (410) otherwise."""
    key = find_candidate_key(session, raw=raw)
    if key is None:
        raise Unauthorized(
            "Unknown candidate key. Check it against your invitation.",
            code="invalid_candidate_key",
        )
    if key.revoked_at is not None:
        raise Unauthorized("This candidate key has been revoked.", code="invalid_candidate_key")
    assessment = session.get(Assessment, key.assessment_id)
    if assessment is None or assessment.deleted_at is not None:
        raise Unauthorized(
            "The assessment for this key no longer exists.", code="invalid_candidate_key"
        )
    if key.session_id is None and key.expires_at <= utcnow():
        raise KeyExpired(
            f"This candidate key expired at {iso(key.expires_at)}. Ask the organisation that "
            "invited you for a new key."
        )
    return key, assessment


def sessions_by_key(session: Session, keys: Sequence[CandidateKey]) -> dict[str, CandidateSession]:
    key_ids = [k.id for k in keys if k.session_id]
    if not key_ids:
        return {}
    rows = session.exec(
        select(CandidateSession).where(col(CandidateSession.candidate_key_id).in_(key_ids))
    )
    return {row.candidate_key_id: row for row in rows}


def _key_fields(key: CandidateKey, status: str) -> dict[str, Any]:
    return {
        "id": key.id,
        "key": key.key,
        "status": status,
        "candidate_email": key.candidate_email,
        "candidate_name": key.candidate_name,
        "session_id": key.session_id,
        "expires_at": iso(key.expires_at),
        "redeemed_at": iso(key.redeemed_at),
        "completed_at": iso(key.completed_at),
        "created_at": iso(key.created_at),
    }


def public_keys(session: Session, *, keys: Sequence[CandidateKey]) -> list[KeyPublic]:
    """Keys as the REST contract shows them, each with its derived status."""
    sessions = sessions_by_key(session, keys)
    now = utcnow()
    return [
        KeyPublic(**_key_fields(key, key_status(key, sessions.get(key.id), now))) for key in keys
    ]


def _as_int(raw: str | int | None) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str):
        try:
            return int(raw.strip())
        except ValueError:  # also raised for absurdly long digit strings
            return None
    return None


def clamp_limit_offset(
    limit_raw: str | int | None, offset_raw: str | int | None
) -> tuple[int, int]:
    """Seed 001 pagination from raw query values: a limit that is not an integer means the
    default 50, any other limit is clamped to 1..200; an offset that is not an integer or is
    negative means 0. Never an error."""
    limit = _as_int(limit_raw)
    offset = _as_int(offset_raw)
    limit = DEFAULT_LIMIT if limit is None else min(max(limit, MIN_LIMIT), MAX_LIMIT)
    offset = 0 if offset is None else min(max(offset, 0), MAX_OFFSET)
    return limit, offset


def list_candidate_keys(
    session: Session,
    *,
    org_id: str,
    limit: str | int | None,
    offset: str | int | None,
    where: CandidateKeyFilter | None = None,
) -> dict[str, Any]:
    """GET /candidates (seed 001): the organisation's live keys across its live assessments,
    newest first (a key just generated is on the first page) unless ``where`` narrows or
    orders them otherwise, each with its assessment's id and title:
    ``{"candidates": [...], "total": n, "limit": l, "offset": o}``. Limit and offset are
    clamped as ``clamp_limit_offset`` describes."""
    limit, offset = clamp_limit_offset(limit, offset)
    rows, total = find_candidate_keys(
        session, org_id=org_id, where=where, limit=limit, offset=offset
    )
    sessions = sessions_by_key(session, [key for key, _ in rows])
    now = utcnow()
    candidates = [
        CandidateListItem(
            **_key_fields(key, key_status(key, sessions.get(key.id), now)),
            assessment_id=assessment.id,
            assessment_title=assessment.title,
        ).model_dump(by_alias=True)
        for key, assessment in rows
    ]
    return {"candidates": candidates, "total": total, "limit": limit, "offset": offset}
