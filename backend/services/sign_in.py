"""Password sign-in with lockout: an account, and a client address, that failed too often within
a while are refused for a while, the right password too (rules in ``backend.services.throttle``).

Every try is counted before its password is checked, so tries sent in parallel are counted
as they arrive rather than after their slow hashes; a success takes its own count back and
clears the account's failures (never the address's)."""

from __future__ import annotations

from sqlmodel import Session

from backend.models import Member
from backend.models.base import utcnow
from backend.services import throttle
from backend.services.errors import InvalidInput
from backend.services.organisations import authenticate, normalise_email
from backend.services.throttle import ACCOUNT_SIGN_IN, ADDRESS_SIGN_IN, Closed, Throttled


def _account(email: str) -> str:
    try:
        return normalise_email(email)
    except InvalidInput:
        return email.strip().lower()


def _refusal(closed: Closed) -> Throttled:
    seconds = closed.retry_after(utcnow())
    wait = throttle.minutes_text(seconds)
    if closed.rule is ACCOUNT_SIGN_IN:
        message = (
            f"This account is locked after {ACCOUNT_SIGN_IN.limit} wrong passwords. "
            f"Try again in {wait}."
        )
    else:
        message = f"Too many failed sign-ins from your network. Try again in {wait}."
    return Throttled(message, retry_after=seconds)


def sign_in(session: Session, *, email: str, password: str, client_address: str) -> Member:
    """The member with these credentials; Unauthorized for wrong ones, Throttled (429) while
    the account or the address is locked."""
    checks = [(ACCOUNT_SIGN_IN, _account(email)), (ADDRESS_SIGN_IN, client_address or "unknown")]
    if closed := throttle.first_closed(session, checks):
        raise _refusal(closed)
    pending = throttle.record(session, checks)
    member = authenticate(session, email=email, password=password)  # Unauthorized: counted
    throttle.forget(session, ids=pending, reset=checks[:1])
    return member
