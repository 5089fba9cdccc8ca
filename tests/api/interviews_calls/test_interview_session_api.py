"""The candidate's side of a call over HTTP: open the link, record answers (real speech),
replace a take, finish into one interview job charged once, or ask for another process; and
every refusal a candidate's browser can run into."""

from __future__ import annotations

import threading

from sqlmodel import select

from backend.db import session_scope
from backend.models.interviews import (
    CreditLedgerEntry,
    InterviewAnswer,
    InterviewCall,
    InterviewJob,
    InterviewJobEvent,
)
from backend.services.interviews import calls, credits
from backend.services.interviews.calls import MAX_ANSWER_BYTES
from backend.settings import get_settings
from tests.api.interviews_calls.conftest import start_call, token_of
from tests.api.pipeline.builders import API

SESSIONS = f"{API}/interview-sessions"
WAV = {"Content-Type": "audio/wav"}


def jobs_of(session, call_id: str) -> list[InterviewJob]:
    return list(session.exec(select(InterviewJob).where(InterviewJob.call_id == call_id)))


def put_answer(client, token: str, index: int, audio: bytes, content_type: str = "audio/wav"):
    return client.put(
        f"{SESSIONS}/{token}/answers/{index}", content=audio, headers={"Content-Type": content_type}
    )


def test_the_candidate_sees_who_invites_them_and_the_questions(client, org):
    _, call = start_call(client, org, questions=("What did you build?", "What went wrong?"))

    response = client.get(f"{SESSIONS}/{token_of(call)}")

    assert response.status_code == 200
    view = response.json()
    assert view["org_name"].startswith("Org ")
    assert view["role_title"] == "LLM Engineer"
    assert view["questions"] == ["What did you build?", "What went wrong?"]
    assert view["answered"] == [False, False]
    assert view["status"] == "pending"
    assert view["alternative_requested"] is False
    assert "assessment" not in view and "interview_job_id" not in view


def test_an_unknown_link_is_404_in_the_flat_shape(client):
    for token in ("no-such-token", "x" * 300, "bad%20token"):
        response = client.get(f"{SESSIONS}/{token}")
        assert response.status_code == 404
        assert response.json()["error"] == "interview_not_found"
    response = client.put(f"{SESSIONS}/no-such-token/answers/0", content=b"RIFF", headers=WAV)
    assert response.status_code == 404
    assert client.post(f"{SESSIONS}/no-such-token/finish").status_code == 404
    assert client.post(f"{SESSIONS}/no-such-token/alternative").status_code == 404


def test_record_replace_and_finish_into_one_charged_job(client, org, spoken):
    with session_scope() as session:
        credits.set_balance(session, org_id=org.org_id, credits=10)
    _, call = start_call(client, org)
    token = token_of(call)

    first = put_answer(client, token, 0, spoken["first"])
    assert first.status_code == 200, first.text
    assert first.json()["index"] == 0
    assert first.json()["size"] == len(spoken["first"])
    assert 1.0 < first.json()["duration_s"] < 10.0
    view = client.get(f"{SESSIONS}/{token}").json()
    assert view["answered"] == [True, False]
    assert view["status"] == "in_progress"

    second = put_answer(client, token, 1, spoken["second"])
    assert second.status_code == 200, second.text
    # A better take of the first answer, in another format (FLAC): it replaces the WAV.
    retake = put_answer(client, token, 0, spoken["jfk"], "audio/flac")
    assert retake.status_code == 200, retake.text
    assert 10.0 < retake.json()["duration_s"] < 12.0

    folder = get_settings().data_dir / "interviews" / "calls" / call["id"]
    assert sorted(p.name for p in folder.iterdir()) == ["answer-0.flac", "answer-1.wav"]
    assert (folder / "answer-0.flac").read_bytes() == spoken["jfk"]
    assert (folder / "answer-1.wav").read_bytes() == spoken["second"]

    finished = client.post(f"{SESSIONS}/{token}/finish")

    assert finished.status_code == 200, finished.text
    assert finished.json()["status"] == "processing"
    job_id = finished.json()["interview_job_id"]
    assert job_id.startswith("job_")
    total = retake.json()["duration_s"] + second.json()["duration_s"]
    with session_scope() as session:
        job = session.get(InterviewJob, job_id)
        assert job.source == "call"
        assert job.call_id == call["id"]
        assert job.role_title == "LLM Engineer"
        assert job.status == "queued"
        assert job.input_path == f"interviews/calls/{call['id']}"
        assert job.input_bytes == len(spoken["jfk"]) + len(spoken["second"])
        assert abs(job.duration_s - total) < 0.01
        assert job.credits_charged == 1  # under a minute of answers
        events = session.exec(
            select(InterviewJobEvent).where(InterviewJobEvent.job_id == job_id)
        ).all()
        assert [e.status for e in events] == ["queued"]
        assert credits.balance(session, org_id=org.org_id) == 9

    # Clicking "finish" again changes nothing: the same job, no second charge.
    again = client.post(f"{SESSIONS}/{token}/finish")
    assert again.status_code == 200
    assert again.json()["interview_job_id"] == job_id
    with session_scope() as session:
        assert len(jobs_of(session, call["id"])) == 1
        charges = session.exec(
            select(CreditLedgerEntry).where(CreditLedgerEntry.job_id == job_id)
        ).all()
        assert [c.delta for c in charges] == [-1]
        assert credits.balance(session, org_id=org.org_id) == 9

    detail = client.get(f"{API}/calls/{call['id']}", headers=org.headers).json()
    assert detail["status"] == "processing"
    assert detail["interview_job_id"] == job_id
    assert detail["answered"] == [True, True]
    assert detail["started_at"] is not None
    assert client.get(f"{SESSIONS}/{token}").json()["status"] == "processing"
    # A sent interview takes no more recordings.
    late = put_answer(client, token, 0, spoken["first"])
    assert late.status_code == 409
    assert late.json()["error"] == "interview_finished"


def test_finishing_with_answers_missing_is_409_naming_them(client, org, spoken):
    _, call = start_call(client, org, questions=("One?", "Two?", "Three?"))
    token = token_of(call)
    assert put_answer(client, token, 1, spoken["first"]).status_code == 200

    response = client.post(f"{SESSIONS}/{token}/finish")

    assert response.status_code == 409
    assert response.json()["error"] == "answers_missing"
    assert response.json()["missing"] == [0, 2]
    with session_scope() as session:
        assert (
            session.exec(select(InterviewJob).where(InterviewJob.call_id == call["id"])).all() == []
        )


def test_no_credits_left_refuses_the_finish_and_keeps_the_answers(client, org, spoken):
    _, call = start_call(client, org, questions=("Only question?",))
    token = token_of(call)
    assert put_answer(client, token, 0, spoken["first"]).status_code == 200
    with session_scope() as session:
        credits.set_balance(session, org_id=org.org_id, credits=0)

    response = client.post(f"{SESSIONS}/{token}/finish")

    assert response.status_code == 402
    assert response.json()["error"] == "insufficient_credits"
    assert response.json()["credits_needed"] == 1
    view = client.get(f"{SESSIONS}/{token}").json()
    assert view["status"] == "in_progress" and view["answered"] == [True]
    with session_scope() as session:
        assert (
            session.exec(select(InterviewJob).where(InterviewJob.call_id == call["id"])).all() == []
        )
        credits.set_balance(session, org_id=org.org_id, credits=5)
    # Once credits are added the same answers go through.
    assert client.post(f"{SESSIONS}/{token}/finish").status_code == 200


def test_asking_for_another_process(client, org, spoken):
    _, call = start_call(client, org)
    token = token_of(call)
    assert put_answer(client, token, 0, spoken["first"]).status_code == 200

    response = client.post(
        f"{SESSIONS}/{token}/alternative", json={"note": "I am hard of hearing; a written test?"}
    )

    assert response.status_code == 200, response.text
    assert response.json() == {"status": "alternative_requested", "alternative_requested": True}
    view = client.get(f"{SESSIONS}/{token}").json()
    assert view["alternative_requested"] is True
    assert view["status"] == "alternative_requested"
    assert view["answered"] == [False, False]  # what was recorded is deleted
    folder = get_settings().data_dir / "interviews" / "calls" / call["id"]
    assert not folder.exists()  # the answers and their emptied folder
    detail = client.get(f"{API}/calls/{call['id']}", headers=org.headers).json()
    assert detail["status"] == "alternative_requested"
    assert detail["alternative_requested"] is True
    assert detail["alternative_requested_at"] is not None
    assert detail["alternative_note"] == "I am hard of hearing; a written test?"
    # No recording is needed or taken any more.
    refused = put_answer(client, token, 0, spoken["first"])
    assert refused.status_code == 409
    assert refused.json()["error"] == "alternative_requested"
    assert client.post(f"{SESSIONS}/{token}/finish").status_code == 409
    # Asking again (with no body) is harmless.
    assert client.post(f"{SESSIONS}/{token}/alternative").status_code == 200


def test_an_empty_answer_is_400(client, org):
    _, call = start_call(client, org)

    response = put_answer(client, token_of(call), 0, b"")

    assert response.status_code == 400
    assert response.json()["error"] == "empty_answer"
    assert client.get(f"{SESSIONS}/{token_of(call)}").json()["answered"] == [False, False]


def test_an_oversize_answer_is_413_declared_or_streamed(client, org):
    _, call = start_call(client, org)
    token = token_of(call)
    too_big = b"\x1a\x45\xdf\xa3" + b"\0" * MAX_ANSWER_BYTES

    declared = put_answer(client, token, 0, too_big, "audio/webm")
    assert declared.status_code == 413
    assert declared.json()["error"] == "payload_too_large"
    assert declared.json()["limit_mb"] == 25

    def chunks():  # no Content-Length: the cap holds while the body streams in
        for start in range(0, len(too_big), 1024 * 1024):
            yield too_big[start : start + 1024 * 1024]

    streamed = client.put(
        f"{SESSIONS}/{token}/answers/0", content=chunks(), headers={"Content-Type": "audio/webm"}
    )
    assert streamed.status_code == 413
    with session_scope() as session:
        assert (
            session.exec(select(InterviewAnswer).where(InterviewAnswer.call_id == call["id"])).all()
            == []
        )


def test_bytes_that_are_not_a_recording_are_refused(client, org, spoken):
    _, call = start_call(client, org)
    token = token_of(call)

    text = put_answer(client, token, 0, b"hello, this is not audio at all", "audio/webm")
    assert text.status_code == 422
    assert text.json()["error"] == "unsupported_media_type"

    cut = put_answer(client, token, 0, spoken["first"][: len(spoken["first"]) // 2])
    assert cut.status_code == 422
    assert cut.json()["error"] == "corrupt_media"

    form = client.put(f"{SESSIONS}/{token}/answers/0", files={"file": ("a.wav", spoken["first"])})
    assert form.status_code == 415

    assert client.get(f"{SESSIONS}/{token}").json()["answered"] == [False, False]


def test_a_question_the_call_does_not_have_is_404(client, org, spoken):
    _, call = start_call(client, org)

    response = put_answer(client, token_of(call), 2, spoken["first"])

    assert response.status_code == 404
    assert response.json()["error"] == "question_not_found"
    assert put_answer(client, token_of(call), -1, spoken["first"]).status_code == 422


def test_the_token_is_the_only_credential(client, org, spoken):
    """No API key is needed, and an organisation's key opens no one's interview."""
    _, call = start_call(client, org)
    with session_scope() as session:
        assert session.get(InterviewCall, call["id"]).token == token_of(call)
    assert client.get(f"{SESSIONS}/{call['id']}", headers=org.headers).status_code == 404
    assert put_answer(client, token_of(call), 0, spoken["first"]).status_code == 200


def test_finish_clicked_in_several_tabs_at_once_makes_one_job_and_one_charge(client, org, spoken):
    with session_scope() as session:
        credits.set_balance(session, org_id=org.org_id, credits=10)
    _, call = start_call(client, org, questions=("Only question?",))
    token = token_of(call)
    assert put_answer(client, token, 0, spoken["first"]).status_code == 200
    job_ids: list[str | None] = []
    errors: list[Exception] = []
    start = threading.Barrier(4)

    def finish() -> None:
        start.wait()
        try:
            with session_scope() as session:
                job_ids.append(calls.finish_interview(session, token=token).interview_job_id)
        except Exception as exc:  # reported below: every click must succeed
            errors.append(exc)

    threads = [threading.Thread(target=finish) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(job_ids) == 4 and len(set(job_ids)) == 1
    with session_scope() as session:
        assert len(jobs_of(session, call["id"])) == 1
        assert credits.balance(session, org_id=org.org_id) == 9
