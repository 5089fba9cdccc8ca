"""Single sign-on through a real OpenID Connect provider (oidc-provider-mock)."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, expect

from tests.e2e.conftest import SSO_LABEL
from tests.e2e.flows import (
    add_member,
    session_cookie_is_hidden_from_scripts,
    sign_up,
    unique_email,
)


def _sign_in_at_provider(page: Page, subject: str) -> None:
    page.goto("/signin")
    page.get_by_role("link", name=f"Sign in with {SSO_LABEL}").click()
    # The provider's own page: type who you are and authorise truelevel.
    page.locator("input[name=sub]").fill(subject)
    page.get_by_role("button", name="Authorize").click()


def test_member_signs_in_with_single_sign_on(page: Page, new_context, oidc_user):
    account = sign_up(page)
    email = unique_email("sso")
    add_member(page, email=email, role="reviewer", name="Sam Single")
    subject = oidc_user(
        f"sub-{uuid.uuid4().hex[:10]}", email=email, email_verified=True, name="Sam Single"
    )

    person = new_context().new_page()
    _sign_in_at_provider(person, subject)
    expect(person).to_have_url(re.compile(r"/dashboard/?$"))
    expect(person.locator("#org-name")).to_have_text(account.org)
    expect(person.locator("#member-name")).to_have_text("Sam Single")
    expect(person.locator("#member-role")).to_have_text("Reviewer")
    session_cookie_is_hidden_from_scripts(person)

    # The session is a normal one: sign out works the same way.
    person.locator("#sign-out").click()
    expect(person).to_have_url(re.compile(r"/signin/?$"))
    person.goto("/dashboard")
    expect(person).to_have_url(re.compile(r"/signin/?$"))


def test_unknown_identity_is_sent_back_with_a_reason(page: Page, oidc_user):
    stranger = unique_email("stranger")
    _sign_in_at_provider(page, oidc_user(stranger, email=stranger, email_verified=True))
    expect(page).to_have_url(re.compile(r"/signin/?\?error="))
    expect(page.locator("#signin-error")).to_contain_text("No truelevel account is linked")
