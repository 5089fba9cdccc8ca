"""Billing against a real Stripe API server (localstripe, with the tests' small extension for
Checkout, the Portal, Prices and a test clock): subscribe, top up, cancel, renew and fail a
payment. Every state reaches the app only through the events localstripe signs and posts to the
webhook route, and each event is applied once."""

from __future__ import annotations

from tests.api.billing.helpers import (
    BILLING_PAGE,
    CHECKOUT,
    PORTAL,
    WEBHOOK_SECRET,
    billing_json,
    post_assessment,
    post_keys,
    redeliver,
    settle,
    status,
    subscribe,
)
from tests.api.billing.localstripe_server import DECLINED_CARD, GOOD_CARD


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
    # A second plan through Checkout would be a second subscription: refused, Portal instead.
    again = client.post(CHECKOUT, json={"plan": "team"}, headers=org.headers)
    assert again.status_code == 409 and again.json()["error"] == "subscription_exists"
    assert len(stripe_live.subscriptions(customer)) == 1


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
    # A cancelled subscription has ended: a new plan goes through Checkout again.
    assert client.post(CHECKOUT, json={"plan": "starter"}, headers=org.headers).status_code == 200


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


def test_a_declined_renewal_is_past_due_until_the_invoice_is_paid(client, org, stripe_live):
    customer = subscribe(client, org, stripe_live)
    stripe_live.change_card(customer, DECLINED_CARD)
    (sub,) = stripe_live.subscriptions(customer)
    assert stripe_live.advance(sub["id"])["status"] == "past_due"
    events = settle(stripe_live, customer)
    assert [e["type"] for e in events].count("invoice.payment_failed") == 1
    shown = billing_json("status", "--org", org.org_id)
    assert shown["status"] == "past_due"
    assert shown["credits_remaining"] == 120  # nothing granted for the unpaid period
    refused = post_assessment(client, org)
    assert (refused.status_code, refused.json()["error"]) == (402, "subscription_inactive")
    # A new card, and Stripe's retry of the invoice pays it: active again, the period's credits.
    stripe_live.change_card(customer, GOOD_CARD)
    (sub,) = stripe_live.subscriptions(customer)
    assert stripe_live.call("POST", f"/v1/invoices/{sub['latest_invoice']}/pay")["status"] == "paid"
    settle(stripe_live, customer)
    now = status(org)
    assert (now["status"], now["credits_remaining"]) == ("active", 240)
    assert post_assessment(client, org).status_code == 201


def test_an_invoice_paid_before_its_subscription_event_still_grants_the_plan(
    client, org, stripe_live
):
    """Stripe does not keep its events in order. Here they are delivered by the test, in the
    order localstripe made them: the first invoice.paid before customer.subscription.created."""
    import socket

    with socket.socket() as probe:  # localstripe's own deliveries go nowhere in this test
        probe.bind(("127.0.0.1", 0))
        nowhere = f"http://127.0.0.1:{probe.getsockname()[1]}/"
    stripe_live.send_webhooks_to(nowhere, WEBHOOK_SECRET)
    started = client.post(CHECKOUT, json={"plan": "team"}, headers=org.headers)
    assert stripe_live.pay(started.json()["url"]).status_code == 303
    customer = status(org)["stripe_customer_id"]
    events = stripe_live.events(customer)
    types = [e["type"] for e in events]
    assert types.index("invoice.paid") < types.index("customer.subscription.created")
    for event in events:
        assert redeliver(client, event)["applied"] is True
    now = status(org)
    assert (now["plan"], now["status"], now["credits_remaining"]) == ("team", "active", 600)


def test_a_plan_change_in_the_portal_reaches_the_app_as_its_subscription_update(
    client, org, stripe_live
):
    customer = subscribe(client, org, stripe_live)
    assert post_assessment(client, org).status_code == 201
    before = status(org)
    portal = client.post(PORTAL, headers=org.headers)
    switched = stripe_live.switch_in_portal(portal.json()["url"], "truelevel_team_monthly")
    assert (switched.status_code, switched.headers["location"]) == (303, BILLING_PAGE)
    events = settle(stripe_live, customer)
    assert [e["type"] for e in events].count("customer.subscription.updated") == 1
    (sub,) = stripe_live.subscriptions(customer)
    assert sub["items"]["data"][0]["price"]["lookup_key"] == "truelevel_team_monthly"
    now = status(org)
    assert (now["plan"], now["status"], now["assessment_quota"]) == ("team", "active", 50)
    # The period runs on with its usage; the team plan's credits come with its next invoice.
    assert (now["period_start"], now["assessments_used"]) == (before["period_start"], 1)
    assert now["credits_remaining"] == before["credits_remaining"]
