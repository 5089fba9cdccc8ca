"""POST /api/v1/billing/stripe/webhook with events signed as Stripe signs them
(``Stripe-Signature: t=<unix>,v1=<HMAC-SHA256 of "t.payload">``): subscriptions set the plan
and status, a paid invoice starts the period and grants the plan's credits once, a failed
payment is past due; anything not signed with the secret, or signed too long ago, is refused."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlmodel import select

from tests.api.billing.helpers import WEBHOOK_SECRET, billing_json, post_assessment
from tests.helpers import OrgHandle, make_org

URL = "/api/v1/billing/stripe/webhook"
DAY = 86_400
START = 1_790_000_000  # a period start (unix seconds), then a month of 30 days
END = START + 30 * DAY


def signed(payload: str, *, secret: str = WEBHOOK_SECRET, at: int | None = None) -> dict:
    timestamp = int(time.time()) if at is None else at
    mac = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256)
    return {"Stripe-Signature": f"t={timestamp},v1={mac.hexdigest()}"}


def event(
    kind: str, obj: dict[str, Any], *, event_id: str | None = None, created: int | None = None
) -> str:
    return json.dumps(
        {
            "id": event_id or f"evt_{uuid.uuid4().hex[:24]}",
            "object": "event",
            "type": kind,
            "created": int(time.time()) if created is None else created,
            "data": {"object": obj},
        }
    )


def subscription(org: OrgHandle, **fields: Any) -> dict[str, Any]:
    sub = {
        "id": f"sub_{org.org_id[:8]}",
        "object": "subscription",
        "customer": f"cus_{org.org_id[:8]}",
        "status": "active",
        "trial_end": None,
        "metadata": {"org_id": org.org_id},
        "items": {
            "data": [
                {
                    "price": {"id": "price_123", "lookup_key": "truelevel_starter_monthly"},
                    "current_period_start": START,
                    "current_period_end": END,
                }
            ]
        },
    }
    sub.update(fields)
    return sub


def invoice(org: OrgHandle, invoice_id: str, *, start: int = START) -> dict:
    """A subscription's invoice for the period from ``start``: its first, or a renewal."""
    return {
        "id": invoice_id,
        "object": "invoice",
        "customer": f"cus_{org.org_id[:8]}",
        "billing_reason": "subscription_create" if start == START else "subscription_cycle",
        "lines": {"data": [{"period": {"start": start, "end": start + 30 * DAY}}]},
    }


def deliver(client, payload: str, **sign: Any) -> Any:
    return client.post(URL, content=payload, headers=signed(payload, **sign))


def subscribed(client, org: OrgHandle, **fields: Any) -> None:
    payload = event("customer.subscription.created", subscription(org, **fields))
    assert deliver(client, payload).json() == {"received": True, "applied": True}


def test_a_subscription_and_its_first_invoice_put_the_organisation_on_its_plan(
    client, org, stripe_on
):
    assert post_assessment(client, org).status_code == 402
    subscribed(client, org)
    status = billing_json("status", "--org", org.org_id)
    assert (status["plan"], status["status"], status["assessment_quota"]) == (
        "starter",
        "active",
        10,
    )
    assert status["stripe_customer_id"] == f"cus_{org.org_id[:8]}"
    assert status["credits_remaining"] == 0  # the credits come with the paid invoice
    assert deliver(client, event("invoice.paid", invoice(org, "in_first"))).status_code == 200
    status = billing_json("status", "--org", org.org_id)
    assert status["credits_remaining"] == 120
    assert status["period_start"].startswith("2026-09-21")
    assert post_assessment(client, org).status_code == 201


def test_a_replayed_event_is_applied_once(client, org, stripe_on):
    subscribed(client, org)
    paid = event("invoice.paid", invoice(org, "in_once"))
    assert deliver(client, paid).json() == {"received": True, "applied": True}
    assert deliver(client, paid).json() == {"received": True, "applied": False}
    # Another event for the same invoice (Stripe may send more than one) grants nothing either.
    assert deliver(client, event("invoice.paid", invoice(org, "in_once"))).status_code == 200
    assert billing_json("status", "--org", org.org_id)["credits_remaining"] == 120


def test_concurrent_deliveries_of_one_event_grant_once(live_server, stripe_on):
    org = make_org()
    with httpx.Client(base_url=live_server, timeout=60) as http:
        subscribed(http, org)
    paid = event("invoice.paid", invoice(org, "in_twins"))

    def send(_: int) -> dict:
        with httpx.Client(base_url=live_server, timeout=60) as http:
            response = deliver(http, paid)
            assert response.status_code == 200, response.text
            return response.json()

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(send, range(6)))
    assert sum(o["applied"] for o in outcomes) == 1
    assert billing_json("status", "--org", org.org_id)["credits_remaining"] == 120


def test_a_renewal_resets_the_quota_and_grants_the_plan_credits_again(client, org, stripe_on):
    subscribed(client, org)
    deliver(client, event("invoice.paid", invoice(org, "in_1")))
    for _ in range(2):
        assert post_assessment(client, org).status_code == 201
    assert billing_json("status", "--org", org.org_id)["assessments_used"] == 2
    deliver(client, event("invoice.paid", invoice(org, "in_2", start=END)))
    status = billing_json("status", "--org", org.org_id)
    assert (status["assessments_used"], status["credits_remaining"]) == (0, 240)
    assert status["period_start"].startswith("2026-10-21")


def test_a_failed_payment_and_a_cancellation_close_the_gate(client, org, stripe_on):
    subscribed(client, org)
    deliver(client, event("invoice.payment_failed", invoice(org, "in_failed")))
    assert billing_json("status", "--org", org.org_id)["status"] == "past_due"
    assert post_assessment(client, org).json()["error"] == "subscription_inactive"
    subscribed(client, org, status="active")
    assert post_assessment(client, org).status_code == 201
    deliver(client, event("customer.subscription.deleted", subscription(org, status="canceled")))
    refused = post_assessment(client, org)
    assert (refused.status_code, refused.json()["error"]) == (402, "subscription_inactive")


def test_an_older_event_arriving_late_does_not_undo_a_newer_one(client, org, stripe_on):
    now = int(time.time())
    subscribed(client, org)
    recovered = event("customer.subscription.updated", subscription(org), created=now)
    failed = event("invoice.payment_failed", invoice(org, "in_late"), created=now - 120)
    assert deliver(client, recovered).json()["applied"] is True
    assert deliver(client, failed).json()["applied"] is True  # recorded, but stale
    assert billing_json("status", "--org", org.org_id)["status"] == "active"
    assert post_assessment(client, org).status_code == 201


def test_a_team_price_update_changes_the_plan_and_an_ended_trial_is_402(client, org, stripe_on):
    team = {"data": [{"price": {"id": "price_9", "lookup_key": "truelevel_team_monthly"}}]}
    subscribed(client, org, status="trialing", trial_end=int(time.time()) - 60, items=team)
    status = billing_json("status", "--org", org.org_id)
    assert (status["plan"], status["status"], status["assessment_quota"]) == (
        "team",
        "trialing",
        50,
    )
    refused = post_assessment(client, org)
    assert (refused.status_code, refused.json()["error"]) == (402, "trial_expired")
    assert refused.json()["upgrade_url"] == "https://hire.example.com/billing"


@pytest.mark.parametrize("case", ["tampered", "stale", "wrong secret", "no signature"])
def test_unsigned_or_misdirected_events_are_refused_and_change_nothing(
    client, org, stripe_on, case
):
    payload = event("customer.subscription.created", subscription(org))
    if case == "tampered":
        headers = signed(payload)
        payload = payload.replace('"active"', '"trialing"')
    elif case == "stale":
        headers = signed(payload, at=int(time.time()) - 3600)
    elif case == "wrong secret":
        headers = signed(payload, secret="whsec_someone_else")
    else:
        headers = {}
    response = client.post(URL, content=payload, headers=headers)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_signature"
    assert billing_json("status", "--org", org.org_id)["status"] == "none"
    # The genuine delivery still applies afterwards: nothing was recorded for it.
    assert deliver(client, payload).json()["applied"] is True


def checkout(org: OrgHandle, session_id: str, **fields: Any) -> dict[str, Any]:
    """A Checkout session for a pack of 50 interview credits, paid."""
    return {
        "id": session_id,
        "object": "checkout.session",
        "mode": "payment",
        "payment_status": "paid",
        "client_reference_id": org.org_id,
        "customer": f"cus_{org.org_id[:8]}",
        "metadata": {"credits": "50"},
        **fields,
    }


def test_a_paid_credit_pack_is_a_purchase_granted_once(client, org, stripe_on):
    subscribed(client, org)
    paid = event("checkout.session.completed", checkout(org, "cs_pack"))
    assert deliver(client, paid).json()["applied"] is True
    assert deliver(client, paid).json()["applied"] is False
    # Stripe's later event for the same session (an async payment) grants nothing again.
    late = event("checkout.session.async_payment_succeeded", checkout(org, "cs_pack"))
    assert deliver(client, late).json()["applied"] is True
    unpaid = checkout(org, "cs_unpaid", payment_status="unpaid")
    deliver(client, event("checkout.session.completed", unpaid))
    assert billing_json("status", "--org", org.org_id)["credits_remaining"] == 50

    from backend.db import session_scope
    from backend.models.interviews import CreditLedgerEntry

    with session_scope() as session:
        entry = session.exec(
            select(CreditLedgerEntry).where(CreditLedgerEntry.charge_key == "checkout:cs_pack")
        ).one()
    assert (entry.org_id, entry.delta, entry.reason) == (org.org_id, 50, "purchase")


def test_an_event_for_an_organisation_that_is_not_here_is_acknowledged(client, org, stripe_on):
    stranger = subscription(org, customer="cus_elsewhere", metadata={"org_id": "no-such-org"})
    response = deliver(client, event("customer.subscription.created", stranger))
    assert response.json() == {"received": True, "applied": True}  # not retried forever
    assert billing_json("status", "--org", org.org_id)["status"] == "none"


def test_a_body_that_is_not_text_is_refused_not_a_server_error(client, stripe_on):
    response = client.post(URL, content=b"\xff\xfe", headers={"Stripe-Signature": "t=1,v1=ab"})
    assert (response.status_code, response.json()["error"]) == (400, "invalid_signature")


def test_without_a_webhook_secret_the_route_is_not_there(client, org):
    payload = event("invoice.paid", invoice(org, "in_x"))
    response = deliver(client, payload)
    assert response.status_code == 404
    assert response.json()["error"] == "billing_off"


def test_interview_credits_come_from_the_paid_plan(api_app, org, stripe_on):
    """Seed 004 under Stripe: no subscription is no credits (402 pointing at {public_url}/billing),
    the paid invoice's credits are what a recording is charged against."""
    from fastapi.testclient import TestClient

    from tests.api.interviews.conftest import mount_interviews
    from tests.api.interviews.helpers import submit

    with TestClient(mount_interviews(api_app)) as client:
        refused = submit(client, org)
        assert refused.status_code == 402
        assert refused.json()["detail"] == {
            "error": "insufficient_credits",
            "credits_needed": 1,
            "message": "Credit balance exhausted. Subscribe to continue.",
            "upgrade_url": "https://hire.example.com/billing",
        }
        subscribed(client, org)
        deliver(client, event("invoice.paid", invoice(org, "in_interviews")))
        accepted = submit(client, org)
        assert accepted.status_code == 202, accepted.text
        assert (accepted.json()["credits_charged"], accepted.json()["credits_remaining"]) == (
            1,
            119,
        )


def test_the_admins_are_emailed_once_when_a_trial_will_end(client, org, stripe_on):
    from sqlmodel import select

    from backend.db import session_scope
    from backend.models import OutboundEmail

    ends = START + 3 * DAY
    subscribed(client, org, status="trialing", trial_end=ends)
    notice = event("customer.subscription.trial_will_end", subscription(org, trial_end=ends))
    assert deliver(client, notice).json() == {"received": True, "applied": True}
    assert deliver(client, notice).json() == {"received": True, "applied": False}
    with session_scope() as db:
        emails = db.exec(
            select(OutboundEmail).where(
                OutboundEmail.org_id == org.org_id, OutboundEmail.purpose == "trial_will_end"
            )
        ).all()
    assert [e.to_address for e in emails] == [org.admin_email]
    assert "ends on 24 September 2026" in emails[0].subject
    assert "/billing" in emails[0].body_text
