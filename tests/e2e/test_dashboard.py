"""The dashboard says what needs attention: an express evaluation past its SLA waits for review
and an invite that never left (mail is off) is listed; each line opens the page handling it.
It charts how far the candidates of each assessment and job got, and how their review goes
(time to review, pass rate, past the SLA), and follows a decision made while it is open.

The rows are made through the real services in the app's environment (no worker runs)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.flows import create_assessment, save_screenshots, sign_up
from tests.e2e.server import RunningApp


def seed_attention(*, member_email: str, assessment_id: str) -> str:
    """An express evaluation scored two hours ago and now past due, waiting in the review queue;
    one key with a candidate email for the assessment (its invite waits: mail is off)."""
    from datetime import timedelta

    from sqlmodel import col, select, update

    from backend.db import session_scope
    from backend.models import Member
    from backend.models.assessments import KeysCreate
    from backend.models.base import utcnow
    from backend.models.evaluations import Evaluation, EvaluationCreate
    from backend.services.candidate_keys import generate_keys
    from backend.services.evaluations import submission

    with session_scope() as session:
        member = session.exec(select(Member).where(Member.email == member_email)).one()
        evaluation = submission.submit_evaluation(
            session,
            org_id=member.org_id,
            data=EvaluationCreate.model_validate(
                {
                    "candidate_ref": "CAND-LATE",
                    "target_role": "Backend Engineer",
                    "target_level": "senior",
                    "sla_tier": "express",
                    "artefact": {"type": "github_repo", "url": "https://git.example.com/l.git"},
                }
            ),
        )
        created = utcnow() - timedelta(hours=3)
        session.exec(
            update(Evaluation)
            .where(col(Evaluation.id) == evaluation.id)
            .values(
                stage="awaiting_review",
                created_at=created,
                estimated_completion=created + timedelta(hours=2),
            )
        )
        session.commit()
        generate_keys(
            session,
            org_id=member.org_id,
            assessment_id=assessment_id,
            data=KeysCreate(count=1, candidate_emails=["grace@example.com"]),
        )
        return evaluation.id


def test_dashboard_lists_overdue_review_and_unsent_invite_and_opens_them(
    page: Page, app: RunningApp
):
    account = sign_up(page)
    assessment_id = create_assessment(
        page, title="Queue service", role="Backend Engineer", brief="Build a queue."
    )
    evaluation_id = app.call(
        "tests.e2e.test_dashboard:seed_attention",
        member_email=account.email,
        assessment_id=assessment_id,
    )

    page.goto("/dashboard")
    review = page.locator(".awaiting-review-item", has_text="CAND-LATE")
    expect(review).to_contain_text("Express (2 h)")
    expect(review).to_contain_text("Overdue")
    invite = page.locator(".invites-not-delivered-item", has_text="grace@example.com")
    expect(invite).to_contain_text("Queue service")
    expect(invite).to_contain_text("Not sent: email is not set up")
    expect(page.locator("#keys-expiring")).to_contain_text(
        "No unused candidate key expires in the next 48 hours."
    )
    expect(page.locator("#funnel-steps .funnel-step")).to_have_text(
        ["Invited 1", "Started 0", "Submitted 0", "Reviewed 0", "Hired 0"]
    )
    figures = page.locator(".review-figures-row", has_text="Queue service")
    expect(figures.locator("td")).to_have_text(
        ["Queue serviceAssessment", "No decision yet", "No decision yet", "0"]
    )
    expect(page.locator("#time-to-review-none")).to_be_visible()

    invite.click()
    expect(page).to_have_url(re.compile(rf"/assessments/{assessment_id}/?$"))
    expect(page.get_by_role("heading", name="Queue service")).to_be_visible()

    page.goto("/dashboard")
    page.locator(".awaiting-review-item", has_text="CAND-LATE").click()
    expect(page).to_have_url(re.compile(rf"/evaluations/{evaluation_id}/?$"))
    expect(page.locator("#candidate-name")).to_have_text("CAND-LATE")


def _choose_funnel(page: Page, option: str) -> None:
    page.locator("#funnel-choice").click()
    page.get_by_role("option", name=option).click()
    expect(page.locator("#funnel-choice")).to_have_text(option)


def _funnel_shows(page: Page, title: str, steps: list[tuple[str, int]]) -> None:
    """The chart's bars are labelled with the step counts; its description and the line of
    figures beneath it name every step."""
    expect(page.locator("#funnel-steps .funnel-step")).to_have_text(
        [f"{label} {count}" for label, count in steps]
    )
    summary = ", ".join(f"{label} {count}" for label, count in steps)
    expect(page.get_by_role("img", name=f"{title}: {summary}")).to_be_visible()
    # Recharts labels the bars it draws: those of the steps nobody reached have none.
    expect(page.locator("#funnel-chart .recharts-label-list text")).to_have_text(
        [str(count) for _, count in steps if count]
    )


def test_dashboard_charts_each_funnel_and_how_the_review_goes(page: Page, app: RunningApp):
    account = sign_up(page)
    ids = app.call("tests.funnel_rows:seed_for_member", member_email=account.email)

    page.goto("/dashboard")
    # The newest assessment is shown first; its candidates came through the API (no keys).
    expect(page.locator("#funnel-choice")).to_have_text("Assessment · Cache service")
    _funnel_shows(
        page,
        "Cache service",
        [("Invited", 0), ("Started", 0), ("Submitted", 2), ("Reviewed", 2), ("Hired", 0)],
    )
    _choose_funnel(page, "Assessment · Queue service")
    _funnel_shows(
        page,
        "Queue service",
        [("Invited", 3), ("Started", 3), ("Submitted", 6), ("Reviewed", 3), ("Hired", 1)],
    )

    rows = page.locator(".review-figures-row")
    expect(rows).to_have_count(3)
    expect(rows.nth(0).locator("td")).to_have_text(
        ["Cache serviceAssessment", "2.5 h", "50 % (1 of 2)", "0"]
    )
    expect(rows.nth(1).locator("td")).to_have_text(
        ["Queue serviceAssessment", "4 h", "67 % (2 of 3)", "1"]
    )
    expect(rows.nth(2).locator("td")).to_have_text(
        ["Platform engineerJob", "4 h", "50 % (1 of 2)", "No SLA"]
    )
    time_to_review = page.locator("#time-to-review-chart")
    expect(time_to_review.locator(".recharts-label-list text")).to_have_text(["2.5", "4", "4"])

    _choose_funnel(page, "Job · Platform engineer")
    _funnel_shows(
        page,
        "Platform engineer",
        [("Applied", 4), ("Invited", 3), ("Interviewed", 3), ("Assessed", 2), ("Decided", 2)],
    )
    page.mouse.move(0, 0)  # no tooltip over the chart in the screenshots
    save_screenshots(page, "dashboard-funnel")
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.locator("#funnel")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing off-screen
    page.set_viewport_size({"width": 1440, "height": 900})

    # A reviewer decides one more take-home while the page is open: its figures follow, and the
    # funnel chosen stays chosen.
    app.call(
        "tests.funnel_rows:decide_one_more",
        assessment_id=ids["cache"],
        after_h=10,
        recommendation="proceed",
    )
    expect(rows.nth(0).locator("td")).to_have_text(
        ["Cache serviceAssessment", "4 h", "67 % (2 of 3)", "0"]
    )
    expect(page.locator("#funnel-choice")).to_have_text("Job · Platform engineer")
    rows.nth(2).get_by_role("link", name="Platform engineer").click()
    expect(page).to_have_url(re.compile(rf"/jobs/{ids['job']}/?$"))
