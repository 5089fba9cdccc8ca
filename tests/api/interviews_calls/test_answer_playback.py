"""A browser interview's answers on its report: kept after processing (whatever the
organisation's setting for uploaded recordings), each one played by the signed-in recruiter
beside what was transcribed of it, until retention deletes them, after which each answer says
so and the audio route answers 404 with the date."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, update

from backend.db import session_scope
from backend.models import InterviewJob, Member
from backend.models.base import utcnow
from backend.services import media_retention
from backend.services.interviews import credits, jobs
from backend.services.interviews.answer_playback import answer_playbacks
from backend.services.organisations import start_web_session
from backend.services.storage import get_storage, stored_key
from backend.settings import get_settings
from tests.api.interviews.helpers import accepted, claim, set_balance
from tests.api.interviews.recordings import requires_recordings
from tests.api.interviews_calls.conftest import start_call, token_of
from tests.api.pipeline.builders import API
from tests.helpers import OrgHandle, make_org
from workers.interviews.pipeline import _dispose_inputs

SESSIONS = f"{API}/interview-sessions"
QUESTIONS = ("Tell us about a pipeline you built.", "How would you find a slow query?")
RESULT = {
    "transcript": [
        {"start": 0.0, "end": 2.0, "speaker": "SPEAKER_00", "role": "interviewer", "text": "Q1"},
        {"start": 2.0, "end": 5.0, "speaker": "SPEAKER_01", "role": "candidate", "text": "I built"},
        {"start": 5.0, "end": 6.0, "speaker": "SPEAKER_01", "role": "candidate", "text": "one."},
        {"start": 6.0, "end": 8.0, "speaker": "SPEAKER_00", "role": "interviewer", "text": "Q2"},
        {
            "start": 8.0,
            "end": 9.0,
            "speaker": "SPEAKER_01",
            "role": "candidate",
            "text": "Measure.",
        },
    ]
}


def _answered_and_processed(client, org: OrgHandle, spoken) -> str:
    """A candidate answers both questions and finishes; the worker completes the job and
    disposes of its inputs as it does after every job. The job's id."""
    with session_scope() as session:
        credits.set_balance(session, org_id=org.org_id, credits=10)
    _, call = start_call(client, org, questions=QUESTIONS)
    token = token_of(call)
    for index, name in enumerate(("first", "second")):
        sent = client.put(
            f"{SESSIONS}/{token}/answers/{index}",
            content=spoken[name],
            headers={"Content-Type": "audio/wav"},
        )
        assert sent.status_code == 200, sent.text
    job_id = client.post(f"{SESSIONS}/{token}/finish").json()["interview_job_id"]
    owner = claim(job_id)
    with session_scope() as session:
        assert jobs.complete(session, job_id=job_id, owner=owner, result=RESULT)
    _dispose_inputs(job_id)  # the worker's last step after a job completes
    return job_id


def _signed_in(client, org: OrgHandle) -> None:
    with session_scope() as session:
        token = start_web_session(session, member=session.get(Member, org.admin_id))
    client.cookies.set("tl_session", token)


def _playbacks(job_id: str):
    with session_scope() as session:
        return answer_playbacks(session, job=session.get(InterviewJob, job_id))


def _report(org: OrgHandle, job_id: str):
    from truelevel_app.pages.interview_report import read_report

    with session_scope() as session:
        return read_report(session, org_id=org.org_id, job_id=job_id)


def test_each_answer_is_kept_and_plays_beside_its_transcript(client, org, spoken):
    job_id = _answered_and_processed(client, org, spoken)

    answers = _playbacks(job_id)
    assert [a.question for a in answers] == list(QUESTIONS)
    assert [a.transcript for a in answers] == ["I built one.", "Measure."]
    assert [a.audio_url for a in answers] == [
        f"/api/v1/web/interviews/{job_id}/answers/0/audio",
        f"/api/v1/web/interviews/{job_id}/answers/1/audio",
    ]
    assert all(a.unavailable is None and a.duration_s > 0 for a in answers)
    report = _report(org, job_id)  # what the report page shows
    assert report.summary["audio"] == "separate"
    assert [(a["number"], a["transcript"]) for a in report.answers] == [
        (1, "I built one."),
        (2, "Measure."),
    ]
    assert report.answers[0]["audio_url"] == answers[0].audio_url

    # Only a signed-in member of the organisation may listen.
    assert client.get(answers[0].audio_url).status_code == 401
    _signed_in(client, org)
    try:
        played = client.get(answers[0].audio_url)
        assert played.status_code == 200
        assert played.headers["content-type"] == "audio/wav"
        assert played.headers["cache-control"] == "private, no-store"
        assert played.content == spoken["first"]
        part = client.get(answers[1].audio_url, headers={"Range": "bytes=0-99"})
        assert part.status_code == 206 and part.content == spoken["second"][:100]
        missing = client.get(f"{API}/web/interviews/{job_id}/answers/2/audio")
        assert missing.status_code == 404 and missing.json()["error"] == "answer_not_found"
    finally:
        client.cookies.clear()
    other = make_org()
    _signed_in(client, other)
    try:
        foreign = client.get(answers[0].audio_url)
        assert foreign.status_code == 404 and foreign.json()["error"] == "job_not_found"
    finally:
        client.cookies.clear()


def test_answers_past_the_default_retention_are_deleted_and_each_says_so(client, org, spoken):
    assert get_settings().answer_retention_days == 90  # browser answers have a period by default
    job_id = _answered_and_processed(client, org, spoken)
    with session_scope() as session:
        prefix = stored_key(session.get(InterviewJob, job_id).input_path)
        session.exec(
            update(InterviewJob)
            .where(col(InterviewJob.id) == job_id)
            .values(finished_at=utcnow() - timedelta(days=91))
        )
        session.commit()
    assert len(list(get_storage().keys(prefix))) == 2

    with session_scope() as session:
        media_retention.delete_expired_media(session)

    assert list(get_storage().keys(prefix)) == []
    today = f"{utcnow():%Y-%m-%d}"
    answers = _playbacks(job_id)
    assert [a.unavailable for a in answers] == [f"Answers deleted on {today} (retention)."] * 2
    assert [a.audio_url for a in answers] == [None, None]
    assert answers[0].transcript == "I built one."  # the transcript stays
    report = _report(org, job_id)
    assert report.summary["audio"] == "deleted"
    assert [a["unavailable"] for a in report.answers] == [answers[0].unavailable] * 2
    _signed_in(client, org)
    try:
        gone = client.get(f"{API}/web/interviews/{job_id}/answers/0/audio")
    finally:
        client.cookies.clear()
    assert gone.status_code == 404
    assert gone.json()["error"] == "recording_deleted"
    assert gone.json()["message"] == f"Answers deleted on {today} (retention)."


@requires_recordings
def test_an_uploaded_recording_has_no_answers_to_play(client, org):
    set_balance(org, 10)
    job_id = accepted(client, org)["job_id"]
    assert _playbacks(job_id) == []
    _signed_in(client, org)
    try:
        response = client.get(f"{API}/web/interviews/{job_id}/answers/0/audio")
    finally:
        client.cookies.clear()
    assert response.status_code == 404 and response.json()["error"] == "answer_not_found"
