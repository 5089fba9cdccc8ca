"""What a person does in the browser, as small functions the tests combine."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from playwright.sync_api import Page, expect

PASSWORD = "correct horse battery staple"
CANDIDATE_KEY = re.compile(r"^TL-[A-Z2-9]{4}-[A-Z2-9]{4}$")


def unique_email(who: str) -> str:
    return f"{who}-{uuid.uuid4().hex[:8]}@example.com"


@dataclass
class Account:
    org: str
    name: str
    email: str
    password: str = PASSWORD


def new_account(who: str = "ada", org: str | None = None) -> Account:
    return Account(
        org=org or f"Acme {uuid.uuid4().hex[:6]}",
        name=f"{who.capitalize()} Tester",
        email=unique_email(who),
    )


def fill_sign_up(page: Page, account: Account) -> None:
    page.goto("/signup")
    form = page.locator("#signup-form")
    form.locator("input[name=org_name]").fill(account.org)
    form.locator("input[name=name]").fill(account.name)
    form.locator("input[name=email]").fill(account.email)
    form.locator("input[name=password]").fill(account.password)
    form.get_by_role("button", name="Create organisation").click()


def sign_up(page: Page, account: Account | None = None) -> Account:
    """Create an organisation through the sign-up form; ends on the dashboard."""
    account = account or new_account()
    fill_sign_up(page, account)
    expect(page).to_have_url(re.compile(r"/dashboard/?$"))
    expect(page.locator("#org-name")).to_have_text(account.org)
    return account


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/signin")
    form = page.locator("#signin-form")
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=password]").fill(password)
    form.get_by_role("button", name="Sign in").click()


def session_cookie_is_hidden_from_scripts(page: Page) -> None:
    """The browser holds the session cookie as HttpOnly: page scripts cannot read it."""
    cookie = next(c for c in page.context.cookies() if c["name"] == "tl_session")
    assert cookie["httpOnly"] is True
    assert cookie["path"] == "/" and cookie["sameSite"] == "Lax"
    assert "tl_session" not in page.evaluate("document.cookie")


def sign_out(page: Page) -> None:
    page.locator("#sign-out").click()
    expect(page).to_have_url(re.compile(r"/signin/?$"))


def invite_member(page: Page, *, email: str, role: str, name: str = ""):
    """As an admin, invite a member through the form on /members; their row."""
    page.goto("/members")
    form = page.locator("#invite-member-form")
    form.locator("input[name=email]").fill(email)
    if name:
        form.locator("input[name=name]").fill(name)
    form.get_by_role("combobox").click()
    page.get_by_role("option", name=role, exact=True).click()
    form.get_by_role("button", name="Send invite").click()
    row = page.locator(".member-row", has_text=email)
    expect(row).to_be_visible()
    return row


def copied_invite_link(row) -> str:
    """The invite link a member row's "Copy link" puts on the clipboard (mail is off)."""
    row.locator(".copy-member-invite").click()
    return row.page.evaluate("navigator.clipboard.readText()")


def set_password(page: Page, link: str, password: str = PASSWORD, repeat: str | None = None):
    """Open a set-password link (an invite or a reset) and choose ``password``."""
    page.goto(link)
    form = page.locator("#set-password-form")
    form.locator("input[name=password]").fill(password)
    form.locator("input[name=repeat]").fill(password if repeat is None else repeat)
    form.get_by_role("button", name="Set password").click()


def add_member(page: Page, *, email: str, role: str, name: str = "", password: str = PASSWORD):
    """As an admin, invite a member on /members; the member, in a browser of their own,
    chooses ``password`` with the copied invite link. The member's row on the admin's page."""
    row = invite_member(page, email=email, role=role, name=name)
    link = copied_invite_link(row)
    browser = page.context.browser
    assert browser is not None
    member = browser.new_context(base_url=link.split("/set-password")[0])
    try:
        member_page = member.new_page()
        set_password(member_page, link, password)
        expect(member_page).to_have_url(re.compile(r"/dashboard/?$"))
    finally:
        member.close()
    page.reload()
    expect(row).to_contain_text("Active")
    return row


def viewer_without_admin_link(admin: Page, new_context, *, link: str) -> Page:
    """An admin adds a viewer, who signs in in a browser of their own: the page of that viewer,
    whose navigation has no ``link`` (an admin-only page) although it has Members."""
    viewer_email = unique_email("viewer")
    add_member(admin, email=viewer_email, role="viewer")
    viewer = new_context().new_page()
    sign_in(viewer, viewer_email)
    expect(viewer.locator("#member-role")).to_have_text("Viewer")
    navigation = viewer.get_by_label("Main")
    expect(navigation.get_by_role("link", name="Members", exact=True)).to_be_visible()
    expect(navigation.get_by_role("link", name=link, exact=True)).to_have_count(0)
    return viewer


def create_assessment(page: Page, *, title: str, role: str, brief: str, minutes: str = "") -> str:
    """Create an assessment through the dialog; returns its id (ends on its page)."""
    page.goto("/assessments")
    page.locator("#new-assessment").click()
    form = page.locator("#create-assessment-form")
    form.locator("input[name=title]").fill(title)
    form.locator("input[name=role]").fill(role)
    form.locator("textarea[name=task_brief]").fill(brief)
    if minutes:
        form.locator("input[name=time_limit_minutes]").fill(minutes)
    form.get_by_role("button", name="Create assessment").click()
    expect(page).to_have_url(re.compile(r"/assessments/[0-9a-f-]{36}/?$"))
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    return page.url.rsplit("/", 1)[-1]


def create_api_key(page: Page, *, name: str, scope: str) -> str:
    """As an admin, create an API key on /api-keys; returns the raw key shown once."""
    page.goto("/api-keys")
    form = page.locator("#create-api-key-form")
    form.locator("input[name=name]").fill(name)
    form.get_by_role("combobox").click()
    page.get_by_role("option", name=scope, exact=True).click()
    form.get_by_role("button", name="Create key").click()
    shown = page.locator("#new-api-key")
    expect(shown).to_have_text(re.compile(rf"^tl_sk_{scope}_"))
    return shown.inner_text()
