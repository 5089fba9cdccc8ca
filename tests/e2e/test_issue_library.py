"""The issue library in the browser: a recruiter pages through the library, adds an issue
through the dialog (a missing text and a bad address are pointed out on their fields), finds
it by searching on the server, and opens it."""

from __future__ import annotations

import re
import sys

from playwright.sync_api import Page, expect

from tests.e2e.flows import sign_up
from tests.e2e.server import REPO_ROOT, RunningApp

SCREENSHOTS = REPO_ROOT / "test-results"
SEEDED = 25  # two pages of 20


def seed_issues(*, member_email: str) -> int:
    """``SEEDED`` issues in the member's organisation's library."""
    from sqlmodel import select

    from backend.db import session_scope
    from backend.models import Member
    from backend.models.assessments import IssueCreate
    from backend.services.oss_issues import create_issue

    with session_scope() as session:
        org_id = session.exec(select(Member).where(Member.email == member_email)).one().org_id
        for n in range(SEEDED):
            data = IssueCreate(
                title=f"Library issue {n:02d}",
                body="Fix the parser.",
                language="Python",
                repo_url="https://github.com/acme/parser",
            )
            create_issue(session, org_id=org_id, data=data)
    return SEEDED


def _screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"issues-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}", file=sys.stderr)


def test_add_an_issue_and_find_it_by_search(page: Page, app: RunningApp):
    page.set_viewport_size({"width": 1440, "height": 900})
    account = sign_up(page)
    app.call("tests.e2e.test_issue_library:seed_issues", member_email=account.email)
    page.get_by_label("Main").get_by_role("link", name="Issue library").click()
    expect(page).to_have_url(re.compile(r"/issues/?$"))
    expect(page.locator(".issue-row")).to_have_count(20)
    expect(page.locator(".result-count")).to_have_text(f"{SEEDED} issues")
    expect(page.locator(".page-indicator")).to_have_text("Page 1 of 2")
    page.locator(".page-next").click()
    expect(page.locator(".issue-row")).to_have_count(5)
    expect(page).to_have_url(re.compile(r"/issues/?\?page=2$"))

    page.locator("#add-issue").click()
    form = page.locator("#add-issue-form")
    form.locator("input[name=title]").fill("Rate limiter lets bursts through after a restart")
    form.locator("input[name=repo_url]").fill("not a repository")
    form.get_by_role("button", name="Add issue").click()
    expect(form.locator("#body-error")).to_have_text("Enter the issue text.")
    expect(form.locator("#repo_url-error")).to_contain_text("Enter a full web address")
    _screenshot(page, "add-errors")
    form.locator("textarea[name=body]").fill(
        "After a restart the token bucket starts full, so a burst passes. Keep the state."
    )
    form.locator("input[name=repo_url]").fill("https://github.com/acme/limiter")
    form.locator("input[name=issue_url]").fill("https://github.com/acme/limiter/issues/42")
    form.locator("input[name=language]").fill("Go")
    form.locator("input[name=difficulty]").fill("medium")
    form.get_by_role("button", name="Add issue").click()

    expect(page).to_have_url(re.compile(r"/issues/[0-9a-f-]{36}/?$"))
    expect(page.get_by_role("heading", name="Rate limiter lets bursts")).to_be_visible()
    expect(page.locator("#issue-body")).to_contain_text("token bucket starts full")
    expect(
        page.get_by_role("link", name="https://github.com/acme/limiter/issues/42")
    ).to_be_visible()
    _screenshot(page, "detail")

    # Newest first: on the first page; the search finds it alone, and a reload keeps it.
    page.goto("/issues")
    expect(page.locator(".issue-row").first).to_contain_text("Rate limiter lets bursts")
    page.locator("#issue-search").fill("token bucket")
    page.locator("#issue-search").press("Enter")
    expect(page).to_have_url(re.compile(r"/issues/?\?q=token\+bucket$"))
    expect(page.locator(".issue-row")).to_have_count(1)
    expect(page.locator(".issue-row")).to_contain_text("acme/limiter")
    expect(page.locator(".result-count")).to_have_text("1 issue")
    _screenshot(page, "search")
    page.reload()
    expect(page.locator(".issue-row")).to_have_count(1)
    page.locator("#issue-search").fill("no such words")
    page.locator("#issue-search").press("Enter")
    expect(page.get_by_text("No issues match this search")).to_be_visible()
    page.locator("#clear-filters").click()
    expect(page.locator(".result-count")).to_have_text(f"{SEEDED + 1} issues")
    page.locator(".issue-row").first.get_by_role("link").click()
    expect(page.locator("#issue-body")).to_contain_text("token bucket")
