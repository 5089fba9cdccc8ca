"""Tenant webhooks (seed 003)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from backend.api.deps import PipelinePrincipal, SessionDep
from backend.api.errors import FlatErrorRoute
from backend.api.pipeline.params import PageQuery, SourceIdQuery, WebhookIdPath
from backend.models.pipeline import TenantWebhookPublic, TenantWebhookUpsert
from backend.services.pagination import Page
from backend.services.pipeline import tenant_webhooks

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
