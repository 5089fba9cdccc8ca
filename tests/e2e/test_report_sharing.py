"""Sharing a report with a hiring manager: a reviewer creates a read-only link on the report,
the link opens signed out (on a desktop and on a phone), and stops working once revoked."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.flows import sign_up
from tests.e2e.server import RunningApp
from tests.e2e.test_evaluations import SCREENSHOTS, _result, _scores


def test_a_shared_report_opens_signed_out_until_revoked(page: Page, app: RunningApp, new_context):
    account = sign_up(page)
    (evaluation_id,) = app.call(
        "tests.e2e.test_evaluations:seed_evaluations",
        member_email=account.email,
        evaluations=[
            {
                "candidate_ref": "CAND-SHARE",
                "result": _result(_scores(4, 4, 3, 3, 4), recommendation="proceed", detailed=True),
            }
        ],
    )
    page.goto(f"/evaluations/{evaluation_id}")
    expect(page.locator("#candidate-name")).to_have_text("CAND-SHARE")
    page.locator("#create-share-link").click()
    url = page.locator("#new-share-url").inner_text()
    assert f"{app.base_url}/shared/" in url
    expect(page.locator(".share-link")).to_have_count(1)
    expect(page.locator(".share-link").first).to_contain_text("active")

    # A hiring manager without an account: a fresh browser, no cookie.
    manager = new_context()
    shared = manager.new_page()
    shared.goto(url)
    expect(shared.locator("#shared-candidate")).to_have_text("CAND-SHARE")
    expect(shared.locator("#shared-recommendation")).to_have_text("Proceed")
    expect(shared.locator("#shared-scores")).to_contain_text("Code Quality")
    expect(
        shared.get_by_text("Request handlers keep validation apart from persistence.")
    ).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shared.set_viewport_size({"width": 1440, "height": 900})
    shared.screenshot(path=str(SCREENSHOTS / "shared-report-1440.png"), full_page=True)
    shared.set_viewport_size({"width": 390, "height": 844})
    shared.screenshot(path=str(SCREENSHOTS / "shared-report-390.png"), full_page=True)

    page.locator(".revoke-share").click()
    expect(page.locator(".share-link").first).to_contain_text("revoked")
    shared.reload()
    expect(shared.locator("#shared-gone")).to_contain_text("expired or was revoked")
    expect(shared.locator("#shared-candidate")).to_have_count(0)
