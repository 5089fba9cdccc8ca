"""Tenant webhook deliveries: call and application activity sent to the tenants' webhooks.

An event (:func:`stage_event`) adds one delivery row per live webhook subscribed to it, in the
transaction that makes the change, so an event is queued if and only if its change is saved.
The row fixes the message: the webhook's selected ``fields`` of the event's object and nothing
else, encoded as its ``content_type`` asks (JSON, or ``application/x-www-form-urlencoded``
with nested values as JSON), to be sent with its ``http_method``. After the commit
:func:`wake` asks an ``ops`` worker to send at once; the minute sweep sends what is due too.

Sending is signed with the webhook's own secret, Standard Webhooks style (``webhook-id`` is
the delivery id, the same on every retry and replay), through ``backend.services.webhook_adapter``
(which also refuses private addresses). The delivery rows are an outbox, as evaluations are for
their callbacks (``backend.services.outbox``): exactly one sender sends each due attempt, and
retries follow the same backoff. Each attempt is logged on the row: attempts, last status code,
answer excerpt, last error. A test event (:func:`send_test_event`) is one more delivery in the
same outbox, to one webhook, with sample values.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import httpx
from cryptography.fernet import InvalidToken
from sqlmodel import Session, col, select

from backend.models.base import utcnow
from backend.models.pipeline import TenantWebhook, TriggeredEvent, WebhookContentType
from backend.models.tenant_webhook_deliveries import DeliveryState, TenantWebhookDelivery
from backend.services import dispatch, outbox, webhook_adapter
from backend.services.errors import Conflict, NotFound
from backend.services.outbox import Attempt
from backend.services.pagination import DEFAULT_PAGE, DEFAULT_PAGE_SIZE, Page, paginate
from backend.services.pipeline import webhook_samples, webhook_secrets
from backend.services.pipeline.tenant_webhooks import get_tenant_webhook, live_tenant_webhooks

log = logging.getLogger(__name__)

# The action of a test event's delivery (``send_test_event``); real ones name what happened.
TEST_ACTION = "test"


def _form_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def encode_body(obj: dict[str, Any], *, fields: list[str], content_type: str) -> str:
    """The selected ``fields`` of ``obj`` (those it has), encoded for ``content_type``."""
    chosen = {name: obj[name] for name in fields if name in obj}
    if content_type == WebhookContentType.form.value:
        return urlencode({name: _form_value(value) for name, value in chosen.items()})
    return json.dumps(chosen, separators=(",", ":"))


def stage_event(
    session: Session,
    *,
    org_id: str,
    event: TriggeredEvent,
    action: str,
    object_id: str,
    obj: dict[str, Any],
) -> int:
    """Add a delivery for each live webhook subscribed to ``event``, without committing: the
    caller's commit saves them with the change. Returns how many were added."""
    # No autoflush: the caller's pending change must fail at its own commit (where it is
    # turned into the right error), not inside this query.
    with session.no_autoflush:
        webhooks = live_tenant_webhooks(session, org_id=org_id, event=event)
    now = utcnow()
    for webhook in webhooks:
        session.add(
            _delivery(
                webhook,
                action=action,
                object_id=object_id,
                body=encode_body(
                    obj, fields=list(webhook.fields or []), content_type=webhook.content_type
                ),
                now=now,
            )
        )
    return len(webhooks)


def _delivery(
    webhook: TenantWebhook, *, action: str, object_id: str, body: str, now: datetime
) -> TenantWebhookDelivery:
    """A delivery of ``body`` to ``webhook`` as it is configured now, due at once."""
    return TenantWebhookDelivery(
        org_id=webhook.org_id,
        webhook_id=webhook.id,
        event=webhook.triggered_event,
        action=action,
        object_id=object_id,
        url=webhook.url,
        http_method=webhook.http_method,
        content_type=webhook.content_type,
        body=body,
        next_at=now,
    )


def send_test_event(session: Session, *, org_id: str, webhook_id: str) -> TenantWebhookDelivery:
    """Queue a test event for the webhook (action ``test``) and ask a worker to send it.

    It goes through the same outbox as real events (signed, retried, in the delivery log): the
    webhook's selected ``fields`` of a sample object of its event, shaped as a real one, plus
    ``"test": true`` (``webhook_samples``). An inactive webhook gets it too (an endpoint can
    be tried before it is switched on); an unsubscribed one does not (409)."""
    webhook = get_tenant_webhook(session, org_id=org_id, webhook_id=webhook_id)
    if webhook.is_deleted:
        raise Conflict(
            f"Tenant webhook {webhook_id} is unsubscribed; subscribe it first.",
            code="webhook_unsubscribed",
        )
    event = TriggeredEvent(webhook.triggered_event)
    obj = webhook_samples.sample_object(session, event)
    fields = [*(webhook.fields or []), webhook_samples.TEST_MARK]
    row = _delivery(
        webhook,
        action=TEST_ACTION,
        object_id=str(obj["id"]),
        body=encode_body(obj, fields=fields, content_type=webhook.content_type),
        now=utcnow(),
    )
    session.add(row)
    session.commit()
    session.refresh(row)
    wake()
    return row


TENANT_WEBHOOKS: outbox.Outbox[TenantWebhookDelivery] = outbox.Outbox(
    name="tenant webhook delivery",
    table=TenantWebhookDelivery,
    delivered_at="delivered_at",
    ask_a_worker=lambda: dispatch.send_tenant_webhooks_now(),
)


def wake() -> None:
    """Ask an ``ops`` worker to send the due deliveries now; best effort (the sweep sends them
    otherwise)."""
    outbox.wake(TENANT_WEBHOOKS)


def _secrets(session: Session, row: TenantWebhookDelivery) -> tuple[str | None, str | None]:
    """The webhook's secret, and the one it replaced while the rotation's overlap lasts."""
    webhook = session.get(TenantWebhook, row.webhook_id)
    if webhook is None or not webhook.secret:
        return None, None
    previous = None
    until = webhook.previous_secret_until
    if webhook.previous_secret and until is not None and until > utcnow():
        previous = webhook_secrets.unseal_or_none(webhook.previous_secret)
    return webhook_secrets.unseal(webhook.secret), previous


def send(session: Session, row: TenantWebhookDelivery) -> Attempt:
    """Send the delivery's fixed message, signed with its webhook's current secret (and the
    previous one while a rotation's overlap lasts)."""
    try:
        secret, previous = _secrets(session, row)
        result = webhook_adapter.send_signed(
            url=row.url,
            method=row.http_method,
            content_type=row.content_type,
            secret=secret,
            message_id=row.id,
            body=row.body.encode(),
            also_signed_with=previous,
        )
    except webhook_adapter.CallbackRefused as exc:
        return Attempt(error=f"refused: {exc}", permanent=True, logged=_answer(None, None))
    except InvalidToken:
        # Sealed under an earlier installation secret: only a new secret from the tenant helps.
        error = "the webhook's secret is unreadable: set it again"
        return Attempt(error=error, permanent=True, logged=_answer(None, None))
    except (httpx.HTTPError, OSError) as exc:
        return Attempt(error=f"{type(exc).__name__}: {exc}", logged=_answer(None, None))
    answer = _answer(result.status_code, result.body_excerpt)
    if not result.ok:
        return Attempt(error=f"HTTP {result.status_code}", logged=answer)
    return Attempt(logged=answer)


def _answer(status_code: int | None, excerpt: str | None) -> dict[str, Any]:
    """The delivery log's columns for the receiver's answer (none when there was none)."""
    return {"last_status_code": status_code, "last_answer": excerpt}


def deliver_one(
    session: Session, *, delivery_id: str, due_at: datetime, now: datetime | None = None
) -> bool:
    """Claim and send the delivery that was due at ``due_at``, and log the attempt; True when
    the receiver took it (2xx). False, sending nothing, when another sender claimed it."""
    due = outbox.Due(delivery_id, due_at)
    attempt = outbox.deliver_one(session, TENANT_WEBHOOKS, due, send, now=now or utcnow())
    return attempt is not None and attempt.error is None


def deliver_due(session: Session, *, now: datetime | None = None) -> int:
    """Send every delivery that is due (at most a batch per call); several workers may call
    this at once, each due attempt is sent by one of them. Returns how many were taken."""
    return outbox.deliver_due(session, TENANT_WEBHOOKS, send, now=now)


def list_deliveries(
    session: Session,
    *,
    org_id: str,
    webhook_id: str,
    page: int = DEFAULT_PAGE,
    size: int = DEFAULT_PAGE_SIZE,
) -> Page[TenantWebhookDelivery]:
    """The webhook's deliveries, newest first (NotFound for another organisation's webhook)."""
    get_tenant_webhook(session, org_id=org_id, webhook_id=webhook_id)
    statement = (
        select(TenantWebhookDelivery)
        .where(TenantWebhookDelivery.webhook_id == webhook_id)
        .order_by(col(TenantWebhookDelivery.created_at).desc(), col(TenantWebhookDelivery.id))
    )
    return paginate(session, statement, page=page, size=size)


def replay(
    session: Session, *, org_id: str, webhook_id: str, delivery_id: str
) -> TenantWebhookDelivery:
    """Send the delivery again now, the same message (same ``webhook-id`` and body), with a
    fresh retry budget; its log keeps the last answer until the next attempt."""
    get_tenant_webhook(session, org_id=org_id, webhook_id=webhook_id)
    row = session.get(TenantWebhookDelivery, delivery_id)
    if row is None or row.webhook_id != webhook_id:
        raise NotFound(f"Delivery {delivery_id} not found.", code="delivery_not_found")
    row.state = DeliveryState.pending.value
    row.attempts = 0
    row.next_at = utcnow()
    session.add(row)
    session.commit()
    session.refresh(row)
    wake()
    return row
