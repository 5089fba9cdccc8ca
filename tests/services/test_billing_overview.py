"""The /billing page's view model, read from the real billing and credit services."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from backend.models.base import utcnow
from backend.models.billing import SubscriptionStatus
from backend.services.billing import accounts, gate, plans
from backend.services.billing.overview import billing_overview, status_text
from backend.settings import get_settings
from tests.helpers import make_org


@pytest.fixture()
def stripe_on(monkeypatch) -> Iterator[None]:
    """An installation with Stripe keys and two plan prices configured (no credit price)."""
    monkeypatch.setenv("TRUELEVEL_STRIPE_SECRET_KEY", "sk_test_billing")
    monkeypatch.setenv("TRUELEVEL_STRIPE_PRICE_STARTER", "truelevel_starter_monthly")
    monkeypatch.setenv("TRUELEVEL_STRIPE_PRICE_TEAM", "truelevel_team_monthly")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def test_billing_off_is_unlimited_and_says_how_to_set_a_plan(db):
    org = make_org()
    view = billing_overview(db, org_id=org.org_id)
    assert not view.billing_on and not view.stripe_on
    assert view.status_text == "Billing off: unlimited" and view.status_ok
    assert view.assessment_quota is None and view.credit_balance is None
    assert view.ledger == [] and view.plans_for_sale == []
    assert not view.sells_credits and not view.can_open_portal
    assert view.set_plan_command == (
        f"python -m backend.cli billing set-plan --org {org.org_id} --plan starter"
    )


def test_a_plan_set_by_an_admin_shows_quota_use_credits_and_the_ledger(db):
    org = make_org()
    accounts.set_plan(db, org_id=org.org_id, plan=plans.custom_plan("starter", assessment_quota=3))
    gate.take_assessment_slot(db, org_id=org.org_id)
    gate.take_assessment_slot(db, org_id=org.org_id)
    db.commit()
    accounts.grant_credits(db, org_id=org.org_id, credits_to_add=30, reason="welcome")

    view = billing_overview(db, org_id=org.org_id)
    assert view.billing_on and not view.stripe_on
    assert (view.plan, view.status_text, view.status_ok) == ("starter", "Active", True)
    assert (view.assessments_used, view.assessment_quota) == (2, 3)
    assert view.credit_balance == 150  # the plan's 120 and the 30 granted
    assert view.period_start is not None and view.period_end is not None
    assert view.period_end > view.period_start
    newest = view.ledger[0]
    assert (newest.change, newest.reason, newest.balance_after) == (30, "welcome", 150)
    assert newest.reason_text == "welcome"  # an admin's own reason reads as given
    assert (view.ledger[1].reason, view.ledger[1].reason_text) == ("plan", "Included with the plan")
    other = make_org()
    assert billing_overview(db, org_id=other.org_id).ledger == []


def test_a_trial_says_when_it_ends_and_an_ended_one_is_not_ok(db):
    org = make_org()
    accounts.set_plan(
        db,
        org_id=org.org_id,
        plan=plans.custom_plan("team"),
        status=SubscriptionStatus.trialing,
        trial_days=3,
    )
    view = billing_overview(db, org_id=org.org_id)
    end = utcnow() + timedelta(days=3)
    assert view.status_text == f"Trial — ends {end.day} {end:%b}" and view.status_ok
    assert view.assessment_quota == 50 and view.credit_balance == 600

    assert status_text(SubscriptionStatus.trialing, utcnow() - timedelta(days=1)).startswith(
        "Trial ended "
    )
    assert status_text(SubscriptionStatus.past_due, None) == "Payment failed — update your card"
    assert status_text(SubscriptionStatus.none, None) == "No subscription"


@pytest.mark.usefixtures("stripe_on")
def test_with_stripe_the_configured_plans_and_no_portal_before_a_purchase(db):
    org = make_org()
    view = billing_overview(db, org_id=org.org_id)
    assert view.billing_on and view.stripe_on
    assert view.status_text == "No subscription" and not view.status_ok
    assert [offer.key for offer in view.plans_for_sale] == ["starter", "team"]
    assert not view.sells_credits and not view.can_open_portal
