"""Acting on many evaluations at once in the browser: a reviewer ticks rows, decides on them
together, sees what was decided and what was skipped, and exports the ticked rows and the
whole list as CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.flows import sign_up
from tests.e2e.server import RunningApp
from tests.e2e.test_evaluations import _result, _scores


def _download(page: Page, link: str) -> list[dict[str, str]]:
    with page.expect_download() as download:
        page.locator(link).click()
    return list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))


def test_tick_two_evaluations_proceed_and_export_them(page: Page, app: RunningApp):
    account = sign_up(page)
    app.call(
        "tests.e2e.test_evaluations:seed_evaluations",
        member_email=account.email,
        evaluations=[
            {"candidate_ref": "CAND-ADA", "result": _result(_scores(4, 4, 4, 4, 4))},
            {
                "candidate_ref": "CAND-BOB",
                "result": _result(_scores(2, 2, 2, 2, 2), recommendation="reject"),
            },
            {"candidate_ref": "CAND-RUN", "stage": "analysing"},
        ],
    )
    page.get_by_role("link", name="Evaluations", exact=True).click()
    rows = page.locator(".evaluation-row")
    expect(rows).to_have_count(3)
    expect(page.locator("#selected-count")).to_have_text("0 selected")

    # Two ticked, then "Proceed" for both.
    page.get_by_role("checkbox", name="Select CAND-ADA").click()
    page.get_by_role("checkbox", name="Select CAND-BOB").click()
    expect(page.locator("#selected-count")).to_have_text("2 selected")
    page.locator("#decide-proceed").click()
    page.locator("#confirm-decision").click()
    expect(page.locator("#bulk-notice")).to_have_text("Proceed: 2 decided")
    for ref in ("CAND-ADA", "CAND-BOB"):
        row = page.locator(".evaluation-row", has_text=ref)
        expect(row.locator(".evaluation-stage")).to_have_text("Finalised")
        expect(row).to_contain_text("Proceed")
    expect(page.locator("#selected-count")).to_have_text("0 selected")

    # The whole page ticked: the decided two and the running one are skipped, with why.
    page.get_by_role("checkbox", name="Select all on this page").click()
    expect(page.locator("#selected-count")).to_have_text("3 selected")
    page.locator("#decide-reject").click()
    expect(page.get_by_role("alertdialog")).to_contain_text("Reject the ticked evaluations?")
    page.locator("#confirm-decision").click()
    expect(page.locator("#bulk-notice")).to_have_text(
        "Reject: 0 decided, 3 skipped: 2 already decided, 1 still running"
    )
    expect(page.locator(".evaluation-row", has_text="CAND-BOB")).to_contain_text("Proceed")
    expect(page.locator("#selected-count")).to_have_text("3 selected")  # the skipped stay ticked

    # Export the two decided ones: their rows, headed by the candidate, with the decision.
    page.locator("#clear-selection").click()
    expect(page.locator("#selected-count")).to_have_text("0 selected")
    page.get_by_role("checkbox", name="Select CAND-ADA").click()
    page.get_by_role("checkbox", name="Select CAND-BOB").click()
    exported = _download(page, "#export-selected")
    assert list(exported[0])[:3] == ["candidate_name", "candidate_email", "candidate_ref"]
    assert sorted(
        (r["candidate_ref"], r["recommendation"], r["decided_by"], r["reviewer"]) for r in exported
    ) == [
        ("CAND-ADA", "proceed", "reviewer", account.email),
        ("CAND-BOB", "proceed", "reviewer", account.email),
    ]
    bob = next(r for r in exported if r["candidate_ref"] == "CAND-BOB")
    assert bob["automated_recommendation"] == "reject"

    # Every evaluation the search finds, ticked or not.
    page.locator("#evaluation-search").fill("CAND-RUN")
    page.locator("#evaluation-search").press("Enter")
    expect(rows).to_have_count(1)
    expect(page.locator("#selected-count")).to_have_text("0 selected")  # a new list
    matching = _download(page, "#export-all")
    assert [(r["candidate_ref"], r["stage"]) for r in matching] == [("CAND-RUN", "analysing")]
