"""Tenant webhooks (seed 003)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from backend.api.deps import PipelinePrincipal, SessionDep
from backend.api.errors import FlatErrorRoute
from backend.api.openapi_responses import raises
from backend.api.pipeline.params import PageQuery, SourceIdQuery, WebhookIdPath
from backend.models.pipeline import TenantWebhookPublic, TenantWebhookUpsert
from backend.models.tenant_webhook_deliveries import TenantWebhookDeliveryPublic
from backend.services.pagination import Page
from backend.services.pipeline import tenant_webhooks, webhook_deliveries

router = APIRouter(prefix="/tenant-webhook", tags=["Tenants"], route_class=FlatErrorRoute)


@router.get("", summary="Get webhook configuration for a tenant")
def list_tenant_webhooks(
    principal: PipelinePrincipal,
    session: SessionDep,
    paging: PageQuery,
    tenant_id: SourceIdQuery = None,
) -> Page[TenantWebhookPublic]:
    page = tenant_webhooks.list_tenant_webhooks(
        session,
        org_id=principal.org_id,
        page=paging.page,
        size=paging.size,
        tenant_id=tenant_id,
    )
    return page.map(TenantWebhookPublic.from_row)


@router.post(
    "",
    status_code=201,
    summary="Create or update a webhook URL for a tenant",
    responses={200: {"description": "An existing webhook was updated."}},
)
def upsert_tenant_webhook(
    principal: PipelinePrincipal,
    session: SessionDep,
    body: TenantWebhookUpsert,
    response: Response,
) -> TenantWebhookPublic:
    """201 when created, 200 when the webhook with the same tenant_id, triggered_event and
    type was updated."""
    webhook, created = tenant_webhooks.upsert_tenant_webhook(
        session, org_id=principal.org_id, data=body
    )
    response.status_code = 201 if created else 200
    return TenantWebhookPublic.from_row(webhook)


@router.post("/subscribe/{tenant_webhook_id}", summary="Subscribe to a tenant webhook")
def subscribe(
    principal: PipelinePrincipal, session: SessionDep, tenant_webhook_id: WebhookIdPath
) -> TenantWebhookPublic:
    webhook = tenant_webhooks.set_subscribed(
        session, org_id=principal.org_id, webhook_id=tenant_webhook_id, subscribed=True
    )
    return TenantWebhookPublic.from_row(webhook)


@router.post("/unsubscribe/{tenant_webhook_id}", summary="Unsubscribe from a tenant webhook")
def unsubscribe(
    principal: PipelinePrincipal, session: SessionDep, tenant_webhook_id: WebhookIdPath
) -> TenantWebhookPublic:
    webhook = tenant_webhooks.set_subscribed(
        session, org_id=principal.org_id, webhook_id=tenant_webhook_id, subscribed=False
    )
    return TenantWebhookPublic.from_row(webhook)


@router.get("/{tenant_webhook_id}/deliveries", summary="List a tenant webhook's deliveries")
def list_deliveries(
    principal: PipelinePrincipal,
    session: SessionDep,
    tenant_webhook_id: WebhookIdPath,
    paging: PageQuery,
) -> Page[TenantWebhookDeliveryPublic]:
    """Newest first: each event sent to the webhook, with its delivery log (state, attempts,
    last status code, answer excerpt, last error)."""
    page = webhook_deliveries.list_deliveries(
        session,
        org_id=principal.org_id,
        webhook_id=tenant_webhook_id,
        page=paging.page,
        size=paging.size,
    )
    return page.map(TenantWebhookDeliveryPublic.from_row)


@router.post(
    "/{tenant_webhook_id}/deliveries/{delivery_id}/replay",
    summary="Send a tenant webhook delivery again",
    responses=raises(409),
)
def replay_delivery(
    principal: PipelinePrincipal,
    session: SessionDep,
    tenant_webhook_id: WebhookIdPath,
    delivery_id: WebhookIdPath,
) -> TenantWebhookDeliveryPublic:
    """The same message (same webhook-id and body) is sent again now, with a fresh retry
    budget."""
    row = webhook_deliveries.replay(
        session, org_id=principal.org_id, webhook_id=tenant_webhook_id, delivery_id=delivery_id
    )
    return TenantWebhookDeliveryPublic.from_row(row)


@router.post(
    "/{tenant_webhook_id}/test-event",
    status_code=202,
    summary="Send a test event to a tenant webhook",
    responses=raises(409),
)
def send_test_event(
    principal: PipelinePrincipal, session: SessionDep, tenant_webhook_id: WebhookIdPath
) -> TenantWebhookDeliveryPublic:
    """Queues one delivery with action ``test``: the webhook's selected fields of a sample
    application or call (as its event carries them, ids starting ``test-``) plus
    ``"test": true``, signed, retried and logged like real events. 409 for an unsubscribed
    webhook; an inactive one gets it (try an endpoint before switching it on)."""
    row = webhook_deliveries.send_test_event(
        session, org_id=principal.org_id, webhook_id=tenant_webhook_id
    )
    return TenantWebhookDeliveryPublic.from_row(row)
