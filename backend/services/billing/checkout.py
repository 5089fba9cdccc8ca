"""Buying through Stripe: a Checkout session for a plan's subscription or for a pack of
interview credits, and the Billing Portal for an organisation that has a Stripe customer.
Nothing is granted here: the webhook (``stripe_events``) applies what Stripe reports paid."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlmodel import Session

from backend.services.billing import accounts, stripe_adapter
from backend.services.errors import Conflict, InvalidInput, NotFound
from backend.services.organisations import get_organisation
from backend.settings import get_settings

MAX_PACK = 100_000


class CheckoutRequest(BaseModel):
    """Exactly one: a plan to subscribe to, or a number of interview credits to buy."""

    model_config = ConfigDict(
        json_schema_extra={
            "oneOf": [
                {"required": ["plan"], "properties": {"plan": {"type": "string"}}},
                {"required": ["credits"], "properties": {"credits": {"type": "integer"}}},
            ]
        }
    )

    plan: Literal["starter", "team", "scale"] | None = None
    credits: int | None = Field(default=None, ge=1, le=MAX_PACK)

    @model_validator(mode="after")
    def _one(self) -> CheckoutRequest:
        if (self.plan is None) == (self.credits is None):
            raise ValueError("give either plan or credits")
        return self


class Redirect(BaseModel):
    """Where to send the person: a Stripe-hosted page."""

    url: str


def _billing_page() -> str:
    return f"{get_settings().public_url.rstrip('/')}/billing"


def _require_stripe() -> None:
    if not get_settings().billing_enabled:
        raise NotFound("Billing is off on this installation.", code="billing_off")


def _customer(session: Session, *, org_id: str) -> str:
    """The organisation's Stripe customer, created (and linked) on its first checkout."""
    account = accounts.get_or_create(session, org_id=org_id)
    if account.stripe_customer_id:
        customer = account.stripe_customer_id
        session.commit()
        return customer
    name = get_organisation(session, org_id=org_id).name
    account.stripe_customer_id = stripe_adapter.create_customer(org_id=org_id, name=name)
    session.add(account)
    session.commit()
    return account.stripe_customer_id


def start_checkout(session: Session, *, org_id: str, request: CheckoutRequest) -> Redirect:
    _require_stripe()
    settings = get_settings()
    configured = (
        getattr(settings, f"stripe_price_{request.plan}")
        if request.plan
        else settings.stripe_price_credit
    )
    if not configured:
        offered = f"the {request.plan} plan" if request.plan else "interview credits"
        raise InvalidInput(f"This installation does not sell {offered} through Stripe.")
    if request.plan and accounts.subscription_running(accounts.find(session, org_id=org_id)):
        raise Conflict(
            "This organisation already has a subscription. Change its plan, card or "
            "cancellation under Manage billing.",
            code="subscription_exists",
        )
    price = stripe_adapter.price_id(configured)
    params: dict = {
        "customer": _customer(session, org_id=org_id),
        "client_reference_id": org_id,
        "success_url": f"{_billing_page()}?checkout=done",
        "cancel_url": f"{_billing_page()}?checkout=cancelled",
        "metadata": {"org_id": org_id},
    }
    if request.plan:
        params |= {
            "mode": "subscription",
            "line_items": [{"price": price, "quantity": 1}],
            "subscription_data": {"metadata": {"org_id": org_id}},
        }
        params |= _trial(session, org_id=org_id)
    else:
        params |= {
            "mode": "payment",
            "line_items": [{"price": price, "quantity": request.credits}],
            "metadata": {"org_id": org_id, "credits": str(request.credits)},
        }
    return Redirect(url=stripe_adapter.create_checkout(params))


def _trial(session: Session, *, org_id: str) -> dict:
    """Checkout's trial parameters: ``TRUELEVEL_STRIPE_TRIAL_DAYS`` for an organisation that
    never had a trial, no card asked for, and a trial that ends without one cancelled (the
    webhook then makes it ``trial_expired``). Nothing when trials are off or were had."""
    days = get_settings().stripe_trial_days
    account = accounts.find(session, org_id=org_id)
    if days <= 0 or (account is not None and account.trial_end is not None):
        return {}
    return {
        "payment_method_collection": "if_required",
        "subscription_data": {
            "metadata": {"org_id": org_id},
            "trial_period_days": days,
            "trial_settings": {"end_behavior": {"missing_payment_method": "cancel"}},
        },
    }


def open_portal(session: Session, *, org_id: str) -> Redirect:
    _require_stripe()
    account = accounts.find(session, org_id=org_id)
    if account is None or not account.stripe_customer_id:
        raise InvalidInput("This organisation has not bought anything through Stripe yet.")
    return Redirect(
        url=stripe_adapter.create_portal(
            customer_id=account.stripe_customer_id, return_url=_billing_page()
        )
    )
