"""The one place that calls Stripe's API (architecture: every external effect goes through one
small adapter): customers, Checkout sessions, Billing Portal sessions and price look-ups, with
the official ``stripe`` library. ``TRUELEVEL_STRIPE_API_BASE`` points it at a test server."""

from __future__ import annotations

from typing import Any

import stripe

from backend.services.errors import DomainError, InvalidInput
from backend.settings import get_settings


class StripeUnavailable(DomainError):
    status_code = 502
    code = "stripe_unavailable"


def _client() -> stripe.StripeClient:
    settings = get_settings()
    if settings.stripe_api_base:
        return stripe.StripeClient(
            settings.stripe_secret_key,
            base_addresses={"api": settings.stripe_api_base},
            max_network_retries=1,
        )
    return stripe.StripeClient(settings.stripe_secret_key, max_network_retries=2)


def _call(action: str, call: Any) -> Any:
    try:
        return call()
    except stripe.InvalidRequestError as exc:
        raise InvalidInput(f"Stripe refused to {action}: {exc.user_message or exc}") from None
    except stripe.StripeError as exc:
        raise StripeUnavailable(f"Stripe could not {action}; try again shortly.") from exc


def price_id(configured: str) -> str:
    """A configured price: an id as it is, a lookup key resolved to its price's id."""
    if configured.startswith("price_"):
        return configured
    prices = _call(
        "find the price",
        lambda: _client().v1.prices.list(params={"lookup_keys": [configured], "limit": 1}),
    )
    if not prices.data:
        raise InvalidInput(f"No Stripe price has the lookup key {configured!r}.")
    return prices.data[0].id


def create_customer(*, org_id: str, name: str) -> str:
    customer = _call(
        "create the customer",
        lambda: _client().v1.customers.create(
            params={"name": name, "metadata": {"org_id": org_id}}
        ),
    )
    return customer.id


def retrieve_subscription(subscription_id: str) -> dict[str, Any]:
    """The subscription as Stripe has it now (its items' prices expanded as Stripe sends them)."""
    subscription = _call(
        "read the subscription",
        lambda: _client().v1.subscriptions.retrieve(subscription_id),
    )
    return subscription.to_dict()


def create_checkout(params: dict[str, Any]) -> str:
    """A Checkout session's address, for ``params`` as Stripe's API takes them."""
    checkout = _call(
        "start the checkout", lambda: _client().v1.checkout.sessions.create(params=params)
    )
    return checkout.url


def create_portal(*, customer_id: str, return_url: str) -> str:
    portal = _call(
        "open the billing portal",
        lambda: _client().v1.billing_portal.sessions.create(
            params={"customer": customer_id, "return_url": return_url}
        ),
    )
    return portal.url
