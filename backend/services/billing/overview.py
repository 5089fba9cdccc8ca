"""What the web app's /billing page shows an admin, as one typed shape: the plan, the
subscription status in words, the period, quota use, the credit balance with its recent ledger
entries, and what can be bought here (only while Stripe is configured)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session, col, select

from backend.models.base import utcnow
from backend.models.billing import SubscriptionStatus
from backend.models.interviews import CreditLedgerEntry
from backend.services.billing import accounts, plans
from backend.settings import get_settings

LEDGER_LINES = 20
BILLING_OFF = "Billing off: unlimited"
# The ledger's own reasons in words; an admin's reason (``grant-credits --reason``) reads as given.
REASON_TEXT = {
    "charge": "Interview charged",
    "refund": "Interview refunded",
    "grant": "Granted",
    "purchase": "Bought",
    "plan": "Included with the plan",
    "set_balance": "Balance set",
    "billing_on": "Credit counting started",
}
SET_PLAN_COMMAND = "python -m backend.cli billing set-plan --org {org_id} --plan starter"


class LedgerLine(BaseModel):
    created_at: datetime
    change: int
    reason: str
    reason_text: str
    balance_after: int | None


class PlanOffer(BaseModel):
    key: str
    assessment_quota: int | None  # None: unlimited
    included_credits: int


class BillingOverview(BaseModel):
    org_id: str
    billing_on: bool  # False: everything is unlimited for this organisation
    stripe_on: bool  # Checkout and the Billing Portal are offered
    plan: str | None
    status: SubscriptionStatus
    status_text: str  # "Active", "Trial — ends 12 Dec", "Payment failed — update your card", …
    status_ok: bool
    period_start: datetime | None
    period_end: datetime | None
    assessments_used: int
    assessment_quota: int | None  # None: unlimited
    credit_balance: int | None  # None: unlimited
    ledger: list[LedgerLine]
    plans_for_sale: list[
        PlanOffer
    ]  # empty while a subscription runs: its plan changes in the Portal
    plan_changes_in_portal: bool
    sells_credits: bool
    can_open_portal: bool
    set_plan_command: str


def day_month(moment: datetime) -> str:
    return f"{moment.day} {moment:%b}"


def status_text(status: SubscriptionStatus, trial_end: datetime | None) -> str:
    """The subscription status as a person reads it."""
    if status == SubscriptionStatus.trial_expired or (
        status == SubscriptionStatus.trialing and trial_end is not None and trial_end <= utcnow()
    ):
        return f"Trial ended {day_month(trial_end)}" if trial_end else "Trial ended"
    if status == SubscriptionStatus.trialing:
        return f"Trial — ends {day_month(trial_end)}" if trial_end else "Trial"
    return {
        SubscriptionStatus.active: "Active",
        SubscriptionStatus.past_due: "Payment failed — update your card",
        SubscriptionStatus.canceled: "Cancelled",
        SubscriptionStatus.none: "No subscription",
    }[status]


def _ledger(session: Session, org_id: str) -> list[LedgerLine]:
    rows = session.exec(
        select(CreditLedgerEntry)
        .where(col(CreditLedgerEntry.org_id) == org_id)
        .order_by(col(CreditLedgerEntry.created_at).desc(), col(CreditLedgerEntry.id).desc())
        .limit(LEDGER_LINES)
    ).all()
    return [
        LedgerLine(
            created_at=row.created_at,
            change=row.delta,
            reason=row.reason,
            reason_text=REASON_TEXT.get(row.reason, row.reason),
            balance_after=row.balance_after,
        )
        for row in rows
    ]


def _for_sale() -> list[PlanOffer]:
    settings = get_settings()
    if not settings.billing_enabled:
        return []
    return [
        PlanOffer(
            key=plan.key,
            assessment_quota=plan.assessment_quota,
            included_credits=plan.included_credits,
        )
        for key, plan in plans.CATALOGUE.items()
        if getattr(settings, f"stripe_price_{key}")
    ]


def billing_overview(session: Session, *, org_id: str) -> BillingOverview:
    """The /billing page's view of ``org_id`` (404 for an unknown organisation)."""
    summary = accounts.summary(session, org_id=org_id)
    settings = get_settings()
    status = summary.status
    billing_on = summary.billing == "on"
    return BillingOverview(
        org_id=org_id,
        billing_on=billing_on,
        stripe_on=settings.billing_enabled,
        plan=summary.plan,
        status=status,
        status_text=status_text(status, summary.trial_end) if billing_on else BILLING_OFF,
        status_ok=not billing_on
        or status == SubscriptionStatus.active
        or (
            status == SubscriptionStatus.trialing
            and (summary.trial_end is None or summary.trial_end > utcnow())
        ),
        period_start=summary.period_start,
        period_end=summary.period_end,
        assessments_used=summary.assessments_used,
        assessment_quota=summary.assessment_quota,
        credit_balance=summary.credits_remaining,
        ledger=_ledger(session, org_id),
        plans_for_sale=[] if summary.subscription_running else _for_sale(),
        plan_changes_in_portal=summary.subscription_running and settings.billing_enabled,
        sells_credits=settings.billing_enabled and bool(settings.stripe_price_credit),
        can_open_portal=settings.billing_enabled and bool(summary.stripe_customer_id),
        set_plan_command=SET_PLAN_COMMAND.format(org_id=org_id),
    )
