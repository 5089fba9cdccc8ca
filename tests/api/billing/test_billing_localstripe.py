"""Billing against a real Stripe API server (localstripe, with the tests' small extension for
Checkout, the Portal, Prices and a test clock): subscribe, top up, cancel, renew and fail a
payment. Every state reaches the app only through the events localstripe signs and posts to the
webhook route, and each event is applied once."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

import pytest

from tests.api.billing.conftest import WEBHOOK_SECRET
from tests.api.billing.helpers import billing_json, post_assessment, post_keys
from tests.api.billing.localstripe_server import DECLINED_CARD, LocalStripe
from tests.helpers import OrgHandle

CHECKOUT = "/api/v1/billing/checkout"
PORTAL = "/api/v1/billing/portal"
WEBHOOK = "/api/v1/billing/stripe/webhook"
BILLING_PAGE = "https://hire.example.com/billing"


def status(org: OrgHandle) -> dict[str, Any]:
    """What ``billing status`` shows, read in this process (the command line is slower)."""
    from backend.db import session_scope
    from backend.services.billing import accounts

    with session_scope() as session:
        return accounts.summary(session, org_id=org.org_id).model_dump(mode="json")


def settle(stripe: LocalStripe, customer: str, *, timeout: float = 30) -> list[dict[str, Any]]:
    """Wait until every event localstripe sent about ``customer`` has been applied by the app
    (each is recorded once, by its id); the events, oldest first."""
    from sqlmodel import col, select

    from backend.db import session_scope
    from backend.models.billing import StripeEvent

    deadline = time.monotonic() + timeout
    while True:
        events = stripe.events(customer)
        ids = [e["id"] for e in events]
        with session_scope() as session:
            applied = session.exec(select(StripeEvent.id).where(col(StripeEvent.id).in_(ids)))
            missing = set(ids) - set(applied.all())
        if not missing:
            return sorted(events, key=lambda e: e["created"])
        if time.monotonic() > deadline:
            pytest.fail(f"localstripe's events never reached the app: {sorted(missing)}")
        time.sleep(0.1)


def redeliver(client, event: dict[str, Any]) -> dict[str, Any]:
    """The same event delivered again, signed as Stripe signs it."""
    payload = json.dumps(event)
    at = int(time.time())
    mac = hmac.new(WEBHOOK_SECRET.encode(), f"{at}.{payload}".encode(), hashlib.sha256)
    response = client.post(
        WEBHOOK, content=payload, headers={"Stripe-Signature": f"t={at},v1={mac.hexdigest()}"}
    )
    assert response.status_code == 200, response.text
    return response.json()


def subscribe(client, org: OrgHandle, stripe: LocalStripe, plan: str = "starter") -> str:
    """The admin subscribes through Checkout and pays; the Stripe customer's id."""
    started = client.post(CHECKOUT, json={"plan": plan}, headers=org.headers)
    assert started.status_code == 200, started.text
    paid = stripe.pay(started.json()["url"])
    assert (paid.status_code, paid.headers["location"]) == (303, f"{BILLING_PAGE}?checkout=done")
    customer = status(org)["stripe_customer_id"]
    assert customer and customer.startswith("cus_")
    settle(stripe, customer)
    return customer


def test_subscribing_through_checkout_opens_the_gate(client, org, stripe_live):
    assert post_assessment(client, org).status_code == 402
    customer = subscribe(client, org, stripe_live)
    types = [e["type"] for e in stripe_live.events(customer)]
    for sent in ("checkout.session.completed", "customer.subscription.created", "invoice.paid"):
        assert types.count(sent) == 1, types
    (sub,) = stripe_live.subscriptions(customer)
    assert sub["status"] == "active"
    assert sub["items"]["data"][0]["price"]["lookup_key"] == "truelevel_starter_monthly"
    shown = billing_json("status", "--org", org.org_id)
    assert (shown["plan"], shown["status"], shown["assessment_quota"]) == ("starter", "active", 10)
    assert shown["credits_remaining"] == 120  # the plan's, granted with its paid invoice
    assert shown["period_start"] == status(org)["period_start"]
    assert post_assessment(client, org).status_code == 201


def test_a_credit_top_up_is_granted_once_even_when_its_event_comes_again(client, org, stripe_live):
    customer = subscribe(client, org, stripe_live)
    started = client.post(CHECKOUT, json={"credits": 50}, headers=org.headers)
    assert started.status_code == 200, started.text
    assert stripe_live.pay(started.json()["url"]).status_code == 303
    events = settle(stripe_live, customer)
    (completed,) = [
        e
        for e in events
        if e["type"] == "checkout.session.completed" and e["data"]["object"]["mode"] == "payment"
    ]
    paid_by = completed["data"]["object"]["payment_intent"]
    intent = stripe_live.call("GET", f"/v1/payment_intents/{paid_by}")
    assert (intent["status"], intent["amount"]) == ("succeeded", 5000)  # 50 credits at 1.00
    assert status(org)["credits_remaining"] == 170
    assert redeliver(client, completed) == {"received": True, "applied": False}
    assert status(org)["credits_remaining"] == 170


def test_cancelling_in_the_portal_closes_the_gate_with_402(client, org, stripe_live):
    subscribe(client, org, stripe_live)
    assessment_id = post_assessment(client, org).json()["assessment"]["id"]
    portal = client.post(PORTAL, headers=org.headers)
    assert portal.status_code == 200, portal.text
    cancelled = stripe_live.cancel_in_portal(portal.json()["url"])
    assert (cancelled.status_code, cancelled.headers["location"]) == (303, BILLING_PAGE)
    settle(stripe_live, status(org)["stripe_customer_id"])
    assert status(org)["status"] == "canceled"
    for refused in (post_assessment(client, org), post_keys(client, org, assessment_id)):
        assert refused.status_code == 402
        assert refused.json()["error"] == "subscription_inactive"
        assert refused.json()["upgrade_url"] == BILLING_PAGE


def test_a_renewal_starts_a_new_period_with_the_quota_unused(client, org, stripe_live):
    customer = subscribe(client, org, stripe_live)
    for _ in range(2):
        assert post_assessment(client, org).status_code == 201
    first = status(org)
    assert first["assessments_used"] == 2
    (sub,) = stripe_live.subscriptions(customer)
    renewed = stripe_live.advance(sub["id"])
    events = settle(stripe_live, customer)
    assert [e["type"] for e in events].count("invoice.paid") == 2
    now = status(org)
    assert (now["assessments_used"], now["credits_remaining"]) == (0, 240)
    assert now["period_start"] == first["period_end"]
    assert renewed["current_period_start"] == sub["current_period_end"]
    assert (now["plan"], now["status"]) == ("starter", "active")


def test_a_declined_renewal_is_past_due_and_closes_the_gate(client, org, stripe_live):
    customer = subscribe(client, org, stripe_live)
    stripe_live.change_card(customer, DECLINED_CARD)
    (sub,) = stripe_live.subscriptions(customer)
    assert stripe_live.advance(sub["id"])["status"] == "past_due"
    events = settle(stripe_live, customer)
    assert "invoice.payment_failed" in [e["type"] for e in events]
    shown = billing_json("status", "--org", org.org_id)
    assert shown["status"] == "past_due"
    assert shown["credits_remaining"] == 120  # nothing granted for the unpaid period
    refused = post_assessment(client, org)
    assert (refused.status_code, refused.json()["error"]) == (402, "subscription_inactive")
