"""One candidate's history written straight into the database, as an organisation would hold it
after inviting them to a take-home, reviewing it, and interviewing them for a job: what the
candidate profile (``backend.services.candidate_profile``) is built from. Used by the service
tests and, through ``app.call``, by the browser test."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from backend.models import (
    Application,
    Assessment,
    Candidate,
    CandidateKey,
    CandidateSession,
    InterviewCall,
    InterviewJob,
    Job,
)
from backend.models.base import utcnow
from backend.models.evaluations import Evaluation

RUBRIC = [
    {"category": "quality", "score": 4, "max_score": 5},
    {"category": "testing", "score": 3, "max_score": 5},
]  # 70 % of the maximum


def seed_person(
    session: Session,
    *,
    org_id: str,
    email: str,
    name: str,
    key: str,
    start: datetime | None = None,
    interview: bool = True,
) -> dict[str, Any]:
    """A key for ``email`` (invite, redeemed, submitted, engine said "hold", a reviewer
    finalised "proceed" at senior) and, with ``interview``, a job application with a finished
    browser interview (engine "hold", reviewer "proceed"). Returns the ids."""
    t0 = start or utcnow() - timedelta(days=5)
    at = [t0 + timedelta(hours=h) for h in range(12)]
    assessment = Assessment(org_id=org_id, title="Payments API take-home", role="Backend")
    session.add(assessment)
    session.flush()
    candidate_key = CandidateKey(
        org_id=org_id,
        assessment_id=assessment.id,
        key=key,
        candidate_email=email,
        candidate_name=name,
        created_at=at[0],
        expires_at=at[0] + timedelta(days=7),
        redeemed_at=at[1],
        completed_at=at[2],
    )
    session.add(candidate_key)
    session.flush()
    candidate_session = CandidateSession(
        org_id=org_id,
        assessment_id=assessment.id,
        candidate_key_id=candidate_key.id,
        status="completed",
        started_at=at[1],
        completed_at=at[2],
    )
    session.add(candidate_session)
    session.flush()
    candidate_key.session_id = candidate_session.id
    evaluation = Evaluation(
        org_id=org_id,
        candidate_ref=key,
        target_role="Backend Engineer",
        target_level="senior",
        artefact_type="zip",
        assessment_id=assessment.id,
        session_id=candidate_session.id,
        status="completed",
        stage="finalised",
        created_at=at[2],
        stage_started_at=at[4],
        claimed_at=at[3],
        completed_at=at[4],
        finalised_at=at[4],
        estimated_completion=at[2] + timedelta(days=1),
        automated_result={
            "recommendation": "hold",
            "confidence_score": 0.7,
            "calibrated_seniority": "mid",
            "rubric_scores": RUBRIC,
            "risk_flags": [],
        },
        reviewer_id="reviewer@example.com",
        final_recommendation="proceed",
        final_level="senior",
        review_note="Clear tests.",
    )
    session.add(evaluation)
    ids: dict[str, Any] = {
        "assessment_id": assessment.id,
        "key_id": candidate_key.id,
        "evaluation_id": evaluation.id,
    }
    if interview:
        first, _, last = name.partition(" ")
        job = Job(org_id=org_id, title="Staff Backend Engineer", created_at=at[0])
        person = Candidate(
            org_id=org_id, first_name=first, last_name=last or None, email=email, created_at=at[5]
        )
        session.add_all([job, person])
        session.flush()
        application = Application(
            org_id=org_id,
            job_id=job.id,
            candidate_id=person.id,
            source_application_status="new",
            application_stage="interview",
            created_at=at[5],
            updated_at=at[5],
        )
        session.add(application)
        session.flush()
        call = InterviewCall(
            org_id=org_id,
            application_id=application.id,
            job_id=job.id,
            candidate_id=person.id,
            status="completed",
            created_at=at[6],
            started_at=at[7],
            completed_at=at[7],
        )
        session.add(call)
        session.flush()
        interview_job = InterviewJob(
            org_id=org_id,
            source="call",
            role_title=job.title,
            call_id=call.id,
            status="completed",
            created_at=at[7],
            finished_at=at[8],
            result={"assessment": {"recommendation": "hold", "summary": "Solid."}},
            reviewer_id="reviewer@example.com",
            review_recommendation="proceed",
            reviewed_at=at[9],
        )
        session.add(interview_job)
        session.flush()
        call.interview_job_id = interview_job.id
        ids |= {
            "job_id": job.id,
            "application_id": application.id,
            "call_id": call.id,
            "interview_job_id": interview_job.id,
        }
    session.commit()
    return ids


def seed_for_member(*, member_email: str, email: str, name: str, key: str) -> dict[str, Any]:
    """``seed_person`` in the organisation of the member with ``member_email``."""
    from sqlmodel import select

    from backend.db import session_scope
    from backend.models import Member

    with session_scope() as session:
        org_id = session.exec(select(Member).where(Member.email == member_email)).one().org_id
        return seed_person(session, org_id=org_id, email=email, name=name, key=key)
