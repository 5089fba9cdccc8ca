"""Tenant webhooks (seed 003): where call and application activity is sent, per tenant.

The delivery itself belongs to the webhook sender; this module keeps the configuration and
answers which webhooks are live for an event (:func:`live_tenant_webhooks`).

Changing a webhook's secret is a rotation: for ``SECRET_OVERLAP`` after the change every
delivery carries two ``v1`` signatures (Standard Webhooks allows several), one with the new
secret and one with the old, so the receiver can switch at its own pace."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, col, select

from backend.models.base import utcnow
from backend.models.pipeline import TenantWebhook, TenantWebhookUpsert, TriggeredEvent
from backend.services.errors import commit_or_conflict
from backend.services.ownership import get_owned
from backend.services.pagination import DEFAULT_PAGE, DEFAULT_PAGE_SIZE, Page, paginate
from backend.services.pipeline import webhook_secrets

SECRET_OVERLAP = timedelta(hours=24)


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
        _set_secret(webhook, data.secret)
    if created or "is_active" in data.model_fields_set:
        webhook.is_active = data.is_active
    webhook.updated_at = utcnow()
    session.add(webhook)
    commit_or_conflict(
        session, message="The webhook was created concurrently; retry.", code="conflict"
    )
    session.refresh(webhook)
    return webhook, created


def _set_secret(webhook: TenantWebhook, secret: str | None) -> None:
    """A new secret replaces the old one, which keeps signing beside it for
    ``SECRET_OVERLAP`` (a rotation); removing the secret ends signing at once."""
    old = webhook.secret
    if secret and old and webhook_secrets.unseal_or_none(old) == secret:
        return  # the same secret again: nothing rotates
    webhook.secret = webhook_secrets.seal(secret) if secret else None
    if secret and old:
        webhook.previous_secret, webhook.previous_secret_until = old, utcnow() + SECRET_OVERLAP
    else:
        webhook.previous_secret = webhook.previous_secret_until = None


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
