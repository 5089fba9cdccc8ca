"""The dashboard says what needs attention: an express evaluation past its SLA waits for review
and an invite that never left (mail is off) is listed; each line opens the page handling it.

The rows are made through the real services in the app's environment (no worker runs)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.flows import create_assessment, sign_up
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
    funnel = page.locator(".funnel-row", has_text="Queue service")
    expect(funnel.locator("td")).to_have_text(["Queue service", "1", "0", "0", "0", "0"])

    invite.click()
    expect(page).to_have_url(re.compile(rf"/assessments/{assessment_id}/?$"))
    expect(page.get_by_role("heading", name="Queue service")).to_be_visible()

    page.goto("/dashboard")
    page.locator(".awaiting-review-item", has_text="CAND-LATE").click()
    expect(page).to_have_url(re.compile(rf"/evaluations/{evaluation_id}/?$"))
    expect(page.locator("#candidate-name")).to_have_text("CAND-LATE")
