"""Billing routes: the Stripe webhook (``POST /billing/stripe/webhook``). Stripe calls it, not
integrators, so it stays out of the API's OpenAPI document; it answers 400 to anything not
signed with ``TRUELEVEL_STRIPE_WEBHOOK_SECRET`` and 404 while that secret is not set."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from backend.api.errors import FlatErrorRoute
from backend.db import session_scope
from backend.services.billing import stripe_events

router = APIRouter(prefix="/billing", tags=["billing"], route_class=FlatErrorRoute)


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
