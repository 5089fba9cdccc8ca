"""How values read on the pages: dates and durations as short, unambiguous text."""

from __future__ import annotations

from datetime import UTC, datetime

from backend.services.invite_delivery import InviteDelivery


def when(value: datetime | None, empty: str = "—") -> str:
    """``2026-05-04 14:03 UTC``; ``empty`` for a missing value."""
    if value is None:
        return empty
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


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
