"""Buying through Stripe in the browser: an admin opens /billing, buys interview credits (and,
in the second test, a plan) on Stripe's Checkout page, comes back to /billing?checkout=done and
sees what Stripe's webhook granted.

Stripe is the real localstripe (with the API tests' extension for Prices and Checkout,
tests/api/billing/localstripe_server.py), and the app is one of its own, started for this module
with Stripe configured (the session's app has billing off). Nothing reaches the app but the signed
webhooks localstripe posts to it, a second after the payment, so the page is reloaded until they
have been applied."""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.api.billing.helpers import WEBHOOK, WEBHOOK_SECRET
from tests.api.billing.localstripe_server import API_KEY, GOOD_CARD, LocalStripe, localstripe_server
from tests.e2e.conftest import _contexts, _missing_tools
from tests.e2e.flows import sign_up
from tests.e2e.server import RunningApp, running_app

WEBHOOK_WAIT_S = 60


@pytest.fixture(scope="module")
def localstripe(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStripe]:
    with localstripe_server(tmp_path_factory.mktemp("localstripe")) as server:
        server.create_prices()
        yield server


@pytest.fixture(scope="module")
def billing_app(localstripe: LocalStripe) -> Iterator[RunningApp]:
    """The app with Stripe on (localstripe), localstripe's webhooks pointed at it."""
    if reason := _missing_tools():
        pytest.skip(reason)
    stripe = {
        "TRUELEVEL_STRIPE_SECRET_KEY": API_KEY,
        "TRUELEVEL_STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "TRUELEVEL_STRIPE_API_BASE": localstripe.url,
        "TRUELEVEL_STRIPE_PRICE_STARTER": "truelevel_starter_monthly",
        "TRUELEVEL_STRIPE_PRICE_TEAM": "truelevel_team_monthly",
        "TRUELEVEL_STRIPE_PRICE_CREDIT": "truelevel_interview_credit",
    }
    with running_app(stripe) as running:
        print(
            f"\nbilling app ready at {running.base_url} in {running.startup_seconds:.1f} s",
            file=sys.stderr,
        )
        localstripe.send_webhooks_to(f"{running.base_url}{WEBHOOK}", WEBHOOK_SECRET)
        yield running


@pytest.fixture()
def billing_context(
    browser: Browser, billing_app: RunningApp, request: pytest.FixtureRequest
) -> Iterator:
    """Like conftest's new_context, on the billing app (screenshots when the test fails)."""
    yield from _contexts(browser, billing_app, request)


@pytest.fixture()
def admin(billing_context) -> Page:
    """A new organisation's admin, signed up on the billing app, on its Billing page."""
    page = billing_context().new_page()
    sign_up(page)
    page.get_by_role("link", name="Billing", exact=True).click()
    expect(page).to_have_url(re.compile(r"/billing/?$"))
    expect(page.locator("#billing-status")).to_have_text("No subscription")
    expect(page.locator("#billing-credits")).to_have_text("0")  # Stripe on: counted from 0
    return page


def pay_on_checkout(page: Page, stripe: LocalStripe, *, shows: str) -> None:
    """On Stripe's Checkout page (``shows``: what is sold), pay with a good card; back on
    /billing with the thank-you message."""
    expect(page).to_have_url(re.compile(rf"^{re.escape(stripe.url)}/_checkout/cs_test_\w+$"))
    expect(page.locator("body")).to_contain_text(shows)
    page.locator("#card").fill(GOOD_CARD)
    page.locator("#pay").click()
    expect(page).to_have_url(re.compile(r"/billing/?\?checkout=done$"))
    expect(page.locator("#billing-notice")).to_contain_text("Stripe has your payment")


def reload_until(page: Page, shown: Locator, text: str) -> None:
    """Reload the page until ``shown`` has ``text``: the webhook has been applied."""
    deadline = time.monotonic() + WEBHOOK_WAIT_S
    while True:
        try:
            expect(shown).to_have_text(text, timeout=3_000)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
        page.reload()


def test_buying_credits_through_checkout_raises_the_balance(admin: Page, localstripe):
    form = admin.locator("#buy-credits-form")
    form.locator("input[name=credits]").fill("25")
    form.get_by_role("button", name="Buy credits").click()
    pay_on_checkout(admin, localstripe, shows="payment: 25.00 EUR")

    reload_until(admin, admin.locator("#billing-credits"), "25")
    rows = admin.locator(".ledger-row")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("+25")
    expect(rows.first).to_contain_text("Bought")
    expect(rows.nth(1)).to_contain_text("Credit counting started")
    # Credits alone are no subscription; the organisation is now a Stripe customer.
    expect(admin.locator("#billing-status")).to_have_text("No subscription")
    expect(admin.locator("#manage-billing")).to_be_visible()


def test_choosing_a_plan_through_checkout_makes_it_active(admin: Page, localstripe):
    starter = admin.locator(".plan-offer", has_text="Starter")
    expect(starter).to_contain_text("10 assessments a month")
    starter.get_by_role("button", name="Choose a plan").click()
    pay_on_checkout(admin, localstripe, shows="subscription: 19.00 EUR")

    reload_until(admin, admin.locator("#billing-status"), "Active")
    expect(admin.locator("#billing-plan")).to_have_text("starter")
    expect(admin.locator("#billing-usage")).to_have_text("0 of 10 used")
    # The plan's credits come with its paid invoice (invoice.paid), which may follow a moment
    # after the subscription's own event.
    reload_until(admin, admin.locator("#billing-credits"), "120")
    expect(admin.locator(".ledger-row").first).to_contain_text("Included with the plan")
    expect(admin.locator("#billing-period")).not_to_have_text("No period yet")
    # One subscription per organisation: its plan now changes in the Portal, not by a second
    # Checkout.
    expect(admin.locator(".plan-offer")).to_have_count(0)
    expect(admin.locator("#plan-changes-in-portal")).to_be_visible()


def test_changing_plan_in_the_customer_portal_shows_the_new_plan_and_quota(
    admin: Page, localstripe
):
    admin.locator(".plan-offer", has_text="Starter").get_by_role(
        "button", name="Choose a plan"
    ).click()
    pay_on_checkout(admin, localstripe, shows="subscription: 19.00 EUR")
    reload_until(admin, admin.locator("#billing-status"), "Active")
    expect(admin.locator("#billing-plan")).to_have_text("starter")
    period = admin.locator("#billing-period").inner_text()

    # Stripe's Customer Portal: the customer moves to the team plan and comes back.
    admin.locator("#manage-billing").click()
    expect(admin).to_have_url(re.compile(rf"^{re.escape(localstripe.url)}/_portal/bps_\w+$"))
    expect(admin.locator("body")).to_contain_text("active on truelevel_starter_monthly")
    admin.locator("#switch-to-truelevel_team_monthly").click()
    expect(admin).to_have_url(re.compile(r"/billing/?$"))

    # customer.subscription.updated brings the new plan and its quota; the period runs on.
    reload_until(admin, admin.locator("#billing-plan"), "team")
    expect(admin.locator("#billing-usage")).to_have_text("0 of 50 used")
    expect(admin.locator("#billing-status")).to_have_text("Active")
    expect(admin.locator("#billing-period")).to_have_text(period)
