"""Result callbacks: when an evaluation has something new to say, its ``callback_url`` gets the
evaluation view (the body of ``GET /evaluations/{id}``) as a signed JSON POST.

Three moments queue a callback: the automated result is ready (stage ``awaiting_review``), a
reviewer finalised it (``completed``), or the engine failed (``failed``). Queueing marks the
row (``callback_state`` pending, due now) and asks an ``ops`` worker to send it at once; the
minute sweep calls :func:`deliver_due` too (retries, and anything whose message was lost). It
sends what is due, always the evaluation's *current* view, so a later event supersedes an
undelivered earlier one. The ``webhook-id`` is ``{evaluation id}.{stage}``: the same on every
retry of one event, different for the next event. Several workers may send at once (overlapping
sweeps, several consumers): each due event is claimed by one guarded UPDATE, and only the sender
whose UPDATE changed the row POSTs it.

Retries: a failed attempt (transport error, timeout, non-2xx answer) is tried again after
``1 min × 2^(attempt-1)``, capped at 12 h, with ±20 % jitter so receivers coming back from an
outage are not hit by every sender at once: 16 attempts, the last about three days after the
first. Then ``callback_state`` is ``failed``, as it is at once for an address that may never be
called (see ``backend.services.webhook_adapter``). ``callback_last_error`` says why.
"""

from __future__ import annotations

import json
import logging
import random
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlmodel import Session, col, select, update

from backend.models.base import utcnow
from backend.models.evaluations import CallbackState, Evaluation
from backend.services import dispatch, webhook_adapter
from backend.services.evaluations.queries import evaluation_view

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 16
FIRST_DELAY = timedelta(minutes=1)
MAX_DELAY = timedelta(hours=12)
JITTER = 0.2
BATCH = 50
# While one worker sends, the row is not due for others (two workers never send one event
# twice at once); a crash mid-send makes it due again after this.
IN_FLIGHT = timedelta(minutes=2)


def retry_delay(attempts: int, *, rng: random.Random | None = None) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt (1-based), jitter included."""
    base = min(FIRST_DELAY * (2 ** max(attempts - 1, 0)), MAX_DELAY)
    factor = 1 + (rng or random).uniform(-JITTER, JITTER)
    return base * factor


def queue_callback(session: Session, *, evaluation_id: str) -> bool:
    """Mark the evaluation's current state for delivery to its ``callback_url`` now (attempts
    start again from zero). False, and nothing changes, when it has no callback URL."""
    result = session.exec(
        update(Evaluation)
        .where(col(Evaluation.id) == evaluation_id, col(Evaluation.callback_url).is_not(None))
        .values(
            callback_state=CallbackState.pending.value,
            callback_attempts=0,
            callback_next_at=utcnow(),
            callback_last_error=None,
        )
    )
    session.commit()
    if result.rowcount != 1:
        return False
    try:
        dispatch.send_callbacks_now()
    except Exception:  # the queue is down: the minute sweep sends it
        log.warning("could not ask a worker to send the callback of %s now", evaluation_id)
    return True


def message_id(evaluation: Evaluation) -> str:
    """The Standard Webhooks message id of the evaluation's current event."""
    return f"{evaluation.id}.{evaluation.stage}"


def _claim(session: Session, *, evaluation_id: str, due_at: datetime, now: datetime) -> bool:
    """Compare-and-set: this sender, and no other, sends the callback that was due at
    ``due_at``. ``due_at`` is what the sender read before any commit (a value read after one
    could already be another sender's claim), and one UPDATE decides, so of senders racing for
    one row exactly one changes it; on SQLite and PostgreSQL alike."""
    result = session.exec(
        update(Evaluation)
        .where(
            col(Evaluation.id) == evaluation_id,
            col(Evaluation.callback_state) == CallbackState.pending.value,
            col(Evaluation.callback_next_at) == due_at,
        )
        .values(callback_next_at=now + IN_FLIGHT)
    )
    session.commit()
    return result.rowcount == 1


def _record(
    session: Session, evaluation_id: str, sent_for_next_at: datetime, **values: Any
) -> None:
    # Only if nobody queued a newer event while we were sending (that one must still go out).
    session.exec(
        update(Evaluation)
        .where(
            col(Evaluation.id) == evaluation_id,
            col(Evaluation.callback_state) == CallbackState.pending.value,
            col(Evaluation.callback_next_at) == sent_for_next_at,
        )
        .values(**values)
    )
    session.commit()


def deliver_one(
    session: Session, *, evaluation_id: str, due_at: datetime, now: datetime | None = None
) -> bool:
    """Claim and send the callback of ``evaluation_id`` that was due at ``due_at``, and record the
    outcome; True when the receiver took it (2xx). False, sending nothing, when another sender
    claimed it first."""
    now = now or utcnow()
    if not _claim(session, evaluation_id=evaluation_id, due_at=due_at, now=now):
        return False
    in_flight_until = now + IN_FLIGHT
    evaluation = session.get(Evaluation, evaluation_id)
    if evaluation is None or evaluation.callback_url is None:
        return False
    body = json.dumps(
        evaluation_view(evaluation).model_dump(mode="json"), separators=(",", ":")
    ).encode()
    attempts = evaluation.callback_attempts + 1
    error: str | None = None
    permanent = False
    try:
        result = webhook_adapter.post_signed(
            url=evaluation.callback_url,
            org_id=evaluation.org_id,
            message_id=message_id(evaluation),
            body=body,
        )
        if not result.ok:
            error = f"HTTP {result.status_code}: {result.body_excerpt}"
    except webhook_adapter.CallbackRefused as exc:
        error, permanent = f"refused: {exc}", True
    except (httpx.HTTPError, OSError) as exc:
        error = f"{type(exc).__name__}: {exc}"
    if error is None:
        _record(
            session,
            evaluation.id,
            in_flight_until,
            callback_state=CallbackState.delivered.value,
            callback_attempts=attempts,
            callback_next_at=None,
            callback_last_error=None,
        )
        return True
    log.info("callback for %s failed (attempt %d): %s", evaluation.id, attempts, error)
    if permanent or attempts >= MAX_ATTEMPTS:
        values = {"callback_state": CallbackState.failed.value, "callback_next_at": None}
    else:
        values = {"callback_next_at": now + retry_delay(attempts)}
    _record(
        session,
        evaluation.id,
        in_flight_until,
        callback_attempts=attempts,
        callback_last_error=error[:500],
        **values,
    )
    return False


def deliver_due(session: Session, *, now: datetime | None = None) -> int:
    """Send every callback that is due (at most a batch per call); the worker calls this every
    minute, and several workers may call it at once: each due event is sent by one of them.
    Returns how many receivers took their callback."""
    now = now or utcnow()
    # Plain values, not ORM rows: a commit expires rows, and a row reloaded after another
    # sender's claim would carry that claim as if it were what this sender saw due.
    due = session.exec(
        select(Evaluation.id, Evaluation.callback_next_at)
        .where(
            col(Evaluation.callback_state) == CallbackState.pending.value,
            col(Evaluation.callback_next_at) <= now,
        )
        .order_by(col(Evaluation.callback_next_at))
        .limit(BATCH)
    ).all()
    delivered = 0
    for evaluation_id, due_at in due:
        try:
            delivered += deliver_one(session, evaluation_id=evaluation_id, due_at=due_at, now=now)
        except Exception:  # one broken row must not stop the others
            session.rollback()
            log.exception("delivering the callback of %s failed", evaluation_id)
    return delivered
