"""The outbox: rows that stand for something to send (an evaluation callback, a tenant webhook
delivery, an email), each attempt sent by exactly one sender.

A table is an outbox when it has a state (pending, then delivered or failed), an attempt count,
a last error and an in-flight marker; :class:`Outbox` names those columns. Several senders may
work at once (overlapping sweeps, several consumers, the web app's background task), so:

- **Claim.** A sender reads the due rows as plain ``(id, marker)`` pairs (:class:`Due`) before
  any commit (a row reloaded after another sender's claim would carry that claim as if it were
  what this sender saw), then claims each with one guarded UPDATE: the row is still pending and
  its marker is what the sender saw. Of senders racing for one attempt exactly one UPDATE
  changes the row, on SQLite and PostgreSQL alike. The claim counts the attempt and moves the
  marker: the due time to ``now + IN_FLIGHT`` (a crash mid-send makes the row due again after
  that), or, for an outbox without a due time, the attempt count itself.
- **Send.** The kind's ``send`` function turns the row into a request and says how it went
  (:class:`Attempt`).
- **Record.** The outcome is written only if the marker is still the claimed one: a row queued
  again while it was being sent (a replay, a newer evaluation event) must still go out.
  A failure is retried after :func:`retry_delay`, up to ``max_attempts``; a permanent one
  (an address that may never be called) fails at once.

An email is the one way something can go out twice: a crash between sending and recording.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Generic, NamedTuple, TypeVar

from sqlalchemy import ColumnElement
from sqlmodel import Session, SQLModel, col, select, update

from backend.models.base import utcnow

log = logging.getLogger(__name__)

# Sixteen attempts: the last about three days after the first.
MAX_ATTEMPTS = 16
FIRST_DELAY = timedelta(minutes=1)
MAX_DELAY = timedelta(hours=12)
JITTER = 0.2
BATCH = 50
# While one sender sends, the row is not due for others (two senders never send one attempt
# at once); a crash mid-send makes it due again after this.
IN_FLIGHT = timedelta(minutes=2)

Row = TypeVar("Row", bound=SQLModel)


def retry_delay(attempts: int, *, rng: random.Random | None = None) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt (1-based): ``1 min ×
    2^(attempts-1)``, capped at 12 h, with ±20 % jitter so receivers coming back from an outage
    are not hit by every sender at once."""
    base = min(FIRST_DELAY * (2 ** max(attempts - 1, 0)), MAX_DELAY)
    factor = 1 + (rng or random).uniform(-JITTER, JITTER)
    return base * factor


@dataclass(frozen=True)
class States:
    """The values of an outbox's state column."""

    pending: str = "pending"
    delivered: str = "delivered"
    failed: str = "failed"


@dataclass(frozen=True)
class Attempt:
    """How one send went. ``error`` None: the receiver took it."""

    error: str | None = None
    # Retrying cannot help (an address that may never be called): failed at once.
    permanent: bool = False
    # The rest of the batch would fail the same way (the SMTP connection broke): stop it.
    stop: bool = False
    # Further columns of the row's delivery log (the answer's status code and excerpt).
    logged: dict[str, Any] = field(default_factory=dict)


class Due(NamedTuple):
    """A row due to be sent, as the sender saw it before any commit."""

    id: str
    marker: Any  # the due time, or the attempt count of an outbox without one


Send = Callable[[Session, Row], Attempt]


@dataclass(frozen=True)
class Outbox(Generic[Row]):
    """A table used as an outbox, by the names of its columns."""

    name: str  # in logs: "evaluation callback"
    table: type[Row]
    state: str = "state"
    attempts: str = "attempts"
    last_error: str = "last_error"
    # The due time, which is also the in-flight marker. None: due is worked out from the row
    # (the email outbox), and the attempt count is the marker.
    next_at: str | None = "next_at"
    # Set to the time of the delivery, when the table keeps it.
    delivered_at: str | None = None
    states: States = States()
    max_attempts: int = MAX_ATTEMPTS
    error_limit: int = 500
    # Whatever else a delivery changes, saved with its outcome (an invite's sent time).
    on_delivered: Callable[[Session, Row, datetime], None] | None = None
    # Asks an ``ops`` worker to send what is due now (``backend.services.dispatch``).
    ask_a_worker: Callable[[], None] | None = None

    def __post_init__(self) -> None:
        for name in (self.state, self.attempts, self.last_error, self.next_at, self.delivered_at):
            if name is not None and not hasattr(self.table, name):
                raise AttributeError(f"{self.table.__name__} has no column {name!r}")

    def column(self, name: str) -> ColumnElement[Any]:
        return col(getattr(self.table, name))

    @property
    def marker(self) -> str:
        return self.next_at or self.attempts

    def claimed_marker(self, seen: Any, now: datetime) -> Any:
        return now + IN_FLIGHT if self.next_at else seen + 1

    def guard(self, row_id: str, marker: Any) -> tuple[ColumnElement[bool], ...]:
        """The row is still pending and its marker is ``marker``."""
        return (
            self.column("id") == row_id,
            self.column(self.state) == self.states.pending,
            self.column(self.marker) == marker,
        )


def due(session: Session, outbox: Outbox[Any], *, now: datetime, limit: int = BATCH) -> list[Due]:
    """The pending rows whose due time has come, earliest first (an outbox with a due time)."""
    assert outbox.next_at is not None, f"the {outbox.name} outbox has no due time"
    next_at = outbox.column(outbox.next_at)
    rows = session.exec(
        select(outbox.column("id"), next_at)
        .where(outbox.column(outbox.state) == outbox.states.pending, next_at <= now)
        .order_by(next_at)
        .limit(limit)
    ).all()
    return [Due(row_id, marker) for row_id, marker in rows]


def claim(session: Session, outbox: Outbox[Any], due_row: Due, *, now: datetime) -> bool:
    """Compare-and-set: this sender, and no other, sends the attempt ``due_row`` stands for."""
    values: dict[str, Any] = {outbox.attempts: outbox.column(outbox.attempts) + 1}
    if outbox.next_at:
        values[outbox.next_at] = outbox.claimed_marker(due_row.marker, now)
    result = session.exec(
        update(outbox.table).where(*outbox.guard(due_row.id, due_row.marker)).values(**values)
    )
    session.commit()
    return result.rowcount == 1


def _outcome(outbox: Outbox[Any], attempt: Attempt, attempts: int, now: datetime) -> dict[str, Any]:
    values: dict[str, Any] = dict(attempt.logged)
    if attempt.error is None:
        values |= {outbox.state: outbox.states.delivered, outbox.last_error: None}
        if outbox.delivered_at:
            values[outbox.delivered_at] = now
        if outbox.next_at:
            values[outbox.next_at] = None
        return values
    values[outbox.last_error] = attempt.error[: outbox.error_limit]
    if attempt.permanent or attempts >= outbox.max_attempts:
        values[outbox.state] = outbox.states.failed
        if outbox.next_at:
            values[outbox.next_at] = None
    elif outbox.next_at:
        values[outbox.next_at] = now + retry_delay(attempts)
    return values


def deliver_one(
    session: Session, outbox: Outbox[Row], due_row: Due, send: Send[Row], *, now: datetime
) -> Attempt | None:
    """Claim, send and record one attempt; None, sending nothing, when another sender claimed
    it first."""
    if not claim(session, outbox, due_row, now=now):
        return None
    claimed = outbox.claimed_marker(due_row.marker, now)
    row = session.get(outbox.table, due_row.id)
    if row is None:
        return None
    attempts = getattr(row, outbox.attempts)
    attempt = send(session, row)
    if attempt.error is not None:
        log.info("%s %s failed (attempt %d): %s", outbox.name, due_row.id, attempts, attempt.error)
    result = session.exec(
        update(outbox.table)
        .where(*outbox.guard(due_row.id, claimed))
        .values(**_outcome(outbox, attempt, attempts, now))
    )
    if result.rowcount == 1 and attempt.error is None and outbox.on_delivered is not None:
        outbox.on_delivered(session, row, now)
    session.commit()
    return attempt


def deliver(
    session: Session,
    outbox: Outbox[Row],
    due_rows: Sequence[Due],
    send: Send[Row],
    *,
    now: datetime | None = None,
) -> int:
    """Send each of ``due_rows`` that no other sender takes first; returns how many receivers
    took theirs. One broken row does not stop the others."""
    now = now or utcnow()
    delivered = 0
    for due_row in due_rows:
        try:
            attempt = deliver_one(session, outbox, due_row, send, now=now)
        except Exception:
            session.rollback()
            log.exception("sending %s %s failed", outbox.name, due_row.id)
            continue
        if attempt is None:
            continue
        delivered += attempt.error is None
        if attempt.stop:
            break
    return delivered


def deliver_due(
    session: Session, outbox: Outbox[Row], send: Send[Row], *, now: datetime | None = None
) -> int:
    """Send what is due (at most a batch per call); several senders may call this at once, each
    due attempt is sent by one of them. Returns how many receivers took theirs."""
    now = now or utcnow()
    return deliver(session, outbox, due(session, outbox, now=now), send, now=now)


def wake(outbox: Outbox[Any]) -> None:
    """Ask an ``ops`` worker to send what is due now; best effort (the minute sweep sends it
    otherwise)."""
    if outbox.ask_a_worker is None:
        return
    try:
        outbox.ask_a_worker()
    except Exception:  # the queue is down: the minute sweep sends them
        log.warning("could not ask a worker to send the %s outbox now", outbox.name)
