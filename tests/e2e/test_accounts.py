"""Accounts with mail on: a forgotten password is reset from the emailed link, and an invited
member joins from the emailed invite. The app sends through a real local SMTP server (aiosmtpd)
started for this module, so it runs an app of its own (the shared one keeps mail off)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.flows import (
    invite_member,
    set_password,
    sign_in,
    sign_out,
    sign_up,
    unique_email,
)
from tests.e2e.server import RunningApp, running_app
from tests.mailbox import Mailbox, link_in

NEW_PASSWORD = "saffron tugboat meanders"


@pytest.fixture(scope="module")
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox().start()
    yield box
    box.stop()


@pytest.fixture(scope="module")
def mail_app(mailbox: Mailbox) -> Iterator[RunningApp]:
    with running_app(mailbox.env) as running:
        yield running


@pytest.fixture()
def open_browser(browser: Browser, mail_app: RunningApp) -> Iterator:
    contexts = []

    def make() -> Page:
        context = browser.new_context(base_url=mail_app.base_url, locale="en-GB")
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def test_forgot_password_then_the_emailed_link_sets_a_new_one(open_browser, mailbox: Mailbox):
    page = open_browser()
    account = sign_up(page)
    sign_out(page)

    page.locator("#forgot-password").click()
    expect(page).to_have_url(re.compile(r"/forgot-password/?$"))
    page.locator("#forgot-form input[name=email]").fill(account.email)
    page.get_by_role("button", name="Email me a link").click()
    expect(page.locator("#forgot-notice")).to_contain_text("If an account uses this address")
    # An address without an account gets the same answer.
    page.locator("#forgot-form input[name=email]").fill(unique_email("nobody"))
    page.get_by_role("button", name="Email me a link").click()
    expect(page.locator("#forgot-notice")).to_contain_text("If an account uses this address")

    link = link_in(mailbox.wait_for(account.email, "Reset your truelevel password"))
    set_password(page, link, NEW_PASSWORD, repeat="not the same password")
    expect(page.locator("#set-password-error")).to_have_text("The two passwords are not the same.")
    set_password(page, link, NEW_PASSWORD)
    expect(page).to_have_url(re.compile(r"/signin\?done=password$"))
    expect(page.locator("#signin-notice")).to_have_text(
        "Your new password is set. Sign in with it."
    )

    sign_in(page, account.email)  # the old password
    expect(page.locator("#signin-error")).to_have_text("Email or password is incorrect.")
    sign_in(page, account.email, NEW_PASSWORD)
    expect(page).to_have_url(re.compile(r"/dashboard/?$"))

    # The link worked once.
    page.goto(link)
    expect(page.locator("#link-gone")).to_contain_text("expired or was already used")


def test_an_invited_member_joins_from_the_email(open_browser, mailbox: Mailbox):
    admin = open_browser()
    account = sign_up(admin)
    email = unique_email("rhea")
    row = invite_member(admin, email=email, role="viewer", name="Rhea Viewer")
    expect(admin.locator("#members-notice")).to_contain_text("the email's link")

    message = mailbox.wait_for(email, f"Join {account.org}")
    member = open_browser()
    set_password(member, link_in(message), NEW_PASSWORD)
    expect(member).to_have_url(re.compile(r"/dashboard/?$"))
    expect(member.locator("#org-name")).to_have_text(account.org)
    expect(member.locator("#member-role")).to_have_text("Viewer")

    admin.reload()
    expect(row.locator(".status")).to_have_text("Active")


def test_a_member_changes_their_password_and_time_zone(open_browser):
    page = open_browser()
    account = sign_up(page)
    elsewhere = open_browser()
    sign_in(elsewhere, account.email)
    expect(elsewhere).to_have_url(re.compile(r"/dashboard/?$"))

    page.locator("#account-link").click()
    expect(page).to_have_url(re.compile(r"/account/?$"))
    form = page.locator("#password-form")

    def change(current: str, new: str) -> None:
        form.locator("input[name=current_password]").fill(current)
        form.locator("input[name=new_password]").fill(new)
        form.locator("input[name=repeat]").fill(new)
        form.get_by_role("button", name="Change password").click()

    change("not my password at all", NEW_PASSWORD)
    expect(page.locator("#password-error")).to_have_text("Your current password is not right.")
    change(account.password, NEW_PASSWORD)
    expect(page.locator("#password-notice")).to_contain_text("other browsers were signed out")
    # This browser stays signed in; the other one is signed out.
    page.reload()
    expect(page.locator("#password-card")).to_be_visible()
    elsewhere.goto("/dashboard")
    expect(elsewhere).to_have_url(re.compile(r"/signin/?$"))
    sign_in(elsewhere, account.email, NEW_PASSWORD)
    expect(elsewhere).to_have_url(re.compile(r"/dashboard/?$"))

    # Times are in UTC until the member chooses a zone; then every page uses it.
    expect(page.locator("#account-now")).to_contain_text("UTC")
    page.locator("#timezone").select_option("Asia/Tokyo")
    page.locator("#save-zone").click()
    expect(page.locator("#zone-notice")).to_have_text("Times are now shown in Asia/Tokyo.")
    expect(page.locator("#account-now")).to_contain_text("JST")
    row = invite_member(page, email=unique_email("tz"), role="viewer")
    expect(row.locator(".invite")).to_contain_text("JST")
