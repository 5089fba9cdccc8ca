"""Candidates from a CSV file in the browser: a recruiter chooses a spreadsheet's file on the
candidates page, sees the one bad row marked with its reason, invites the others to an
assessment, and finds them in the candidates list with their keys. Escape closes the dialog.

Screenshots of the preview and of the result are saved under test-results/ for a reviewer.
"""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.flows import (
    confirm_candidate_import,
    create_assessment,
    open_candidate_import,
    sign_up,
)
from tests.e2e.server import REPO_ROOT, RunningApp

SCREENSHOTS = REPO_ROOT / "test-results"
TITLE = "Rate limiter take-home"


def _spreadsheet(folder: Path, tag: str) -> Path:
    """Three people as a semicolon spreadsheet saves them, the second with a mistyped address."""
    path = folder / "candidates.csv"
    path.write_text(
        "\ufeffFirst name;Last name;E-mail;Phone\n"
        f"Grace;Hopper;grace.{tag}@navy.test;+1 555 0100\n"
        f"Alan;Turing;alan.{tag}@@bletchley.test;\n"
        f"Linus;Torvalds;linus.{tag}@kernel.test;\n",
        encoding="utf-8",
    )
    return path


def _save(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"candidate-import-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}", file=sys.stderr)


def test_a_recruiter_imports_candidates_from_csv_and_invites_them(
    page: Page, app: RunningApp, tmp_path: Path
):
    sign_up(page)
    create_assessment(page, title=TITLE, role="Backend Engineer", brief="Build a rate limiter.")
    tag = uuid.uuid4().hex[:6]
    csv_file = _spreadsheet(tmp_path, tag)

    page.goto("/candidates")
    expect(page.locator(".candidate-row")).to_have_count(0)
    dialog = open_candidate_import(page, csv_file)

    rows = dialog.locator(".import-row")
    expect(rows).to_have_count(3)
    refused = dialog.locator(".import-row-refused")
    expect(refused).to_have_count(1)
    expect(refused).to_have_attribute("data-row", "3")
    expect(refused).to_contain_text(f"alan.{tag}@@bletchley.test")
    expect(refused.locator(".row-problem")).to_contain_text("Not an email address")
    expect(rows.nth(0)).to_contain_text("Grace Hopper")
    expect(rows.nth(0)).to_contain_text("Ready")
    expect(dialog.locator("#import-counts")).to_have_text(
        "2 candidates ready to import; 1 row will be skipped"
    )
    expect(dialog.locator("#confirm-import")).to_have_text("Import 2 candidates")

    dialog.locator("#import-assessment").click()
    page.get_by_role("option", name=TITLE, exact=True).click()
    expect(dialog.locator("#import-assessment")).to_have_text(TITLE)
    _save(page, "preview")

    dialog.locator("#confirm-import").click()
    expect(dialog.locator("#import-summary")).to_have_text(
        f"2 candidates added, 0 already in your candidates, 2 invited to {TITLE}."
    )
    skipped = dialog.locator(".import-skipped")
    expect(skipped).to_have_count(1)
    expect(skipped).to_contain_text(f"Row 3 (alan.{tag}@@bletchley.test): Not an email address")
    _save(page, "result")

    dialog.locator("#close-import").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    listed = page.locator(".candidate-row")
    expect(listed).to_have_count(2)
    for name, email in (("Grace Hopper", f"grace.{tag}@navy.test"), ("Linus Torvalds", None)):
        row = listed.filter(has_text=name)
        expect(row).to_contain_text(TITLE)
        expect(row).to_contain_text("pending")
        if email:
            expect(row).to_contain_text(email)
    expect(page.locator(".candidate-row", has_text="Turing")).to_have_count(0)
    _save(page, "listed")

    # The same file again: nobody is added or invited twice. Escape closes the dialog.
    dialog = open_candidate_import(page, csv_file)
    expect(dialog.locator(".import-row")).to_have_count(3)
    confirm_candidate_import(page, dialog, invite_to=TITLE)
    expect(dialog.locator("#import-summary")).to_have_text(
        f"0 candidates added, 2 already in your candidates, 0 invited to {TITLE}."
    )
    expect(dialog.locator(".import-skipped")).to_have_count(3)
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator(".candidate-row")).to_have_count(2)
