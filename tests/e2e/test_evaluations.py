"""Code evaluations in the browser: the recruiter's report and review, the list and review
queue, a report following the engine, and the candidate's submission from their session.

Evaluations are made through the real services, in a subprocess that uses the app's own
database and queue (the app's environment), so what the page shows comes from rows the engine's
own lifecycle functions wrote. No worker runs: queued work simply waits.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.flows import create_assessment, sign_up
from tests.e2e.server import REPO_ROOT, RunningApp

SCREENSHOTS = REPO_ROOT / "test-results"
ENGINE = "e2e-engine"  # the lease owner the seeded "engine" writes as
ROLE = "Backend Engineer"
SECRET_LINE = 'DATABASE_PASSWORD = "hunter2-not-a-real-secret"'
LINT_RULE = "quality.lint_findings_per_kloc = 0 (rule: <= 5 → +0.5 points)"


def _score(category: str, score: int, observations: list[dict] | None = None) -> dict:
    return {
        "category": category,
        "score": score,
        "max_score": 5,
        "observations": observations or [],
    }


def _result(
    scores: dict[str, int], *, recommendation: str = "hold", detailed: bool = False
) -> dict[str, Any]:
    """An engine result as workers/evaluation writes it; ``detailed`` adds cited observations
    and a committed-secret flag."""
    observations: dict[str, list[dict]] = {name: [] for name in scores}
    flags: list[dict] = []
    if detailed:
        observations["Code Quality"] = [
            {
                "category": "Code Quality",
                "text": "Request handlers keep validation apart from persistence.",
                "polarity": 1,
                "evidence": [
                    {
                        "kind": "file",
                        "file": "app/handlers.py",
                        "line": 12,
                        "end_line": 15,
                        "excerpt": "def create_order(request):\n"
                        "    order = OrderIn.model_validate(request.json)\n"
                        "    saved = repository.save(order)\n"
                        "    return saved.id",
                    }
                ],
            },
            {
                "category": "Code Quality",
                "text": "One function is far more complex than the rest.",
                "polarity": -1,
                "evidence": [{"kind": "metric", "excerpt": "max complexity 14 (lizard CCN)"}],
            },
            {
                "category": "Code Quality",
                "text": "Few lint findings: 0 per 1,000 lines.",
                "polarity": 1,
                "evidence": [{"kind": "metric", "excerpt": LINT_RULE}],
            },
        ]
        observations["Reasoning and Trade-offs"] = [
            {
                "category": "Reasoning and Trade-offs",
                "text": "The README explains the choice of storage.",
                "polarity": 1,
                "evidence": [
                    {
                        "kind": "quote",
                        "file": "README.md",
                        "line": 8,
                        "excerpt": "I chose SQLite instead of Postgres because the task runs "
                        "on one machine.",
                    }
                ],
            },
            {
                "category": "Reasoning and Trade-offs",
                "text": "No sentence anywhere explains why a choice was made.",
                "polarity": -1,
                "evidence": [
                    {
                        "kind": "metric",
                        "excerpt": "documentation.tradeoff_statements = 0 "
                        "(rule: == 0 → -0.5 points)",
                    }
                ],
            },
        ]
        late_tests = {
            "category": "Testing",
            "text": "Tests arrived in one late commit.",
            "polarity": -1,
            "evidence": [
                {
                    "kind": "commit",
                    "commit": "3f2a9c1d4e5b6a7980c1d2e3f4a5b6c7d8e9f0a1",
                    "excerpt": "Add tests for the retry logic",
                }
            ],
        }
        # The same sentence under two categories: the report shows it once.
        observations["Technical Depth"] = [{**late_tests, "category": "Technical Depth"}]
        observations["Testing"] = [late_tests]
        flags = [
            {
                "code": "committed_secret",
                "severity": "high",
                "message": "A password is committed in config/settings.py.",
                "evidence": [
                    {
                        "kind": "file",
                        "file": "config/settings.py",
                        "line": 3,
                        "end_line": 3,
                        "excerpt": SECRET_LINE,
                    }
                ],
            }
        ]
    return {
        "recommendation": recommendation,
        "confidence_score": 71,
        "calibrated_seniority": "mid",
        "rubric_scores": [
            _score(name, value, observations[name]) for name, value in scores.items()
        ],
        "risk_flags": flags,
        "signals": {"inventory": {"source_files": 14, "primary_language": "python"}},
        "engine": {
            "version": "e2e-1",
            "rubric_id": "default",
            "rubric_version": 1,
            "calibration_version": "c1",
        },
    }


def _scores(quality: int, depth: int, reasoning: int, testing: int, security: int):
    return {
        "Code Quality": quality,
        "Technical Depth": depth,
        "Reasoning and Trade-offs": reasoning,
        "Testing": testing,
        "Security": security,
    }


# -- run inside the app's environment ------------------------------------------------------------


def seed_evaluations(*, member_email: str, evaluations: list[dict]) -> list[str]:
    """Submit evaluations for the member's organisation; each with a ``result`` is scored
    through the engine's lifecycle (lease, then complete_automated), each with a ``stage`` is
    left with the engine at that stage."""
    from sqlmodel import col, select

    from backend.db import session_scope
    from backend.models import Member
    from backend.models.evaluations import ENGINE_STAGES, Evaluation, EvaluationCreate
    from backend.services import leases
    from backend.services.evaluations import lifecycle, submission

    ids = []
    with session_scope() as session:
        member = session.exec(select(Member).where(Member.email == member_email)).one()
        for spec in evaluations:
            evaluation = submission.submit_evaluation(
                session,
                org_id=member.org_id,
                data=EvaluationCreate.model_validate(
                    {
                        "candidate_ref": spec["candidate_ref"],
                        "target_role": ROLE,
                        "target_level": "senior",
                        "artefact": {
                            "type": "github_repo",
                            "url": f"https://git.example.com/{spec['candidate_ref']}.git",
                        },
                    }
                ),
            )
            ids.append(evaluation.id)
            assert leases.claim(
                session,
                Evaluation,
                work_id=evaluation.id,
                owner=ENGINE,
                claimable=[col(Evaluation.stage).in_([s.value for s in ENGINE_STAGES])],
            )
            if "stage" in spec:
                assert lifecycle.mark_stage(
                    session, evaluation_id=evaluation.id, owner=ENGINE, stage=spec["stage"]
                )
            else:
                _complete(session, evaluation.id, spec["result"])
    return ids


def _complete(session, evaluation_id: str, result: dict) -> None:
    from backend.services.evaluations import lifecycle

    assert lifecycle.complete_automated(
        session,
        evaluation_id=evaluation_id,
        owner=ENGINE,
        result=result,
        engine_version="e2e-1",
        rubric_ref=("default", 1),
    )


def complete_evaluation(*, evaluation_id: str, result: dict) -> bool:
    """The engine finishes an evaluation it holds."""
    from backend.db import session_scope

    with session_scope() as session:
        _complete(session, evaluation_id, result)
    return True


def move_deadline_to_the_past(*, key: str) -> bool:
    """The candidate's time runs out (without waiting for it)."""
    from datetime import timedelta

    from sqlmodel import select

    from backend.db import session_scope
    from backend.models import CandidateKey, CandidateSession
    from backend.models.base import utcnow

    with session_scope() as session:
        row = session.exec(select(CandidateKey).where(CandidateKey.key == key)).one()
        candidate_session = session.get(CandidateSession, row.session_id)
        candidate_session.deadline_at = utcnow() - timedelta(minutes=1)
        session.add(candidate_session)
        session.commit()
    return True


def _choose(page: Page, trigger, option: str) -> None:
    trigger.click()
    page.get_by_role("option", name=option, exact=True).click()


# -- tests ---------------------------------------------------------------------------------------


def test_report_evidence_review_and_export(page: Page, app: RunningApp):
    account = sign_up(page)
    main_id, *_ = app.call(
        "tests.e2e.test_evaluations:seed_evaluations",
        member_email=account.email,
        evaluations=[
            {
                "candidate_ref": "CAND-0847",
                "result": _result(_scores(3, 2, 3, 2, 1), recommendation="reject", detailed=True),
            },
            {"candidate_ref": "CAND-0001", "result": _result(_scores(4, 4, 4, 4, 4))},  # 80
            {"candidate_ref": "CAND-0002", "result": _result(_scores(4, 4, 3, 3, 4))},  # 72
            {"candidate_ref": "CAND-0003", "result": _result(_scores(3, 2, 3, 2, 2))},  # 48
        ],
    )
    page.goto(f"/evaluations/{main_id}")

    # The verdict first; a reject is only a proposal until a reviewer decides.
    expect(page.locator("#candidate-name")).to_have_text("CAND-0847")
    expect(page.locator("#recommendation")).to_have_text("Reject")
    expect(page.locator("#reject-proposal")).to_contain_text("only a proposal")
    expect(page.locator("#confidence")).to_have_text("71")
    expect(page.locator("#seniority")).to_have_text("Mid")
    expect(page.locator("#seniority-vs-target")).to_have_text(
        "one level below the target level (senior)"
    )

    # The summary: whose verdict, the overall score, the three strongest and weakest points.
    expect(page.locator("#decided-by")).to_have_text("Not reviewed yet")
    expect(page.locator("#overall-score")).to_have_text("44")
    strengths = page.locator("#strengths .summary-point")
    expect(strengths).to_have_count(3)
    expect(strengths.nth(0)).to_contain_text("keep validation apart from persistence")
    expect(strengths.nth(1)).to_contain_text("The README explains the choice of storage.")
    expect(strengths.nth(2)).to_contain_text("Few lint findings")
    weaknesses = page.locator("#weaknesses .summary-point")
    expect(weaknesses).to_have_count(3)
    expect(weaknesses.nth(0)).to_contain_text("Tests arrived in one late commit.")
    expect(weaknesses.nth(0)).to_contain_text("Also counts for Testing")  # shown once
    expect(weaknesses.nth(1)).to_contain_text("far more complex")
    expect(weaknesses.nth(2)).to_contain_text("No sentence anywhere explains")
    # Evidence in plain words; the rule's arithmetic waits behind "why".
    lint = strengths.nth(2)
    expect(lint.locator(".evidence")).to_have_text("Adds 0.5 points")
    expect(page.get_by_text(LINT_RULE)).to_have_count(0)
    lint.locator(".why").click()
    why = page.locator(".why-text")
    expect(why).to_contain_text("Measured lint findings per kloc: 0.")
    expect(why).to_contain_text(LINT_RULE)
    page.keyboard.press("Escape")
    expect(why).to_have_count(0)

    # Rubric scores as a chart; the categories, after the summary, fold their observations.
    expect(page.locator("#rubric-chart .recharts-bar-rectangle")).to_have_count(5)
    expect(page.locator(".category-score")).to_have_text(
        ["3 / 5", "2 / 5", "3 / 5", "2 / 5", "1 / 5"]
    )
    summary_box = page.locator("#verdict").bounding_box()
    categories_box = page.locator("#observations").bounding_box()
    assert summary_box and categories_box
    assert summary_box["y"] + summary_box["height"] <= categories_box["y"]
    quality = page.locator(".observation-category", has_text="Code Quality")
    expect(quality.locator(".observation")).to_have_count(0)
    quality.get_by_role("button", name=re.compile("Code Quality")).click()
    expect(quality.locator(".observation")).to_have_count(3)
    expect(quality).to_contain_text("keep validation apart from persistence")
    testing = page.locator(".observation-category", has_text="Testing")
    testing.get_by_role("button", name=re.compile("Testing")).click()
    expect(testing).to_contain_text("1 more observation listed under Technical Depth.")
    expect(testing.locator(".observation")).to_have_count(0)

    # File evidence opens its excerpt, numbered from the line the engine cited.
    quality.locator(".evidence", has_text="app/handlers.py:12–15").click()
    dialog = page.locator("#evidence-dialog")
    expect(dialog.locator("#evidence-title")).to_have_text("app/handlers.py, lines 12–15")
    expect(dialog.locator(".line-number")).to_have_text(["12", "13", "14", "15"])
    expect(dialog.locator(".line-text").first).to_have_text("def create_order(request):")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "evaluation-evidence.png"))
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_have_count(0)

    page.locator(".evidence", has_text="commit 3f2a9c1d").click()
    expect(dialog.locator("#evidence-title")).to_have_text(
        "Commit 3f2a9c1d4e5b6a7980c1d2e3f4a5b6c7d8e9f0a1"
    )
    expect(dialog.locator("#evidence-text")).to_have_text("Add tests for the retry logic")
    dialog.get_by_role("button", name="Close").click()
    page.locator(".evidence[data-kind=quote]").click()
    expect(dialog.locator("#evidence-quote")).to_contain_text("I chose SQLite instead of Postgres")
    dialog.get_by_role("button", name="Close").click()

    # Risk flags with severity; their evidence opens too.
    flag = page.locator(".risk-flag")
    expect(flag).to_have_count(1)
    expect(flag.locator(".severity")).to_have_text("HIGH")
    expect(flag).to_contain_text("A password is committed")
    flag.locator(".evidence").click()
    expect(dialog.locator(".line-number")).to_have_text(["3"])
    expect(dialog.locator(".line-text")).to_have_text(SECRET_LINE)
    dialog.get_by_role("button", name="Close").click()

    # The cohort: four scored evaluations of the role, this one the lowest (44 of 100).
    expect(page.locator("#cohort-score")).to_have_text("44")
    expect(page.locator("#cohort-rank")).to_have_text("4 of 4")
    expect(page.locator("#cohort-chart .recharts-bar-rectangle").first).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "evaluation-report.png"), full_page=True)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.screenshot(path=str(SCREENSHOTS / "evaluation-report-1440x900.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.locator("#strengths .summary-point")).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SCREENSHOTS / "evaluation-report-390x844.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    # CSV export through the browser session.
    with page.expect_download() as download:
        page.locator("#export-csv").click()
    csv_text = Path(download.value.path()).read_text()
    assert csv_text.startswith("evaluation_id,candidate_ref,")
    assert f"{main_id},CAND-0847,,,{ROLE},senior,automated_verdict" in csv_text
    assert "recommendation=reject; confidence=71" in csv_text
    assert "app/handlers.py:12-15" in csv_text  # observations keep their evidence
    pdf_href = page.locator("#export-pdf").get_attribute("href")
    pdf = page.request.get(pdf_href)
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    assert httpx.get(app.base_url + pdf_href).status_code == 401  # without the session cookie

    # Review: claim, adjust one score with a note, finalise with an override.
    expect(page.locator("#human-verdict")).to_contain_text("Not reviewed yet")
    page.locator("#claim").click()
    expect(page.locator("#review-notice")).to_contain_text("You claimed this evaluation")
    expect(page.locator("#human-verdict")).to_contain_text(f"In review by {account.email}")
    expect(page.locator("#decided-by")).to_contain_text(f"In review by {account.email} since ")
    expect(page.locator(".evaluation-status")).to_have_text("In progress")
    page.screenshot(path=str(SCREENSHOTS / "evaluation-review.png"), full_page=True)

    adjust = page.locator("#adjust-form")
    _choose(page, adjust.get_by_role("combobox"), "Security")
    adjust.locator("input[name=score]").fill("3")
    adjust.locator("textarea[name=note]").fill("The committed password is a test fixture.")
    adjust.get_by_role("button", name="Save adjustment").click()
    expect(page.locator("#review-notice")).to_have_text("Security is now 3.")
    expect(page.locator("#adjusted-scores")).to_contain_text("Security 1 → 3")
    expect(page.locator(".category-score").last).to_have_text("3 / 5")
    expect(page.locator("#cohort-rank")).to_have_text("3 of 4")  # 52 now passes 48

    final = page.locator("#finalise-form")
    _choose(page, final.locator("#final-recommendation"), "Hold")
    final.locator("textarea[name=note]").fill("Solid basics; tests came late. Second interview.")
    final.get_by_role("button", name="Finalise").click()
    expect(page.locator("#review-notice")).to_contain_text("Finalised")
    expect(page.locator("#recommendation")).to_have_text("Hold")
    expect(page.locator("#decided-by")).to_contain_text(f"Finalised by {account.email} on ")
    expect(page.locator("#reject-proposal")).to_have_count(0)
    human = page.locator("#human-verdict")
    expect(human).to_contain_text("Hold")
    expect(human).to_contain_text(account.email)
    expect(human).to_contain_text("Second interview.")
    expect(page.locator("#automated-verdict")).to_contain_text("Reject")
    expect(page.locator("#claim")).to_have_count(0)
    expect(page.locator("#finalise-form")).to_have_count(0)
    expect(page.locator(".evaluation-status")).to_have_text("Completed")

    # The export carries the reviewer's decision too.
    with page.expect_download() as download:
        page.locator("#export-csv").click()
    assert "final_recommendation=hold" in Path(download.value.path()).read_text()


def test_list_queue_and_a_report_that_follows_the_engine(page: Page, app: RunningApp):
    account = sign_up(page)
    _, running_id = app.call(
        "tests.e2e.test_evaluations:seed_evaluations",
        member_email=account.email,
        evaluations=[
            {"candidate_ref": "CAND-WAITING", "result": _result(_scores(4, 3, 4, 3, 4))},
            {"candidate_ref": "CAND-RUNNING", "stage": "analysing"},
        ],
    )
    page.get_by_role("link", name="Evaluations", exact=True).click()
    rows = page.locator(".evaluation-row")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("CAND-RUNNING")  # newest first
    expect(rows.first.locator(".evaluation-stage")).to_have_text("Analysing")
    expect(rows.last.locator(".evaluation-stage")).to_have_text("Awaiting review")
    expect(rows.last).to_contain_text("Hold")

    page.locator("#tab-queue").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("CAND-WAITING")

    # The running one: its page shows the stage, then the report once the engine is done.
    page.locator("#tab-all").click()
    expect(rows).to_have_count(2)
    rows.first.get_by_role("link", name="CAND-RUNNING").click()
    expect(page).to_have_url(re.compile(rf"/evaluations/{running_id}/?$"))
    expect(page.locator("#engine-stage")).to_have_text("Analysing")
    expect(page.locator("#verdict")).to_have_count(0)
    app.call(
        "tests.e2e.test_evaluations:complete_evaluation",
        evaluation_id=running_id,
        result=_result(_scores(5, 4, 4, 5, 4), recommendation="proceed"),
    )
    expect(page.locator("#recommendation")).to_have_text("Proceed")  # no reload
    expect(page.locator("#engine-progress")).to_have_count(0)
    expect(page.locator(".evaluation-stage")).to_have_text("Awaiting review")
    expect(page.locator("#cohort-rank")).to_have_text("1 of 2")

    # The list follows too: a new evaluation appears and its stage moves, without a reload.
    page.get_by_role("link", name="Evaluations", exact=True).click()
    expect(rows).to_have_count(2)
    [late_id] = app.call(
        "tests.e2e.test_evaluations:seed_evaluations",
        member_email=account.email,
        evaluations=[{"candidate_ref": "CAND-LATE", "stage": "testing"}],
    )
    expect(rows).to_have_count(3)
    late = page.locator(".evaluation-row", has_text="CAND-LATE")
    expect(late.locator(".evaluation-stage")).to_have_text("Running tests")
    app.call(
        "tests.e2e.test_evaluations:complete_evaluation",
        evaluation_id=late_id,
        result=_result(_scores(3, 3, 3, 3, 3)),
    )
    expect(late.locator(".evaluation-stage")).to_have_text("Awaiting review")


def test_candidate_submits_a_zip_after_the_time_limit(
    page: Page, new_context, app: RunningApp, tmp_path: Path
):
    sign_up(page)
    create_assessment(
        page,
        title="Order service take-home",
        role=ROLE,
        brief="Build a small order service with tests.",
        minutes="30",
    )
    keys_form = page.locator("#generate-keys-form")
    keys_form.locator("textarea[name=candidates]").fill("zoe@example.com, Zoe Zip")
    keys_form.get_by_role("button", name="Generate keys").click()
    key = page.locator(".candidate-key").first.inner_text()

    candidate = new_context().new_page()
    candidate.goto(f"/candidate?key={key}")
    expect(candidate.locator("#task-brief")).to_contain_text("order service")
    candidate.locator("#start-assessment").click()
    expect(candidate.locator("#session-status")).to_have_text("In progress")
    # The countdown ticks in the browser: 30 minutes, less the seconds gone.
    expect(candidate.locator("#countdown")).to_have_text(re.compile(r"^(30:00|29:[0-5]\d) left$"))
    SCREENSHOTS.mkdir(exist_ok=True)
    candidate.screenshot(path=str(SCREENSHOTS / "candidate-submission.png"), full_page=True)

    app.call("tests.e2e.test_evaluations:move_deadline_to_the_past", key=key)
    candidate.reload()
    expect(candidate.locator("#countdown")).to_have_text("Time is up")

    # The limit is said before choosing, and a zip over it is refused in the browser, unsent.
    expect(candidate.locator("#zip-limit")).to_contain_text("Up to 50 MB")
    too_big = tmp_path / "everything.zip"
    with too_big.open("wb") as blob:
        blob.truncate(51 * 1024 * 1024)
    candidate.locator("#submission-zip input[type=file]").set_input_files(str(too_big))
    expect(candidate.locator("#submit-error")).to_contain_text(
        "everything.zip is larger than 50 MB"
    )
    expect(candidate.locator(".selected-zip")).to_have_count(0)

    work = tmp_path / "take-home.zip"
    with zipfile.ZipFile(work, "w") as archive:
        archive.writestr("README.md", "# Orders\nRun `pytest`.\n")
        archive.writestr("orders/service.py", "def total(items):\n    return sum(items)\n")
    candidate.locator("#submission-zip input[type=file]").set_input_files(str(work))
    expect(candidate.locator(".selected-zip")).to_have_text("take-home.zip")
    candidate.locator("#submit-zip").click()
    expect(candidate.locator("#submitted")).to_have_text("Submitted")
    # The badge beside it agrees (it said "Time is up", or "In progress" within the time).
    expect(candidate.locator("#session-status")).to_have_text("Submitted")
    expect(candidate.locator("#submitted-late")).to_contain_text("after the time limit")
    evaluation_id = candidate.locator("#submitted-evaluation-id").inner_text()
    assert re.fullmatch(r"eval-[0-9a-f]{20}", evaluation_id)

    # The recruiter sees it, queued for the engine, headed by the invited person's name.
    page.goto("/evaluations")
    row = page.locator(".evaluation-row", has_text="Zoe Zip")
    expect(row.locator(".evaluation-stage")).to_have_text("Queued")
    expect(row.locator(".candidate-detail")).to_have_text("zoe@example.com")
    row.get_by_role("link", name="Zoe Zip").click()
    expect(page.locator("#candidate-name")).to_have_text("Zoe Zip")
