"""An interview sent as text (``POST /recruitscreen/jobs`` with a JSON transcript): accepted at
once for nothing, assessed by a real Huey consumer of the ``cpu`` queue with the same
assessment the audio path uses, the result saying it came from text; a transcript that cannot be
assessed is refused with its reasons."""

from __future__ import annotations

from pathlib import Path

import pytest
from huey.storage import SqliteStorage
from sqlmodel import select

from backend.db import session_scope
from backend.models import InterviewJob
from tests.api.interviews.helpers import API, set_balance
from tests.workers import consumers
from workers.queue import cpu

TRANSCRIPT = [
    {"speaker": "Dana", "role": "interviewer", "text": "Thanks for joining us today."},
    {"speaker": "Dana", "text": "How would you make a payment endpoint safe to retry?"},
    {
        "speaker": "Sam",
        "role": "candidate",
        "start": 6.0,
        "end": 19.5,
        "text": "The client sends an idempotency key with every request. The server stores the "
        "key with the result and returns the stored result for a repeated key, so a retry "
        "never charges twice. A unique constraint on the key stops two concurrent retries.",
    },
    {"speaker": "Dana", "text": "When would you use a message queue instead of a direct call?"},
    {
        "speaker": "Sam",
        "text": "When the caller does not need the answer right away: a worker takes the "
        "message later and retries it if it fails, and the caller is not held up.",
    },
    {"role": "interviewer", "text": "Great, thank you, that is all from me."},
]


def _post(client, org, body):
    return client.post(f"{API}/recruitscreen/jobs", headers=org.headers, json=body)


def test_a_transcript_is_assessed_by_a_worker_from_text_and_charged_nothing(client, org, tmp_path):
    if not isinstance(cpu.storage, SqliteStorage):
        pytest.skip("the consumer is given the test's SQLite queue file")
    set_balance(org, 5)
    response = _post(client, org, {"role_title": "Backend Engineer", "transcript": TRANSCRIPT})
    assert response.status_code == 202, response.text
    accepted = response.json()
    assert accepted["status"] == "queued"
    assert accepted["credits_charged"] == 0 and accepted["credits_remaining"] == 5

    env = consumers.consumer_env(Path(cpu.storage.filename))
    consumer = consumers.start_consumer(env, tmp_path / "workers.log", queues="cpu")
    try:
        consumers.wait_for(
            InterviewJob,
            accepted["job_id"],
            lambda j: j.status in ("completed", "failed"),
            240,
            "the text interview to be assessed",
        )
    finally:
        consumers.stop(consumer)

    job = client.get(accepted["status_url"], headers=org.headers).json()
    assert job["status"] == "completed", (job["error"], (tmp_path / "workers.log").read_text())
    result = job["result"]
    assert result["assessed_from"] == "text"
    assert result["diarization"]["method"] == "text"
    assert list(result["models"]) == ["embeddings"]  # no speech model was needed
    roles = {s["id"]: s["role"] for s in result["speakers"]}
    assert roles == {"Dana": "interviewer", "Sam": "candidate", "SPEAKER_00": "interviewer"}
    assert [line["text"] for line in result["transcript"]] == [s["text"] for s in TRANSCRIPT]
    assessment = result["assessment"]
    assert assessment["scored"] is True
    assert assessment["recommendation"] in ("advance", "hold", "reject")
    scores = assessment["scores"]
    assert 1 <= scores["technical_depth"]["score"] <= 5
    # A competency no question asked about is named, with why, and left unscored.
    assert all(s["score"] is None or 1 <= s["score"] <= 5 for s in scores.values())
    assert all(s["rationale"] for s in scores.values())
    with session_scope() as session:
        assert session.get(InterviewJob, accepted["job_id"]).input_path is None  # deleted


@pytest.mark.parametrize(
    ("transcript", "reason"),
    [
        ([], "the transcript is empty"),
        ([{"speaker": "A", "role": "candidate", "text": "   "}], "the transcript is empty"),
        (
            [
                {"role": "interviewer", "text": "How do you test a queue?"},
                {"speaker": "Dana", "role": "interviewer", "text": "Anyone?"},
            ],
            "no candidate speaker",
        ),
        ([{"role": "candidate", "text": "I would test it end to end."}], "no interviewer"),
        (
            [
                {"speaker": "A", "role": "interviewer", "text": "Why?"},
                {"speaker": "B", "text": "Because."},
            ],
            "speaker 'B' has no role",
        ),
        (
            [
                {"speaker": "A", "role": "interviewer", "text": "Why?"},
                {"speaker": "A", "role": "candidate", "text": "Because."},
            ],
            "given two roles",
        ),
        ([{"text": "Who said this?"}], "speaker label or a role"),
    ],
)
def test_a_transcript_that_cannot_be_assessed_is_422_with_the_reason(
    client, org, transcript, reason
):
    set_balance(org, 5)
    response = _post(client, org, {"role_title": "Backend Engineer", "transcript": transcript})
    assert response.status_code == 422, response.text
    assert reason in response.json()["detail"]["message"]
    with session_scope() as session:
        assert not session.exec(select(InterviewJob).where(InterviewJob.org_id == org.org_id)).all()


def test_a_transcript_without_a_role_title_is_422(client, org):
    response = _post(client, org, {"transcript": TRANSCRIPT})
    assert response.status_code == 422
    assert "role_title" in response.json()["detail"]["message"]
