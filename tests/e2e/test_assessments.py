"""Assessments and candidate keys, from creation to the candidate's landing page."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.flows import CANDIDATE_KEY, create_assessment, sign_up
from tests.e2e.server import REPO_ROOT

SCREENSHOTS = REPO_ROOT / "test-results"


def start_session(*, key: str) -> bool:
    """Run in the app's environment: the candidate redeems their key (their session starts)."""
    from backend.db import session_scope
    from backend.services.candidate_sessions import redeem_key

    with session_scope() as session:
        redeem_key(session, key=key)
    return True


def test_generate_copy_and_revoke_candidate_keys(page: Page, new_context, app):
    sign_up(page)
    page.goto("/assessments")
    expect(page.get_by_text("No assessments yet")).to_be_visible()
    create_assessment(
        page,
        title="Rate limiter take-home",
        role="Backend Engineer",
        brief="Implement a token-bucket rate limiter with tests.",
        minutes="180",
    )
    expect(page.locator("#task-brief")).to_have_text(
        "Implement a token-bucket rate limiter with tests."
    )
    expect(page.get_by_text("No candidate keys yet")).to_be_visible()

    form = page.locator("#generate-keys-form")
    form.locator("input[name=count]").fill("2")
    form.get_by_role("button", name="Generate keys").click()
    keys = page.locator(".candidate-key")
    expect(keys).to_have_count(2)
    values = keys.all_inner_texts()
    assert all(CANDIDATE_KEY.match(v) for v in values), values
    assert len(set(values)) == 2

    # Keys for named candidates: one per line.
    form.locator("textarea[name=candidates]").fill("grace@example.com, Grace Hopper")
    form.get_by_role("button", name="Generate keys").click()
    expect(keys).to_have_count(3)
    grace = page.locator(".candidate-key-row", has_text="grace@example.com")
    expect(grace).to_contain_text("Grace Hopper")
    expect(grace).to_contain_text("pending")
    # Mail is off (no SMTP host): the page says plainly that the invite did not leave.
    expect(page.locator("#keys-notice")).to_contain_text("1 invite email was NOT sent")
    expect(page.locator("#mail-off-notice")).to_contain_text("Invites are not emailed")
    expect(grace.locator(".invite-delivery")).to_have_text("Not sent: email is not set up")
    expect(page.locator(".candidate-key-row", has_not_text="grace").first).to_contain_text(
        "No email"
    )

    # A line that is not an email is refused under the candidates field; nothing is made.
    form.locator("textarea[name=candidates]").fill("ada-at-example, Ada")
    form.get_by_role("button", name="Generate keys").click()
    expect(page.locator("#candidates-error")).to_contain_text("“ada-at-example” is not an email")
    expect(keys).to_have_count(3)

    # Asking for 0 (or more than 50) keys is refused on the field; nothing is made.
    for refused in ("0", "51"):
        form.locator("textarea[name=candidates]").fill("")
        form.locator("input[name=count]").fill(refused)
        form.get_by_role("button", name="Generate keys").click()
        expect(page.locator("#key-count-error")).to_contain_text("from 1 to 50")
        expect(form.locator("input[name=count]")).to_have_attribute("aria-invalid", "true")
        expect(keys).to_have_count(3)

    # The invite link goes to the clipboard, from a visible "Copy link" on every key.
    expect(page.locator(".copy-invite")).to_have_count(3)
    grace_key = grace.locator(".candidate-key").inner_text()
    expect(grace.locator(".copy-invite")).to_have_text("Copy link")
    grace.locator(".copy-invite").click()
    link = page.evaluate("navigator.clipboard.readText()")
    assert link == f"{app.base_url}/candidate?key={grace_key}"

    # Escape closes the revoke confirmation without revoking.
    grace.locator(".revoke-candidate-key").click()
    expect(page.get_by_role("alertdialog")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    expect(keys).to_have_count(3)

    # Revoke one key: it leaves the list and stops opening the candidate page.
    revoked = values[0]
    page.locator(".candidate-key-row", has_text=revoked).locator(".revoke-candidate-key").click()
    page.locator("#confirm-revoke-key").click()
    expect(page.locator("#keys-notice")).to_contain_text(f"Key {revoked} was revoked")
    expect(keys).to_have_count(2)
    expect(page.locator(".candidate-key", has_text=revoked)).to_have_count(0)

    # Grace starts her session: her key's status follows on the open page, without a reload.
    app.call("tests.e2e.test_assessments:start_session", key=grace_key)
    expect(grace).to_contain_text("active")

    page.goto("/candidates")
    rows = page.locator(".candidate-row")
    expect(rows).to_have_count(2)
    # Newest first: Grace's key, generated last, leads the list.
    expect(rows.first).to_contain_text(grace_key)
    expect(rows.first).to_contain_text("Rate limiter take-home")
    expect(page.locator(".page-indicator")).to_have_text("Page 1 of 1")

    page.goto("/dashboard")
    expect(page.locator("#count-assessments")).to_have_text("1")
    expect(page.locator("#count-candidate-keys")).to_have_text("2")

    # The candidate opens the invite link in their own browser.
    candidate = new_context().new_page()
    candidate.goto(link)
    expect(candidate.locator("#assessment-title")).to_have_text("Rate limiter take-home")
    expect(candidate.get_by_text("Backend Engineer")).to_be_visible()
    expect(candidate.locator("#task-brief")).to_contain_text("token-bucket")
    expect(candidate.get_by_text("Automated tools help evaluate your work")).to_be_visible()
    expect(candidate.locator("#alternative-process")).to_contain_text("alternative process")

    candidate.goto(f"/candidate?key={revoked}")
    expect(candidate.locator("#candidate-error")).to_contain_text("could not find that key")
    candidate.locator("input[name=key]").fill(grace_key.lower())
    candidate.get_by_role("button", name="Continue").click()
    expect(candidate.locator("#assessment-title")).to_have_text("Rate limiter take-home")
    expect(candidate).to_have_url(re.compile(rf"/candidate\?key={grace_key}$"))


def test_assessment_form_and_unknown_assessment(page: Page):
    sign_up(page)
    page.goto("/assessments")
    page.locator("#new-assessment").click()
    form = page.locator("#create-assessment-form")
    form.locator("input[name=title]").fill("No brief")
    form.locator("input[name=role]").fill("Engineer")
    form.get_by_role("button", name="Create assessment").click()
    # What to fix is said on its field, in the form's words (not the API's "taskBrief …").
    expect(page.locator("#task_brief-error")).to_have_text(
        "Write a task brief: what the candidate builds and how it is judged."
    )
    expect(form.locator("textarea[name=task_brief]")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#assessment-error")).to_have_count(0)
    form.locator("textarea[name=task_brief]").fill("Build it.")
    form.locator("input[name=repo_url]").fill("not a url")
    form.get_by_role("button", name="Create assessment").click()
    expect(page.locator("#repo_url-error")).to_contain_text("Enter a full web address")
    expect(page.locator("#task_brief-error")).to_have_count(0)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "assessment-form-errors.png"))

    # The dialog closes on Escape and on a click outside it, and a reload does not reopen it.
    dialog = page.get_by_role("dialog")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    page.locator("#new-assessment").click()
    expect(dialog).to_be_visible()
    page.mouse.click(5, 5)
    expect(dialog).to_have_count(0)
    page.locator("#new-assessment").click()
    expect(dialog).to_be_visible()
    page.reload()
    expect(page.locator("#new-assessment")).to_be_visible()
    expect(dialog).to_have_count(0)

    page.goto("/assessments/00000000-0000-0000-0000-000000000000")
    expect(page.locator("#assessment-not-found")).to_be_visible()
