"""Sign-up, sign-in, sign-out and the redirects around them."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.flows import (
    fill_sign_up,
    new_account,
    session_cookie_is_hidden_from_scripts,
    sign_in,
    sign_out,
    sign_up,
)


def test_sign_up_creates_the_organisation_and_lands_on_the_dashboard(page: Page):
    account = sign_up(page)

    expect(page.locator("#member-name")).to_have_text(account.name)
    expect(page.locator("#member-role")).to_have_text("Admin")
    expect(page.locator("#count-members")).to_have_text("1")
    expect(page.locator("#count-jobs")).to_have_text("0")
    # An empty organisation is told where to start.
    expect(page.locator("#getting-started")).to_be_visible()
    session_cookie_is_hidden_from_scripts(page)
    cookie = next(c for c in page.context.cookies() if c["name"] == "tl_session")
    assert cookie["expires"] > 0  # persistent, not a session cookie


def test_sign_up_explains_what_is_wrong(page: Page):
    weak = new_account()
    weak.password = "too-short"
    fill_sign_up(page, weak)
    expect(page.locator("#signup-error")).to_contain_text("at least 12 characters")

    invalid = new_account()
    invalid.email = "ada@localhost"  # passes the browser's check, not ours
    fill_sign_up(page, invalid)
    expect(page.locator("#signup-error")).to_contain_text("email address is not valid")
    expect(page).to_have_url(re.compile(r"/signup/?$"))

    taken = sign_up(page)
    sign_out(page)
    again = new_account()
    again.email = taken.email
    fill_sign_up(page, again)
    expect(page.locator("#signup-error")).to_contain_text("already exists")


def test_sign_out_then_sign_in_again(page: Page):
    account = sign_up(page)
    sign_out(page)

    # Signed out, protected pages and the root send people to the sign-in page.
    page.goto("/dashboard")
    expect(page).to_have_url(re.compile(r"/signin/?$"))
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/signin/?$"))

    sign_in(page, account.email, "not the password")
    expect(page.locator("#signin-error")).to_have_text("Email or password is incorrect.")

    sign_in(page, account.email)
    expect(page).to_have_url(re.compile(r"/dashboard/?$"))
    expect(page.locator("#org-name")).to_have_text(account.org)
    session_cookie_is_hidden_from_scripts(page)

    # Signed in, the root and the sign-in page go to the dashboard.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/dashboard/?$"))
    page.goto("/signin")
    expect(page).to_have_url(re.compile(r"/dashboard/?$"))


def test_signing_out_ends_the_session_on_the_server(page: Page, new_context):
    account = sign_up(page)
    token = next(c for c in page.context.cookies() if c["name"] == "tl_session")
    sign_out(page)
    # Signing out cleared the cookie, not only the page.
    assert "tl_session" not in {c["name"] for c in page.context.cookies()}

    # A copy of the old cookie in another browser no longer signs anyone in.
    other = new_context()
    other.add_cookies([{k: token[k] for k in ("name", "value", "domain", "path")}])
    stolen = other.new_page()
    stolen.goto("/dashboard")
    expect(stolen).to_have_url(re.compile(r"/signin/?$"))
    assert account.email not in stolen.content()


def test_sign_in_page_shows_an_error_from_the_address(page: Page):
    page.goto("/signin?error=Single%20sign-on%20was%20cancelled.")
    expect(page.locator("#signin-error")).to_have_text("Single sign-on was cancelled.")
