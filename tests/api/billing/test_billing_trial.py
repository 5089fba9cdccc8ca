"""Trials through Stripe Checkout (``TRUELEVEL_STRIPE_TRIAL_DAYS``): a trialing subscription
opens seed 001's gate; a trial that ends unpaid (no card, or a declined one) answers 402
``trial_expired`` on ``POST /assessments`` and ``POST /assessments/{id}/keys``, distinct from
``subscription_inactive``; a trial paid at its end is active with the plan's credits. Stripe is
localstripe with the tests' extension (a trial in Checkout, a test clock past the trial's end);
every state reaches the app through its signed webhooks, and a replay changes nothing."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from tests.api.billing.helpers import (
    BILLING_PAGE,
    CHECKOUT,
    billing_json,
    post_assessment,
    post_keys,
    redeliver,
    settle,
    status,
)
from tests.api.billing.localstripe_server import DECLINED_CARD, GOOD_CARD, LocalStripe
from tests.api.billing.test_billing_webhook import deliver, event, invoice, subscription
from tests.helpers import OrgHandle

TRIAL_DAYS = 14


@pytest.fixture()
def trials(stripe_live, monkeypatch) -> LocalStripe:
    """Billing against localstripe, plans bought through Checkout with a 14-day trial."""
    from backend.settings import get_settings

    monkeypatch.setenv("TRUELEVEL_STRIPE_TRIAL_DAYS", str(TRIAL_DAYS))
    get_settings.cache_clear()
    return stripe_live


def start_trial(client, org: OrgHandle, stripe: LocalStripe, *, card: str = "") -> str:
    """The admin chooses the starter plan on Checkout, with ``card`` or (empty) none; the
    subscription's id, once its events have reached the app."""
    started = client.post(CHECKOUT, json={"plan": "starter"}, headers=org.headers)
    assert started.status_code == 200, started.text
    paid = stripe.pay(started.json()["url"], card=card)
    assert (paid.status_code, paid.headers["location"]) == (303, f"{BILLING_PAGE}?checkout=done")
    customer = status(org)["stripe_customer_id"]
    settle(stripe, customer)
    (sub,) = stripe.subscriptions(customer)
    assert sub["status"] == "trialing"
    return sub["id"]


def end_trial(stripe: LocalStripe, org: OrgHandle, sub_id: str) -> list[dict]:
    """The test clock passes the trial's end; the events, once the app has applied them."""
    stripe.advance(sub_id)
    return settle(stripe, status(org)["stripe_customer_id"])


def refusals(client, org: OrgHandle, assessment_id: str) -> list[tuple[int, str, str]]:
    answers = [post_assessment(client, org), post_keys(client, org, assessment_id)]
    return [(a.status_code, a.json()["error"], a.json()["upgrade_url"]) for a in answers]


def test_a_trial_through_checkout_allows_assessments_until_it_ends(client, org, trials):
    start_trial(client, org, trials)
    shown = billing_json("status", "--org", org.org_id)
    assert (shown["plan"], shown["status"], shown["assessment_quota"]) == (
        "starter",
        "trialing",
        10,
    )
    trial_end = datetime.fromisoformat(shown["trial_end"])
    expected = datetime.now(UTC) + timedelta(days=TRIAL_DAYS)
    assert abs((trial_end - expected).total_seconds()) < 120
    assert shown["period_end"] == shown["trial_end"]  # the trial is the first period
    assert shown["credits_remaining"] == 0  # the plan's credits come with its first payment
    made = post_assessment(client, org)
    assert made.status_code == 201, made.text
    assert post_keys(client, org, made.json()["assessment"]["id"]).status_code == 201
    assert status(org)["assessments_used"] == 1

    from backend.db import session_scope
    from backend.services.billing.overview import billing_overview

    with session_scope() as session:
        view = billing_overview(session, org_id=org.org_id)
    assert view.status_text == f"Trial — ends {trial_end.day} {trial_end:%b}" and view.status_ok


def test_a_trial_that_ends_without_a_card_is_402_trial_expired_once(client, org, trials):
    from backend.db import session_scope
    from backend.models import OutboundEmail

    sub_id = start_trial(client, org, trials)
    assessment_id = post_assessment(client, org).json()["assessment"]["id"]
    events = end_trial(trials, org, sub_id)
    types = [e["type"] for e in events]
    assert types.count("customer.subscription.trial_will_end") == 1, types
    assert types.count("customer.subscription.deleted") == 1, types
    (sub,) = trials.subscriptions(status(org)["stripe_customer_id"])
    assert sub["status"] == "canceled"  # Stripe's word; the app knows it as the trial's end

    after = status(org)
    assert after["status"] == "trial_expired"
    assert refusals(client, org, assessment_id) == [(402, "trial_expired", BILLING_PAGE)] * 2
    with session_scope() as session:
        notices = session.exec(
            select(OutboundEmail).where(
                OutboundEmail.org_id == org.org_id, OutboundEmail.purpose == "trial_will_end"
            )
        ).all()
    assert [n.to_address for n in notices] == [org.admin_email]

    # Every event delivered again: nothing changes, no second email.
    for replayed in events:
        assert redeliver(client, replayed) == {"received": True, "applied": False}
    assert status(org) == after
    with session_scope() as session:
        assert (
            len(
                session.exec(
                    select(OutboundEmail).where(
                        OutboundEmail.org_id == org.org_id,
                        OutboundEmail.purpose == "trial_will_end",
                    )
                ).all()
            )
            == 1
        )

    # Subscribing again is paid at once: one trial per organisation.
    started = client.post(CHECKOUT, json={"plan": "starter"}, headers=org.headers)
    assert trials.pay(started.json()["url"], card=GOOD_CARD).status_code == 303
    settle(trials, after["stripe_customer_id"])
    now = status(org)
    assert (now["status"], now["credits_remaining"]) == ("active", 120)
    assert post_assessment(client, org).status_code == 201


def test_a_trial_whose_card_is_declined_at_its_end_is_trial_expired_until_paid(client, org, trials):
    sub_id = start_trial(client, org, trials, card=DECLINED_CARD)
    assessment_id = post_assessment(client, org).json()["assessment"]["id"]
    types = [e["type"] for e in end_trial(trials, org, sub_id)]
    assert types.count("invoice.payment_failed") == 1, types
    assert "customer.subscription.updated" in types
    (sub,) = trials.subscriptions(status(org)["stripe_customer_id"])
    assert sub["status"] == "past_due"
    assert status(org)["status"] == "trial_expired"
    assert refusals(client, org, assessment_id) == [(402, "trial_expired", BILLING_PAGE)] * 2

    # A good card and the invoice paid: active, with the first paid period's credits.
    customer = status(org)["stripe_customer_id"]
    trials.change_card(customer, GOOD_CARD)
    assert trials.call("POST", f"/v1/invoices/{sub['latest_invoice']}/pay")["status"] == "paid"
    settle(trials, customer)
    now = status(org)
    assert (now["status"], now["credits_remaining"]) == ("active", 120)
    assert post_keys(client, org, assessment_id).status_code == 201


def test_a_trial_paid_at_its_end_starts_the_first_paid_period(client, org, trials):
    sub_id = start_trial(client, org, trials, card=GOOD_CARD)
    for _ in range(2):
        assert post_assessment(client, org).status_code == 201
    trial = status(org)
    types = [e["type"] for e in end_trial(trials, org, sub_id)]
    assert types.count("invoice.paid") == 2, types  # the trial's free one, then the first paid
    assert "customer.subscription.updated" in types
    now = status(org)
    assert (now["status"], now["assessments_used"], now["credits_remaining"]) == (
        "active",
        0,
        120,
    )
    assert now["period_start"] == trial["trial_end"]
    assert post_assessment(client, org).status_code == 201


def test_without_a_trial_setting_checkout_has_no_trial(client, org, stripe_live):
    started = client.post(CHECKOUT, json={"plan": "starter"}, headers=org.headers)
    assert stripe_live.pay(started.json()["url"]).status_code == 303
    customer = status(org)["stripe_customer_id"]
    settle(stripe_live, customer)
    (sub,) = stripe_live.subscriptions(customer)
    assert (sub["status"], sub["trial_end"]) == ("active", None)


# --- Stripe's events as Stripe may deliver them (signed fixtures, in any order) ---------------


def trial_subscription(org: OrgHandle, **fields) -> dict:
    """A subscription whose 14-day trial ends in a minute."""
    end = int(time.time()) + 60
    start = end - TRIAL_DAYS * 86_400
    items = {
        "data": [
            {
                "price": {"id": "price_1", "lookup_key": "truelevel_starter_monthly"},
                "current_period_start": start,
                "current_period_end": end,
            }
        ]
    }
    return subscription(org, status="trialing", trial_end=end, items=items, **fields)


def test_a_past_due_before_its_failed_invoice_is_still_trial_expired(client, org, stripe_on):
    trialing = trial_subscription(org)
    end = trialing["trial_end"]
    assert deliver(client, event("customer.subscription.created", trialing)).status_code == 200
    assert post_assessment(client, org).status_code == 201
    lapsed = {**trialing, "status": "past_due"}
    lapsed["items"] = {"data": [{**lapsed["items"]["data"][0], "current_period_start": end}]}
    deliver(client, event("customer.subscription.updated", lapsed))
    assert status(org)["status"] == "trial_expired"
    deliver(client, event("invoice.payment_failed", invoice(org, "in_after_trial", start=end)))
    refused = post_assessment(client, org)
    assert (refused.status_code, refused.json()["error"]) == (402, "trial_expired")


def test_a_trial_cancelled_while_it_runs_is_subscription_inactive(client, org, stripe_on):
    trialing = trial_subscription(org)
    trialing["trial_end"] += 7 * 86_400  # a week left
    deliver(client, event("customer.subscription.created", trialing))
    cancelled = {**trialing, "status": "canceled", "ended_at": int(time.time())}
    deliver(client, event("customer.subscription.deleted", cancelled))
    assert status(org)["status"] == "canceled"
    refused = post_assessment(client, org)
    assert (refused.status_code, refused.json()["error"]) == (402, "subscription_inactive")
