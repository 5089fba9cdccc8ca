"""POST /api/v1/billing/checkout and /portal: the address of Stripe's Checkout (a plan, or a pack
of interview credits) and Billing Portal, made by the real ``stripe`` library against a local
stand-in of Stripe's API. Nothing is granted until Stripe's webhook says it is paid."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.api.billing.fake_stripe import FakeStripe, fake_stripe
from tests.api.billing.helpers import billing_json
from tests.helpers import make_key

CHECKOUT = "/api/v1/billing/checkout"
PORTAL = "/api/v1/billing/portal"


@pytest.fixture()
def stripe_api(stripe_on, monkeypatch) -> Iterator[FakeStripe]:
    from backend.settings import get_settings

    with fake_stripe() as fake:
        monkeypatch.setenv("TRUELEVEL_STRIPE_API_BASE", fake.url)
        monkeypatch.setenv("TRUELEVEL_STRIPE_PRICE_CREDIT", "price_credit")
        fake.prices["truelevel_team_monthly"] = "price_team_1"
        get_settings.cache_clear()
        yield fake
    get_settings.cache_clear()


def test_a_plan_checkout_creates_the_customer_once_and_names_the_organisation(
    client, org, stripe_api
):
    response = client.post(CHECKOUT, json={"plan": "team"}, headers=org.headers)
    assert response.status_code == 200, response.text
    assert response.json()["url"].startswith("https://checkout.stripe.test/c/cs_test_")
    (session,) = stripe_api.posted("/v1/checkout/sessions")
    assert session["mode"] == "subscription"
    assert session["line_items[0][price]"] == "price_team_1"  # resolved from its lookup key
    assert session["client_reference_id"] == org.org_id
    assert session["subscription_data[metadata][org_id]"] == org.org_id
    assert session["success_url"] == "https://hire.example.com/billing?checkout=done"
    customer = session["customer"]
    assert billing_json("status", "--org", org.org_id)["stripe_customer_id"] == customer
    client.post(CHECKOUT, json={"plan": "team"}, headers=org.headers)
    assert len(stripe_api.posted("/v1/customers")) == 1
    assert stripe_api.posted("/v1/checkout/sessions")[1]["customer"] == customer
    # Still nothing paid: the gate stays shut until the webhook.
    assert billing_json("status", "--org", org.org_id)["status"] == "none"


def test_a_credit_pack_checkout_sells_that_many_credits(client, org, stripe_api):
    response = client.post(CHECKOUT, json={"credits": 250}, headers=org.headers)
    assert response.status_code == 200, response.text
    (session,) = stripe_api.posted("/v1/checkout/sessions")
    assert session["mode"] == "payment"
    assert (session["line_items[0][price]"], session["line_items[0][quantity]"]) == (
        "price_credit",
        "250",
    )
    assert session["metadata[credits]"] == "250"
    assert billing_json("status", "--org", org.org_id)["credits_remaining"] == 0


def test_the_portal_needs_a_stripe_customer(client, org, stripe_api):
    refused = client.post(PORTAL, headers=org.headers)
    assert refused.status_code == 400
    client.post(CHECKOUT, json={"plan": "team"}, headers=org.headers)
    response = client.post(PORTAL, headers=org.headers)
    assert response.status_code == 200
    assert response.json()["url"].startswith("https://billing.stripe.test/p/")
    (portal,) = stripe_api.posted("/v1/billing_portal/sessions")
    assert portal["return_url"] == "https://hire.example.com/billing"


@pytest.mark.parametrize(
    "body", [{}, {"plan": "team", "credits": 5}, {"credits": 0}, {"plan": "gold"}]
)
def test_a_checkout_asks_for_one_plan_or_a_positive_pack(client, org, stripe_api, body):
    assert client.post(CHECKOUT, json=body, headers=org.headers).status_code == 422
    assert stripe_api.calls == []


def test_a_plan_without_a_price_is_not_sold(client, org, stripe_api):
    response = client.post(CHECKOUT, json={"plan": "scale"}, headers=org.headers)
    assert response.status_code == 400
    assert "scale" in response.json()["message"]


def test_billing_needs_an_all_scope_key_and_stripe(client, org, stripe_api, monkeypatch):
    from backend.settings import get_settings

    scoped = {"Authorization": f"Bearer {make_key(org, 'assessments')}"}
    assert client.post(CHECKOUT, json={"plan": "team"}, headers=scoped).status_code == 403
    monkeypatch.delenv("TRUELEVEL_STRIPE_SECRET_KEY")
    get_settings.cache_clear()
    off = client.post(CHECKOUT, json={"plan": "team"}, headers=org.headers)
    assert (off.status_code, off.json()["error"]) == (404, "billing_off")


def test_stripe_out_of_reach_is_502_and_links_nothing(client, org, stripe_on, monkeypatch):
    import socket

    from backend.settings import get_settings

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("TRUELEVEL_STRIPE_API_BASE", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("TRUELEVEL_STRIPE_PRICE_TEAM", "price_team_1")
    get_settings.cache_clear()
    response = client.post(CHECKOUT, json={"plan": "team"}, headers=org.headers)
    assert (response.status_code, response.json()["error"]) == (502, "stripe_unavailable")
    assert billing_json("status", "--org", org.org_id)["stripe_customer_id"] is None
