"""Candidate sessions.

Redeeming authenticates with the candidate key itself as the bearer token
(``Authorization: Bearer TL-XXXX-XXXX``), the way the seed 001 CLI calls the API; a body
``{"key": ...}`` is accepted too when no bearer token is sent. An organisation API key cannot
redeem. Reading and completing a session accepts the organisation key (scope assessments) or the
candidate key that started that session; recording an outcome (PATCH) needs the organisation key.

Seed 001's candidate client also posts session events (``POST /sessions/{id}/events``, what the
cohort statistics are computed from) and submits the take-home (``POST /sessions/{id}/
submission``, which creates a seed 000 evaluation). Both take only the candidate key that started
the session: an organisation key is refused (403 ``candidate_key_required``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body

from backend.api.deps import (
    AssessmentsOrCandidate,
    AssessmentsPrincipal,
    BearerCredentials,
    Principal,
    SessionDep,
    bearer_token,
)
from backend.api.errors import BadRequestOnInvalidBodyRoute
from backend.api.openapi_responses import raises
from backend.models.assessments import RedeemRequest, SessionEnvelope, SessionUpdate
from backend.models.evaluations import (
    SessionEventsAccepted,
    SessionEventsIn,
    SubmissionEnvelope,
    SubmissionIn,
)
from backend.services import api_keys, candidate_sessions
from backend.services.errors import Forbidden, InvalidInput, Unauthorized
from backend.services.evaluations import cohort, session_submission

router = APIRouter(prefix="/sessions", tags=["sessions"], route_class=BadRequestOnInvalidBodyRoute)

# The candidate key that started a session reads and completes it (its own expiry no longer
# counts once redeemed: the session's deadline does); otherwise an organisation key.
SessionCaller = AssessmentsOrCandidate


@router.post("/redeem", status_code=201, response_model=SessionEnvelope, responses=raises(409, 410))
def redeem(
    db: SessionDep,
    credentials: BearerCredentials,
    body: Annotated[RedeemRequest | None, Body()] = None,
) -> SessionEnvelope:
    """Start the session for a candidate key, once: 409 when already redeemed, 410 when the key
    expired, 401 when it is unknown or revoked."""
    bearer_key = bearer_token(credentials)
    body_key = body.key if body is not None else None
    if bearer_key.startswith(api_keys.KEY_PREFIX):
        raise Forbidden(
            "Redeem with the candidate key as the bearer token, not an organisation API key.",
            code="candidate_key_required",
        )
    if bearer_key and body_key and bearer_key.upper() != body_key.strip().upper():
        raise InvalidInput("The key in the body differs from the bearer token; send one key.")
    raw = bearer_key or body_key
    if not raw:
        raise Unauthorized(
            "Missing candidate key. Send it as 'Authorization: Bearer <key>'.",
            code="missing_api_key",
        )
    row = candidate_sessions.redeem_key(db, key=raw)
    return SessionEnvelope(session=candidate_sessions.public_session(db, candidate_session=row))


@router.get("/{session_id}", response_model=SessionEnvelope)
def get_session(session_id: str, db: SessionDep, who: SessionCaller) -> SessionEnvelope:
    """A session, for the organisation or for the candidate whose key started it."""
    row = candidate_sessions.get_candidate_session(
        db, org_id=who.org_id, session_id=session_id, candidate_key_id=who.candidate_key_id
    )
    return SessionEnvelope(session=candidate_sessions.public_session(db, candidate_session=row))


@router.post("/{session_id}/complete", response_model=SessionEnvelope, responses=raises(409))
def complete_session(session_id: str, db: SessionDep, who: SessionCaller) -> SessionEnvelope:
    """Finish an active session (repeating it changes nothing; 409 once expired or hired)."""
    row = candidate_sessions.complete_session(
        db, org_id=who.org_id, session_id=session_id, candidate_key_id=who.candidate_key_id
    )
    return SessionEnvelope(session=candidate_sessions.public_session(db, candidate_session=row))


@router.patch("/{session_id}", response_model=SessionEnvelope, responses=raises(409))
def update_session(
    session_id: str, body: SessionUpdate, db: SessionDep, who: AssessmentsPrincipal
) -> SessionEnvelope:
    """Record the outcome: ``completed``, ``expired`` or ``hired``."""
    row = candidate_sessions.set_session_status(
        db, org_id=who.org_id, session_id=session_id, status=body.status
    )
    return SessionEnvelope(session=candidate_sessions.public_session(db, candidate_session=row))


def _candidate_key_id(who: Principal) -> str:
    if who.candidate_key_id is None:
        raise Forbidden(
            "Only the candidate key that started this session can do this.",
            code="candidate_key_required",
        )
    return who.candidate_key_id


@router.post(
    "/{session_id}/events",
    status_code=201,
    response_model=SessionEventsAccepted,
    responses=raises(409),
)
def record_events(
    session_id: str, body: SessionEventsIn, db: SessionDep, who: SessionCaller
) -> SessionEventsAccepted:
    """Record 1 to 500 events (or one event object) of an active session: ``prompt``,
    ``command`` with ``exitCode`` (``verification: true`` for commands that check the work),
    ``edit`` with ``editKind`` manual or assisted, ``test_run`` with ``passed`` and ``failed``.
    409 once the session is no longer active."""
    accepted = cohort.record_events(
        db, candidate_key_id=_candidate_key_id(who), session_id=session_id, events=body.events
    )
    return SessionEventsAccepted(accepted=accepted, session_id=session_id)


@router.post(
    "/{session_id}/submission",
    status_code=201,
    response_model=SubmissionEnvelope,
    responses=raises(402, 409),
)
def submit(
    session_id: str, body: SubmissionIn, db: SessionDep, who: SessionCaller
) -> SubmissionEnvelope:
    """Submit the take-home: ``repoUrl`` or the ``uploadId`` of a zip uploaded with this key.
    One submission per session (409 ``already_submitted``); after the deadline it is accepted
    and marked ``submittedLate``."""
    evaluation = session_submission.submit_from_session(
        db, candidate_key_id=_candidate_key_id(who), session_id=session_id, data=body
    )
    return SubmissionEnvelope(submission=session_submission.public_submission(evaluation))
