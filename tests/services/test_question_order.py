"""A recruiter reorders a job's interview questions (the order interviews ask them in): one
place up or down, among the job's own questions or among one application's."""

from __future__ import annotations

import pytest
from sqlmodel import select

from backend.db import session_scope
from backend.models.pipeline import JobCreate, Question, QuestionCreate
from backend.services.errors import NotFound
from backend.services.pipeline.applicants import NewApplicant, add_applicant
from backend.services.pipeline.jobs import create_job
from backend.services.pipeline.questions import create_question, list_questions, move_question
from tests.helpers import OrgHandle, make_org


def _job(org: OrgHandle) -> str:
    job = JobCreate(
        title="Backend Engineer",
        desc="Python services on PostgreSQL.",
        industry="Software",
        state_name="Berlin",
        country="Germany",
        recruiter_name="Rita",
        recruiter_email="rita@example.com",
        recruiter_work_phone_no="+49 30 0000",
        status="Active",
        source_id="job",
    )
    with session_scope() as session:
        return create_job(session, org_id=org.org_id, data=job).id


def _add(org: OrgHandle, job_id: str, text: str, application_id: str | None = None) -> str:
    with session_scope() as session:
        return create_question(
            session,
            org_id=org.org_id,
            job_id=job_id,
            data=QuestionCreate(question_text=text, source_id=text, application_id=application_id),
        ).id


def _asked(org: OrgHandle, job_id: str, application_id: str | None = None) -> list[str]:
    with session_scope() as session:
        page = list_questions(
            session, org_id=org.org_id, job_id=job_id, application_id=application_id
        )
        return [q.question_text for q in page.items]


def _move(org: OrgHandle, job_id: str, question_id: str, by: int) -> list[str]:
    with session_scope() as session:
        moved = move_question(
            session, org_id=org.org_id, job_id=job_id, question_id=question_id, by=by
        )
        return [q.question_text for q in moved]


def test_a_question_moves_one_place_up_and_down():
    org = make_org()
    job_id = _job(org)
    first, _second, third = (_add(org, job_id, t) for t in ("First?", "Second?", "Third?"))

    assert _move(org, job_id, third, -1) == ["First?", "Third?", "Second?"]
    assert _asked(org, job_id) == ["First?", "Third?", "Second?"]
    assert _move(org, job_id, first, 1) == ["Third?", "First?", "Second?"]
    assert _asked(org, job_id) == ["Third?", "First?", "Second?"]


def test_at_either_end_a_question_stays_where_it_is():
    org = make_org()
    job_id = _job(org)
    first, _second, third = (_add(org, job_id, t) for t in ("First?", "Second?", "Third?"))

    assert _move(org, job_id, first, -1) == ["First?", "Second?", "Third?"]
    assert _move(org, job_id, third, 1) == ["First?", "Second?", "Third?"]


def test_questions_sharing_a_position_are_numbered_afresh_when_one_moves():
    org = make_org()
    job_id = _job(org)
    ids = [_add(org, job_id, t) for t in ("First?", "Second?", "Third?")]
    with session_scope() as session:  # as after questions were written meanwhile elsewhere
        for row in session.exec(select(Question).where(Question.job_id == job_id)):
            row.position = 0
            session.add(row)
        session.commit()

    assert _move(org, job_id, ids[2], -1) == ["First?", "Third?", "Second?"]
    with session_scope() as session:
        positions = {
            row.question_text: row.position
            for row in session.exec(select(Question).where(Question.job_id == job_id))
        }
    assert positions == {"First?": 0, "Third?": 1, "Second?": 2}


def test_an_application_question_moves_among_that_application_s_questions_only():
    org = make_org()
    job_id = _job(org)
    with session_scope() as session:
        application = add_applicant(
            session,
            org_id=org.org_id,
            job_id=job_id,
            applicant=NewApplicant(name="Grace Hopper", email="grace@example.com"),
        )
        application_id = application.id
    _add(org, job_id, "Job question?")
    _add(org, job_id, "For Grace, first?", application_id)
    second = _add(org, job_id, "For Grace, second?", application_id)

    assert _move(org, job_id, second, -1) == ["For Grace, second?", "For Grace, first?"]
    assert _asked(org, job_id) == ["Job question?"]
    assert _asked(org, job_id, application_id) == [
        "Job question?",
        "For Grace, second?",
        "For Grace, first?",
    ]


def test_another_organisation_s_question_is_not_found():
    org, other = make_org(), make_org()
    job_id = _job(org)
    question = _add(org, job_id, "First?")
    other_job = _job(other)

    with pytest.raises(NotFound), session_scope() as session:
        move_question(session, org_id=other.org_id, job_id=other_job, question_id=question, by=1)
    assert _asked(org, job_id) == ["First?"]
