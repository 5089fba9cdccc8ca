"""Evaluations, interviews and their exports are headed by the person, not by a key or a title."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import timedelta

from backend.models.assessments import Assessment, CandidateKey, CandidateSession
from backend.models.base import utcnow
from backend.models.evaluations import Evaluation
from backend.models.interviews import InterviewCall, InterviewJob, InterviewSource
from backend.models.pipeline import Application, Candidate, Job
from backend.services.candidate_names import (
    display_name,
    evaluation_candidates,
    interview_candidates,
)
from backend.services.evaluation_pdf import evaluation_pdf
from backend.services.report_export import evaluation_csv, export_view
from tests.helpers import make_org
from truelevel_app.pages.evaluation_report import read_report
from truelevel_app.pages.evaluations import evaluation_row
from truelevel_app.pages.interview_report import read_report as read_interview_report
from truelevel_app.pages.interviews import interview_row


def _key_string() -> str:
    return "TL-" + uuid.uuid4().hex[:8].upper()


def _invited_key(db, org_id: str, *, name: str | None, email: str | None) -> CandidateKey:
    assessment = Assessment(org_id=org_id, title="Take-home", role="Backend Engineer")
    db.add(assessment)
    db.flush()
    key = CandidateKey(
        org_id=org_id,
        assessment_id=assessment.id,
        key=_key_string(),
        candidate_name=name,
        candidate_email=email,
        expires_at=utcnow() + timedelta(days=7),
    )
    db.add(key)
    db.flush()
    return key


def _evaluation(db, org_id: str, ref: str, *, session_id: str | None = None) -> Evaluation:
    evaluation = Evaluation(
        org_id=org_id,
        candidate_ref=ref,
        target_role="Backend Engineer",
        target_level="mid",
        artefact_type="github_repo",
        artefact_url="https://git.example.com/x.git",
        session_id=session_id,
        estimated_completion=utcnow() + timedelta(hours=24),
    )
    db.add(evaluation)
    db.flush()
    return evaluation


def test_the_rule_prefers_the_name_then_the_email_then_the_reference():
    assert display_name("Ada Lovelace", "ada@example.com", "TL-1") == "Ada Lovelace"
    assert display_name("  ", "ada@example.com", "TL-1") == "ada@example.com"
    assert display_name(None, None, "TL-1") == "TL-1"


def test_evaluations_are_named_by_their_sessions_key_by_their_ref_or_not_at_all(db):
    org, other = make_org(), make_org()  # made before this test's own session writes
    invited = _invited_key(db, org.org_id, name="Ada Lovelace", email="ada@example.com")
    candidate_session = CandidateSession(
        org_id=org.org_id, assessment_id=invited.assessment_id, candidate_key_id=invited.id
    )
    db.add(candidate_session)
    db.flush()
    from_session = _evaluation(db, org.org_id, invited.key, session_id=candidate_session.id)
    email_only = _invited_key(db, org.org_id, name=None, email="grace@example.com")
    by_ref = _evaluation(db, org.org_id, email_only.key)
    unknown = _evaluation(db, org.org_id, "CAND-0847")
    # Another organisation's key with the same string never names this one's evaluation.
    foreign = _invited_key(db, other.org_id, name="Mallory", email="m@example.com")
    foreign_ref = _evaluation(db, org.org_id, foreign.key)

    names = evaluation_candidates(db, [from_session, by_ref, unknown, foreign_ref])

    assert names[from_session.id].display == "Ada Lovelace"
    assert names[by_ref.id].display == "grace@example.com"
    assert names[unknown.id].display == "CAND-0847"
    assert names[foreign_ref.id].display == foreign.key

    row = evaluation_row(from_session, names[from_session.id])
    assert (row["candidate"], row["candidate_detail"]) == ("Ada Lovelace", "ada@example.com")
    row = evaluation_row(unknown, names[unknown.id])
    assert (row["candidate"], row["candidate_detail"]) == ("CAND-0847", "")

    report = read_report(db, org_id=org.org_id, evaluation_id=from_session.id).report
    assert report["candidate"] == "Ada Lovelace"
    assert report["candidate_detail"] == "ada@example.com"
    assert report["candidate_ref"] == invited.key


def test_csv_and_pdf_exports_carry_the_candidates_name(db):
    org = make_org()
    key = _invited_key(db, org.org_id, name="Ada Lovelace", email="ada@example.com")
    evaluation = _evaluation(db, org.org_id, key.key)
    view = export_view(db, evaluation)

    rows = list(csv.DictReader(io.StringIO(evaluation_csv(view))))
    assert rows and all(r["candidate_name"] == "Ada Lovelace" for r in rows)
    assert all(r["candidate_email"] == "ada@example.com" for r in rows)
    assert all(r["candidate_ref"] == key.key for r in rows)

    pdf = evaluation_pdf(view)
    # The document's title (stored uncompressed in its information dictionary) names the person.
    assert b"Ada Lovelace" in pdf

    anonymous = export_view(db, _evaluation(db, org.org_id, "CAND-0001"))
    assert b"CAND-0001" in evaluation_pdf(anonymous)
    first = next(csv.DictReader(io.StringIO(evaluation_csv(anonymous))))
    assert (first["candidate_ref"], first["candidate_name"]) == ("CAND-0001", "")


def _call_job(db, org_id: str) -> InterviewJob:
    job = Job(org_id=org_id, title="Support Engineer")
    person = Candidate(
        org_id=org_id, first_name="Casey", last_name="Candidate", email="casey@example.com"
    )
    db.add(job)
    db.add(person)
    db.flush()
    application = Application(
        org_id=org_id,
        job_id=job.id,
        candidate_id=person.id,
        source_application_status="new",
        application_stage="screening",
    )
    db.add(application)
    db.flush()
    call = InterviewCall(
        org_id=org_id, application_id=application.id, job_id=job.id, candidate_id=person.id
    )
    db.add(call)
    db.flush()
    interview = InterviewJob(
        org_id=org_id,
        role_title="Support Engineer",
        call_id=call.id,
        source=InterviewSource.call.value,
    )
    db.add(interview)
    db.flush()
    return interview


def test_interviews_are_headed_by_the_calls_candidate_else_the_job_title(db):
    org = make_org()
    from_call = _call_job(db, org.org_id)
    upload = InterviewJob(org_id=org.org_id, role_title="Data Engineer")
    db.add(upload)
    db.flush()

    names = interview_candidates(db, [from_call, upload])

    row = interview_row(from_call, names[from_call.id])
    assert (row["heading"], row["subheading"]) == ("Casey Candidate", "Support Engineer")
    row = interview_row(upload, names[upload.id])
    assert (row["heading"], row["subheading"]) == ("Data Engineer", "")

    summary = read_interview_report(db, org_id=org.org_id, job_id=from_call.id).summary
    assert summary["heading"] == "Casey Candidate"
    assert summary["candidate_email"] == "casey@example.com"
    assert summary["role_title"] == "Support Engineer"
    assert summary["profile_href"] == "/candidates/profile?email=casey@example.com"
    summary = read_interview_report(db, org_id=org.org_id, job_id=upload.id).summary
    assert (summary["heading"], summary["known_candidate"]) == ("Data Engineer", False)
    assert summary["profile_href"] == ""
