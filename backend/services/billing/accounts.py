"""An organisation's billing state: its plan, subscription status, period and quota usage.

``set_plan`` is what an admin does without Stripe (``backend.cli billing set-plan``);
``start_period`` is what both that and a paid Stripe invoice do: a new period, its quota unused,
and the plan's included credits granted once (keyed by what started the period).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlmodel import Session, col, select

from backend.models.base import utcnow
from backend.models.billing import BillingAccount, SubscriptionStatus
from backend.services.billing import periods
from backend.services.billing.plans import Plan
from backend.services.errors import InvalidInput
from backend.services.interviews import credits
from backend.settings import get_settings

DEFAULT_TRIAL_DAYS = 14


class BillingSummary(BaseModel):
    """What ``billing status`` prints: whether billing applies, and the state it is in."""

    org_id: str
    billing: str  # "off" (unlimited) or "on"
    plan: str | None
    status: SubscriptionStatus
    trial_end: datetime | None
    period_start: datetime | None
    period_end: datetime | None
    assessments_used: int
    assessment_quota: int | None
    included_credits: int
    credits_remaining: int | None  # None: unlimited
    stripe_customer_id: str | None
    subscription_running: bool = False  # a Stripe subscription that has not ended


def find(session: Session, *, org_id: str) -> BillingAccount | None:
    return session.get(BillingAccount, org_id)


def by_customer(session: Session, *, customer_id: str) -> BillingAccount | None:
    return session.exec(
        select(BillingAccount).where(col(BillingAccount.stripe_customer_id) == customer_id)
    ).first()


# Statuses of a Stripe subscription that is still running: a second Checkout for a plan would
# start a second subscription beside it, so plan changes go through the Billing Portal.
RUNNING = (SubscriptionStatus.trialing, SubscriptionStatus.active, SubscriptionStatus.past_due)


def subscription_running(account: BillingAccount | None) -> bool:
    """Whether ``account`` has a Stripe subscription that has not ended."""
    return (
        account is not None
        and account.stripe_subscription_id is not None
        and SubscriptionStatus(account.status) in RUNNING
    )


def applies(account: BillingAccount | None) -> bool:
    """Billing applies to every organisation while Stripe is configured, and to one that was
    given a plan (by an admin, or by Stripe before it was switched off); otherwise the
    organisation is unlimited (a row that only links a Stripe customer changes nothing)."""
    return get_settings().billing_enabled or (account is not None and account.plan is not None)


def summary(session: Session, *, org_id: str) -> BillingSummary:
    remaining = credits.balance(session, org_id=org_id)  # 404 for an unknown organisation
    account = find(session, org_id=org_id)
    shown = account or BillingAccount(org_id=org_id)
    return BillingSummary(
        org_id=org_id,
        billing="on" if applies(account) else "off",
        plan=shown.plan,
        status=SubscriptionStatus(shown.status),
        trial_end=shown.trial_end,
        period_start=shown.period_start,
        period_end=shown.period_end,
        assessments_used=shown.assessments_used,
        assessment_quota=shown.assessment_quota,
        included_credits=shown.included_credits,
        credits_remaining=remaining,
        stripe_customer_id=shown.stripe_customer_id,
        subscription_running=subscription_running(account),
    )


def get_or_create(session: Session, *, org_id: str) -> BillingAccount:
    """The organisation's account, locked for this transaction (created when missing)."""
    credits.balance(session, org_id=org_id)  # 404 for an unknown organisation
    account = session.get(BillingAccount, org_id, with_for_update=True, populate_existing=True)
    if account is None:
        account = BillingAccount(org_id=org_id)
        session.add(account)
        session.flush()
    return account


def start_period(
    session: Session,
    account: BillingAccount,
    *,
    start: datetime,
    end: datetime,
    key: str,
    included: bool = True,
) -> None:
    """Begin the period ``start``–``end``: the quota is unused again and (``included``) the
    plan's included credits are granted, once for ``key`` (an invoice id, or the period an admin
    started). Not committed."""
    account.period_start, account.period_end = start, end
    account.assessments_used = 0
    account.updated_at = utcnow()
    session.add(account)
    if included:
        grant_included(session, account, key=key)
    else:
        credits.turn_on(session, org_id=account.org_id)


def grant_included(session: Session, account: BillingAccount, *, key: str) -> None:
    """Grant the plan's included credits once for ``key``; counting starts if it had not.
    Not committed."""
    credits.turn_on(session, org_id=account.org_id)
    if account.included_credits > 0:
        credits.grant(
            session,
            org_id=account.org_id,
            credits=account.included_credits,
            reason="plan",
            key=key,
            commit=False,
        )


def apply_plan(account: BillingAccount, plan: Plan) -> None:
    account.plan = plan.key
    account.assessment_quota = plan.assessment_quota
    account.included_credits = plan.included_credits
    account.updated_at = utcnow()


def set_plan(
    session: Session,
    *,
    org_id: str,
    plan: Plan,
    status: SubscriptionStatus = SubscriptionStatus.active,
    trial_days: int | None = None,
) -> BillingSummary:
    """Put an organisation on ``plan`` without Stripe. A trial ends ``trial_days`` (default 14)
    from now. A period starts now unless one is running (changing plans mid-period keeps its
    usage and grants nothing twice); a new period grants the plan's included credits."""
    if status not in (SubscriptionStatus.active, SubscriptionStatus.trialing):
        raise InvalidInput("A plan's status is 'active' or 'trialing'.")
    if trial_days is not None and (status != SubscriptionStatus.trialing or trial_days < 1):
        raise InvalidInput("--trial-days goes with --status trialing and is at least 1.")
    now = utcnow()
    account = get_or_create(session, org_id=org_id)
    apply_plan(account, plan)
    account.status = status.value
    account.trial_end = (
        now + timedelta(days=trial_days or DEFAULT_TRIAL_DAYS)
        if status == SubscriptionStatus.trialing
        else None
    )
    session.add(account)
    if account.period_end is None or account.period_end <= now:
        start_period(
            session,
            account,
            start=now,
            end=periods.add_month(now),
            key=f"period:{org_id}:{now.isoformat()}",
        )
    else:
        credits.turn_on(session, org_id=org_id)
    session.commit()
    return summary(session, org_id=org_id)


def grant_credits(session: Session, *, org_id: str, credits_to_add: int, reason: str) -> int:
    """An admin's grant of interview credits (a ledger entry); returns the new balance. Only
    where billing applies: an unlimited organisation has nothing to add to."""
    if not applies(find(session, org_id=org_id)):
        credits.balance(session, org_id=org_id)  # 404 for an unknown organisation
        raise InvalidInput(
            "This organisation is unlimited (billing is off for it); "
            "give it a plan first: billing set-plan --org ID --plan P.",
            code="billing_off",
        )
    credits.turn_on(session, org_id=org_id)
    return credits.grant(session, org_id=org_id, credits=credits_to_add, reason=reason)
