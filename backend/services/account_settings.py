"""What a member changes about their own account: their password (the current one required)
and the time zone the pages show times in."""

from __future__ import annotations

from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlmodel import Session

from backend.models import Member
from backend.services.account_links import replace_password
from backend.services.errors import InvalidInput, NotFound, Unauthorized
from backend.services.sign_in import sign_in

UTC_NAME = "UTC"
WRONG_PASSWORD = "Your current password is not right."


@cache
def timezone_names() -> tuple[str, ...]:
    """Every IANA time zone name this system knows (``Europe/Paris``), sorted, UTC first."""
    names = {
        n for n in available_timezones() if "/" in n and not n.startswith(("Etc/", "SystemV/"))
    }
    return (UTC_NAME, *sorted(names))


def zone(name: str | None) -> ZoneInfo:
    """The zone a member's times are shown in: theirs, or UTC when unset or unknown."""
    try:
        return ZoneInfo(name or UTC_NAME)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(UTC_NAME)


def _member(session: Session, member_id: str) -> Member:
    member = session.get(Member, member_id)
    if member is None or not member.is_active:
        raise NotFound("Member not found.")
    return member


def change_password(
    session: Session,
    *,
    member_id: str,
    current: str,
    new: str,
    token: str,
    client_address: str,
) -> None:
    """Replace the password after checking the current one (counted like a sign-in, so a
    borrowed session cannot be used to guess it); every other browser is signed out, the one
    holding ``token`` stays signed in."""
    member = _member(session, member_id)
    try:
        sign_in(session, email=member.email, password=current, client_address=client_address)
    except Unauthorized:
        raise InvalidInput(WRONG_PASSWORD, code="wrong_password") from None
    if new == current:
        raise InvalidInput("Choose a password different from the current one.")
    replace_password(session, member=_member(session, member_id), password=new, keep_token=token)


def set_timezone(session: Session, *, member_id: str, name: str) -> Member:
    """Show this member's times in ``name`` (an IANA name; "" or UTC: UTC)."""
    name = name.strip()
    if name and name != UTC_NAME and name not in timezone_names():
        raise InvalidInput("Choose a time zone from the list, like Europe/Paris.")
    member = _member(session, member_id)
    member.timezone = None if name in ("", UTC_NAME) else name
    session.add(member)
    session.commit()
    session.refresh(member)
    return member
