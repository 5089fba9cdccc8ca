"""Candidate keys typed or sent by someone who may be guessing: each address, and each key,
may fail only so often (``ADDRESS_CANDIDATE_KEY`` and ``CANDIDATE_KEY`` in
``backend.services.throttle``: 10 failures within 10 minutes close it for 10 minutes).

A failure is a key that opens nothing: unknown, revoked, for a deleted assessment, or expired.
The web app's candidate page checks keys here; the API counts the same failures in
``backend.api.candidate_key_throttle``."""

from __future__ import annotations

from sqlmodel import Session

from backend.models.assessments import Assessment, CandidateKey
from backend.models.base import utcnow
from backend.services import throttle
from backend.services.candidate_keys import KeyExpired, usable_candidate_key
from backend.services.errors import Unauthorized
from backend.services.throttle import ADDRESS_CANDIDATE_KEY, CANDIDATE_KEY, Closed, Rule, Throttled


def checks(raw: str | None, client_address: str) -> list[tuple[Rule, str]]:
    """The buckets one check of ``raw`` from ``client_address`` counts against."""
    out = [(ADDRESS_CANDIDATE_KEY, client_address or "unknown")]
    if raw and raw.strip():
        out.append((CANDIDATE_KEY, raw.strip().upper()))
    return out


def refusal(closed: Closed) -> Throttled:
    seconds = closed.retry_after(utcnow())
    wait = throttle.minutes_text(seconds)
    if closed.rule is CANDIDATE_KEY:
        message = f"This key was tried too many times. Try again in {wait}."
    else:
        message = f"Too many candidate keys were tried from your network. Try again in {wait}."
    return Throttled(message, retry_after=seconds)


def refuse_if_closed(session: Session, raw: str | None, client_address: str) -> None:
    """Throttled (429) when the address or the key may not be checked now."""
    if closed := throttle.first_closed(session, checks(raw, client_address)):
        raise refusal(closed)


def record_failure(session: Session, raw: str | None, client_address: str) -> None:
    throttle.record(session, checks(raw, client_address))


def checked_candidate_key(
    session: Session, *, raw: str, client_address: str
) -> tuple[CandidateKey, Assessment]:
    """``usable_candidate_key`` for someone who may be guessing: Throttled (429) while their
    address or this key is closed, and every failure counted."""
    refuse_if_closed(session, raw, client_address)
    try:
        return usable_candidate_key(session, raw=raw)
    except (Unauthorized, KeyExpired):
        session.rollback()
        record_failure(session, raw, client_address)
        raise
