"""Completion notices: telling an ATS that a test it sent has news (a result, a reviewer's final
verdict, a failure). The order row is the outbox (``backend.services.outbox``: claim, retries
with backoff, exactly one sender per attempt); each ATS module says what its notice looks like.

An evaluation event queues a notice for every live order of the evaluation's candidate key; the
``ops`` workers send it at once and the minute sweep retries what failed. The notice always
describes the test as it is when sent, so a later event supersedes an undelivered earlier one.
"""

from __future__ import annotations

import base64
from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session, col, select, update

from backend.models import AtsTestOrder, CandidateSession, Evaluation
from backend.models.ats import Ats, NoticeState
from backend.models.base import utcnow
from backend.services import dispatch, outbox, webhook_adapter
from backend.services.outbox import Attempt

NOTICES: outbox.Outbox[AtsTestOrder] = outbox.Outbox(
    name="ATS notice",
    table=AtsTestOrder,
    state="notice_state",
    attempts="notice_attempts",
    last_error="notice_last_error",
    next_at="notice_next_at",
    delivered_at="notice_delivered_at",
    ask_a_worker=lambda: dispatch.send_ats_notices_now(),
)


class NoticeRequest(BaseModel):
    """The request that tells an ATS about one test."""

    url: str
    method: str
    body: bytes = b""
    content_type: str = "application/json"
    authorization: str


def basic_authorization(api_key: str) -> str:
    """HTTP Basic as the ATSs use it: the API key as the username, an empty password."""
    return "Basic " + base64.b64encode(f"{api_key}:".encode()).decode()


class NoticeUnsendable(Exception):
    """The notice cannot be sent now (no credentials for the ATS yet): retried later."""


def queue_for_evaluation(session: Session, *, evaluation_id: str) -> int:
    """Queue a notice for each live ATS order of the evaluation's candidate; returns how many
    (0 for an evaluation no ATS sent)."""
    key_id = session.exec(
        select(CandidateSession.candidate_key_id)
        .join(Evaluation, col(Evaluation.session_id) == col(CandidateSession.id))
        .where(Evaluation.id == evaluation_id)
    ).first()
    if key_id is None:
        return 0
    result = session.exec(
        update(AtsTestOrder)
        .where(
            col(AtsTestOrder.candidate_key_id) == key_id,
            col(AtsTestOrder.cancelled_at).is_(None),
        )
        .values(
            notice_state=NoticeState.pending.value,
            notice_attempts=0,
            notice_next_at=utcnow(),
            notice_last_error=None,
        )
    )
    session.commit()
    if result.rowcount:
        outbox.wake(NOTICES)
    return result.rowcount or 0


def notice_request(session: Session, order: AtsTestOrder) -> NoticeRequest:
    """What the order's ATS wants to hear, by ATS."""
    from backend.services.ats import ashby, greenhouse

    if order.ats == Ats.greenhouse:
        return greenhouse.notice_request(order)
    return ashby.notice_request(session, order)


def send(session: Session, order: AtsTestOrder) -> Attempt:
    try:
        request = notice_request(session, order)
    except NoticeUnsendable as exc:
        return Attempt(error=str(exc))
    return webhook_adapter.attempt_of(
        lambda: webhook_adapter.send_signed(
            url=request.url,
            method=request.method,
            content_type=request.content_type,
            secret=None,
            message_id=f"{order.id}.{order.notice_attempts}",
            body=request.body,
            authorization=request.authorization,
        )
    )


def deliver_due(session: Session, *, now: datetime | None = None) -> int:
    """Send every notice that is due (at most a batch per call); several workers may call this
    at once, each due notice is sent by one of them. Returns how many the ATSs took."""
    return outbox.deliver_due(session, NOTICES, send, now=now)
