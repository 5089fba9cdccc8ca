"""Billing periods: one calendar month from the day the plan started (Stripe's default)."""

from __future__ import annotations

import calendar
from datetime import datetime


def add_month(moment: datetime) -> datetime:
    """The same day and time a month later; the 31st becomes the month's last day."""
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def period_covering(start: datetime, end: datetime, now: datetime) -> tuple[datetime, datetime]:
    """The period, continuing from ``start``–``end`` a month at a time, that contains ``now``."""
    while end <= now:
        start, end = end, add_month(end)
    return start, end
