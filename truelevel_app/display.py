"""How values read on the pages: dates and durations as short, unambiguous text."""

from __future__ import annotations

from datetime import UTC, datetime


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
