"""Tenant webhooks (seed 003): where call and application activity is sent, per tenant.

The delivery itself belongs to the webhook sender; this module keeps the configuration and
answers which webhooks are live for an event (:func:`live_tenant_webhooks`)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from backend.models.base import utcnow
from backend.models.pipeline import TenantWebhook, TenantWebhookUpsert, TriggeredEvent
from backend.services.errors import commit_or_conflict
from backend.services.ownership import get_owned
from backend.services.pagination import DEFAULT_PAGE, DEFAULT_PAGE_SIZE, Page, paginate
from backend.services.pipeline import webhook_secrets


def list_tenant_webhooks(
    session: Session,
    *,
    org_id: str,
    page: int = DEFAULT_PAGE,
    size: int = DEFAULT_PAGE_SIZE,
    tenant_id: str | None = None,
    clamp: bool = False,
) -> Page[TenantWebhook]:
    """The organisation's tenant webhooks (unsubscribed ones too, flagged ``is_deleted``);
    ``clamp``: a page past the end is the last one (the web app)."""
    statement = select(TenantWebhook).where(TenantWebhook.org_id == org_id)
    if tenant_id is not None:
        statement = statement.where(TenantWebhook.tenant_id == tenant_id)
    statement = statement.order_by(col(TenantWebhook.created_at), col(TenantWebhook.id))
    return paginate(session, statement, page=page, size=size, clamp=clamp)


def upsert_tenant_webhook(
    session: Session, *, org_id: str, data: TenantWebhookUpsert
) -> tuple[TenantWebhook, bool]:
    """Create the webhook, or update the one with the same tenant, event and type.

    Returns the webhook and whether it was created. On update an omitted ``secret`` or
    ``is_active`` keeps its value, and ``is_deleted`` is left alone (subscribe/unsubscribe
    own it)."""
    webhook = session.exec(
        select(TenantWebhook).where(
            TenantWebhook.org_id == org_id,
            TenantWebhook.tenant_id == data.tenant_id,
            TenantWebhook.triggered_event == data.triggered_event.value,
            TenantWebhook.type == data.type.value,
        )
    ).first()
    created = webhook is None
    if webhook is None:
        webhook = TenantWebhook(
            org_id=org_id,
            tenant_id=data.tenant_id,
            triggered_event=data.triggered_event.value,
            type=data.type.value,
            url=data.url,
        )
    webhook.fields = list(data.fields)
    webhook.url = data.url
    webhook.http_method = data.http_method.value
    webhook.content_type = data.content_type.value
    if created or "secret" in data.model_fields_set:
        webhook.secret = webhook_secrets.seal(data.secret) if data.secret else None
    if created or "is_active" in data.model_fields_set:
        webhook.is_active = data.is_active
    webhook.updated_at = utcnow()
    session.add(webhook)
    commit_or_conflict(
        session, message="The webhook was created concurrently; retry.", code="conflict"
    )
    session.refresh(webhook)
    return webhook, created


def get_tenant_webhook(session: Session, *, org_id: str, webhook_id: str) -> TenantWebhook:
    """The webhook, or NotFound (also for another organisation's webhook)."""
    return get_owned(
        session,
        TenantWebhook,
        webhook_id,
        org_id=org_id,
        message=f"Tenant webhook {webhook_id} not found.",
        code="webhook_not_found",
    )


def set_subscribed(
    session: Session, *, org_id: str, webhook_id: str, subscribed: bool
) -> TenantWebhook:
    """Subscribe (``is_deleted`` false) or unsubscribe (``is_deleted`` true); idempotent."""
    webhook = get_tenant_webhook(session, org_id=org_id, webhook_id=webhook_id)
    if webhook.is_deleted == subscribed:
        webhook.is_deleted = not subscribed
        webhook.updated_at = utcnow()
        session.add(webhook)
        session.commit()
        session.refresh(webhook)
    return webhook


def live_tenant_webhooks(
    session: Session, *, org_id: str, event: TriggeredEvent
) -> list[TenantWebhook]:
    """The subscribed, active webhooks that should receive ``event``."""
    return list(
        session.exec(
            select(TenantWebhook)
            .where(
                TenantWebhook.org_id == org_id,
                TenantWebhook.triggered_event == event.value,
                col(TenantWebhook.is_active).is_(True),
                col(TenantWebhook.is_deleted).is_(False),
            )
            .order_by(col(TenantWebhook.created_at))
        ).all()
    )
