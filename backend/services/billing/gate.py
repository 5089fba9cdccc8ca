"""Seed 001's billing answers on ``POST /assessments`` and ``POST /assessments/{id}/keys``:
402 ``subscription_inactive`` or ``trial_expired`` (with ``upgrade_url``) without an active or
trialing subscription, and 403 ``quota_exceeded`` (with ``used`` and ``quota``) once the
period's assessments are spent. Nothing is checked where billing does not apply."""

from __future__ import annotations

from sqlmodel import Session, col, update

from backend.models.base import utcnow
from backend.models.billing import BillingAccount, SubscriptionStatus
from backend.services.billing import accounts, periods
from backend.services.errors import Forbidden, PaymentRequired
from backend.services.interviews.credits import upgrade_url

INACTIVE_MESSAGE = "Subscription inactive. Subscribe to continue."
TRIAL_EXPIRED_MESSAGE = "Your trial has ended. Subscribe to continue."
QUOTA_MESSAGE = "Your plan's monthly assessment quota has been reached."


def require_subscription(session: Session, *, org_id: str) -> BillingAccount | None:
    """The organisation's account when billing applies and its subscription is active or in
    its trial; None when billing does not apply. Raises 402 otherwise."""
    account = accounts.find(session, org_id=org_id)
    if not accounts.applies(account):
        return None
    status = SubscriptionStatus(account.status) if account else SubscriptionStatus.none
    if status == SubscriptionStatus.trialing:
        assert account is not None
        if account.trial_end is not None and account.trial_end <= utcnow():
            raise PaymentRequired(
                TRIAL_EXPIRED_MESSAGE, code="trial_expired", upgrade_url=upgrade_url()
            )
        return account
    if status == SubscriptionStatus.trial_expired:
        raise PaymentRequired(
            TRIAL_EXPIRED_MESSAGE, code="trial_expired", upgrade_url=upgrade_url()
        )
    if status != SubscriptionStatus.active:
        raise PaymentRequired(
            INACTIVE_MESSAGE, code="subscription_inactive", upgrade_url=upgrade_url()
        )
    return account


def _roll_admin_period(session: Session, account: BillingAccount) -> None:
    """An admin's plan (no Stripe subscription) renews its quota by itself each month; Stripe
    plans renew when their invoice is paid. Only the request that moves the period resets it."""
    now = utcnow()
    if account.stripe_subscription_id or account.period_start is None:
        return
    if account.period_end is None or account.period_end > now:
        return
    start, end = periods.period_covering(account.period_start, account.period_end, now)
    session.exec(
        update(BillingAccount)
        .where(
            col(BillingAccount.org_id) == account.org_id,
            col(BillingAccount.period_end) == account.period_end,
        )
        .values(period_start=start, period_end=end, assessments_used=0, updated_at=now)
    )


def take_assessment_slot(session: Session, *, org_id: str) -> None:
    """Count one assessment against the period's quota, or raise 402/403. One conditional
    UPDATE takes the slot only while ``used < quota``, so two concurrent creations cannot both
    take the last one. Not committed: the caller commits it with the assessment it creates,
    and a creation that fails gives the slot back with its rollback."""
    account = require_subscription(session, org_id=org_id)
    if account is None or account.assessment_quota is None:
        return
    _roll_admin_period(session, account)
    taken = session.exec(
        update(BillingAccount)
        .where(
            col(BillingAccount.org_id) == org_id,
            col(BillingAccount.assessment_quota).is_not(None),
            col(BillingAccount.assessments_used) < col(BillingAccount.assessment_quota),
        )
        .values(assessments_used=col(BillingAccount.assessments_used) + 1)
    )
    if taken.rowcount == 1:
        return
    session.refresh(account)
    if account.assessment_quota is None:  # the quota was lifted meanwhile
        return
    raise Forbidden(
        QUOTA_MESSAGE,
        code="quota_exceeded",
        used=account.assessments_used,
        quota=account.assessment_quota,
    )
