"""Tenant webhook test events: ``POST /tenant-webhook/{id}/test-event`` queues one delivery in
the same outbox as real events, so a real local receiver gets it signed with the webhook's
secret (checked with the independent ``standardwebhooks`` package), it is retried and replayed
like any other, and it is in the delivery log. Its body is the webhook's selected fields of a
sample object shaped as the event's real one, plus ``"test": true``."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import pytest
from standardwebhooks.webhooks import Webhook

from backend.services.interviews.calls import CallDetail
from backend.services.pipeline.webhook_samples import SUMMARY, sample_call
from tests.api.pipeline.builders import API
from tests.api.pipeline.tenant_webhook_steps import deliveries, send_now, subscribe
from tests.helpers import make_org
from tests.webhook_receiver import Receiver

pytestmark = pytest.mark.usefixtures("local_urls_allowed")


def send_test_event(client, org, webhook_id: str):
    return client.post(f"{API}/tenant-webhook/{webhook_id}/test-event", headers=org.headers)


def test_a_test_event_is_sent_signed_with_the_selected_fields_of_a_sample(client):
    org = make_org()
    with Receiver() as receiver:
        webhook = subscribe(
            client, org, receiver.url, fields=["id", "application_stage", "job_id", "nope"]
        )
        response = send_test_event(client, org, webhook["id"])
        assert response.status_code == 202, response.text
        queued = response.json()
        assert queued["action"] == "test"
        assert queued["event"] == "application_activty"
        assert queued["object_id"] == "test-application"
        assert (queued["state"], queued["attempts"]) == ("pending", 0)
        assert send_now() == 1
        assert send_now() == 0

    [request] = receiver.requests
    assert request["method"] == "POST"
    assert json.loads(request["body"]) == {
        "id": "test-application",
        "application_stage": "ACTIVE",
        "job_id": "test-job",
        "test": True,
    }
    assert request["headers"]["webhook-id"] == queued["id"]
    Webhook(webhook["secret"]).verify(request["body"], request["headers"])

    [logged] = deliveries(client, org, webhook["id"])
    assert logged["id"] == queued["id"]
    assert (logged["action"], logged["state"], logged["attempts"]) == ("test", "delivered", 1)
    assert (logged["last_status_code"], logged["last_answer"]) == (200, "thanks")
    assert logged["last_error"] is None and logged["delivered_at"]


def test_a_call_activity_test_event_is_a_sample_completed_call_even_while_inactive(client):
    org = make_org()
    with Receiver() as receiver:
        webhook = subscribe(
            client,
            org,
            receiver.url,
            triggered_event="call_activity",
            http_method="PATCH",
            content_type="application/x-www-form-urlencoded",
            fields=["id", "status", "summary", "recommendation", "answered"],
            is_active=False,
        )
        assert send_test_event(client, org, webhook["id"]).status_code == 202
        assert send_now() == 1
    [request] = receiver.requests
    assert request["method"] == "PATCH"
    assert parse_qs(request["body"].decode()) == {
        "id": ["test-call"],
        "status": ["completed"],
        "summary": [SUMMARY],
        "recommendation": ["advance"],
        "answered": ["[true,true]"],
        "test": ["true"],
    }
    Webhook(webhook["secret"]).verify(request["body"], request["headers"], json_parse=False)


def test_the_call_sample_has_the_shape_of_a_real_call(db):
    sample = sample_call(db)
    assert CallDetail.model_validate(sample).model_dump() == sample


def test_a_failing_receiver_retries_the_test_event_and_it_can_be_replayed(client):
    org = make_org()
    with Receiver() as receiver:
        webhook = subscribe(client, org, receiver.url)
        receiver.answers = [503]
        queued = send_test_event(client, org, webhook["id"]).json()
        assert send_now() == 0
        [logged] = deliveries(client, org, webhook["id"])
        assert (logged["state"], logged["attempts"]) == ("pending", 1)
        assert (logged["last_status_code"], logged["last_error"]) == (503, "HTTP 503")
        assert logged["next_at"] is not None  # retried after its backoff

        replayed = client.post(
            f"{API}/tenant-webhook/{webhook['id']}/deliveries/{queued['id']}/replay",
            headers=org.headers,
        )
        assert replayed.status_code == 200, replayed.text
        assert send_now() == 1
    assert [r["headers"]["webhook-id"] for r in receiver.requests] == [queued["id"]] * 2
    assert len({r["body"] for r in receiver.requests}) == 1
    [logged] = deliveries(client, org, webhook["id"])
    assert (logged["state"], logged["last_status_code"]) == ("delivered", 200)


def test_unsubscribed_unknown_and_foreign_webhooks_get_no_test_event(client):
    org, other = make_org(), make_org()
    with Receiver() as receiver:
        webhook = subscribe(client, org, receiver.url)
        client.post(f"{API}/tenant-webhook/unsubscribe/{webhook['id']}", headers=org.headers)
        response = send_test_event(client, org, webhook["id"])
        assert response.status_code == 409
        assert response.json()["error"] == "webhook_unsubscribed"
        assert "subscribe it first" in response.json()["message"]
        for asker, webhook_id in ((org, "missing"), (other, webhook["id"])):
            response = send_test_event(client, asker, webhook_id)
            assert response.status_code == 404
            assert response.json()["error"] == "webhook_not_found"
        send_now()
    assert receiver.requests == []
    assert deliveries(client, org, webhook["id"]) == []
