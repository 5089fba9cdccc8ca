"""Billing state per organisation (plan, subscription, period quota) and the Stripe events
already applied. Interview credits stay where they are: ``Organization.credit_balance`` and the
``CreditLedgerEntry`` ledger (backend/services/interviews/credits.py)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from backend.models.base import dt_column, utcnow


class SubscriptionStatus(StrEnum):
    none = "none"
    trialing = "trialing"
    active = "active"
    past_due = "past_due"
    canceled = "canceled"
    # The trial ended unpaid (no card at its end, or a declined one); Stripe says past_due or
    # canceled. Stays so until a plan is paid for.
    trial_expired = "trial_expired"


class BillingAccount(SQLModel, table=True):
    """One row per organisation whose billing is managed (by Stripe or by an admin's
    ``billing set-plan``). No row and Stripe off: unlimited, as a self-hosted install is."""

    __tablename__ = "billing_account"

    org_id: str = Field(foreign_key="organization.id", primary_key=True)
    # The plan's lookup key ("starter", "team", or an admin's own name).
    plan: str | None = Field(default=None, max_length=64)
    # Assessments per period; None: unlimited.
    assessment_quota: int | None = Field(default=None)
    # Interview credits granted at the start of each paid period.
    included_credits: int = Field(default=0)
    status: str = Field(default=SubscriptionStatus.none.value, max_length=16)
    trial_end: datetime | None = Field(default=None, sa_column=dt_column())
    period_start: datetime | None = Field(default=None, sa_column=dt_column())
    period_end: datetime | None = Field(default=None, sa_column=dt_column())
    # Counted by one conditional UPDATE (services/billing/quota.py), reset with each period.
    assessments_used: int = Field(default=0)
    stripe_customer_id: str | None = Field(default=None, max_length=255, unique=True)
    stripe_subscription_id: str | None = Field(default=None, max_length=255)
    # When the newest Stripe event that set the status was created: an older one arriving late
    # (Stripe does not promise order) does not undo it.
    stripe_status_at: datetime | None = Field(default=None, sa_column=dt_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))


class StripeEvent(SQLModel, table=True):
    """A Stripe webhook event applied; its id is the key that makes a replay a no-op."""

    __tablename__ = "stripe_event"

    id: str = Field(primary_key=True, max_length=255)
    type: str = Field(max_length=128)
    processed_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))
