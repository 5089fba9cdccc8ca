"""Comparing candidates of one assessment: ticked on the assessment's page, side by side on
/assessments/{id}/compare. Keys are made in the browser; each candidate's session is redeemed
and submitted through the real services, and the engine's lifecycle stores its result (in a
subprocess on the app's database, as tests/e2e/test_evaluations.py seeds)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.flows import create_assessment, sign_up
from tests.e2e.server import REPO_ROOT, RunningApp

SCREENSHOTS = REPO_ROOT / "test-results"
ENGINE = "e2e-engine"
CATEGORIES = ["Code Quality", "Technical Depth", "Testing", "Security"]
# email → (name, scores in CATEGORIES' order, recommendation, risk flags)
CANDIDATES = {
    "ada@example.com": ("Ada Lovelace", [5, 4, 4, 4], "proceed", []),
    "grace@example.com": ("Grace Hopper", [4, 5, 2, 3], "hold", [("no_tests", "medium")]),
    "linus@example.com": ("Linus Pauling", [3, 3, 2, 1], "reject", [("committed_secret", "high")]),
    "dora@example.com": ("Dora Dijkstra", [2, 2, 2, 2], "reject", []),
}


def _result(scores: list[int], recommendation: str, flags: list[tuple[str, str]]) -> dict:
    return {
        "recommendation": recommendation,
        "confidence_score": 75,
        "calibrated_seniority": "senior" if scores[0] >= 5 else "mid",
        "rubric_scores": [
            {"category": name, "score": score, "max_score": 5, "observations": []}
            for name, score in zip(CATEGORIES, scores, strict=True)
        ],
        "risk_flags": [
            {"code": code, "severity": severity, "message": code.replace("_", " ")}
            for code, severity in flags
        ],
        "signals": {},
        "engine": {"version": "e2e-1", "rubric_id": "default", "rubric_version": 1},
    }


# -- run inside the app's environment ------------------------------------------------------------


def submit_and_score(*, assessment_id: str, results: dict[str, dict]) -> list[str]:
    """Each candidate (by email) of the assessment starts their session, submits a repository,
    and the engine scores it: the evaluation ids."""
    from sqlmodel import col, select

    from backend.db import session_scope
    from backend.models import CandidateKey
    from backend.models.evaluations import ENGINE_STAGES, Evaluation, SubmissionIn
    from backend.services import leases
    from backend.services.candidate_sessions import redeem_key
    from backend.services.evaluations import lifecycle
    from backend.services.evaluations.session_submission import submit_from_session

    ids = []
    with session_scope() as session:
        keys = session.exec(
            select(CandidateKey).where(col(CandidateKey.assessment_id) == assessment_id)
        ).all()
        for key in keys:
            if key.candidate_email not in results:
                continue
            started = redeem_key(session, key=key.key)
            evaluation = submit_from_session(
                session,
                candidate_key_id=key.id,
                session_id=started.id,
                data=SubmissionIn.model_validate(
                    {"repoUrl": f"https://git.example.com/{key.key}.git"}
                ),
            )
            assert leases.claim(
                session,
                Evaluation,
                work_id=evaluation.id,
                owner=ENGINE,
                claimable=[col(Evaluation.stage).in_([s.value for s in ENGINE_STAGES])],
            )
            assert lifecycle.complete_automated(
                session,
                evaluation_id=evaluation.id,
                owner=ENGINE,
                result=results[key.candidate_email],
                engine_version="e2e-1",
                rubric_ref=("default", 1),
            )
            ids.append(evaluation.id)
    return ids


# -- test ----------------------------------------------------------------------------------------


def test_compare_three_candidates_of_an_assessment(page: Page, app: RunningApp):
    sign_up(page)
    assessment_id = create_assessment(
        page,
        title="Order service take-home",
        role="Backend Engineer",
        brief="Build a small order service with tests.",
    )
    form = page.locator("#generate-keys-form")
    form.locator("textarea[name=candidates]").fill(
        "\n".join(f"{email}, {name}" for email, (name, *_) in CANDIDATES.items())
        + "\nwaiting@example.com, Wanda Waiting"
    )
    form.get_by_role("button", name="Generate keys").click()
    expect(page.locator(".candidate-key-row")).to_have_count(5)
    app.call(
        "tests.e2e.test_compare:submit_and_score",
        assessment_id=assessment_id,
        results={email: _result(*spec[1:]) for email, spec in CANDIDATES.items()},
    )
    page.reload()

    # Only candidates with a submission can be ticked; Compare needs two.
    picks = page.locator(".compare-pick")
    expect(picks).to_have_count(4)
    waiting = page.locator(".candidate-key-row", has_text="Wanda Waiting")
    expect(waiting.locator(".compare-pick")).to_have_count(0)
    compare = page.locator("#compare-candidates")
    expect(compare).to_be_disabled()
    for name in ("Ada Lovelace", "Grace Hopper", "Linus Pauling"):
        page.get_by_role("checkbox", name=re.compile(f"Compare {name}")).click()
        if name == "Ada Lovelace":
            expect(compare).to_be_disabled()
    expect(compare).to_be_enabled()
    expect(compare).to_contain_text("(3)")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "compare-pick.png"), full_page=True)
    compare.click()
    expect(page).to_have_url(re.compile(rf"/assessments/{assessment_id}/compare\?ids="))

    table = page.locator("#compare-table")
    expect(table.locator(".compare-name")).to_have_text(
        ["Ada Lovelace", "Grace Hopper", "Linus Pauling"]
    )
    expect(page.locator("#compare-summary")).to_contain_text("cohort of 4 scored submissions")
    rows = table.locator(".compare-category-row")
    expect(rows).to_have_count(4)
    for row_index, category in enumerate(CATEGORIES):
        row = rows.nth(row_index)
        expect(row.locator("th")).to_contain_text(category)
        expected = [str(CANDIDATES[e][1][row_index]) for e in list(CANDIDATES)[:3]]
        expect(row.locator(".score")).to_have_text(expected)
    # The best of each row is marked: Ada's quality, Grace's depth, Ada's testing and security.
    expect(rows.nth(0).locator(".score.best")).to_have_text(["5"])
    expect(rows.nth(1).locator(".score.best")).to_have_text(["5"])
    expect(rows.nth(2).locator(".score.best")).to_have_text(["4"])
    expect(rows.nth(3).locator(".score.best")).to_have_count(1)

    # Header rows: overall (85 / 70 / 45 %), percentile among the other three of the cohort,
    # level, verdict (automated: nobody reviewed yet) and flags.
    expect(page.locator("#compare-overall .overall")).to_have_text(["85%", "70%", "45%"])
    expect(page.locator("#compare-overall .overall.best")).to_have_text(["85%"])
    expect(page.locator("#compare-percentile .percentile")).to_have_text(
        ["100th · rank 1 of 4", "67th · rank 2 of 4", "33rd · rank 3 of 4"]
    )
    expect(page.locator("#compare-level")).to_contain_text("Senior")
    expect(page.locator("#compare-verdict")).to_contain_text("Proceed")
    expect(page.locator("#compare-verdict")).to_contain_text("Reject")
    expect(page.locator("#compare-verdict")).to_contain_text("automated")
    expect(page.locator("#compare-flags .compare-flag")).to_have_text(
        ["no tests · medium", "committed secret · high"]
    )

    page.set_viewport_size({"width": 1440, "height": 900})
    page.screenshot(path=str(SCREENSHOTS / "compare-1440x900.png"), full_page=True)
    # On a phone the table scrolls sideways inside its box.
    page.set_viewport_size({"width": 390, "height": 844})
    scroller = page.locator("#compare-scroll")
    expect(scroller).to_be_visible()
    # The sidebar gives way to a menu, so the table has the phone's width.
    expect(page.get_by_role("button", name="Menu")).to_be_visible()
    expect(page.locator("#sign-out")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SCREENSHOTS / "compare-390x844.png"), full_page=True)
    # The table's own scroll area (Radix's, inside the box) is wider than it shows.
    scrolls = scroller.evaluate(
        """el => [el, ...el.querySelectorAll('*')].some(n =>
            n.scrollWidth > n.clientWidth + 1
            && ['auto', 'scroll'].includes(getComputedStyle(n).overflowX))"""
    )
    assert scrolls, "the comparison should scroll sideways on a phone"

    # A name opens that candidate's report.
    page.set_viewport_size({"width": 1440, "height": 900})
    table.get_by_role("link", name="Grace Hopper").click()
    expect(page).to_have_url(re.compile(r"/evaluations/[^/?]+/?$"))
