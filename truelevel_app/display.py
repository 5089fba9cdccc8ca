"""How values read on the pages: dates and durations as short, unambiguous text.

Times are shown in the signed-in member's time zone (their account setting; UTC when unset or
for someone not signed in): ``AuthState`` calls :func:`show_times_in` whenever it resolves who
is asking, and :func:`when` reads it, so every page's times follow the setting without passing
it around. It is a context variable: each event handler (and each worker thread it starts with
``asyncio.to_thread``) sees the zone of the member it serves."""

from __future__ import annotations

from contextvars import ContextVar
from datetime import UTC, datetime

from backend.services.account_settings import zone
from backend.services.invite_delivery import InviteDelivery

_ZONE: ContextVar[str | None] = ContextVar("display_zone", default=None)


def show_times_in(name: str | None) -> None:
    """Show the times of this event (and what it starts) in the IANA zone ``name`` (None: UTC)."""
    _ZONE.set(name)


def when(value: datetime | None, empty: str = "—") -> str:
    """``2026-05-04 14:03 UTC`` (in the member's zone: ``2026-05-04 16:03 CEST``); ``empty``
    for a missing value."""
    if value is None:
        return empty
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(zone(_ZONE.get())).strftime("%Y-%m-%d %H:%M %Z")


def when_iso(value: str | None, empty: str = "—") -> str:
    """The same for an ISO 8601 timestamp as the REST shapes carry it."""
    if not value:
        return empty
    try:
        return when(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        return value


def minutes_text(minutes: int | None) -> str:
    if not minutes:
        return "No limit"
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{hours} h {rest} min"
    return f"{hours} h" if hours else f"{minutes} min"


def invite_text(delivery: InviteDelivery) -> str:
    """What the recruiter reads in the Invite column: whether the email really left."""
    if delivery.state == "none":
        return "No email (copy the link)"
    if delivery.state == "sent":
        return f"Sent {when(delivery.sent_at)}"
    reason = delivery.last_error or "no reason recorded"
    if delivery.state == "failed":
        return f"Failed after {delivery.attempts} attempts: {reason}"
    if delivery.state == "not_sent":
        return "Not sent: email is not set up"
    if delivery.attempts:
        noun = "attempt" if delivery.attempts == 1 else "attempts"
        return f"Queued, not sent yet ({delivery.attempts} {noun} failed: {reason})"
    return "Queued, not sent yet"
