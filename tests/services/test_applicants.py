"""Adding a person to a job from the web app (name and email), and what the job page reads about
their browser interview: the newest call of each application and whether its invite left."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from backend.db import session_scope
from backend.models.pipeline import Application, Candidate, JobCreate, QuestionCreate
from backend.services.errors import Conflict, InvalidInput, NotFound
from backend.services.interviews import calls
from backend.services.invite_delivery import call_invite_deliveries
from backend.services.pipeline.applicants import NewApplicant, add_applicant
from backend.services.pipeline.jobs import create_job
from backend.services.pipeline.questions import create_question
from tests.helpers import OrgHandle, make_org


def _job(org: OrgHandle, *, source_id: str = "job", questions: int = 1) -> str:
    with session_scope() as session:
        job = create_job(
            session,
            org_id=org.org_id,
            data=JobCreate.model_validate(
                {
                    "title": "Data Engineer",
                    "desc": "Pipelines in Python.",
                    "industry": "Software",
                    "state_name": "Berlin",
                    "country": "Germany",
                    "recruiter_name": "Rita",
                    "recruiter_email": "rita@example.com",
                    "recruiter_work_phone_no": "+49 30 0000",
                    "status": "Active",
                    "source_id": source_id,
                }
            ),
        )
        for index in range(questions):
            create_question(
                session,
                org_id=org.org_id,
                job_id=job.id,
                data=QuestionCreate(question_text=f"Question {index}?", source_id=f"q{index}"),
            )
        return job.id


def _add(org: OrgHandle, job_id: str, name: str, email: str) -> Application:
    with session_scope() as session:
        return add_applicant(
            session,
            org_id=org.org_id,
            job_id=job_id,
            applicant=NewApplicant(name=name, email=email),
        )


def _people(org: OrgHandle) -> list[Candidate]:
    with session_scope() as session:
        return list(session.exec(select(Candidate).where(Candidate.org_id == org.org_id)))


def test_a_new_person_becomes_a_candidate_and_applies():
    org = make_org()
    job_id = _job(org)

    application = _add(org, job_id, "  Grace   Brewster Hopper ", "Grace@Example.com")

    assert application.job_id == job_id
    assert application.source_application_status == "Applied"
    assert application.application_stage == "Screening"
    [person] = _people(org)
    assert (person.first_name, person.last_name) == ("Grace", "Brewster Hopper")
    assert person.email == "Grace@example.com"
    assert person.source == "web"
    assert application.candidate_id == person.id


def test_a_known_address_reuses_the_candidate_and_a_second_application_is_refused():
    org = make_org()
    first_job, second_job = _job(org, source_id="first"), _job(org, source_id="second")
    _add(org, first_job, "Alan Turing", "alan@example.com")
    _add(org, second_job, "Alan M. Turing", "ALAN@example.com")
    assert len(_people(org)) == 1

    with pytest.raises(Conflict) as refused:
        _add(org, first_job, "Alan Turing", "alan@example.com")
    assert refused.value.code == "duplicate_application"
    with session_scope() as session:
        count = session.exec(
            select(func.count()).select_from(Application).where(Application.org_id == org.org_id)
        ).one()
    assert count == 2 and len(_people(org)) == 1


@pytest.mark.parametrize(
    ("name", "email", "code"),
    [
        ("", "x@example.com", "name_required"),
        ("Ada", "not an address", "invalid_email"),
        ("A" * 300, "x@example.com", "name_too_long"),
    ],
)
def test_a_missing_name_or_a_bad_address_is_refused(name, email, code):
    org = make_org()
    job_id = _job(org)
    with pytest.raises(InvalidInput) as refused:
        _add(org, job_id, name, email)
    assert refused.value.code == code
    assert _people(org) == []


def test_another_organisations_job_is_not_found_and_leaves_no_candidate():
    org, other = make_org(), make_org()
    foreign_job = _job(other)
    with pytest.raises(NotFound):
        _add(org, foreign_job, "Ada Lovelace", "ada@example.com")
    assert _people(org) == []


def test_the_job_page_reads_each_applications_newest_call_and_its_invite():
    org = make_org()
    job_id = _job(org)
    with_call = _add(org, job_id, "Casey Candidate", "casey@example.com")
    without = _add(org, job_id, "Nora None", "nora@example.com")
    with session_scope() as session:
        call, created = calls.instant_call(session, org_id=org.org_id, application_id=with_call.id)
        assert created
        found = calls.latest_calls(
            session, org_id=org.org_id, application_ids=[with_call.id, without.id]
        )
        assert list(found) == [with_call.id] and found[with_call.id].id == call.id
        assert calls.latest_calls(session, org_id="org_other", application_ids=[with_call.id]) == {}
        invites = call_invite_deliveries(session, call_ids=[call.id])
    # Mail is off by default: the invite waits in the outbox and the page says it was not sent.
    assert invites[call.id].state == "not_sent"
    assert invites[call.id].last_error == "mail not configured"


def test_the_job_page_rows_follow_the_interview_from_its_link_to_its_report():
    from backend.models.interviews import CallStatus, InterviewCall, InterviewJob
    from truelevel_app.pages.job_applications import application_rows

    org = make_org()
    job_id = _job(org)
    application = _add(org, job_id, "Casey Candidate", "casey@example.com")

    def row():
        with session_scope() as session:
            return application_rows(
                session,
                org_id=org.org_id,
                applications=[session.get(Application, application.id)],
            )[0]

    before = row()
    assert (before["candidate"], before["call_status"], before["can_start"]) == (
        "Casey Candidate",
        "",
        True,
    )
    assert before["profile_href"] == "/candidates/profile?email=casey@example.com"
    with session_scope() as session:
        call, _ = calls.instant_call(session, org_id=org.org_id, application_id=application.id)
        call_id, link = call.id, calls.interview_url(call.token)
    waiting = row()
    assert waiting["call_label"] == "Not started" and not waiting["can_start"]
    assert waiting["interview_url"] == link
    assert waiting["invite"] == "No invite email: mail is off. Send the link yourself."
    assert waiting["report_url"] == ""

    with session_scope() as session:  # the candidate sent the answers; the worker finished
        job = InterviewJob(
            org_id=org.org_id, source="call", role_title="Data Engineer", call_id=call_id
        )
        job.status = "completed"
        session.add(job)
        session.flush()
        stored = session.get(InterviewCall, call_id)
        stored.interview_job_id, stored.status = job.id, CallStatus.processing.value
        session.add(stored)
        session.commit()
        job_id_done = job.id
    done = row()
    assert done["call_label"] == "Completed" and done["can_start"]
    assert done["report_url"] == f"/interviews/{job_id_done}"
