"""Uploads per client address and per credential (``throttle.ADDRESS_UPLOAD``,
``throttle.CREDENTIAL_UPLOAD``): every upload counts, whatever its outcome, and once either
bucket is full the next upload is refused with 429 ``rate_limited`` and ``Retry-After`` before
a byte of its body is read. Counted in the database, so every web host counts together."""

from __future__ import annotations

from sqlmodel import Session

from backend.services import throttle
from backend.services.throttle import Throttled


def admit_upload(session: Session, *, address: str, credential: str | None) -> None:
    """Count one upload from ``address`` with ``credential`` (a bearer token, a candidate key's
    id, an interview link's token), or raise ``Throttled`` when either has uploaded too much."""
    checks = [(throttle.ADDRESS_UPLOAD, address)]
    if credential:
        checks.append((throttle.CREDENTIAL_UPLOAD, credential))
    closed = throttle.first_closed(session, checks)
    if closed is not None:
        wait = closed.retry_after(throttle.utcnow())
        raise Throttled(
            f"Too many uploads; try again in {throttle.minutes_text(wait)}.", retry_after=wait
        )
    throttle.record(session, checks)
