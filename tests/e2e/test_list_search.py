"""Finding people on the recruiter's lists in the browser: a search typed in the box, a filter
chosen, the count and the rows following, page jumps, and a reload (or a shared link) keeping
all of it because it lives in the address.

The rows are written straight into the app's database by a subprocess in the app's environment
(``app.call``), as a recruiter's organisation would hold them.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.flows import sign_up
from tests.e2e.server import RunningApp

PEOPLE = 45  # three pages of 20 evaluations
LOVELACES = [  # name, the engine's recommendation
    ("Ada Lovelace", "proceed"),
    ("Annabella Lovelace", "hold"),
    ("Byron Lovelace", "reject"),
]


FLAGGED = "Byron Lovelace"


def seed_people(*, member_email: str) -> bool:
    """One assessment and ``PEOPLE`` invited candidates of the member's organisation, each with
    a scored evaluation naming their key: three Lovelaces, the rest "Candidate NN"."""
    from datetime import timedelta

    from sqlmodel import select

    from backend.db import session_scope
    from backend.models import Member
    from backend.models.assessments import Assessment, CandidateKey
    from backend.models.base import utcnow
    from backend.models.evaluations import Evaluation

    with session_scope() as session:
        org_id = session.exec(select(Member).where(Member.email == member_email)).one().org_id
        assessment = Assessment(org_id=org_id, title="Payments API", role="Backend Engineer")
        session.add(assessment)
        session.flush()
        start = utcnow() - timedelta(days=2)
        names = LOVELACES + [
            (f"Candidate {i:02d}", "proceed" if i % 2 else "hold")
            for i in range(PEOPLE - len(LOVELACES))
        ]
        for i, (name, recommendation) in enumerate(names):
            key = CandidateKey(
                org_id=org_id,
                assessment_id=assessment.id,
                key=f"TL-{org_id[:8].upper()}-{i:04d}",
                candidate_name=name,
                candidate_email=f"{name.lower().replace(' ', '.')}@example.com",
                created_at=start + timedelta(minutes=i),
                expires_at=start + timedelta(days=7),
            )
            session.add(key)
            session.add(
                Evaluation(
                    org_id=org_id,
                    candidate_ref=key.key,
                    target_role="Backend Engineer",
                    target_level="mid",
                    artefact_type="github_repo",
                    artefact_url="https://git.example.com/x.git",
                    status="pending",
                    stage="awaiting_review",
                    automated_result={
                        "recommendation": recommendation,
                        "confidence_score": 50 + i,
                        "rubric_scores": [],
                        "risk_flags": [{"code": "committed_secret"}] if name == FLAGGED else [],
                    },
                    created_at=start + timedelta(minutes=i),
                    estimated_completion=start + timedelta(days=1),
                )
            )
        session.commit()
    return True


def _choose(page: Page, trigger_id: str, option: str) -> None:
    page.locator(f"#{trigger_id}").click()
    page.get_by_role("option", name=option, exact=True).click()


def test_search_filter_and_reload_on_the_evaluations_list(page: Page, app: RunningApp):
    account = sign_up(page)
    app.call("tests.e2e.test_list_search:seed_people", member_email=account.email)
    page.goto("/evaluations")
    rows = page.locator(".evaluation-row")
    count = page.locator(".result-count")
    expect(count).to_have_text(f"{PEOPLE} evaluations")
    expect(rows).to_have_count(20)
    expect(rows.first).to_contain_text("Candidate 41")  # newest first
    page.locator(".page-last").click()
    expect(page.locator(".page-indicator")).to_have_text("Page 3 of 3")
    expect(rows).to_have_count(5)
    expect(rows.last).to_contain_text("Ada Lovelace")  # the oldest
    page.reload()  # the page number is in the address too
    expect(page.locator(".page-indicator")).to_have_text("Page 3 of 3")
    page.locator(".page-previous").click()
    expect(page.locator(".page-indicator")).to_have_text("Page 2 of 3")
    expect(page).to_have_url(re.compile(r"\?page=2$"))

    search = page.locator("#evaluation-search")
    search.fill("LOVELACE")
    search.press("Enter")
    expect(count).to_have_text("3 evaluations")
    expect(rows).to_have_count(3)
    expect(page).to_have_url(re.compile(r"\?q=LOVELACE$"))

    _choose(page, "filter-recommendation", "Proceed")
    expect(count).to_have_text("1 evaluation")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Ada Lovelace")
    expect(rows.first).to_contain_text("ada.lovelace@example.com")

    page.reload()
    expect(search).to_have_value("LOVELACE")
    expect(page.locator("#filter-recommendation")).to_have_text("Proceed")
    expect(count).to_have_text("1 evaluation")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Ada Lovelace")

    # Ordered by name, without the recommendation filter.
    _choose(page, "filter-recommendation", "Any recommendation")
    _choose(page, "sort-evaluations", "Candidate Z–A")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("Byron Lovelace")
    expect(rows.last).to_contain_text("Ada Lovelace")

    _choose(page, "filter-flags", "Risk flags raised")
    expect(count).to_have_text("1 evaluation")
    expect(rows.first).to_contain_text(FLAGGED)
    expect(rows.first.locator(".risk-flags")).to_have_text("1")

    page.locator("#clear-filters").click()
    expect(count).to_have_text(f"{PEOPLE} evaluations")
    expect(search).to_have_value("")
    expect(page).to_have_url(re.compile(r"/evaluations/?$"))

    _choose(page, "filter-since", "Last 7 days")
    expect(count).to_have_text(f"{PEOPLE} evaluations")  # all submitted in the last two days
    _choose(page, "filter-level", "Senior")  # all are mid-level
    expect(page.get_by_text("No evaluations match these filters")).to_be_visible()
    expect(rows).to_have_count(0)


def test_search_and_status_on_the_candidates_list(page: Page, app: RunningApp):
    account = sign_up(page)
    app.call("tests.e2e.test_list_search:seed_people", member_email=account.email)
    page.goto("/candidates")
    rows = page.locator(".candidate-row")
    count = page.locator(".result-count")
    expect(count).to_have_text(f"{PEOPLE} candidate keys")
    expect(rows.first).to_contain_text("Candidate 41")  # newest first

    search = page.locator("#candidate-search")
    search.fill("annabella.lovelace@")
    search.press("Enter")
    expect(count).to_have_text("1 candidate key")
    expect(rows.first).to_contain_text("Annabella Lovelace")

    page.locator("#clear-filters").click()
    expect(count).to_have_text(f"{PEOPLE} candidate keys")
    _choose(page, "filter-key-status", "pending")
    expect(count).to_have_text(f"{PEOPLE} candidate keys")
    _choose(page, "filter-key-status", "completed")
    expect(count).to_have_count(0)  # nothing to page through
    expect(page.get_by_text("No candidates match these filters")).to_be_visible()
    page.reload()
    expect(page.locator("#filter-key-status")).to_have_text("completed")
    expect(page.get_by_text("No candidates match these filters")).to_be_visible()


def seed_interviews(*, member_email: str) -> bool:
    """Three uploaded interviews of the member's organisation, one still processing."""
    from datetime import timedelta

    from sqlmodel import select

    from backend.db import session_scope
    from backend.models import Member
    from backend.models.base import utcnow
    from backend.models.interviews import InterviewJob

    with session_scope() as session:
        org_id = session.exec(select(Member).where(Member.email == member_email)).one().org_id
        for i, (role, status) in enumerate(
            [
                ("Data Scientist", "completed"),
                ("Backend Engineer", "completed"),
                ("Backend Engineer", "processing_inference"),
            ]
        ):
            session.add(
                InterviewJob(
                    org_id=org_id,
                    role_title=role,
                    status=status,
                    created_at=utcnow() - timedelta(hours=3 - i),
                )
            )
        session.commit()
    return True


def test_search_and_state_on_the_interviews_list(page: Page, app: RunningApp):
    account = sign_up(page)
    app.call("tests.e2e.test_list_search:seed_interviews", member_email=account.email)
    page.goto("/interviews")
    rows = page.locator(".interview-row")
    count = page.locator(".result-count")
    expect(count).to_have_text("3 interviews")
    search = page.locator("#interview-search")
    search.fill("backend")
    search.press("Enter")
    expect(count).to_have_text("2 interviews")
    _choose(page, "filter-interview-status", "Completed")
    expect(count).to_have_text("1 interview")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Backend Engineer")
    page.reload()
    expect(search).to_have_value("backend")
    expect(count).to_have_text("1 interview")
