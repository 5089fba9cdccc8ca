"""Seed 003 calls: an instant call for an application becomes a browser interview with the
job's and the application's questions; call detail, list with every filter, organisation
isolation, and a status that follows the interview job once the answers are processed."""

from __future__ import annotations

import pytest
from sqlmodel import select

from backend.db import session_scope
from backend.models.base import utcnow
from backend.models.interviews import CallStatus, InterviewCall, InterviewJob
from backend.models.pipeline import Question
from backend.settings import get_settings
from tests.api.interviews_calls.conftest import job_questions, start_call, token_of
from tests.api.pipeline.builders import API, create_application, create_candidate, create_job
from tests.helpers import make_org


def test_instant_call_asks_the_job_questions_then_the_application_ones(client, org):
    job = create_job(client, org)
    job_questions(client, org, job["id"], "Tell us about a Python service you built.", "Why us?")
    application = create_application(client, org, job=job)
    response = client.post(
        f"{API}/jobs/{job['id']}/questions",
        json={
            "question_text": "Why did you leave your last role?",
            "source_id": "app-q",
            "application_id": application["id"],
        },
        headers=org.headers,
    )
    assert response.status_code == 201

    response = client.post(
        f"{API}/applications/{application['id']}/instant-call", headers=org.headers
    )

    assert response.status_code == 201, response.text
    call = response.json()
    assert [q["text"] for q in call["questions"]] == [
        "Tell us about a Python service you built.",
        "Why us?",
        "Why did you leave your last role?",
    ]
    assert all(q["id"] for q in call["questions"])
    assert call["application_id"] == application["id"]
    assert call["job_id"] == job["id"]
    assert call["candidate_id"] == application["candidate_id"]
    assert call["status"] == "pending"
    assert call["answered"] == [False, False, False]
    assert call["interview_url"].startswith(f"{get_settings().public_url.rstrip('/')}/interview/")
    assert len(token_of(call)) >= 24
    assert call["created_at"].endswith("Z")
    assert call["started_at"] is None and call["completed_at"] is None
    assert call["alternative_requested"] is False
    assert call["interview_job_id"] is None
    assert call["transcript"] is None and call["assessment"] is None and call["summary"] is None


def test_a_job_without_questions_gets_a_generated_set(client, org):
    application = create_application(client, org)

    response = client.post(
        f"{API}/applications/{application['id']}/instant-call", headers=org.headers
    )

    assert response.status_code == 201, response.text
    texts = [q["text"] for q in response.json()["questions"]]
    assert 5 <= len(texts) <= 10
    with session_scope() as session:
        saved = session.exec(select(Question).where(Question.job_id == application["job_id"])).all()
    assert {q.question_text for q in saved} == set(texts)
    assert all(q.generated for q in saved)


def test_repeating_the_request_returns_the_open_call(client, org):
    application, call = start_call(client, org)

    again = client.post(f"{API}/applications/{application['id']}/instant-call", headers=org.headers)

    assert again.status_code == 200
    assert again.json()["id"] == call["id"]
    assert again.json()["interview_url"] == call["interview_url"]


def test_a_new_call_once_the_candidate_asked_for_another_process(client, org):
    application, call = start_call(client, org)
    client.post(f"{API}/interview-sessions/{token_of(call)}/alternative")

    again = client.post(f"{API}/applications/{application['id']}/instant-call", headers=org.headers)

    assert again.status_code == 201
    assert again.json()["id"] != call["id"]


def test_call_detail(client, org):
    _, call = start_call(client, org)

    response = client.get(f"{API}/calls/{call['id']}", headers=org.headers)

    assert response.status_code == 200
    assert response.json() == call


def test_unknown_call_and_application_are_404_in_the_flat_shape(client, org):
    missing = client.get(f"{API}/calls/no-such-call", headers=org.headers)
    assert missing.status_code == 404
    assert missing.json()["error"] == "call_not_found"
    assert missing.json()["message"]

    missing = client.post(f"{API}/applications/nope/instant-call", headers=org.headers)
    assert missing.status_code == 404
    assert missing.json()["error"] == "application_not_found"


def test_another_organisation_sees_nothing(client, org):
    application, call = start_call(client, org)
    other = make_org()

    assert client.get(f"{API}/calls/{call['id']}", headers=other.headers).status_code == 404
    response = client.post(
        f"{API}/applications/{application['id']}/instant-call", headers=other.headers
    )
    assert response.status_code == 404
    listed = client.get(f"{API}/calls", params={"page": 1, "size": 100}, headers=other.headers)
    assert listed.status_code == 200
    assert call["id"] not in {item["id"] for item in listed.json()["items"]}


def test_calls_need_a_pipeline_key(client, org):
    assert client.get(f"{API}/calls").status_code == 401
    assert client.get(f"{API}/calls", headers={"Authorization": "Bearer nope"}).status_code == 401


@pytest.fixture()
def two_calls(client, org):
    """Calls for two applications: different jobs, candidates and source ids."""
    made = []
    for n in range(2):
        job = create_job(client, org)
        candidate = create_candidate(client, org)
        application = create_application(
            client, org, job=job, candidate=candidate, source_id=f"app-{n}-{job['source_id']}"
        )
        job_questions(client, org, job["id"], "What did you build?")
        response = client.post(
            f"{API}/applications/{application['id']}/instant-call", headers=org.headers
        )
        assert response.status_code == 201
        made.append((job, candidate, application, response.json()))
    return made


def test_list_is_paged_newest_first(client, org, two_calls):
    response = client.get(f"{API}/calls", params={"page": 1, "size": 1}, headers=org.headers)

    assert response.status_code == 200
    body = response.json()
    assert (body["total"], body["page"], body["size"], body["pages"]) == (2, 1, 1, 2)
    assert [item["id"] for item in body["items"]] == [two_calls[1][3]["id"]]
    second = client.get(f"{API}/calls", params={"page": 2, "size": 1}, headers=org.headers)
    assert [item["id"] for item in second.json()["items"]] == [two_calls[0][3]["id"]]
    item = body["items"][0]
    assert item["interview_url"] == two_calls[1][3]["interview_url"]
    assert "transcript" not in item and "assessment" not in item
    past_the_end = client.get(f"{API}/calls", params={"page": 9, "size": 1}, headers=org.headers)
    assert past_the_end.json()["items"] == []


@pytest.mark.parametrize(
    ("name", "pick"),
    [
        ("job_id", lambda job, cand, app: job["id"]),
        ("candidate_id", lambda job, cand, app: cand["id"]),
        ("application_id", lambda job, cand, app: app["id"]),
        ("application_source_id", lambda job, cand, app: app["source_id"]),
        ("job_source_id", lambda job, cand, app: job["source_id"]),
        ("candidate_source_id", lambda job, cand, app: cand["source_id"]),
    ],
)
def test_each_filter_picks_its_call(client, org, two_calls, name, pick):
    job, candidate, application, call = two_calls[0]

    response = client.get(
        f"{API}/calls",
        params={"page": 1, "size": 10, name: pick(job, candidate, application)},
        headers=org.headers,
    )

    assert response.status_code == 200, response.text
    assert [item["id"] for item in response.json()["items"]] == [call["id"]]
    nothing = client.get(
        f"{API}/calls", params={"page": 1, "size": 10, name: "no-such"}, headers=org.headers
    )
    assert nothing.json()["total"] == 0


def test_bad_paging_is_422(client, org):
    response = client.get(f"{API}/calls", params={"page": 0, "size": 10}, headers=org.headers)
    assert response.status_code == 422
    response = client.get(f"{API}/calls", params={"page": 1, "size": 101}, headers=org.headers)
    assert response.status_code == 422


def _processed(call_id: str, **job_fields) -> None:
    """Stand in for the worker: give the call a job in the state ``job_fields`` describe."""
    with session_scope() as session:
        row = session.get(InterviewCall, call_id)
        job = InterviewJob(
            org_id=row.org_id,
            source="call",
            role_title="LLM Engineer",
            call_id=row.id,
            finished_at=utcnow(),
            **job_fields,
        )
        session.add(job)
        session.flush()
        row.interview_job_id = job.id
        row.status = CallStatus.processing.value
        session.add(row)
        session.commit()


RESULT = {
    "duration_s": 12.5,
    "transcript": [
        {"start": 0.0, "end": 3.0, "speaker": "SPEAKER_00", "role": "interviewer", "text": "Q?"},
        {"start": 3.5, "end": 9.0, "speaker": "SPEAKER_01", "role": "candidate", "text": "A."},
    ],
    "assessment": {"summary": "Clear answers with concrete examples.", "recommendation": "advance"},
}


def test_a_processed_call_reports_completed_with_transcript_assessment_and_summary(client, org):
    _, call = start_call(client, org)
    _processed(call["id"], status="completed", result=RESULT)

    detail = client.get(f"{API}/calls/{call['id']}", headers=org.headers).json()

    assert detail["status"] == "completed"
    assert detail["transcript"] == RESULT["transcript"]
    assert detail["assessment"] == RESULT["assessment"]
    assert detail["summary"] == "Clear answers with concrete examples."
    assert detail["recommendation"] == "advance"
    assert detail["completed_at"] is not None
    assert detail["interview_job_id"].startswith("job_")
    listed = client.get(
        f"{API}/calls", params={"application_id": call["application_id"]}, headers=org.headers
    ).json()["items"][0]
    assert listed["status"] == "completed"
    assert listed["summary"] == "Clear answers with concrete examples."
    with session_scope() as session:  # derived on read, not copied into the call
        assert session.get(InterviewCall, call["id"]).status == "processing"


def test_a_failed_job_makes_a_failed_call_with_the_reason(client, org):
    _, call = start_call(client, org)
    _processed(call["id"], status="failed", error="The recording is silent.")

    detail = client.get(f"{API}/calls/{call['id']}", headers=org.headers).json()

    assert detail["status"] == "failed"
    assert detail["error"] == "The recording is silent."
    assert detail["transcript"] is None and detail["summary"] is None


def test_an_instant_call_emails_the_candidate_their_link(client, org):
    from backend.models.mail import OutboundEmail

    job = create_job(client, org)
    job_questions(client, org, job["id"], "Tell us about a Python service you built.")
    application = create_application(client, org, job=job)
    call = client.post(
        f"{API}/applications/{application['id']}/instant-call", headers=org.headers
    ).json()
    with session_scope() as session:
        emails = session.exec(
            select(OutboundEmail).where(OutboundEmail.related_id == call["id"])
        ).all()
    assert len(emails) == 1
    assert emails[0].purpose == "interview_invite"
    assert call["interview_url"] in emails[0].body_text
    assert "alternative process" in emails[0].body_text
    # Asking again returns the same call and sends no second link.
    client.post(f"{API}/applications/{application['id']}/instant-call", headers=org.headers)
    with session_scope() as session:
        again = session.exec(
            select(OutboundEmail).where(OutboundEmail.related_id == call["id"])
        ).all()
    assert len(again) == 1
