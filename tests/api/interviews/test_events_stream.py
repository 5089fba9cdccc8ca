"""The job's state stream (SSE) over real HTTP: a late subscriber gets the whole history in
order and the stream ends after the terminal state; a live subscriber sees states as a worker
records them; Last-Event-ID resumes; the errors are the JSON ones."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from backend.db import session_scope
from backend.services.interviews import jobs
from tests.api.interviews.helpers import accepted, claim, submit
from tests.api.interviews.recordings import requires_recordings
from tests.helpers import make_org

pytestmark = requires_recordings

# Generous: a hung stream fails the test instead of hanging the suite.
TIMEOUT = httpx.Timeout(30.0)


def sse_events(response: httpx.Response) -> Iterator[dict[str, Any]]:
    """Parse a text/event-stream body into {event, id, data} dicts (comments skipped)."""
    event: dict[str, Any] = {}
    for line in response.iter_lines():
        if not line:
            if "data" in event:
                event["data"] = json.loads(event["data"])
                yield event
            event = {}
            continue
        if line.startswith(":"):
            continue  # keep-alive ping
        name, _, value = line.partition(":")
        event[name] = value[1:] if value.startswith(" ") else value


def read_all(server: str, org, job: dict[str, Any], **headers: str) -> list[dict[str, Any]]:
    with httpx.Client(base_url=server, timeout=TIMEOUT) as http:
        with http.stream("GET", job["events_url"], headers={**org.headers, **headers}) as resp:
            assert resp.status_code == 200
            assert resp.headers["content-type"].startswith("text/event-stream")
            return list(sse_events(resp))  # returns only because the server closes the stream


def run_to_completion(job_id: str) -> None:
    owner = claim(job_id)
    with session_scope() as session:
        assert jobs.transition(
            session,
            job_id=job_id,
            owner=owner,
            status="loading_weights",
            detail="Loading whisper tiny.en on cpu",
        )
        assert jobs.transition(
            session,
            job_id=job_id,
            owner=owner,
            status="processing_inference",
            detail="Transcribing",
        )
        assert jobs.complete(session, job_id=job_id, owner=owner, result={"duration_s": 11.0})


@pytest.fixture()
def http(live_server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server, timeout=TIMEOUT) as client:
        yield client


def test_a_late_subscriber_gets_the_full_history_and_the_stream_ends(live_server, http, org):
    job = submit(http, org).json()
    run_to_completion(job["job_id"])
    events = read_all(live_server, org, job)
    assert [e["event"] for e in events] == ["status"] * 4
    assert [e["data"]["status"] for e in events] == [
        "queued",
        "loading_weights",
        "processing_inference",
        "completed",
    ]
    assert [e["data"]["terminal"] for e in events] == [False, False, False, True]
    assert events[1]["data"]["detail"] == "Loading whisper tiny.en on cpu"
    ids = [int(e["id"]) for e in events]
    assert ids == sorted(ids) and len(set(ids)) == 4
    assert all(e["data"]["at"].endswith("Z") for e in events)


def test_a_live_subscriber_sees_each_state_as_it_is_recorded(live_server, http, org):
    job = submit(http, org).json()
    seen: list[str] = []
    with http.stream("GET", job["events_url"], headers=org.headers) as resp:
        assert resp.status_code == 200
        stream = sse_events(resp)
        seen.append(next(stream)["data"]["status"])  # the history so far: queued
        owner = claim(job["job_id"])
        with session_scope() as session:
            jobs.transition(session, job_id=job["job_id"], owner=owner, status="loading_weights")
        seen.append(next(stream)["data"]["status"])
        with session_scope() as session:
            jobs.transition(
                session, job_id=job["job_id"], owner=owner, status="processing_inference"
            )
            jobs.fail(
                session,
                job_id=job["job_id"],
                owner=owner,
                code="undecodable_audio",
                message="The audio could not be decoded after 4:12.",
            )
        rest = list(stream)  # ends: the server closed after the terminal state
    seen += [e["data"]["status"] for e in rest]
    assert seen == ["queued", "loading_weights", "processing_inference", "failed"]
    assert rest[-1]["data"] == {
        "status": "failed",
        "detail": "undecodable_audio",
        "terminal": True,
        "at": rest[-1]["data"]["at"],
    }


def test_last_event_id_resumes_after_what_the_client_saw(live_server, http, org):
    job = submit(http, org).json()
    run_to_completion(job["job_id"])
    history = read_all(live_server, org, job)
    resumed = read_all(live_server, org, job, **{"Last-Event-ID": history[1]["id"]})
    assert [e["data"]["status"] for e in resumed] == ["processing_inference", "completed"]
    # A client that already saw the end gets the final state once more, and the stream ends.
    again = read_all(live_server, org, job, **{"Last-Event-ID": history[-1]["id"]})
    assert [(e["data"]["status"], e["data"]["terminal"]) for e in again] == [("completed", True)]


def test_a_subscriber_that_leaves_early_does_not_disturb_the_next(live_server, http, org):
    job = submit(http, org).json()
    with http.stream("GET", job["events_url"], headers=org.headers) as resp:
        assert next(sse_events(resp))["data"]["status"] == "queued"
    run_to_completion(job["job_id"])
    assert [e["data"]["status"] for e in read_all(live_server, org, job)][-1] == "completed"


def test_stream_errors_are_json(http, org, client):
    job = accepted(client, org)
    missing = http.get(job["events_url"])
    assert missing.status_code == 401
    assert missing.json()["detail"]["error"] == "missing_api_key"
    foreign = http.get(job["events_url"], headers=make_org().headers)
    assert foreign.status_code == 404
    assert foreign.json()["detail"]["error"] == "job_not_found"
