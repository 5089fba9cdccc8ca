"""Stripe webhook events: verified with the official ``stripe`` library, each applied exactly
once (its id is recorded in ``stripe_event`` in the transaction that applies it).

Handled: ``checkout.session.completed`` and ``async_payment_succeeded`` (a paid credit pack is a
purchase, granted once per session), ``customer.subscription.created|updated|deleted`` (status,
trial, period, plan by the price's lookup key), ``invoice.paid`` (a subscription's new period:
the quota starts unused and the plan's included credits are granted, keyed by the invoice so a
repeat grants nothing; a trial's own free invoice grants none), ``invoice.payment_failed`` (past
due) and
``customer.subscription.trial_will_end`` (an email to each active admin, saying when the trial
ends and where to subscribe). Any other event is acknowledged and recorded.

An event finds its organisation by the Stripe customer already linked to one, or by the
organisation id it carries: ``metadata.org_id`` on a subscription (and so on its invoices), or a
Checkout session's ``client_reference_id``.

A trial that ends unpaid (cancelled for want of a card, or its first invoice declined) is
``trial_expired`` rather than past due or cancelled, so that seed 001's 402 says so; it stays so
until a paid period begins.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import stripe
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from backend.models import Member, Role
from backend.models.base import plausible_id, utcnow
from backend.models.billing import BillingAccount, StripeEvent, SubscriptionStatus
from backend.services import mail
from backend.services.billing import accounts, plans, stripe_adapter
from backend.services.errors import InvalidInput, NotFound
from backend.services.interviews import credits
from backend.services.interviews.credits import upgrade_url
from backend.services.organisations import get_organisation
from backend.settings import get_settings

log = logging.getLogger(__name__)

# Stripe's default: a signature older than this is refused (replayed captures).
TOLERANCE_S = 300

_STATUSES = {
    "trialing": SubscriptionStatus.trialing,
    "active": SubscriptionStatus.active,
    "past_due": SubscriptionStatus.past_due,
    "unpaid": SubscriptionStatus.past_due,
    "canceled": SubscriptionStatus.canceled,
    "incomplete_expired": SubscriptionStatus.canceled,
    "paused": SubscriptionStatus.canceled,
    "incomplete": SubscriptionStatus.none,
}
_NEW_PERIOD_REASONS = {"subscription_create", "subscription_cycle"}


class EventData(BaseModel):
    object: dict[str, Any]


class Event(BaseModel):
    id: str
    type: str
    created: int = 0
    data: EventData

    @property
    def created_at(self) -> datetime:
        return datetime.fromtimestamp(self.created, UTC)


class Outcome(BaseModel):
    """The webhook's answer: received, and whether this delivery changed anything."""

    received: bool = True
    applied: bool


def verify(payload: bytes, signature: str) -> Event:
    """The event, when ``signature`` (the Stripe-Signature header) signs ``payload`` with the
    webhook secret within the tolerance; 400 ``invalid_signature`` otherwise."""
    secret = get_settings().stripe_webhook_secret
    if not secret:
        raise NotFound("Stripe webhooks are not configured.", code="billing_off")
    try:
        stripe.WebhookSignature.verify_header(payload, signature, secret, TOLERANCE_S)
    except (stripe.SignatureVerificationError, ValueError) as exc:  # ValueError: not UTF-8
        raise InvalidInput(f"Stripe signature refused: {exc}", code="invalid_signature") from None
    try:
        return Event.model_validate(json.loads(payload))
    except (ValueError, ValidationError):
        raise InvalidInput("The event is not a Stripe event.", code="invalid_event") from None


def _time(value: Any) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if isinstance(value, int) else None


def _first_item(subscription: dict[str, Any]) -> dict[str, Any]:
    items = (subscription.get("items") or {}).get("data") or []
    return items[0] if items else {}


def _subscription_account(session: Session, sub: dict[str, Any]) -> BillingAccount | None:
    customer = sub.get("customer")
    account = accounts.by_customer(session, customer_id=customer) if customer else None
    org_id = (sub.get("metadata") or {}).get("org_id")
    if account is None and isinstance(org_id, str) and plausible_id(org_id):
        account = _account_of(session, org_id)
        if account is not None:
            account.stripe_customer_id = customer
    return account


def _account_of(session: Session, org_id: str) -> BillingAccount | None:
    """The organisation's account, or None (logged) when no such organisation exists: an event
    for another installation's organisation is acknowledged, not retried forever."""
    try:
        return accounts.get_or_create(session, org_id=org_id)
    except NotFound:
        log.warning("Stripe event names organisation %s, which is not here", org_id)
        return None


def _newest(account: BillingAccount, event: Event) -> bool:
    """Whether ``event`` may set the status: it is not older than the one that last did."""
    if account.stripe_status_at is not None and event.created_at < account.stripe_status_at:
        log.info("Stripe event %s is older than the status it would set; skipped", event.id)
        return False
    account.stripe_status_at = event.created_at
    return True


def _subscription_changed(session: Session, event: Event) -> None:
    sub = event.data.object
    account = _subscription_account(session, sub)
    if account is None:
        log.warning("Stripe subscription %s: no organisation for it", sub.get("id"))
        return
    if not _newest(account, event):
        return
    _apply_subscription(session, account, sub)


def _apply_subscription(session: Session, account: BillingAccount, sub: dict[str, Any]) -> None:
    """The account takes the subscription's plan, status, trial and (a first) period."""
    item = _first_item(sub)
    price = item.get("price") or {}
    plan = plans.plan_for_price(lookup_key=price.get("lookup_key"), price_id=price.get("id"))
    if plan is not None:
        accounts.apply_plan(account, plan)
    else:
        log.warning(
            "Stripe price %s (%s) is no plan's TRUELEVEL_STRIPE_PRICE_*; the plan stays %s",
            price.get("id"),
            price.get("lookup_key"),
            account.plan,
        )
    # Newer API versions carry the period on the subscription's items.
    start = _time(sub.get("current_period_start") or item.get("current_period_start"))
    end = _time(sub.get("current_period_end") or item.get("current_period_end"))
    if start and end and account.period_start is None:
        account.period_start, account.period_end = start, end
    trial_end = _time(sub.get("trial_end"))
    # Kept once the subscription has none: an organisation has one trial (checkout._trial).
    account.trial_end = trial_end or account.trial_end
    status = _STATUSES.get(sub.get("status", ""), SubscriptionStatus.none)
    if trial_end is not None and _trial_lapsed(account, status, _reached(sub, start)):
        status = SubscriptionStatus.trial_expired
    account.status = status.value
    account.stripe_subscription_id = sub.get("id")
    account.updated_at = utcnow()
    session.add(account)
    # Counting starts with the subscription; the included credits come with its paid invoice.
    credits.turn_on(session, org_id=account.org_id)


def _reached(sub: dict[str, Any], start: datetime | None) -> datetime | None:
    """How far the subscription got: the start of its current period, or when it ended."""
    moments = [m for m in (start, _time(sub.get("ended_at"))) if m is not None]
    return max(moments) if moments else None


def _trial_lapsed(
    account: BillingAccount, status: SubscriptionStatus, reached: datetime | None
) -> bool:
    """Whether ``status`` (past due or cancelled) is the end of an unpaid trial: the
    subscription ``reached`` its trial's end, and no paid period began after the trial (a paid
    invoice moves the account's period past it)."""
    trial_end = account.trial_end
    if status not in (SubscriptionStatus.past_due, SubscriptionStatus.canceled):
        return False
    if trial_end is None or reached is None or reached < trial_end:
        return False  # no trial, or cancelled while it ran
    return account.period_start is None or account.period_start < trial_end


def _subscription_deleted(session: Session, event: Event) -> None:
    sub = event.data.object
    account = _subscription_account(session, sub)
    if account is None or not _newest(account, event):
        return
    item = _first_item(sub)
    start = _time(sub.get("current_period_start") or item.get("current_period_start"))
    lapsed = sub.get("trial_end") is not None and _trial_lapsed(
        account, SubscriptionStatus.canceled, _reached(sub, start)
    )
    status = SubscriptionStatus.trial_expired if lapsed else SubscriptionStatus.canceled
    account.status = status.value
    account.updated_at = utcnow()
    session.add(account)


def _invoice_period(invoice: dict[str, Any]) -> tuple[datetime | None, datetime | None]:
    lines = (invoice.get("lines") or {}).get("data") or []
    period = (lines[0].get("period") or {}) if lines else {}
    start = _time(period.get("start") or invoice.get("period_start"))
    end = _time(period.get("end") or invoice.get("period_end"))
    return start, end


def _invoice_account(session: Session, invoice: dict[str, Any]) -> BillingAccount | None:
    """The invoice's organisation: by its customer, or (an invoice that arrived before its
    subscription's event) by the subscription's ``metadata.org_id`` the invoice carries."""
    customer = invoice.get("customer")
    account = accounts.by_customer(session, customer_id=customer) if customer else None
    if account is not None:
        return account
    details = invoice.get("subscription_details") or (invoice.get("parent") or {}).get(
        "subscription_details"
    )
    org_id = ((details or {}).get("metadata") or {}).get("org_id")
    if not isinstance(org_id, str) or not plausible_id(org_id):
        return None
    account = _account_of(session, org_id)
    if account is not None:
        account.stripe_customer_id = account.stripe_customer_id or customer
    return account


def _invoice_subscription(invoice: dict[str, Any]) -> str | None:
    """The id of the subscription an invoice bills, where it names one."""
    subscription = invoice.get("subscription") or (
        (invoice.get("parent") or {}).get("subscription_details") or {}
    ).get("subscription")
    if isinstance(subscription, dict):
        subscription = subscription.get("id")
    return subscription if isinstance(subscription, str) and subscription else None


def _invoice_paid(session: Session, event: Event) -> None:
    invoice = event.data.object
    if invoice.get("billing_reason") not in _NEW_PERIOD_REASONS:
        return  # a proration or a one-off invoice: no new period
    account = _invoice_account(session, invoice)
    start, end = _invoice_period(invoice)
    if account is None or start is None or end is None:
        return
    subscription_id = _invoice_subscription(invoice)
    if subscription_id:
        # Stripe does not keep its events in order: this invoice may come before its
        # subscription's event (a first invoice, or a renewal after a plan change), and the
        # credits it grants are the plan's. The subscription is read as it is now.
        _apply_subscription(session, account, stripe_adapter.retrieve_subscription(subscription_id))
        if account.stripe_status_at is None or account.stripe_status_at < event.created_at:
            account.stripe_status_at = event.created_at
    key = f"invoice:{invoice['id']}"
    # A trial's own invoice (free, for the trial period) includes no credits: they come with
    # the first paid period.
    included = account.trial_end is None or end > account.trial_end
    if (account.period_start, account.period_end) == (start, end):
        # The period already started (the subscription's event named it, or another event for
        # this invoice came first): its usage stands, its credits are granted at most once.
        if included:
            accounts.grant_included(session, account, key=key)
        return
    accounts.start_period(session, account, start=start, end=end, key=key, included=included)


def _payment_failed(session: Session, event: Event) -> None:
    invoice = event.data.object
    account = _invoice_account(session, invoice)
    if account is None or not _newest(account, event):
        return
    lapsed = _trial_lapsed(account, SubscriptionStatus.past_due, _invoice_period(invoice)[0])
    status = SubscriptionStatus.trial_expired if lapsed else SubscriptionStatus.past_due
    account.status = status.value
    account.updated_at = utcnow()
    session.add(account)


def _checkout_org(checkout: dict[str, Any]) -> str | None:
    org_id = checkout.get("client_reference_id") or (checkout.get("metadata") or {}).get("org_id")
    return org_id if isinstance(org_id, str) and plausible_id(org_id) else None


def _checkout_completed(session: Session, event: Event) -> None:
    """A Checkout session paid: a subscription's links its customer to the organisation (its
    subscription events follow); a credit pack's (``metadata.credits``, set when the session
    was created) is a purchase, granted once for the session's id."""
    checkout = event.data.object
    org_id = _checkout_org(checkout)
    account = _account_of(session, org_id) if org_id else None
    if account is None:
        return
    customer = checkout.get("customer")
    if isinstance(customer, str) and not account.stripe_customer_id:
        account.stripe_customer_id = customer
        session.add(account)
    pack = str((checkout.get("metadata") or {}).get("credits", ""))
    if checkout.get("mode") != "payment" or checkout.get("payment_status") != "paid":
        return  # a subscription, or a payment still settling (async_payment_succeeded follows)
    if not pack.isdigit() or int(pack) <= 0:
        log.warning("Checkout session %s paid without a credit count", checkout.get("id"))
        return
    credits.turn_on(session, org_id=account.org_id)
    credits.grant(
        session,
        org_id=account.org_id,
        credits=int(pack),
        reason="purchase",
        key=f"checkout:{checkout['id']}",
        commit=False,
    )


def _trial_will_end(session: Session, event: Event) -> None:
    """Stripe's notice, three days before a trial ends: each active admin gets an email, queued
    in the transaction that records the event (a redelivery emails no one again)."""
    sub = event.data.object
    account = _subscription_account(session, sub)
    if account is None:
        return
    ends = _time(sub.get("trial_end"))
    when = ends.strftime("%d %B %Y") if ends is not None else "in a few days"
    organisation = get_organisation(session, org_id=account.org_id)
    admins = session.exec(
        select(Member).where(
            Member.org_id == account.org_id, Member.role == Role.admin, Member.is_active
        )
    ).all()
    for admin in admins:
        mail.queue_email(
            session,
            org_id=account.org_id,
            to=admin.email,
            subject=f"Your truelevel trial for {organisation.name} ends on {when}",
            body=(
                f"Hello {admin.name or admin.email},\n\n"
                f"The trial of {organisation.name} on truelevel ends on {when}. To keep creating "
                "assessments and sending interviews after that, choose a plan:\n\n"
                f"{upgrade_url()}\n\n"
                "Nothing you made is deleted when the trial ends."
            ),
            purpose="trial_will_end",
            related_id=event.id,
            commit=False,
        )


_HANDLERS: dict[str, Callable[[Session, Event], None]] = {
    "checkout.session.completed": _checkout_completed,
    "checkout.session.async_payment_succeeded": _checkout_completed,
    "customer.subscription.created": _subscription_changed,
    "customer.subscription.updated": _subscription_changed,
    "customer.subscription.deleted": _subscription_deleted,
    "invoice.paid": _invoice_paid,
    "invoice.payment_failed": _payment_failed,
    "customer.subscription.trial_will_end": _trial_will_end,
}


def apply(session: Session, event: Event) -> Outcome:
    """Apply ``event`` once: a replay (or a concurrent twin, which loses on the event's primary
    key at commit) changes nothing."""
    if session.get(StripeEvent, event.id) is not None:
        return Outcome(applied=False)
    try:
        handler = _HANDLERS.get(event.type)
        if handler is not None:
            handler(session, event)
        session.add(StripeEvent(id=event.id, type=event.type[:128]))
        session.commit()
    except IntegrityError:
        session.rollback()
        if session.get(StripeEvent, event.id) is not None:
            return Outcome(applied=False)  # a concurrent delivery of this event won
        raise  # another event's change collided: 500, and Stripe delivers this one again
    return Outcome(applied=True)
