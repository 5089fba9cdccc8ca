"""RecruitScreen jobs over HTTP (seed 004): submit a recording, read the job, the error codes
the seed lists, seed 003's /jobs/{uuid} untouched, the worker's writes, and model status."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import col, delete, select, update

from backend.db import session_scope
from backend.models.base import utcnow
from backend.models.interviews import InterviewJob, WorkerModelState
from backend.services.interviews import jobs, model_status
from tests.api.interviews.helpers import (
    API,
    accepted,
    balance,
    claim,
    org_footprint,
    set_balance,
    stored_recordings,
    submit,
)
from tests.api.interviews.recordings import JFK, requires_recordings
from tests.api.pipeline.builders import create_job
from tests.helpers import bearer, make_key, make_org

pytestmark = requires_recordings

JOB_ID = re.compile(r"^job_[0-9a-f]{20}$")
ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def detail(response) -> dict:
    body = response.json()
    assert set(body) == {"detail"}, body
    return body["detail"]


# --- submit --------------------------------------------------------------------------------


def test_submit_answers_202_with_the_seed_body(client, org):
    response = submit(client, org)
    assert response.status_code == 202, response.text
    body = response.json()
    assert set(body) == {
        "job_id",
        "status",
        "credits_charged",
        "credits_remaining",
        "status_url",
        "events_url",
    }
    assert JOB_ID.match(body["job_id"])
    assert body["status"] == "queued"
    assert body["credits_charged"] == 1  # 11 s: one started minute
    assert body["credits_remaining"] is None  # billing off: unlimited
    assert body["status_url"] == f"{API}/jobs/{body['job_id']}"
    assert body["events_url"] == f"{API}/jobs/{body['job_id']}/events"
    assert response.headers["location"] == body["status_url"]


def test_the_recording_is_stored_for_the_workers(client, org):
    from backend.settings import get_settings

    body = accepted(client, org, filename="../../etc/My Call (final).flac")
    with session_scope() as session:
        job = session.get(InterviewJob, body["job_id"])
        assert job.input_path == f"interviews/{job.id}/My_Call_final_.flac"
        stored = get_settings().data_dir / job.input_path
        assert stored.read_bytes() == JFK.read_bytes()
        assert job.input_bytes == JFK.stat().st_size
        assert job.role_title == "Backend Engineer"
        assert job.duration_s == pytest.approx(11.0, abs=0.1)


def test_read_the_job(client, org):
    body = accepted(client, org, role_title="  Data Engineer ")
    response = client.get(body["status_url"], headers=org.headers)
    assert response.status_code == 200, response.text
    view = response.json()
    assert view["job_id"] == body["job_id"]
    assert view["status"] == "queued"
    assert view["role_title"] == "Data Engineer"
    assert view["credits_charged"] == 1
    assert view["duration_s"] == pytest.approx(11.0, abs=0.1)
    assert ISO_Z.match(view["created_at"])
    assert view["started_at"] is None and view["finished_at"] is None
    assert view["result"] is None and view["error"] is None and view["review"] is None
    assert view["input_retained"] is True
    assert view["status_url"] == body["status_url"] and view["events_url"] == body["events_url"]


def test_an_interviews_scoped_key_may_submit(client, org):
    key = make_key(org, "interviews")
    assert submit(client, bearer(key)).status_code == 202


def test_over_the_upload_cap_is_413(client, org, upload_cap_mb):
    upload_cap_mb(1)  # jfk.flac is 1.1 MB
    before = org_footprint(org), stored_recordings()
    response = submit(client, org)
    assert response.status_code == 413
    body = detail(response)
    assert body["error"] == "file_too_large"
    assert "1 MB" in body["message"]
    assert (org_footprint(org), stored_recordings()) == before


def test_a_recording_longer_than_the_limit_is_refused_before_any_charge(client, org, monkeypatch):
    from backend.settings import get_settings

    monkeypatch.setenv("TRUELEVEL_INTERVIEW_MAX_DURATION_MINUTES", "0")  # jfk.flac: 11 s
    get_settings.cache_clear()
    try:
        before = org_footprint(org), stored_recordings()
        response = submit(client, org)
    finally:
        monkeypatch.delenv("TRUELEVEL_INTERVIEW_MAX_DURATION_MINUTES")
        get_settings.cache_clear()
    assert response.status_code == 422
    assert detail(response)["error"] == "recording_too_long"
    assert (org_footprint(org), stored_recordings()) == before


def test_over_the_cap_without_content_length_is_413_too(client, org, upload_cap_mb):
    """A chunked upload announces no size: the copy itself stops at the cap."""
    upload_cap_mb(1)
    before = org_footprint(org), stored_recordings()
    boundary = "tlboundary"
    parts = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="role_title"\r\n\r\nSRE\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.flac"\r\n'
            "Content-Type: audio/flac\r\n\r\n"
        ).encode()
        + JFK.read_bytes()
        + f"\r\n--{boundary}--\r\n".encode()
    )

    def chunks():
        for i in range(0, len(parts), 64 * 1024):
            yield parts[i : i + 64 * 1024]

    response = client.post(
        f"{API}/recruitscreen/jobs",
        headers={**org.headers, "Content-Type": f"multipart/form-data; boundary={boundary}"},
        content=chunks(),
    )
    assert response.status_code == 413
    assert detail(response)["error"] == "file_too_large"
    assert (org_footprint(org), stored_recordings()) == before


def test_missing_file_is_422(client, org):
    response = client.post(
        f"{API}/recruitscreen/jobs",
        headers=org.headers,
        data={"role_title": "SRE"},
        files={"other": ("x.txt", b"x")},
    )
    assert response.status_code == 422
    body = detail(response)
    assert body["error"] == "validation_error"
    assert "file" in body["message"]
    assert [e["field"] for e in body["errors"]] == ["file"]


def test_a_json_body_without_a_transcript_is_422_missing_transcript(client, org):
    # A JSON body is an interview sent as text (test_transcript_jobs): it needs its transcript.
    response = client.post(
        f"{API}/recruitscreen/jobs", headers=org.headers, json={"role_title": "SRE"}
    )
    assert response.status_code == 422
    assert [e["field"] for e in detail(response)["errors"]] == ["transcript"]


@pytest.mark.parametrize("role_title", [None, "", "   "])
def test_missing_role_title_is_422(client, org, role_title):
    before = org_footprint(org)
    response = submit(client, org, role_title=role_title)
    assert response.status_code == 422
    body = detail(response)
    assert body["error"] == "validation_error"
    assert [e["field"] for e in body["errors"]] == ["role_title"]
    assert org_footprint(org) == before


@pytest.mark.parametrize("duration", ["soon", "-3", "0", "nan", "inf"])
def test_a_bad_duration_is_422(client, org, duration):
    response = submit(client, org, duration_s=duration)
    assert response.status_code == 422
    assert [e["field"] for e in detail(response)["errors"]] == ["duration_s"]


def test_a_too_long_role_title_is_422(client, org):
    response = submit(client, org, role_title="x" * 256)
    assert response.status_code == 422
    assert [e["field"] for e in detail(response)["errors"]] == ["role_title"]


def test_unknown_vertical_is_404(client, org):
    response = client.post(
        f"{API}/visionqa/jobs", headers=org.headers, files={"file": ("a.flac", b"x")}
    )
    assert response.status_code == 404
    assert detail(response)["error"] == "unknown_vertical"


# --- authentication ------------------------------------------------------------------------


def test_missing_key_is_401(client):
    response = submit(client, {})
    assert response.status_code == 401
    assert detail(response)["error"] == "missing_api_key"


def test_invalid_key_is_401(client):
    response = submit(client, bearer("tl_sk_" + "0" * 40))
    assert response.status_code == 401
    assert detail(response)["error"] == "invalid_api_key"


def test_revoked_key_is_401(client, org):
    from backend.services.api_keys import key_for_secret, revoke_api_key

    raw = make_key(org, "interviews")
    with session_scope() as session:
        key = key_for_secret(session, raw=raw)
        revoke_api_key(session, org_id=org.org_id, key_id=key.id)
    assert submit(client, bearer(raw)).status_code == 401
    job = accepted(client, org)
    response = client.get(job["status_url"], headers=bearer(raw))
    assert response.status_code == 401
    assert detail(response)["error"] == "invalid_api_key"


def test_a_key_for_another_product_is_403(client, org):
    raw = make_key(org, "pipeline")
    before = org_footprint(org)
    response = submit(client, bearer(raw))
    assert response.status_code == 403
    assert detail(response)["error"] == "insufficient_scope"
    job = accepted(client, org)
    assert client.get(job["status_url"], headers=bearer(raw)).status_code == 403
    assert client.get(job["events_url"], headers=bearer(raw)).status_code == 403
    assert org_footprint(org)[0] == before[0] + 1  # only the all-scope upload


# --- reading -------------------------------------------------------------------------------


def test_another_organisations_job_is_404(client, org):
    job = accepted(client, org)
    other = make_org()
    for url in (job["status_url"], job["events_url"]):
        response = client.get(url, headers=other.headers)
        assert response.status_code == 404
        assert detail(response)["error"] == "job_not_found"


def test_an_unknown_job_is_404(client, org):
    for url in (f"{API}/jobs/job_{'0' * 20}", f"{API}/jobs/job_{'0' * 20}/events"):
        response = client.get(url, headers=org.headers)
        assert response.status_code == 404
        assert detail(response)["error"] == "job_not_found"


def test_seed_003_job_postings_still_answer_on_jobs_id(client, org):
    posting = create_job(client, org)
    response = client.get(f"{API}/jobs/{posting['id']}", headers=org.headers)
    assert response.status_code == 200
    assert response.json() == posting
    missing = client.get(f"{API}/jobs/not-a-posting", headers=org.headers)
    assert missing.status_code == 404
    assert "detail" not in missing.json()  # seed 003's flat error shape


def test_a_completed_job_shows_its_result(client, org):
    job = accepted(client, org)
    owner = claim(job["job_id"])
    result = {"duration_s": 11.0, "transcript": [], "assessment": {"recommendation": "hold"}}
    with session_scope() as session:
        assert jobs.transition(
            session, job_id=job["job_id"], owner=owner, status="processing_inference"
        )
        assert jobs.complete(session, job_id=job["job_id"], owner=owner, result=result)
    view = client.get(job["status_url"], headers=org.headers).json()
    assert view["status"] == "completed"
    assert view["result"] == result
    assert view["error"] is None
    assert ISO_Z.match(view["started_at"]) and ISO_Z.match(view["finished_at"])


def test_a_failed_job_shows_its_reason(client, org):
    job = accepted(client, org)
    owner = claim(job["job_id"])
    with session_scope() as session:
        assert jobs.fail(
            session,
            job_id=job["job_id"],
            owner=owner,
            code="vram_unavailable",
            message="GPU memory stayed saturated after retries.",
        )
    view = client.get(job["status_url"], headers=org.headers).json()
    assert view["status"] == "failed"
    assert view["detail"] == "vram_unavailable"
    assert view["error"] == {
        "code": "vram_unavailable",
        "message": "GPU memory stayed saturated after retries. "
        "Its 1 credit was refunded: the failure was on our side.",
        "customer_fault": False,
        "refunded": True,
        "credits_refunded": 1,
        "refund_reason": "refunded: the job failed on our side (vram_unavailable)",
    }
    assert view["result"] is None
    assert view["credits_charged"] == 1  # charged at acceptance, not again


# --- worker writes -------------------------------------------------------------------------


def test_writes_need_the_lease_and_stop_at_the_end(client, org):
    job_id = accepted(client, org)["job_id"]
    with session_scope() as session:
        # Nobody holds it yet: a worker that did not claim it writes nothing.
        assert not jobs.transition(session, job_id=job_id, owner="w1", status="loading_weights")
    owner = claim(job_id, "w1")
    with session_scope() as session:
        assert not jobs.transition(session, job_id=job_id, owner="w2", status="loading_weights")
        assert jobs.transition(session, job_id=job_id, owner=owner, status="loading_weights")
        assert jobs.complete(session, job_id=job_id, owner=owner, result={"duration_s": 11.0})
        assert not jobs.transition(
            session, job_id=job_id, owner=owner, status="processing_inference"
        )
        assert not jobs.fail(session, job_id=job_id, owner=owner, code="late", message="late")
        statuses = [e.status for e in jobs.job_events(session, job_id=job_id)]
    assert statuses == ["queued", "loading_weights", "completed"]


def test_finishing_goes_through_complete_or_fail(client, org):
    from backend.services.errors import InvalidInput

    job_id = accepted(client, org)["job_id"]
    owner = claim(job_id)
    with session_scope() as session, pytest.raises(InvalidInput):
        jobs.transition(session, job_id=job_id, owner=owner, status="completed")


def test_the_sweep_fails_only_abandoned_jobs(client, org):
    held = accepted(client, org)["job_id"]
    claim(held)
    orphan = accepted(client, org)["job_id"]
    with session_scope() as session:
        assert not jobs.fail_abandoned(session, job_id=held, code="abandoned", message="x")
        assert jobs.fail_abandoned(
            session, job_id=orphan, code="worker_lost", message="Every worker died on it."
        )
        assert not jobs.fail_abandoned(session, job_id=orphan, code="again", message="x")
    view = client.get(f"{API}/jobs/{orphan}", headers=org.headers).json()
    assert view["error"]["code"] == "worker_lost"
    assert view["error"]["message"].startswith("Every worker died on it.")
    assert view["error"]["refunded"] is True


def test_a_human_decides_on_a_completed_job(client, org):
    from backend.services.errors import Conflict, InvalidInput

    job_id = accepted(client, org)["job_id"]
    with session_scope() as session, pytest.raises(Conflict):
        jobs.set_review(
            session,
            org_id=org.org_id,
            job_id=job_id,
            reviewer_id="u1",
            recommendation="advance",
            note=None,
        )
    owner = claim(job_id)
    result = {"assessment": {"recommendation": "reject", "recommendation_is_proposal": True}}
    with session_scope() as session:
        jobs.complete(session, job_id=job_id, owner=owner, result=result)
        with pytest.raises(InvalidInput) as missing_note:
            jobs.set_review(
                session,
                org_id=org.org_id,
                job_id=job_id,
                reviewer_id="u1",
                recommendation="advance",
                note=" ",
            )
        assert missing_note.value.code == "note_required"
        with pytest.raises(InvalidInput):
            jobs.set_review(
                session,
                org_id=org.org_id,
                job_id=job_id,
                reviewer_id="u1",
                recommendation="maybe",
                note="x",
            )
        jobs.set_review(
            session,
            org_id=org.org_id,
            job_id=job_id,
            reviewer_id="u1",
            recommendation="advance",
            note="Strong system design; the reject was about pace.",
        )
    review = client.get(f"{API}/jobs/{job_id}", headers=org.headers).json()["review"]
    assert review["recommendation"] == "advance"
    assert review["note"] == "Strong system design; the reject was about pace."
    assert review["reviewer_id"] == "u1"
    assert ISO_Z.match(review["reviewed_at"])


def test_a_deleted_input_is_no_longer_retained(client, org):
    job_id = accepted(client, org)["job_id"]
    with session_scope() as session:
        assert jobs.mark_input_deleted(session, job_id=job_id)
        assert not jobs.mark_input_deleted(session, job_id=job_id)
    view = client.get(f"{API}/jobs/{job_id}", headers=org.headers).json()
    assert view["input_retained"] is False


def test_list_jobs_newest_first_with_a_total(client):
    org = make_org()
    ids = [accepted(client, org)["job_id"] for _ in range(3)]
    owner = claim(ids[0])
    with session_scope() as session:
        jobs.fail(session, job_id=ids[0], owner=owner, code="x", message="x")
        page = jobs.list_jobs(session, org_id=org.org_id, limit=2, offset=0)
        assert page.total == 3
        assert [j.id for j in page.rows] == [ids[2], ids[1]]
        rest = jobs.list_jobs(session, org_id=org.org_id, limit=2, offset=2)
        assert [j.id for j in rest.rows] == [ids[0]]
        failed = jobs.list_jobs(session, org_id=org.org_id, limit=10, status="failed")
        assert (failed.total, [j.id for j in failed.rows]) == (1, [ids[0]])


# --- model status --------------------------------------------------------------------------


def test_model_status_is_public_and_says_what_is_loaded(client, org):
    with session_scope() as session:
        session.exec(delete(WorkerModelState))
        session.commit()
    response = client.get(f"{API}/models/status")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"models", "queue_depths", "degraded"}
    assert body["models"] == []
    assert body["degraded"] is True  # no worker has a speech model
    assert set(body["queue_depths"]) == {"queued", "loading_weights", "processing_inference"}

    queued_before = body["queue_depths"]["queued"]
    accepted(client, org)
    with session_scope() as session:
        model_status.report_model_state(
            session,
            worker_id="gpu-1",
            role="asr",
            name="whisper-large-v3-int8",
            device="cuda",
            state="warm",
            footprint_mib=3200,
        )
        model_status.report_model_state(
            session,
            worker_id="gpu-1",
            role="asr",
            name="whisper-large-v3-int8",
            device="cuda",
            state="warm",
            footprint_mib=3300,
        )
        model_status.report_model_state(
            session,
            worker_id="old-worker",
            role="diarization",
            name="resemblyzer",
            device="cpu",
            state="warm",
        )
        session.exec(
            update(WorkerModelState)
            .where(col(WorkerModelState.worker_id) == "old-worker")
            .values(updated_at=utcnow() - timedelta(minutes=11))
        )
        session.commit()
    with session_scope() as session:
        # A long suite may have left other tests' jobs queued for over 5 minutes; they would
        # rightly degrade the service, so they are swept here as the workers' sweep would.
        for job_id in session.exec(
            select(InterviewJob.id).where(
                col(InterviewJob.status) == "queued",
                col(InterviewJob.created_at) < utcnow() - timedelta(minutes=4),
            )
        ).all():
            jobs.fail_abandoned(session, job_id=job_id, code="test_sweep", message="swept")
    body = client.get(f"{API}/models/status").json()
    assert [(m["worker_id"], m["role"], m["state"]) for m in body["models"]] == [
        ("gpu-1", "asr", "warm")
    ]
    model = body["models"][0]
    assert model["name"] == "whisper-large-v3-int8" and model["device"] == "cuda"
    assert model["footprint_mib"] == 3300  # the second report updated the same row
    assert ISO_Z.match(model["updated_at"])
    assert body["queue_depths"]["queued"] == queued_before + 1
    assert body["degraded"] is False


def test_a_job_waiting_over_five_minutes_degrades_the_service(client, org):
    job_id = accepted(client, org)["job_id"]
    with session_scope() as session:
        model_status.report_model_state(
            session, worker_id="gpu-2", role="asr", name="tiny.en", device="cpu", state="cold"
        )
        session.exec(
            update(InterviewJob)
            .where(col(InterviewJob.id) == job_id)
            .values(created_at=utcnow() - timedelta(minutes=6))
        )
        session.commit()
    try:
        assert client.get(f"{API}/models/status").json()["degraded"] is True
    finally:
        owner = claim(job_id)
        with session_scope() as session:
            jobs.fail(session, job_id=job_id, owner=owner, code="test", message="cleanup")


def test_balance_helper_reads_unlimited_as_none(org):
    assert balance(org) is None
    set_balance(org, 3)
    assert balance(org) == 3
