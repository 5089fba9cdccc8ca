"""Seed 001's billing answers on POST /assessments and POST /assessments/{id}/keys: 402 without
an active or trialing subscription, 403 quota_exceeded with used and quota, and nothing at all
while billing is off."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest

from tests.api.billing.helpers import billing_json, post_assessment, post_keys
from tests.helpers import OrgHandle, make_org


def _set_account(org: OrgHandle, **values) -> None:
    from backend.db import session_scope
    from backend.models.billing import BillingAccount

    with session_scope() as session:
        account = session.get(BillingAccount, org.org_id)
        for name, value in values.items():
            setattr(account, name, value)
        session.add(account)
        session.commit()


def test_billing_off_is_unlimited(client, org):
    for _ in range(3):
        assert post_assessment(client, org).status_code == 201
    assessment_id = post_assessment(client, org).json()["assessment"]["id"]
    assert post_keys(client, org, assessment_id).status_code == 201


def test_with_stripe_on_an_organisation_without_a_subscription_gets_402(client, org, stripe_on):
    response = post_assessment(client, org)
    assert response.status_code == 402
    assert response.json() == {
        "error": "subscription_inactive",
        "message": "Subscription inactive. Subscribe to continue.",
        "upgrade_url": "https://hire.example.com/billing",
    }


def test_keys_need_an_active_subscription_too(client, org):
    billing_json("set-plan", "--org", org.org_id, "--plan", "team")
    assessment_id = post_assessment(client, org).json()["assessment"]["id"]
    assert post_keys(client, org, assessment_id).status_code == 201
    _set_account(org, status="canceled")
    response = post_keys(client, org, assessment_id)
    assert response.status_code == 402
    assert response.json()["error"] == "subscription_inactive"
    assert response.json()["upgrade_url"].endswith("/billing")


def test_an_expired_trial_is_402_trial_expired(client, org):
    billing_json(
        "set-plan", "--org", org.org_id, "--plan", "starter", "--status", "trialing",
        "--trial-days", "3",
    )  # fmt: skip
    assert post_assessment(client, org).status_code == 201
    from backend.models.base import utcnow

    _set_account(org, trial_end=utcnow() - timedelta(minutes=1))
    for response in (post_assessment(client, org), post_keys(client, org, "any")):
        assert response.status_code == 402
        assert response.json()["error"] == "trial_expired"
        assert response.json()["message"] == "Your trial has ended. Subscribe to continue."


def test_the_quota_is_403_with_used_and_quota_and_a_refused_creation_costs_nothing(client, org):
    billing_json("set-plan", "--org", org.org_id, "--plan", "small", "--quota", "2")
    assert post_assessment(client, org).status_code == 201
    # Invalid: 400, and the slot it took is given back with the rollback.
    assert post_assessment(client, org, rubricId="no-such-rubric").status_code == 400
    assert post_assessment(client, org).status_code == 201
    response = post_assessment(client, org)
    assert response.status_code == 403
    assert response.json() == {
        "error": "quota_exceeded",
        "message": "Your plan's monthly assessment quota has been reached.",
        "used": 2,
        "quota": 2,
    }
    assert billing_json("status", "--org", org.org_id)["assessments_used"] == 2


def test_an_admin_plan_renews_its_quota_when_the_month_is_over(client, org):
    from backend.models.base import utcnow

    billing_json("set-plan", "--org", org.org_id, "--plan", "small", "--quota", "1")
    assert post_assessment(client, org).status_code == 201
    assert post_assessment(client, org).status_code == 403
    now = utcnow()
    _set_account(org, period_start=now - timedelta(days=40), period_end=now - timedelta(days=9))
    assert post_assessment(client, org).status_code == 201
    status = billing_json("status", "--org", org.org_id)
    assert status["assessments_used"] == 1
    assert status["period_start"] < now.isoformat() < status["period_end"]


def test_concurrent_creations_cannot_both_take_the_last_slot(live_server):
    org = make_org()
    billing_json("set-plan", "--org", org.org_id, "--plan", "small", "--quota", "3")

    def create(_: int) -> int:
        with httpx.Client(base_url=live_server, timeout=60) as http:
            return post_assessment(http, org).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(create, range(12)))
    assert sorted(codes) == [201] * 3 + [403] * 9
    assert billing_json("status", "--org", org.org_id)["assessments_used"] == 3
    with httpx.Client(base_url=live_server) as http:
        listed = http.get("/api/v1/assessments", headers=org.headers).json()["assessments"]
    assert len(listed) == 3


@pytest.mark.parametrize("status", ["past_due", "canceled", "none"])
def test_only_active_and_trialing_subscriptions_create(client, org, status):
    billing_json("set-plan", "--org", org.org_id, "--plan", "team")
    _set_account(org, status=status)
    assert post_assessment(client, org).json()["error"] == "subscription_inactive"
