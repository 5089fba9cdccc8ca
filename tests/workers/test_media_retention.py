"""Retention of kept interview recordings, browser-interview answers and resumes: the minute
sweep deletes those past their age from the store and leaves younger ones; the API and the
audio route then say "deleted on <date> (retention)" instead of failing."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from sqlmodel import col, update

from backend.db import session_scope
from backend.models import Application, Candidate, InterviewJob, Member, Organization
from backend.models.base import utcnow
from backend.services.interviews import jobs
from backend.services.organisations import start_web_session
from backend.services.storage import get_storage, stored_key
from backend.settings import get_settings
from tests.api.interviews.helpers import accepted, processed, set_balance
from tests.api.interviews.recordings import JFK, requires_recordings
from tests.api.interviews_calls.conftest import job_questions, token_of
from tests.api.pipeline.builders import (
    API,
    PDF_BASE64,
    create_application,
    create_candidate,
    create_job,
)
from tests.helpers import OrgHandle, make_org
from workers import tasks

pytestmark = requires_recordings


@pytest.fixture()
def retention(monkeypatch):
    """Recordings and answers kept 30 days after processing, resumes 90 days after the last
    update of their application."""
    monkeypatch.setenv("TRUELEVEL_RECORDING_RETENTION_DAYS", "30")
    monkeypatch.setenv("TRUELEVEL_ANSWER_RETENTION_DAYS", "30")
    monkeypatch.setenv("TRUELEVEL_RESUME_RETENTION_DAYS", "90")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


@pytest.fixture()
def keeper() -> OrgHandle:
    """An organisation that keeps interview inputs after processing."""
    org = make_org("Keeps recordings")
    set_balance(org, 10)
    with session_scope() as session:
        row = session.get(Organization, org.org_id)
        row.keep_interview_inputs = True
        session.add(row)
        session.commit()
    return org


def _listen(client, org: OrgHandle, job_id: str):
    with session_scope() as session:
        token = start_web_session(session, member=session.get(Member, org.admin_id))
    client.cookies.set("tl_session", token)
    try:
        return client.get(f"{API}/web/interviews/{job_id}/audio")
    finally:
        client.cookies.clear()


def test_a_recording_past_its_age_is_deleted_and_a_younger_one_kept(client, keeper, retention):
    old_job = accepted(client, keeper)["job_id"]
    young_job = accepted(client, keeper)["job_id"]
    old_key = processed(old_job, days_ago=31)
    young_key = processed(young_job, days_ago=29)
    store = get_storage()
    assert store.exists(old_key) and store.exists(young_key)

    tasks.minute_sweep()  # the minute sweep

    assert not store.exists(old_key)
    assert store.exists(young_key)
    today = utcnow().date().isoformat()
    old = client.get(f"{API}/jobs/{old_job}", headers=keeper.headers).json()
    assert old["status"] == "completed"
    assert old["input_retained"] is False and old["input_deleted_at"].startswith(today)
    young = client.get(f"{API}/jobs/{young_job}", headers=keeper.headers).json()
    assert young["input_retained"] is True and young["input_deleted_at"] is None

    gone = _listen(client, keeper, old_job)
    assert gone.status_code == 404
    assert gone.json()["error"] == "recording_deleted"
    assert gone.json()["message"] == f"Recording deleted on {today} (retention)."
    kept = _listen(client, keeper, young_job)
    assert kept.status_code == 200 and kept.content == JFK.read_bytes()


def test_answers_and_resumes_past_their_age_are_deleted(client, keeper, retention):
    job = create_job(client, keeper)
    job_questions(client, keeper, job["id"], "What did you build last?")
    candidate = create_candidate(client, keeper, file=PDF_BASE64)
    application = create_application(client, keeper, job=job, candidate=candidate)
    call = client.post(
        f"{API}/applications/{application['id']}/instant-call", headers=keeper.headers
    ).json()
    token = token_of(call)
    answered = client.put(
        f"{API}/interview-sessions/{token}/answers/0",
        content=JFK.read_bytes(),
        headers={"Content-Type": "audio/flac"},
    )
    assert answered.status_code == 200, answered.text
    job_id = client.post(f"{API}/interview-sessions/{token}/finish").json()["interview_job_id"]
    answers_prefix = processed(job_id, days_ago=40)
    with session_scope() as session:
        resume_key = stored_key(session.get(Candidate, candidate["id"]).resume_path)
        # Nothing happened to the candidate or their application for 100 days.
        for table, row_id in ((Candidate, candidate["id"]), (Application, application["id"])):
            session.exec(
                update(table)
                .where(col(table.id) == row_id)
                .values(updated_at=utcnow() - timedelta(days=100))
            )
        session.commit()
    store = get_storage()
    assert list(store.keys(answers_prefix)) and store.exists(resume_key)

    tasks.minute_sweep()

    assert list(store.keys(answers_prefix)) == []
    assert not store.exists(resume_key)
    today = utcnow().date().isoformat()
    view = client.get(f"{API}/jobs/{job_id}", headers=keeper.headers).json()
    assert view["input_retained"] is False and view["input_deleted_at"].startswith(today)
    shown = client.get(f"{API}/candidates/{candidate['id']}", headers=keeper.headers).json()
    assert shown["resume"]["filename"].endswith(".pdf")
    assert shown["resume"]["deleted_at"].startswith(today)
    with session_scope() as session:
        job_row = session.get(InterviewJob, job_id)
        assert jobs.input_deleted_note(job_row) == f"Answers deleted on {today} (retention)."

    # The person's export lists what retention deleted instead of failing on it.
    exported = client.get(
        f"{API}/candidates/export", params={"email": candidate["email"]}, headers=keeper.headers
    )
    assert exported.status_code == 200, exported.text
    with zipfile.ZipFile(io.BytesIO(exported.content)) as archive:
        files = json.loads(archive.read("person.json"))["files"]
        assert archive.namelist() == ["person.json"]
    assert sorted((f["kind"], f["included"], f["deleted_at"][:10]) for f in files) == [
        ("answer", False, today),
        ("resume", False, today),
    ]


def test_retention_is_off_by_default(client, keeper):
    job_id = accepted(client, keeper)["job_id"]
    key = processed(job_id, days_ago=3650)
    tasks.minute_sweep()
    assert get_storage().exists(key)
