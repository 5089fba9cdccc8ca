"""A small demo organisation: two jobs with generated questions, candidates and applications,
an assessment with the default rubric and candidate keys. Loading it twice changes nothing."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from backend.models import Member, Organization
from backend.models.assessments import AssessmentCreate, KeysCreate
from backend.models.pipeline import ApplicationCreate, CandidateCreate, JobCreate
from backend.services.assessments import create_assessment
from backend.services.candidate_keys import generate_keys
from backend.services.organisations import add_member, create_organisation
from backend.services.pipeline.applications import create_application
from backend.services.pipeline.candidates import create_candidate
from backend.services.pipeline.jobs import create_job
from backend.services.pipeline.question_generation import generate_questions
from backend.services.rubrics import ensure_default_rubric

DEMO_ORG_NAME = "Demo Hiring Co"
DEMO_ADMIN_EMAIL = "admin@demo-hiring.example.com"
DEMO_REVIEWER_EMAIL = "reviewer@demo-hiring.example.com"
DEMO_PASSWORD = "truelevel-demo"

_RECRUITER = {
    "recruiter_name": "Dana Recruiter",
    "recruiter_email": "dana@demo-hiring.example.com",
    "recruiter_work_phone_no": "+15550100",
}

_JOBS = [
    {
        "source_id": "demo-job-backend",
        "title": "Senior Backend Engineer",
        "industry": "Software",
        "city": "Berlin",
        "state_name": "Berlin",
        "country": "Germany",
        "workplace_type": "hybrid",
        "employment_type": "Full-time",
        "status": "Active",
        "desc": (
            "We are looking for a senior backend engineer with 5+ years of experience in Python, "
            "FastAPI and PostgreSQL to design our evaluation pipeline. You will own services that "
            "process queues with Redis, write thorough tests with pytest, and run them on "
            "Kubernetes. Experience with observability and security reviews is a plus."
        ),
    },
    {
        "source_id": "demo-job-frontend",
        "title": "Frontend Developer",
        "industry": "Software",
        "city": "Lisbon",
        "state_name": "Lisbon",
        "country": "Portugal",
        "workplace_type": "remote",
        "employment_type": "Full-time",
        "status": "Active",
        "desc": (
            "Join us as a frontend developer building recruiter dashboards in React and "
            "TypeScript. You care about accessibility, CSS that scales, and component tests."
        ),
    },
]

_CANDIDATES = [
    ("Grace", "Hopper", "grace.hopper@example.com", "demo-cand-grace", "demo-job-backend"),
    ("Alan", "Turing", "alan.turing@example.com", "demo-cand-alan", "demo-job-backend"),
    ("Ada", "Lovelace", "ada.lovelace@example.com", "demo-cand-ada", "demo-job-frontend"),
]


def _existing(session: Session) -> Organization | None:
    admin = session.exec(select(Member).where(Member.email == DEMO_ADMIN_EMAIL)).first()
    return session.get(Organization, admin.org_id) if admin else None


def load_demo(session: Session) -> dict[str, Any]:
    """Create the demo organisation unless it exists; return what a person needs to sign in."""
    org = _existing(session)
    if org is None:
        org = _create(session)
    return {
        "organisation_id": org.id,
        "organisation_name": org.name,
        "admin_email": DEMO_ADMIN_EMAIL,
        "reviewer_email": DEMO_REVIEWER_EMAIL,
        "jobs": len(_JOBS),
        "assessments": 1,
        "candidates": len(_CANDIDATES),
    }


def _create(session: Session) -> Organization:
    org, _ = create_organisation(
        session,
        name=DEMO_ORG_NAME,
        admin_email=DEMO_ADMIN_EMAIL,
        admin_password=DEMO_PASSWORD,
        admin_name="Demo Admin",
    )
    add_member(
        session,
        org_id=org.id,
        email=DEMO_REVIEWER_EMAIL,
        role="reviewer",
        name="Riley Reviewer",
        password=DEMO_PASSWORD,
    )
    jobs = {}
    for spec in _JOBS:
        job = create_job(session, org_id=org.id, data=JobCreate(**spec, **_RECRUITER))
        generate_questions(session, org_id=org.id, job_id=job.id)
        jobs[spec["source_id"]] = job
    for first, last, email, source_id, job_source_id in _CANDIDATES:
        candidate = create_candidate(
            session,
            org_id=org.id,
            data=CandidateCreate(
                first_name=first,
                last_name=last,
                email=email,
                phone_no="+15550199",
                source="Referral",
                source_id=source_id,
            ),
        )
        create_application(
            session,
            org_id=org.id,
            data=ApplicationCreate(
                candidate_id=candidate.id,
                job_id=jobs[job_source_id].id,
                source_application_status="Applied",
                application_stage="ACTIVE",
            ),
        )
    rubric = ensure_default_rubric(session, org_id=org.id)
    assessment = create_assessment(
        session,
        org_id=org.id,
        data=AssessmentCreate(
            title="Backend API Challenge",
            role="Senior Backend Engineer",
            task_brief=(
                "Build a small REST service that stores interview feedback, with tests, a README "
                "explaining your trade-offs, and a migration for the schema. Aim for 90 minutes."
            ),
            repo_url="https://git.example.com/truelevel/backend-challenge.git",
            time_limit_minutes=90,
            rubric_id=rubric.id,
        ),
        billed=False,  # the demo's own data, loaded by an admin, counts against no plan
    )
    generate_keys(
        session,
        org_id=org.id,
        assessment_id=assessment.id,
        data=KeysCreate(
            count=3,
            candidate_emails=[email for _, _, email, _, _ in _CANDIDATES],
            candidate_names=[f"{first} {last}" for first, last, _, _, _ in _CANDIDATES],
        ),
        billed=False,
    )
    return org
