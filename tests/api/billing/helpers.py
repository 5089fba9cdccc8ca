"""Billing test helpers: the admin command line run as a person runs it, the requests seed 001
guards, and a customer's way through Stripe (localstripe): subscribe, and wait until every event
Stripe sent about them has reached the app."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.api.billing.localstripe_server import LocalStripe
from tests.helpers import OrgHandle

ROOT = Path(__file__).resolve().parents[3]
API = "/api/v1"
CHECKOUT = f"{API}/billing/checkout"
PORTAL = f"{API}/billing/portal"
WEBHOOK = f"{API}/billing/stripe/webhook"
WEBHOOK_SECRET = "whsec_test_billing"
BILLING_PAGE = "https://hire.example.com/billing"
BRIEF = {
    "title": "Backend API Challenge",
    "role": "Senior Backend Engineer",
    "taskBrief": "Add pagination to the /orders endpoint.",
}


def billing_cli(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """``python -m backend.cli billing ...`` in a process of its own, with this environment."""
    return subprocess.run(
        [sys.executable, "-m", "backend.cli", "billing", *args],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=check,
    )


def billing_json(*args: str) -> dict[str, Any]:
    return json.loads(billing_cli(*args).stdout)


def post_assessment(client: Any, org: OrgHandle, **fields: Any) -> Any:
    return client.post(f"{API}/assessments", json={**BRIEF, **fields}, headers=org.headers)


def post_keys(client: Any, org: OrgHandle, assessment_id: str) -> Any:
    return client.post(
        f"{API}/assessments/{assessment_id}/keys", json={"count": 1}, headers=org.headers
    )


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
