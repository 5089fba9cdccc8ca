"""Result callbacks: when an evaluation has something new to say, its ``callback_url`` gets the
evaluation view (the body of ``GET /evaluations/{id}``) as a signed JSON POST. The evaluation
row is the outbox (``backend.services.outbox``: claim, retries, exactly one sender per attempt).

Three moments queue a callback: the automated result is ready (stage ``awaiting_review``), a
reviewer finalised it (``completed``), or the engine failed (``failed``). Queueing marks the
row (``callback_state`` pending, due now) and asks an ``ops`` worker to send it at once; the
minute sweep calls :func:`deliver_due` too (retries, and anything whose message was lost). It
sends what is due, always the evaluation's *current* view, so a later event supersedes an
undelivered earlier one. The ``webhook-id`` is ``{evaluation id}.{stage}``: the same on every
retry of one event, different for the next event.

Retries: a failed attempt (transport error, timeout, non-2xx answer) is tried again after
``1 min × 2^(attempt-1)``, capped at 12 h, with jitter: 16 attempts, the last about three days
after the first. Then ``callback_state`` is ``failed``, as it is at once for an address that may
never be called (see ``backend.services.webhook_adapter``). ``callback_last_error`` says why.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlmodel import Session, col, update

from backend.models.base import utcnow
from backend.models.evaluations import CallbackState, Evaluation
from backend.services import dispatch, outbox, webhook_adapter
from backend.services.ats import notices as ats_notices
from backend.services.evaluations.queries import evaluation_view
from backend.services.outbox import MAX_ATTEMPTS, Attempt

__all__ = ["MAX_ATTEMPTS", "announce", "deliver_due", "message_id", "queue_callback"]

CALLBACKS: outbox.Outbox[Evaluation] = outbox.Outbox(
    name="evaluation callback",
    table=Evaluation,
    state="callback_state",
    attempts="callback_attempts",
    last_error="callback_last_error",
    next_at="callback_next_at",  # states: CallbackState's pending, delivered, failed
    ask_a_worker=lambda: dispatch.send_callbacks_now(),
)


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
    outbox.wake(CALLBACKS)
    return True


def announce(session: Session, *, evaluation_id: str) -> None:
    """The evaluation has something new to say (a result, a final verdict, a failure): its
    callback URL hears it, and so does the ATS that sent the candidate the test, if one did."""
    queue_callback(session, evaluation_id=evaluation_id)
    ats_notices.queue_for_evaluation(session, evaluation_id=evaluation_id)


def message_id(evaluation: Evaluation) -> str:
    """The Standard Webhooks message id of the evaluation's current event."""
    return f"{evaluation.id}.{evaluation.stage}"


def send(session: Session, evaluation: Evaluation) -> Attempt:
    """POST the evaluation's current view to its callback URL, signed for its organisation."""
    if evaluation.callback_url is None:
        return Attempt(error="the evaluation has no callback URL", permanent=True)
    body = json.dumps(
        evaluation_view(evaluation).model_dump(mode="json"), separators=(",", ":")
    ).encode()
    callback_url = evaluation.callback_url
    return webhook_adapter.attempt_of(
        lambda: webhook_adapter.post_signed(
            url=callback_url,
            org_id=evaluation.org_id,
            message_id=message_id(evaluation),
            body=body,
        )
    )


def deliver_due(session: Session, *, now: datetime | None = None) -> int:
    """Send every callback that is due (at most a batch per call); the worker calls this every
    minute, and several workers may call it at once: each due event is sent by one of them.
    Returns how many receivers took their callback."""
    return outbox.deliver_due(session, CALLBACKS, send, now=now)
