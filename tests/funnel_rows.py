"""An organisation's take-homes and interviews at known times, written through the services
and straight into the tables: what the dashboard's funnels (``backend.services.funnel``) are
built from. Used by the service tests and, through ``app.call``, by the browser test.

Everything is submitted at ``SUBMITTED`` (three days before the module was loaded), so the
times to review are known to the hour."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlmodel import Session, col, select, update

from backend.models import CandidateKey, Member
from backend.models.assessments import AssessmentCreate, KeysCreate
from backend.models.base import utcnow
from backend.models.evaluations import Evaluation
from backend.models.interviews import InterviewCall, InterviewJob
from backend.models.pipeline import Application, Candidate, Job
from backend.services.assessments import create_assessment
from backend.services.candidate_keys import generate_keys, list_keys
from backend.services.candidate_sessions import redeem_key, set_session_status

NOW = utcnow().replace(microsecond=0)
SUBMITTED = NOW - timedelta(days=3)


def assessment(db: Session, org_id: str, title: str) -> str:
    data = AssessmentCreate(title=title, role="Eng", task_brief="Build a queue.")
    return create_assessment(db, org_id=org_id, data=data).id


def evaluation(
    db: Session,
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


def seed_take_homes(db: Session, org_id: str) -> tuple[str, str]:
    """ "Queue service": 4 keys (one revoked), 3 started, one hired; 6 evaluations: 3 finalised
    after 2, 4 and 10 hours (proceed, proceed, reject), one open past its SLA, one open within
    it, one failed. "Cache service" (newer): 2 finalised after 1 and 4 hours (reject, proceed)."""
    queue = assessment(db, org_id, "Queue service")
    generate_keys(db, org_id=org_id, assessment_id=queue, data=KeysCreate(count=4))
    keys = list_keys(db, org_id=org_id, assessment_id=queue)
    sessions = [redeem_key(db, key=k.key) for k in keys[:3]]
    set_session_status(db, org_id=org_id, session_id=sessions[0].id, status="hired")
    db.exec(update(CandidateKey).where(col(CandidateKey.id) == keys[3].id).values(revoked_at=NOW))
    db.commit()
    for hours, verdict in ((10, "reject"), (2, "proceed"), (4, "proceed")):
        evaluation(db, org_id, queue, reviewed_after_h=hours, recommendation=verdict)
    evaluation(db, org_id, queue, due=NOW - timedelta(hours=1))  # overdue
    evaluation(db, org_id, queue, status="in_progress", due=NOW + timedelta(hours=1))
    evaluation(db, org_id, queue, status="failed", due=NOW - timedelta(hours=1))

    cache = assessment(db, org_id, "Cache service")
    evaluation(db, org_id, cache, reviewed_after_h=1, recommendation="reject")
    evaluation(db, org_id, cache, reviewed_after_h=4, recommendation="proceed")
    return queue, cache


def seed_interviews(db: Session, org_id: str, title: str) -> str:
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


def seed_for_member(*, member_email: str) -> dict[str, str]:
    """``seed_take_homes`` and ``seed_interviews`` ("Platform engineer") in the organisation of
    the member with ``member_email``: the ids of Queue service, Cache service and the job."""
    from backend.db import session_scope

    with session_scope() as session:
        org_id = session.exec(select(Member).where(Member.email == member_email)).one().org_id
        queue, cache = seed_take_homes(session, org_id)
        job = seed_interviews(session, org_id, "Platform engineer")
    return {"queue": queue, "cache": cache, "job": job}


def decide_one_more(*, assessment_id: str, after_h: float, recommendation: str) -> None:
    """One more evaluation of the assessment, finalised ``after_h`` hours after submission."""
    from backend.db import session_scope
    from backend.models import Assessment

    with session_scope() as session:
        org_id = session.get(Assessment, assessment_id).org_id
        evaluation(
            session,
            org_id,
            assessment_id,
            reviewed_after_h=after_h,
            recommendation=recommendation,
        )
