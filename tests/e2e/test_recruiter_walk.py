"""A recruiter's working day in one browser session, in the order the work happens: candidates
imported from a CSV file and invited to an assessment; the dashboard open while the candidates
submit their take-homes through the candidate page and a real Huey worker evaluates them, so each
submission lands in "Awaiting your review" without a reload; a candidate's report and profile;
three candidates side by side; a report link shared with a hiring manager, opened signed out and
revoked. An interview sent as text by an integrator at the start, assessed by the same worker,
is ready on the dashboard too and gives the interview report, whose summary and metrics count
the same questions asked.

Screenshots of the dashboard, the evaluation report, the profile, the comparison, the shared
report and the interview report, at 1440×900 and 390×844, are saved under test-results/walk-*.png
for a reviewer.
"""

from __future__ import annotations

import re
import sys
import time
import zipfile
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.flows import (
    confirm_candidate_import,
    copied_invite_link,
    create_assessment,
    open_candidate_import,
    save_screenshots,
    sign_up,
    submit_take_home,
)
from tests.e2e.server import RunningApp

TITLE = "Order service take-home"
# One worker thread takes the interview (loading the sentence model), then the evaluations (the
# first starts a sandbox and runs Ada's tests; the others take a second).
EVALUATION_TIMEOUT_MS = 150_000

# Three people as a recruiter's spreadsheet holds them, each with the take-home they send.
PEOPLE = {
    "Ada Lovelace": "ada",
    "Grace Hopper": "grace",
    "Linus Torvalds": "linus",
}

SERVICE = '''"""Orders: totals with discounts."""


def total(prices: list[float], discount: float = 0.0) -> float:
    """The order's total after a discount between 0 and 1."""
    if not 0 <= discount <= 1:
        raise ValueError("discount must be between 0 and 1")
    return round(sum(prices) * (1 - discount), 2)
'''
TESTS = """import pytest

from orders.service import total


def test_total_applies_the_discount():
    assert total([10.0, 5.0], 0.2) == 12.0


def test_a_discount_above_one_is_refused():
    with pytest.raises(ValueError):
        total([1.0], 1.5)
"""
# Ada: code, tests and a README that explains a choice; Grace: other code and a README; Linus:
# code only.
TAKE_HOMES = {
    "ada": {
        "README.md": "# Orders\nRun `pytest`. I round to cents because the invoices are in "
        "euros, instead of keeping floats.\n",
        "orders/__init__.py": "",
        "orders/service.py": SERVICE,
        "tests/test_service.py": TESTS,
    },
    "grace": {
        "README.md": "# Orders\nThe total of an order's lines.\n",
        "orders/__init__.py": "",
        "orders/lines.py": "def order_total(lines):\n"
        "    result = 0\n"
        "    for line in lines:\n"
        '        result += line["price"] * line.get("quantity", 1)\n'
        "    return result\n",
    },
    "linus": {"orders.py": "def total(p):\n    return sum(p)\n"},
}

# The interviewer asks three questions (the second in two sentences, one breath) and closes with
# "any questions for us?": three questions asked, as a recruiter counts them.
INTERVIEW = [
    {
        "speaker": "Rita",
        "role": "interviewer",
        "text": "Thanks for joining us. Tell me about a service you built that had to stay up.",
    },
    {
        "speaker": "Sam",
        "role": "candidate",
        "text": "I built the order service of a shop on PostgreSQL and Redis. Every request was "
        "written to a queue first, so a crash never lost an order, and a worker retried failed "
        "payments with an idempotency key.",
    },
    {"speaker": "Rita", "text": "How did you know it was fast enough? What did you measure?"},
    {
        "speaker": "Sam",
        "text": "I ran a benchmark of ten thousand orders and followed the p99 latency in "
        "Grafana. It went from 800 ms to 120 ms after I added an index on the customer column, "
        "because the checkout query scanned the whole table.",
    },
    {"speaker": "Rita", "text": "Walk me through a disagreement with a colleague."},
    {
        "speaker": "Sam",
        "text": "A colleague wanted to cache every response. I proposed caching only the "
        "catalogue, since orders change every second, and we agreed after I showed the hit rate "
        "from a week of logs.",
    },
    {"speaker": "Rita", "text": "Do you have any questions for us?"},
    {"speaker": "Sam", "text": "Not today, thank you."},
]


def _spreadsheet(folder: Path) -> Path:
    path = folder / "candidates.csv"
    lines = ["First name,Last name,Email"]
    lines += [f"{name.replace(' ', ',')},{who}@example.com" for name, who in PEOPLE.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _take_home(folder: Path, who: str) -> Path:
    path = folder / f"{who}-take-home.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in TAKE_HOMES[who].items():
            archive.writestr(name, text)
    return path


def _lap(started: float, step: str) -> None:
    """How long the walk took to reach ``step`` (printed, for keeping its runtime in view)."""
    print(f"walk: {step} at {time.monotonic() - started:.1f} s", file=sys.stderr)


def test_a_recruiter_walks_from_a_csv_import_to_a_shared_report(
    page: Page, new_context, app: RunningApp, worker, tmp_path: Path
):
    started = time.monotonic()
    account = sign_up(page)
    # An integrator sends an interview as text; the worker assesses it while the walk goes on.
    interview_id = app.call(
        "tests.e2e.test_interviews:submit_transcript",
        member_email=account.email,
        role="Backend Engineer",
        transcript=INTERVIEW,
    )["job_id"]
    assessment_id = create_assessment(
        page, title=TITLE, role="Backend Engineer", brief="Build a small order service with tests."
    )

    # Candidates from a CSV file, invited to the assessment as they are imported.
    page.goto("/candidates")
    dialog = open_candidate_import(page, _spreadsheet(tmp_path))
    expect(dialog.locator(".import-row")).to_have_count(3)
    confirm_candidate_import(page, dialog, invite_to=TITLE)
    expect(dialog.locator("#import-summary")).to_have_text(
        f"3 candidates added, 0 already in your candidates, 3 invited to {TITLE}."
    )
    dialog.locator("#close-import").click()
    expect(page.locator(".candidate-row")).to_have_count(3)

    _lap(started, "imported and invited")
    # Mail is off: the recruiter copies each invite link from the assessment's page.
    page.goto(f"/assessments/{assessment_id}")
    links = {}
    for name in PEOPLE:
        row = page.locator(".candidate-key-row", has_text=name)
        key = row.locator(".candidate-key").inner_text()
        links[name] = copied_invite_link(row, ".copy-invite")
        assert links[name].endswith(key), (name, links[name])

    # The dashboard says the invites did not leave, and nothing waits for review yet.
    page.get_by_role("link", name="Dashboard", exact=True).click()
    expect(page.locator(".invites-not-delivered-item")).to_have_count(3)
    expect(page.locator("#awaiting-review")).to_contain_text("Nothing waits for review")
    page.evaluate("window.walkNeverReloaded = true")

    _lap(started, "dashboard open")
    # With the dashboard open, each candidate submits from the invite link; the worker scores.
    evaluation_ids = {
        name: submit_take_home(new_context().new_page(), links[name], _take_home(tmp_path, who))
        for name, who in PEOPLE.items()
    }
    _lap(started, "three submitted")
    waiting = page.locator(".awaiting-review-item")
    expect(waiting.filter(has_text="Ada Lovelace")).to_be_visible(timeout=EVALUATION_TIMEOUT_MS)
    expect(waiting).to_have_count(3, timeout=EVALUATION_TIMEOUT_MS)
    expect(page.locator(".invites-not-delivered-item")).to_have_count(0)  # all redeemed
    # The worker took the interview first: it is ready for a decision too.
    expect(page.locator(".interviews-ready-item")).to_have_count(1)
    expect(page.locator("#funnel-choice")).to_have_text(f"Assessment · {TITLE}")
    expect(page.locator("#funnel-steps .funnel-step")).to_have_text(
        ["Invited 3", "Started 3", "Submitted 3", "Reviewed 0", "Hired 0"]
    )
    assert page.evaluate("window.walkNeverReloaded === true"), "the dashboard was reloaded"
    save_screenshots(page, "walk-dashboard")

    _lap(started, "three scored, live on the dashboard")
    # Ada's report, then her profile from the report's link.
    waiting.filter(has_text="Ada Lovelace").click()
    expect(page).to_have_url(re.compile(rf"/evaluations/{evaluation_ids['Ada Lovelace']}/?$"))
    expect(page.locator("#candidate-name")).to_have_text("Ada Lovelace")
    expect(page.locator("#recommendation")).to_have_text(re.compile(r"^(Proceed|Hold|Reject)$"))
    save_screenshots(page, "walk-evaluation-report")
    page.locator("#profile-link").click()
    expect(page.locator("#profile-name")).to_have_text("Ada Lovelace")
    expect(page.locator("#profile-email")).to_have_text("ada@example.com")
    expect(page.locator(".timeline-event[data-kind=evaluated]")).to_be_visible()
    save_screenshots(page, "walk-candidate-profile")

    _lap(started, "report and profile")
    # The three side by side.
    page.goto(f"/assessments/{assessment_id}")
    for name in PEOPLE:
        page.get_by_role("checkbox", name=re.compile(f"Compare {name}")).click()
    page.locator("#compare-candidates").click()
    expect(page).to_have_url(re.compile(rf"/assessments/{assessment_id}/compare\?ids="))
    table = page.locator("#compare-table")
    expect(table.locator(".compare-name")).to_have_text(list(PEOPLE))
    expect(page.locator("#compare-overall .overall")).to_have_text([re.compile(r"^\d+%$")] * 3)
    # Ada's tested, explained work ranks first among the three.
    expect(page.locator("#compare-percentile .percentile").first).to_contain_text("rank 1 of 3")
    save_screenshots(page, "walk-compare")

    _lap(started, "compared")
    # A read-only link for the hiring manager: it opens signed out, until revoked.
    table.get_by_role("link", name="Ada Lovelace").click()
    expect(page.locator("#candidate-name")).to_have_text("Ada Lovelace")
    page.locator("#create-share-link").click()
    url = page.locator("#new-share-url").inner_text()
    assert url.startswith(f"{app.base_url}/shared/")
    manager = new_context().new_page()
    manager.goto(url)
    expect(manager.locator("#shared-candidate")).to_have_text("Ada Lovelace")
    expect(manager.locator("#shared-scores")).to_be_visible()
    save_screenshots(manager, "walk-shared-report")
    page.locator(".revoke-share").click()
    expect(page.locator(".share-link").first).to_contain_text("revoked")
    manager.reload()
    expect(manager.locator("#shared-gone")).to_contain_text("expired or was revoked")
    expect(manager.locator("#shared-candidate")).to_have_count(0)

    _lap(started, "shared and revoked")
    # The interview report, from the dashboard: its summary and metrics count the same three
    # questions asked.
    page.get_by_role("link", name="Dashboard", exact=True).click()
    page.locator(".interviews-ready-item").click()
    expect(page).to_have_url(re.compile(rf"/interviews/{interview_id}/?$"))
    expect(page.locator("#job-status")).to_have_text("Completed")
    expect(page.locator("#summary")).to_contain_text("3 questions asked, 3 answered")
    asked = page.locator(".metric-fact", has_text="Questions asked")
    expect(asked).to_contain_text("Interviewer 3")
    save_screenshots(page, "walk-interview-report")
    _lap(started, "interview report")
