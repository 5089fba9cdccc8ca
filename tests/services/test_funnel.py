"""The dashboard's funnels on real rows with known timestamps: each step per assessment and per
job, the median time from submission to the reviewer's decision (odd and even counts), the pass
rate of the decided candidates, take-homes waiting past their SLA, and nothing of another
organisation."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from sqlmodel import col, update

from backend.models import CandidateKey
from backend.models.assessments import AssessmentCreate, KeysCreate
from backend.models.base import utcnow
from backend.models.evaluations import Evaluation
from backend.models.interviews import InterviewCall, InterviewJob
from backend.models.pipeline import Application, Candidate, Job
from backend.services.assessments import create_assessment
from backend.services.candidate_keys import generate_keys, list_keys
from backend.services.candidate_sessions import redeem_key, set_session_status
from backend.services.funnel import assessment_funnel, dashboard_funnels, job_funnel
from tests.helpers import make_org

NOW = utcnow().replace(microsecond=0)
SUBMITTED = NOW - timedelta(days=3)


def _assessment(db, org_id: str, title: str) -> str:
    data = AssessmentCreate(title=title, role="Eng", task_brief="Build a queue.")
    return create_assessment(db, org_id=org_id, data=data).id


def _evaluation(
    db,
    org_id: str,
    assessment_id: str,
    *,
    reviewed_after_h: float | None = None,
    recommendation: str | None = None,
    status: str = "pending",
    due: datetime | None = None,
) -> None:
    """An evaluation submitted at ``SUBMITTED``, finalised ``reviewed_after_h`` hours later
    (with ``recommendation``) when given, else left in ``status``."""
    finalised = reviewed_after_h is not None
    db.add(
        Evaluation(
            org_id=org_id,
            assessment_id=assessment_id,
            candidate_ref=f"CAND-{uuid.uuid4().hex[:8]}",
            target_role="Backend Engineer",
            target_level="senior",
            artefact_type="github_repo",
            created_at=SUBMITTED,
            estimated_completion=due or SUBMITTED + timedelta(hours=24),
            status="completed" if finalised else status,
            stage="finalised" if finalised else "awaiting_review",
            finalised_at=SUBMITTED + timedelta(hours=reviewed_after_h) if finalised else None,
            final_recommendation=recommendation,
        )
    )
    db.commit()


def _seed_take_homes(db, org_id: str) -> tuple[str, str]:
    """ "Queue service": 4 keys (one revoked), 3 started, one hired; 6 evaluations: 3 finalised
    after 2, 4 and 10 hours (proceed, proceed, reject), one open past its SLA, one open within
    it, one failed. "Cache service" (newer): 2 finalised after 1 and 4 hours (reject, proceed)."""
    queue = _assessment(db, org_id, "Queue service")
    generate_keys(db, org_id=org_id, assessment_id=queue, data=KeysCreate(count=4))
    keys = list_keys(db, org_id=org_id, assessment_id=queue)
    sessions = [redeem_key(db, key=k.key) for k in keys[:3]]
    set_session_status(db, org_id=org_id, session_id=sessions[0].id, status="hired")
    db.exec(update(CandidateKey).where(col(CandidateKey.id) == keys[3].id).values(revoked_at=NOW))
    db.commit()
    for hours, verdict in ((10, "reject"), (2, "proceed"), (4, "proceed")):
        _evaluation(db, org_id, queue, reviewed_after_h=hours, recommendation=verdict)
    _evaluation(db, org_id, queue, due=NOW - timedelta(hours=1))  # overdue
    _evaluation(db, org_id, queue, status="in_progress", due=NOW + timedelta(hours=1))
    _evaluation(db, org_id, queue, status="failed", due=NOW - timedelta(hours=1))

    cache = _assessment(db, org_id, "Cache service")
    _evaluation(db, org_id, cache, reviewed_after_h=1, recommendation="reject")
    _evaluation(db, org_id, cache, reviewed_after_h=4, recommendation="proceed")
    return queue, cache


def _seed_interviews(db, org_id: str, title: str) -> str:
    """A job with 4 applications: Ada interviewed, decided "advance" 6 hours after; Bob's first
    call failed, his second decided "reject" after 2 hours; Cy's interview is still being
    assessed; Di has no call."""
    job = Job(org_id=org_id, title=title)
    db.add(job)
    db.commit()
    applications = {}
    for name in ("Ada", "Bob", "Cy", "Di"):
        person = Candidate(org_id=org_id, first_name=name, email=f"{name.lower()}@example.com")
        application = Application(
            org_id=org_id,
            job_id=job.id,
            candidate_id=person.id,
            source_application_status="new",
            application_stage="interview",
        )
        db.add(person)
        db.commit()  # the person before the application (no ORM relationship orders them)
        db.add(application)
        applications[name] = application
    db.commit()

    def call(name: str, *, status: str | None, reviewed_after_h=None, recommendation=None):
        application = applications[name]
        made = InterviewCall(
            org_id=org_id,
            application_id=application.id,
            job_id=job.id,
            candidate_id=application.candidate_id,
            status="failed" if status is None else "processing",
        )
        db.add(made)
        db.commit()
        if status is None:
            return
        reviewed = reviewed_after_h is not None
        db.add(
            InterviewJob(
                org_id=org_id,
                source="call",
                role_title=title,
                call_id=made.id,
                status=status,
                created_at=SUBMITTED,
                reviewed_at=SUBMITTED + timedelta(hours=reviewed_after_h) if reviewed else None,
                review_recommendation=recommendation,
            )
        )
        db.commit()

    call("Ada", status="completed", reviewed_after_h=6, recommendation="advance")
    call("Bob", status=None)
    call("Bob", status="completed", reviewed_after_h=2, recommendation="reject")
    call("Cy", status="processing_inference")
    return job.id


@pytest.fixture
def orgs(db):
    org, other = make_org(), make_org()
    queue, cache = _seed_take_homes(db, org.org_id)
    job = _seed_interviews(db, org.org_id, "Platform engineer")
    # Another organisation's rows, with other timings: none may show in ``org``'s figures.
    theirs = _assessment(db, other.org_id, "Their queue")
    _evaluation(db, other.org_id, theirs, reviewed_after_h=50, recommendation="reject")
    _seed_interviews(db, other.org_id, "Their job")
    return org, other, queue, cache, job


def test_each_assessment_has_its_steps_median_time_to_review_and_pass_rate(db, orgs):
    org, _, queue, cache, _ = orgs
    rows = assessment_funnel(db, org_id=org.org_id, now=NOW)

    assert [row.title for row in rows] == ["Cache service", "Queue service"]
    newer, older = rows
    assert older.assessment_id == queue
    assert [(s.label, s.count) for s in older.steps()] == [
        ("Invited", 3),
        ("Started", 3),
        ("Submitted", 6),
        ("Reviewed", 3),
        ("Hired", 1),
    ]
    assert older.review.decided == 3 and older.review.passed == 2
    assert older.review.pass_rate == pytest.approx(2 / 3)
    assert older.review.median_hours == 4.0  # of 2, 4 and 10 hours
    assert older.review.overdue == 1  # the open one past due; not the failed one

    assert newer.assessment_id == cache
    assert newer.review.median_hours == 2.5  # of 1 and 4 hours: the middle two averaged
    assert newer.review.pass_rate == 0.5
    assert newer.review.overdue == 0


def test_each_job_has_its_interview_steps_median_time_to_review_and_pass_rate(db, orgs):
    org, _, _, _, job = orgs
    [row] = job_funnel(db, org_id=org.org_id)

    assert row.job_id == job and row.title == "Platform engineer"
    assert [(s.label, s.count) for s in row.steps()] == [
        ("Applied", 4),
        ("Invited", 3),  # Bob's two calls count once
        ("Interviewed", 3),
        ("Assessed", 2),
        ("Decided", 2),
    ]
    assert row.review.passed == 1 and row.review.pass_rate == 0.5
    assert row.review.median_hours == 4.0  # of 2 and 6 hours
    assert row.review.overdue is None  # interviews have no review SLA


def test_another_organisation_sees_only_its_own(db, orgs):
    _, other, _, _, _ = orgs
    funnels = dashboard_funnels(db, org_id=other.org_id, now=NOW)

    [assessment] = funnels.assessments
    assert assessment.title == "Their queue"
    assert (assessment.submitted, assessment.review.median_hours) == (1, 50.0)
    assert assessment.review.pass_rate == 0.0
    [job] = funnels.jobs
    assert job.title == "Their job" and job.applied == 4


def test_an_organisation_without_assessments_or_jobs_has_no_funnel(db):
    funnels = dashboard_funnels(db, org_id=make_org().org_id)
    assert funnels.assessments == [] and funnels.jobs == []
