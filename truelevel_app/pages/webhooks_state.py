"""The state of the Webhooks page (admins only): the organisation's tenant webhooks, each with
its newest deliveries, read through the same services as ``/api/v1/tenant-webhook``; a test
event or a replay queues a delivery in the same outbox, and the page follows the deliveries
until none is pending."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from backend.db import session_scope
from backend.models import TenantWebhook, TenantWebhookDelivery
from backend.models.tenant_webhook_deliveries import DeliveryState
from backend.services.errors import DomainError
from backend.services.pipeline import webhook_deliveries
from backend.services.pipeline.tenant_webhooks import list_tenant_webhooks
from backend.settings import get_settings
from truelevel_app.display import when
from truelevel_app.paging import page_count
from truelevel_app.state import SIGNIN_ROUTE, AuthState, FollowingState, PagedState

PAGE_SIZE = 10  # webhooks per page
DELIVERIES_SHOWN = 10  # the newest of each webhook; the API lists them all
REFRESH_SECONDS = 2.0
NOT_ALLOWED = "Only admins can see and manage tenant webhooks."
EVENT_LABELS = {
    "application_activty": "Application activity",
    "call_activity": "Call activity",
}


class DeliveryRow(TypedDict):
    id: str
    webhook_id: str
    created: str
    action: str
    state: str
    attempts: str
    status_code: str
    answer: str
    error: str
    next_try: str


class WebhookCard(TypedDict):
    id: str
    url: str
    event: str
    tenant_id: str
    type: str
    method: str
    content_type: str
    fields: list[str]
    subscribed: bool
    active: bool
    has_secret: bool
    deliveries: list[DeliveryRow]
    shown: str  # "3 deliveries", "the newest 10 of 42 deliveries"


def _delivery_row(row: TenantWebhookDelivery) -> DeliveryRow:
    pending = row.state == DeliveryState.pending.value
    return DeliveryRow(
        id=row.id,
        webhook_id=row.webhook_id,
        created=when(row.created_at),
        action=row.action,
        state=row.state,
        attempts=str(row.attempts),
        status_code="—" if row.last_status_code is None else str(row.last_status_code),
        answer=row.last_answer or "—",
        error=row.last_error or "",
        next_try=when(row.next_at) if pending and row.attempts else "",
    )


def _shown(count: int, total: int) -> str:
    if total == count:
        return f"{total} deliver{'y' if total == 1 else 'ies'}"
    return f"the newest {count} of {total} deliveries"


def _card(webhook: TenantWebhook, rows: list[TenantWebhookDelivery], total: int) -> WebhookCard:
    return WebhookCard(
        id=webhook.id,
        url=webhook.url,
        event=EVENT_LABELS.get(webhook.triggered_event, webhook.triggered_event),
        tenant_id=webhook.tenant_id,
        type=webhook.type,
        method=webhook.http_method,
        content_type=webhook.content_type,
        fields=list(webhook.fields or []),
        subscribed=not webhook.is_deleted,
        active=webhook.is_active,
        has_secret=bool(webhook.secret),
        deliveries=[_delivery_row(r) for r in rows],
        shown=_shown(len(rows), total),
    )


def read_webhooks(org_id: str, page: int) -> tuple[list[WebhookCard], int, int]:
    """One page of the organisation's webhooks with their newest deliveries; the page shown
    (clamped) and the number of webhooks."""
    with session_scope() as session:
        hooks = list_tenant_webhooks(session, org_id=org_id, page=page, size=PAGE_SIZE, clamp=True)
        cards = []
        for webhook in hooks.items:
            log = webhook_deliveries.list_deliveries(
                session, org_id=org_id, webhook_id=webhook.id, size=DELIVERIES_SHOWN
            )
            cards.append(_card(webhook, log.items, log.total))
    return cards, hooks.page, hooks.total


def any_pending(cards: list[WebhookCard]) -> bool:
    return any(d["state"] == DeliveryState.pending.value for c in cards for d in c["deliveries"])


class WebhooksState(FollowingState, PagedState, AuthState):
    webhooks: rx.Field[list[WebhookCard]] = rx.field(default_factory=list)
    loading: bool = True
    allowed: bool = False
    error: str = ""
    notice: str = ""
    base_url: str = ""

    @rx.var
    def total_pages(self) -> int:
        return page_count(self.total, PAGE_SIZE)

    @rx.var
    def curl_example(self) -> str:
        return (
            f"curl -X POST {self.base_url}/api/v1/tenant-webhook \\\n"
            '  -H "Authorization: Bearer $TRUELEVEL_API_KEY" '
            "-H 'Content-Type: application/json' \\\n"
            '  -d \'{"tenant_id":"acme","triggered_event":"application_activity",\n'
            '       "type":"post_call_screening","fields":["id","application_stage","job_id"],\n'
            '       "url":"https://ats.example.com/hooks","http_method":"POST",\n'
            """       "content_type":"application/json","secret":"whsec_…"}'"""
        )

    def _show(self, org_id: str) -> None:
        """Read the page again, and follow it while a delivery is pending."""
        self.webhooks, self.page, self.total = read_webhooks(org_id, self.page)
        self._start_following(any_pending(self.webhooks))

    def _refresh(self):  # on previous / next (PagedState)
        admin = self._authorise("manage_webhooks")
        if admin is None:
            return rx.redirect(SIGNIN_ROUTE, replace=True)
        self._show(admin.org_id)
        return WebhooksState.keep_fresh if self.following else None

    @rx.event
    def load(self):
        member = self._resolve_member()
        if member is None:
            return rx.redirect(SIGNIN_ROUTE, replace=True)
        self.base_url = get_settings().public_url.rstrip("/")
        self.error = self.notice = ""
        self.allowed = self._authorise("manage_webhooks") is not None
        if self.allowed:
            try:
                self._show(member.org_id)
            except Exception:
                self.error = "The webhooks could not be loaded. Try again in a moment."
        self.loading = False
        return WebhooksState.keep_fresh if self.following else None

    def _queue(self, queue, done: str):
        """Run ``queue`` (a delivery queued for the admin's organisation), say ``done``, show
        the delivery and follow it."""
        self.error = self.notice = ""
        admin = self._authorise("manage_webhooks")
        if admin is None:
            self.error = NOT_ALLOWED
            return None
        try:
            with session_scope() as session:
                queue(session, admin.org_id)
            self.notice = done
        except DomainError as exc:
            self.error = exc.message
        try:
            self._show(admin.org_id)
        except Exception:
            self.error = "The webhooks could not be loaded. Try again in a moment."
        return WebhooksState.keep_fresh if self.following else None

    @rx.event
    def send_test(self, webhook_id: str):
        return self._queue(
            lambda session, org_id: webhook_deliveries.send_test_event(
                session, org_id=org_id, webhook_id=webhook_id
            ),
            "A test event was queued; it is sent within seconds and its delivery is listed below.",
        )

    @rx.event
    def replay(self, webhook_id: str, delivery_id: str):
        return self._queue(
            lambda session, org_id: webhook_deliveries.replay(
                session, org_id=org_id, webhook_id=webhook_id, delivery_id=delivery_id
            ),
            "The delivery was queued again (same webhook-id and body).",
        )

    def _apply_fresh(self, data: tuple[list[WebhookCard], int, int]) -> bool:
        """A tick of the follow loop: done once no delivery is pending."""
        self.webhooks, self.page, self.total = data
        return not any_pending(self.webhooks)

    @rx.event(background=True)
    async def keep_fresh(self):
        async with self:
            generation, org_id, page = self._follow_generation, self.member.org_id, self.page
        await self._follow(
            generation,
            lambda: read_webhooks(org_id, page),
            self._apply_fresh,
            seconds=REFRESH_SECONDS,
        )
