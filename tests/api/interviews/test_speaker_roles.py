"""A recruiter confirms who is who in a finished interview (``PUT /jobs/{id}/speakers``): a
real Huey consumer of the ``cpu`` queue re-scores it from its stored transcript with the new
roles, the job keeping its result until then, nothing charged. The interview here was sent
with its roles swapped (the "candidate" asks every question), so the pipeline did not score it
and flagged the speakers as unclear; after the swap the candidate's answers are the ones scored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from huey.storage import SqliteStorage

from backend.db import session_scope
from backend.models import InterviewJob
from backend.models.interviews import SpeakerRoleConfirmation
from tests.api.interviews.helpers import API, org_footprint, set_balance
from tests.helpers import make_org
from tests.workers import consumers
from workers.queue import cpu

DANA_ASKS = "How would you make a payment endpoint safe to retry?"
SAM_ANSWERS = (
    "The client sends an idempotency key with every request. The server stores the key with "
    "the result and returns the stored result for a repeated key, so a retry never charges "
    "twice. A unique constraint on the key stops two concurrent retries."
)
# Dana asks, Sam answers; sent with the roles the wrong way round.
SWAPPED = [
    {"speaker": "Dana", "role": "candidate", "text": "Thanks for joining us today."},
    {"speaker": "Dana", "text": DANA_ASKS},
    {"speaker": "Sam", "role": "interviewer", "start": 6.0, "end": 19.5, "text": SAM_ANSWERS},
    {"speaker": "Dana", "text": "When would you use a message queue instead of a direct call?"},
    {
        "speaker": "Sam",
        "text": "I use a queue if the caller does not need the answer right away: a worker "
        "takes the message later and retries it if it fails, and the caller is not held up.",
    },
    # A line with only a role: labelled SPEAKER_01 (the audio path's candidate label).
    {"role": "candidate", "text": "Great, thank you, that is all from me."},
]
CORRECT = {"Dana": "interviewer", "Sam": "candidate", "SPEAKER_01": "Dana"}


def _speakers_url(job_id: str) -> str:
    return f"{API}/jobs/{job_id}/speakers"


def _job(client, org, job_id: str) -> dict[str, Any]:
    response = client.get(f"{API}/jobs/{job_id}", headers=org.headers)
    assert response.status_code == 200, response.text
    return response.json()


def _candidate_share(result: dict[str, Any], metric: str) -> float:
    """A per-speaker metric summed over the speakers the result calls candidates."""
    roles = {s["id"]: s["role"] for s in result["speakers"]}
    values = result["metrics"][metric]
    return sum(v for k, v in values.items() if roles.get(k) == "candidate")


def _quoted_speakers(assessment: dict[str, Any]) -> set[str]:
    return {q["speaker"] for body in assessment["scores"].values() for q in body["quotes"]}


def _run_consumer(tmp_path: Path, until) -> None:
    env = consumers.consumer_env(Path(cpu.storage.filename))
    consumer = consumers.start_consumer(env, tmp_path / "workers.log", queues="cpu")
    try:
        until()
    except AssertionError:
        raise AssertionError((tmp_path / "workers.log").read_text()[-4000:]) from None
    finally:
        consumers.stop(consumer)


def test_swapping_the_roles_rescores_the_candidates_answers_and_charges_nothing(
    client, org, tmp_path
):
    if not isinstance(cpu.storage, SqliteStorage):
        pytest.skip("the consumer is given the test's SQLite queue file")
    set_balance(org, 5)
    response = client.post(
        f"{API}/recruitscreen/jobs",
        headers=org.headers,
        json={"role_title": "Backend Engineer", "transcript": SWAPPED},
    )
    assert response.status_code == 202, response.text
    job_id = response.json()["job_id"]

    # Roles cannot be confirmed while the job is still queued.
    early = client.put(_speakers_url(job_id), headers=org.headers, json={"speakers": CORRECT})
    assert early.status_code == 409, early.text
    assert early.json()["detail"]["error"] == "job_not_completed"

    _run_consumer(
        tmp_path,
        lambda: consumers.wait_for(
            InterviewJob, job_id, lambda j: j.status in ("completed", "failed"), 240, "the job"
        ),
    )
    before = _job(client, org, job_id)
    assert before["status"] == "completed", before["error"]
    first = before["result"]
    assert first["assessment"]["scored"] is False
    assert any("Speakers unclear" in f for f in first["assessment"]["red_flags"])
    assert {s["id"]: s["role"] for s in first["speakers"]} == {
        "Dana": "candidate",
        "Sam": "interviewer",
        "SPEAKER_01": "candidate",
    }
    assert _candidate_share(first, "question_count") == 2  # the "candidate" asks
    footprint = org_footprint(org)

    # The recruiter swaps the roles and merges the role-only line into Dana.
    put = client.put(_speakers_url(job_id), headers=org.headers, json={"speakers": CORRECT})
    assert put.status_code == 202, put.text
    assert put.json()["status"] == "queued"
    assert put.json()["confirmed_by"] == "API key tests"
    # Until a worker re-scores it, the job keeps its result; a second confirmation waits.
    waiting = _job(client, org, job_id)
    assert waiting["status"] == "completed"
    assert waiting["result"] == first
    assert waiting["speaker_roles"]["status"] == "queued"
    again = client.put(_speakers_url(job_id), headers=org.headers, json={"speakers": CORRECT})
    assert again.status_code == 409
    assert again.json()["detail"]["error"] == "rescore_in_progress"

    confirmation_id = _confirmation_id(job_id)
    _run_consumer(
        tmp_path,
        lambda: consumers.wait_for(
            SpeakerRoleConfirmation,
            confirmation_id,
            lambda c: c.status in ("completed", "failed"),
            240,
            "the re-scoring",
        ),
    )
    after = _job(client, org, job_id)
    assert after["speaker_roles"]["status"] == "completed", after["speaker_roles"]["error"]
    result = after["result"]
    assert {s["id"]: s["role"] for s in result["speakers"]} == {
        "Dana": "interviewer",
        "Sam": "candidate",
    }
    assert {line["speaker"] for line in result["transcript"]} == {"Dana", "Sam"}
    assert result["speaker_roles"]["confirmed_by"] == "API key tests"
    assert result["speaker_roles"]["merged"] == {"SPEAKER_01": "Dana"}
    assert result["assessed_from"] == "text" and result["diarization"]["roles_confirmed"]
    # Sam's answers are now the candidate's: scored, quoted, and the flag is gone.
    assessment = result["assessment"]
    assert assessment["scored"] is True
    assert assessment["recommendation"] in ("advance", "hold", "reject")
    assert not any("Speakers unclear" in f for f in assessment["red_flags"])
    assert _quoted_speakers(assessment) == {"Sam"}
    assert _candidate_share(result, "question_count") == 0
    assert _candidate_share(result, "talk_ratio") == first["metrics"]["talk_ratio"]["Sam"]
    assert _candidate_share(result, "talk_ratio") != _candidate_share(first, "talk_ratio")
    # Nothing charged: same balance, no ledger entry, the job still charged 0.
    assert org_footprint(org) == footprint and footprint[2] == 5
    assert after["credits_charged"] == 0


def _confirmation_id(job_id: str) -> str:
    from backend.services.interviews.speaker_roles import latest

    with session_scope() as session:
        row = latest(session, job_id=job_id)
        assert row is not None
        return row.id


# -- refusals, on a finished job written as a worker would have left it ----------------------


def _finished_job(org_id: str, speakers: dict[str, str]) -> str:
    transcript = [
        {"start": float(i), "end": i + 1.0, "speaker": label, "role": role, "text": f"line {i}"}
        for i, (label, role) in enumerate(speakers.items())
    ]
    result = {
        "transcript": transcript,
        "speakers": [{"id": k, "role": v, "talk_s": 1.0} for k, v in speakers.items()],
        "metrics": {},
        "assessment": {},
    }
    with session_scope() as session:
        job = InterviewJob(org_id=org_id, role_title="Backend Engineer", status="completed")
        job.result = result
        session.add(job)
        session.commit()
        return job.id


@pytest.mark.parametrize(
    ("speakers", "reasons"),
    [
        ({"SPEAKER_00": "interviewer"}, ["speaker 'SPEAKER_01' has no role"]),
        (
            {"SPEAKER_00": "candidate", "SPEAKER_01": "candidate"},
            ["no interviewer: give at least one speaker the role 'interviewer'"],
        ),
        (
            {"SPEAKER_00": "interviewer", "SPEAKER_01": "candidate", "SPEAKER_09": "candidate"},
            ["speaker 'SPEAKER_09' is not in the transcript"],
        ),
        (
            {"SPEAKER_00": "interviewer", "SPEAKER_01": "host"},
            ["speaker 'SPEAKER_01': 'host' is neither a role"],
        ),
        (
            {"SPEAKER_00": "SPEAKER_01", "SPEAKER_01": "SPEAKER_00"},
            ["which must itself have a role"],
        ),
    ],
)
def test_a_mapping_that_cannot_be_used_is_422_with_its_reasons(client, org, speakers, reasons):
    job_id = _finished_job(org.org_id, {"SPEAKER_00": "interviewer", "SPEAKER_01": "candidate"})
    response = client.put(_speakers_url(job_id), headers=org.headers, json={"speakers": speakers})
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert detail["error"] == "invalid_speakers"
    for reason in reasons:
        assert any(reason in r for r in detail["reasons"]), detail["reasons"]
    assert _job(client, org, job_id)["speaker_roles"] is None  # nothing recorded


def test_one_voice_cannot_be_split_by_roles(client, org):
    job_id = _finished_job(org.org_id, {"SPEAKER_00": "candidate"})
    response = client.put(
        _speakers_url(job_id), headers=org.headers, json={"speakers": {"SPEAKER_00": "candidate"}}
    )
    assert response.status_code == 422
    assert "only one speaker label" in response.json()["detail"]["message"]


def test_another_organisations_job_is_404_and_a_bad_body_422(client, org):
    job_id = _finished_job(org.org_id, {"SPEAKER_00": "interviewer", "SPEAKER_01": "candidate"})
    other = make_org()
    body = {"speakers": {"SPEAKER_00": "candidate", "SPEAKER_01": "interviewer"}}
    response = client.put(_speakers_url(job_id), headers=other.headers, json=body)
    assert response.status_code == 404
    assert response.json()["detail"]["error"] == "job_not_found"
    assert client.put(_speakers_url(job_id), headers=org.headers, json={}).status_code == 422
    with session_scope() as session:
        assert session.get(InterviewJob, job_id).result["speakers"][0]["role"] == "interviewer"


def test_the_sweep_requeues_a_lost_rescoring_and_fails_one_that_keeps_losing_workers(
    client, org, monkeypatch
):
    from backend.services.interviews import speaker_roles
    from workers.interviews.rescore import requeue_stale

    job_id = _finished_job(org.org_id, {"SPEAKER_00": "candidate", "SPEAKER_01": "interviewer"})
    sent: list[str] = []
    monkeypatch.setattr(speaker_roles, "dispatch_rescore", lambda cid, _p: not sent.append(cid))
    with session_scope() as session:
        confirmation = speaker_roles.confirm_roles(
            session,
            org_id=org.org_id,
            job_id=job_id,
            speakers={"SPEAKER_00": "interviewer", "SPEAKER_01": "candidate"},
            confirmed_by="Rita Recruiter",
        )
        confirmation_id = confirmation.id
    assert sent == [confirmation_id]
    sent.clear()  # the message is lost: the minute sweep sends it again

    requeue_stale(older_than_s=0)
    assert confirmation_id in sent

    with session_scope() as session:  # every worker that took it died
        row = session.get(SpeakerRoleConfirmation, confirmation_id)
        row.attempts = speaker_roles.MAX_ATTEMPTS
        session.add(row)
        session.commit()
    requeue_stale(older_than_s=0)
    job = _job(client, org, job_id)
    assert job["speaker_roles"]["status"] == "failed"
    assert "stopped its worker" in job["speaker_roles"]["error"]
    assert job["result"]["speakers"][0]["role"] == "candidate"  # the previous result stays
    # A failed re-scoring does not block confirming again.
    again = client.put(
        _speakers_url(job_id),
        headers=org.headers,
        json={"speakers": {"SPEAKER_00": "interviewer", "SPEAKER_01": "candidate"}},
    )
    assert again.status_code == 202, again.text
