"""Call activity reaches the tenant webhooks subscribed to ``call_activity``: when the
candidate sends the interview (real spoken answers), and when the worker finishes its job
(assessed or failed), each webhook gets one signed request with exactly its selected fields
of the call."""

from __future__ import annotations

import json

import pytest
from standardwebhooks.webhooks import Webhook

from backend.db import session_scope
from backend.models import InterviewCall, InterviewJob
from backend.models.base import utcnow
from backend.models.interviews import CallStatus
from backend.services.interviews import credits, jobs
from tests.api.interviews_calls.conftest import start_call, token_of
from tests.api.pipeline.builders import API
from tests.api.pipeline.tenant_webhook_steps import deliveries, send_now, subscribe
from tests.webhook_receiver import Receiver

pytestmark = pytest.mark.usefixtures("local_urls_allowed")

FIELDS = ["id", "status", "application_id", "recommendation"]
RESULT = {
    "duration_s": 12.5,
    "transcript": [],
    "assessment": {"summary": "Clear answers.", "recommendation": "advance"},
}


def _running(call_id: str, *, owner: str) -> str:
    """Stand in for the worker that claimed the call's job: it is running under ``owner``'s
    lease (the real terminal transitions below are what the worker calls)."""
    with session_scope() as session:
        call = session.get(InterviewCall, call_id)
        job = InterviewJob(
            org_id=call.org_id,
            source="call",
            role_title="LLM Engineer",
            call_id=call.id,
            status="processing_inference",
            lease_owner=owner,
            lease_expires_at=utcnow().replace(year=utcnow().year + 1),
        )
        session.add(job)
        session.flush()
        call.interview_job_id = job.id
        call.status = CallStatus.processing.value
        session.add(call)
        session.commit()
        return job.id


def test_an_assessed_and_a_failed_call_are_each_sent_once(client, org):
    with Receiver() as receiver:
        webhook = subscribe(
            client, org, receiver.url, triggered_event="call_activity", fields=FIELDS
        )
        _, assessed = start_call(client, org)
        _, failed = start_call(client, org)
        assessed_job = _running(assessed["id"], owner="worker-1")
        failed_job = _running(failed["id"], owner="worker-1")
        with session_scope() as session:
            assert jobs.complete(session, job_id=assessed_job, owner="worker-1", result=RESULT)
            assert jobs.fail(
                session,
                job_id=failed_job,
                owner="worker-1",
                code="audio_unreadable",
                message="The recording is silent.",
            )
            # A worker that lost the race finishes nothing, and nothing more is sent.
            assert not jobs.complete(session, job_id=assessed_job, owner="worker-2", result={})
        assert send_now() == 2
        assert send_now() == 0

    bodies = {json.loads(r["body"])["id"]: json.loads(r["body"]) for r in receiver.requests}
    assert len(receiver.requests) == 2
    assert bodies[assessed["id"]] == {
        "id": assessed["id"],
        "status": "completed",
        "application_id": assessed["application_id"],
        "recommendation": "advance",
    }
    assert bodies[failed["id"]] == {
        "id": failed["id"],
        "status": "failed",
        "application_id": failed["application_id"],
        "recommendation": None,
    }
    for request in receiver.requests:
        Webhook(webhook["secret"]).verify(request["body"], request["headers"])
    actions = sorted(d["action"] for d in deliveries(client, org, webhook["id"]))
    assert actions == ["call.completed", "call.failed"]


def test_sending_the_interview_is_call_activity(client, org, spoken):
    with session_scope() as session:
        credits.set_balance(session, org_id=org.org_id, credits=10)
    with Receiver() as receiver:
        webhook = subscribe(
            client, org, receiver.url, triggered_event="call_activity", fields=["id", "status"]
        )
        _, call = start_call(client, org)
        token = token_of(call)
        for index, name in enumerate(("first", "second")):
            response = client.put(
                f"{API}/interview-sessions/{token}/answers/{index}",
                content=spoken[name],
                headers={"Content-Type": "audio/wav"},
            )
            assert response.status_code == 200, response.text
        for _ in range(2):  # a second click sends nothing more
            finished = client.post(f"{API}/interview-sessions/{token}/finish")
            assert finished.status_code == 200, finished.text
        assert send_now() == 1

    [request] = receiver.requests
    assert json.loads(request["body"]) == {"id": call["id"], "status": "processing"}
    Webhook(webhook["secret"]).verify(request["body"], request["headers"])
    [delivery] = deliveries(client, org, webhook["id"])
    assert delivery["action"] == "call.processing"
