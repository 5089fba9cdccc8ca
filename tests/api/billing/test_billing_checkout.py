"""POST /api/v1/billing/checkout and /portal: the address of Stripe's Checkout (a plan, or a pack
of interview credits) and Billing Portal, made by the real ``stripe`` library against localstripe
(with the tests' extension for Checkout, the Portal and Prices). Nothing is granted until Stripe's
webhook says it is paid."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.billing.helpers import CHECKOUT, PORTAL, billing_json, settle, subscribe
from tests.api.billing.localstripe_server import LocalStripe
from tests.helpers import OrgHandle, make_key


def customers_of(stripe: LocalStripe, org: OrgHandle) -> list[dict[str, Any]]:
    listed = stripe.call("GET", "/v1/customers?limit=10000")["data"]
    return [c for c in listed if (c.get("metadata") or {}).get("org_id") == org.org_id]


def checkout_session(stripe: LocalStripe, url: str) -> dict[str, Any]:
    assert url.startswith(f"{stripe.url}/_checkout/cs_test_"), url
    return stripe.call("GET", f"/v1/checkout/sessions/{url.rsplit('/', 1)[1]}")


def test_a_plan_checkout_creates_the_customer_once_and_names_the_organisation(
    client, org, stripe_live
):
    response = client.post(CHECKOUT, json={"plan": "team"}, headers=org.headers)
    assert response.status_code == 200, response.text
    session = checkout_session(stripe_live, response.json()["url"])
    assert (session["mode"], session["status"]) == ("subscription", "open")
    (item,) = session["line_items"]["data"]
    assert item["price"]["lookup_key"] == "truelevel_team_monthly"  # resolved to its id
    assert item["price"]["id"].startswith("price_")
    assert session["client_reference_id"] == org.org_id
    assert session["success_url"] == "https://hire.example.com/billing?checkout=done"
    customer = session["customer"]
    assert billing_json("status", "--org", org.org_id)["stripe_customer_id"] == customer
    again = client.post(CHECKOUT, json={"plan": "team"}, headers=org.headers).json()["url"]
    assert checkout_session(stripe_live, again)["customer"] == customer
    assert [c["id"] for c in customers_of(stripe_live, org)] == [customer]
    # Still nothing paid: the gate stays shut until the webhook.
    assert billing_json("status", "--org", org.org_id)["status"] == "none"


def test_a_paid_subscription_carries_the_organisation(client, org, stripe_live):
    customer = subscribe(client, org, stripe_live, plan="team")
    (sub,) = stripe_live.subscriptions(customer)
    assert sub["metadata"] == {"org_id": org.org_id}
    assert sub["items"]["data"][0]["price"]["lookup_key"] == "truelevel_team_monthly"


def test_a_credit_pack_checkout_sells_that_many_credits(client, org, stripe_live):
    response = client.post(CHECKOUT, json={"credits": 250}, headers=org.headers)
    assert response.status_code == 200, response.text
    session = checkout_session(stripe_live, response.json()["url"])
    assert session["mode"] == "payment"
    (item,) = session["line_items"]["data"]
    assert (item["price"]["lookup_key"], item["quantity"]) == ("truelevel_interview_credit", 250)
    assert session["amount_total"] == 25_000
    assert session["metadata"] == {"org_id": org.org_id, "credits": "250"}
    assert billing_json("status", "--org", org.org_id)["credits_remaining"] == 0


def test_the_portal_needs_a_stripe_customer(client, org, stripe_live):
    refused = client.post(PORTAL, headers=org.headers)
    assert refused.status_code == 400
    client.post(CHECKOUT, json={"plan": "team"}, headers=org.headers)
    response = client.post(PORTAL, headers=org.headers)
    assert response.status_code == 200
    url = response.json()["url"]
    assert url.startswith(f"{stripe_live.url}/_portal/bps_")
    portal = stripe_live.call("GET", f"/v1/billing_portal/sessions/{url.rsplit('/', 1)[1]}")
    assert portal["return_url"] == "https://hire.example.com/billing"
    assert portal["customer"] == billing_json("status", "--org", org.org_id)["stripe_customer_id"]
    settle(stripe_live, portal["customer"])


@pytest.mark.parametrize(
    "body", [{}, {"plan": "team", "credits": 5}, {"credits": 0}, {"plan": "gold"}]
)
def test_a_checkout_asks_for_one_plan_or_a_positive_pack(client, org, stripe_live, body):
    assert client.post(CHECKOUT, json=body, headers=org.headers).status_code == 422
    assert customers_of(stripe_live, org) == []


def test_a_plan_without_a_price_is_not_sold(client, org, stripe_live):
    response = client.post(CHECKOUT, json={"plan": "scale"}, headers=org.headers)
    assert response.status_code == 400
    assert "scale" in response.json()["message"]


def test_a_lookup_key_stripe_does_not_know_is_400(client, org, stripe_live, monkeypatch):
    from backend.settings import get_settings

    monkeypatch.setenv("TRUELEVEL_STRIPE_PRICE_TEAM", "no_such_lookup_key")
    get_settings.cache_clear()
    response = client.post(CHECKOUT, json={"plan": "team"}, headers=org.headers)
    assert response.status_code == 400
    assert "no_such_lookup_key" in response.json()["message"]


def test_billing_needs_an_all_scope_key_and_stripe(client, org, stripe_live, monkeypatch):
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
