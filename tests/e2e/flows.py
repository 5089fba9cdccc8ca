"""What a person does in the browser, as small functions the tests combine."""

from __future__ import annotations

import re
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from tests.e2e.server import REPO_ROOT

PASSWORD = "correct horse battery staple"
CANDIDATE_KEY = re.compile(r"^TL-[A-Z2-9]{4}-[A-Z2-9]{4}$")
# Screenshots a reviewer looks at, kept after the run (failures go to test-results/e2e/).
SCREENSHOTS = REPO_ROOT / "test-results"
DESKTOP, PHONE = (1440, 900), (390, 844)


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


def copied_invite_link(row, button: str = ".copy-member-invite") -> str:
    """The invite link a row's "Copy link" (``button``: a member's, or ``.copy-invite`` of a
    candidate key) puts on the clipboard (mail is off)."""
    row.locator(button).click()
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


def create_assessment(
    page: Page, *, title: str, role: str, brief: str, minutes: str = "", rubric: str = ""
) -> str:
    """Create an assessment through the dialog (``rubric``: the label of the rubric to choose;
    empty: the default); returns its id (ends on its page)."""
    page.goto("/assessments")
    page.locator("#new-assessment").click()
    form = page.locator("#create-assessment-form")
    form.locator("input[name=title]").fill(title)
    form.locator("input[name=role]").fill(role)
    form.locator("textarea[name=task_brief]").fill(brief)
    if minutes:
        form.locator("input[name=time_limit_minutes]").fill(minutes)
    if rubric:
        form.locator("#assessment-rubric").click()
        page.get_by_role("option", name=rubric, exact=True).click()
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


def save_screenshots(page: Page, name: str, sizes=(DESKTOP, PHONE)) -> list[Path]:
    """Full-page screenshots of what ``page`` shows at each of ``sizes``, saved as
    test-results/{name}-{width}x{height}.png for a reviewer; then the page has its size back."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    before = page.viewport_size
    saved = []
    for width, height in sizes:
        page.set_viewport_size({"width": width, "height": height})
        path = SCREENSHOTS / f"{name}-{width}x{height}.png"
        page.screenshot(path=str(path), full_page=True)
        print(f"screenshot: {path}", file=sys.stderr)
        saved.append(path)
    if before is not None:
        page.set_viewport_size(before)
    return saved


def open_candidate_import(page: Page, csv_file: Path) -> Locator:
    """On the candidates page, "Import CSV" with ``csv_file`` chosen: the dialog showing its
    preview."""
    page.locator("#import-csv").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.locator("#candidate-csv input[type=file]").set_input_files(str(csv_file))
    expect(dialog.locator(".import-row").first).to_be_visible()
    return dialog


def confirm_candidate_import(page: Page, dialog: Locator, *, invite_to: str) -> None:
    """In the import dialog, invite the candidates to the assessment titled ``invite_to`` and
    import them (the dialog then shows its summary)."""
    dialog.locator("#import-assessment").click()
    page.get_by_role("option", name=invite_to, exact=True).click()
    expect(dialog.locator("#import-assessment")).to_have_text(invite_to)
    dialog.locator("#confirm-import").click()
    expect(dialog.locator("#import-summary")).to_be_visible()


def submit_take_home(candidate: Page, link: str, archive: Path) -> str:
    """As the candidate, open the invite ``link``, start the assessment, upload the ``archive``
    (a zip) and submit it: the evaluation id the page shows."""
    candidate.goto(link)
    candidate.locator("#start-assessment").click()
    expect(candidate.locator("#session-status")).to_have_text("In progress")
    candidate.locator("#submission-zip input[type=file]").set_input_files(str(archive))
    expect(candidate.locator(".selected-zip")).to_have_text(archive.name)
    candidate.locator("#submit-zip").click()
    expect(candidate.locator("#submitted")).to_have_text("Submitted")
    return candidate.locator("#submitted-evaluation-id").inner_text()
