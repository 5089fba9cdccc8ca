"""Lockout after repeated failed credential checks, counted in the database so that it holds
across every web host of the installation.

A rule allows ``limit`` failures of one subject (an account, a client address, a candidate key)
within ``window``; the failure that reaches the limit closes the subject's bucket for
``lockout`` from that moment, and every check while it is closed is refused without being
tried (the right password too). A success can reset a bucket (an account's, never an
address's). The rules, in one place:

=========================  ====================  =======================================
rule                       limit                 closed for
=========================  ====================  =======================================
``ACCOUNT_SIGN_IN``        10 wrong passwords    15 minutes after the 10th (within 15 min)
``ADDRESS_SIGN_IN``        30 failed sign-ins    15 minutes after the 30th (within 15 min)
``ADDRESS_CANDIDATE_KEY``  10 failed key checks  10 minutes after the 10th (within 10 min)
``CANDIDATE_KEY``          10 failed checks      10 minutes after the 10th (within 10 min)
``ACCOUNT_RESET``          5 reset requests      1 hour after the 5th (within 1 hour)
``ADDRESS_RESET``          20 reset requests     1 hour after the 20th (within 1 hour)
``ADDRESS_UPLOAD``         120 uploads           10 minutes after the 120th (within 10 min)
``CREDENTIAL_UPLOAD``      60 uploads            10 minutes after the 60th (within 10 min)
=========================  ====================  =======================================

A password reset request counts as a "failure" of its rules whatever the outcome, so that
neither an inbox nor the mail server can be flooded with reset emails; so does an upload (a zip,
a recording, a transcript, a browser-interview answer: ``backend.services.upload_throttle``),
per client address and per credential (API key, candidate key or interview link), so that
neither can flood the store or the workers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from backend.models.base import utcnow
from backend.models.throttling import SignInAttempt
from backend.services.errors import DomainError
from backend.services.hashing import sha256_hex

# Rows older than this belong to no open window of any rule and are deleted as new ones arrive.
_KEEP = timedelta(days=1)


@dataclass(frozen=True)
class Rule:
    name: str
    limit: int
    window: timedelta
    lockout: timedelta

    def bucket(self, subject: str) -> str:
        return f"{self.name}:{sha256_hex(subject)}"


ACCOUNT_SIGN_IN = Rule("account", 10, timedelta(minutes=15), timedelta(minutes=15))
ADDRESS_SIGN_IN = Rule("sign-in-address", 30, timedelta(minutes=15), timedelta(minutes=15))
ADDRESS_CANDIDATE_KEY = Rule("key-address", 10, timedelta(minutes=10), timedelta(minutes=10))
CANDIDATE_KEY = Rule("key", 10, timedelta(minutes=10), timedelta(minutes=10))
ACCOUNT_RESET = Rule("reset-account", 5, timedelta(hours=1), timedelta(hours=1))
ADDRESS_RESET = Rule("reset-address", 20, timedelta(hours=1), timedelta(hours=1))
ADDRESS_UPLOAD = Rule("upload-address", 120, timedelta(minutes=10), timedelta(minutes=10))
CREDENTIAL_UPLOAD = Rule("upload-credential", 60, timedelta(minutes=10), timedelta(minutes=10))


class Throttled(DomainError):
    """429: the subject's bucket is closed; ``retry_after`` is in whole seconds."""

    status_code = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, retry_after=retry_after)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Closed:
    rule: Rule
    until: datetime

    def retry_after(self, now: datetime) -> int:
        return max(1, math.ceil((self.until - now).total_seconds()))


def closed_until(failures: Sequence[datetime], rule: Rule, now: datetime) -> datetime | None:
    """When the bucket with these failure times (oldest first) opens again, or None if open:
    the latest run of ``limit`` failures within ``window`` keeps it closed for ``lockout``
    after its last failure."""
    until: datetime | None = None
    for last in range(rule.limit - 1, len(failures)):
        if failures[last] - failures[last - rule.limit + 1] <= rule.window:
            end = failures[last] + rule.lockout
            if end > now and (until is None or end > until):
                until = end
    return until


def _failures(session: Session, rule: Rule, subject: str, now: datetime) -> list[datetime]:
    since = now - rule.window - rule.lockout
    rows = session.exec(
        select(SignInAttempt.attempted_at)
        .where(SignInAttempt.bucket == rule.bucket(subject), SignInAttempt.attempted_at > since)
        .order_by(col(SignInAttempt.attempted_at))
    )
    return list(rows)


def first_closed(
    session: Session, checks: Iterable[tuple[Rule, str]], *, now: datetime | None = None
) -> Closed | None:
    """The closed bucket among ``checks`` (rule, subject) that stays closed longest, if any."""
    now = now or utcnow()
    found: Closed | None = None
    for rule, subject in checks:
        until = closed_until(_failures(session, rule, subject, now), rule, now)
        if until is not None and (found is None or until > found.until):
            found = Closed(rule, until)
    return found


def record(
    session: Session, checks: Iterable[tuple[Rule, str]], *, now: datetime | None = None
) -> list[str]:
    """File one failure under each (rule, subject) and commit; the new rows' ids (a check
    recorded before it is decided is taken back with :func:`forget` when it succeeds)."""
    now = now or utcnow()
    rows = [
        SignInAttempt(bucket=rule.bucket(subject), attempted_at=now) for rule, subject in checks
    ]
    session.add_all(rows)
    session.execute(delete(SignInAttempt).where(col(SignInAttempt.attempted_at) < now - _KEEP))
    session.commit()
    return [row.id for row in rows]


def forget(session: Session, *, ids: Sequence[str] = (), reset: Iterable[tuple[Rule, str]] = ()):
    """Take back the rows ``ids`` and empty the buckets in ``reset``; commit."""
    if ids:
        session.execute(delete(SignInAttempt).where(col(SignInAttempt.id).in_(list(ids))))
    for rule, subject in reset:
        session.execute(delete(SignInAttempt).where(SignInAttempt.bucket == rule.bucket(subject)))
    session.commit()


def minutes_text(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"
