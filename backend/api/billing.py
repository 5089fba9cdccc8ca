"""Billing routes. ``POST /billing/checkout`` and ``POST /billing/portal`` (an all-scope API
key) answer the address of a Stripe-hosted page: Checkout for a plan or a pack of interview
credits, or the Billing Portal. ``POST /billing/stripe/webhook`` is Stripe's: it stays out of the
OpenAPI document and answers 400 to anything not signed with ``TRUELEVEL_STRIPE_WEBHOOK_SECRET``
(404 while that secret is not set)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from backend.api.deps import Principal, SessionDep, require_scope
from backend.api.errors import FlatErrorRoute
from backend.api.openapi_responses import raises
from backend.db import session_scope
from backend.models import ApiScope
from backend.services.billing import checkout, stripe_events

router = APIRouter(prefix="/billing", tags=["billing"], route_class=FlatErrorRoute)

AdminPrincipal = Annotated[Principal, Depends(require_scope(ApiScope.all))]


@router.post("/checkout", response_model=checkout.Redirect, responses=raises(400, 404, 409))
def start_checkout(
    body: checkout.CheckoutRequest, db: SessionDep, who: AdminPrincipal
) -> checkout.Redirect:
    """Stripe Checkout for ``plan`` (a subscription) or ``credits`` (a one-off pack). What is
    paid takes effect when Stripe's webhook reports it. 404 while billing is off."""
    return checkout.start_checkout(db, org_id=who.org_id, request=body)


@router.post("/portal", response_model=checkout.Redirect, responses=raises(404, 409))
def open_portal(db: SessionDep, who: AdminPrincipal) -> checkout.Redirect:
    """Stripe's Billing Portal (invoices, payment method, cancellation)."""
    return checkout.open_portal(db, org_id=who.org_id)


def _receive(payload: bytes, signature: str) -> stripe_events.Outcome:
    event = stripe_events.verify(payload, signature)
    with session_scope() as session:
        return stripe_events.apply(session, event)


@router.post("/stripe/webhook", include_in_schema=False, response_model=stripe_events.Outcome)
async def stripe_webhook(request: Request) -> stripe_events.Outcome:
    """Verify the Stripe-Signature over the raw body, then apply the event once."""
    payload = await request.body()
    signature = request.headers.get("stripe-signature", "")
    return await run_in_threadpool(_receive, payload, signature)
