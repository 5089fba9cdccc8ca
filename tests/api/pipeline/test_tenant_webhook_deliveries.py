"""Tenant webhooks sent for real: application activity reaches a real local HTTP receiver once
per event, with exactly the selected fields, in the webhook's method and content type, signed
with its own secret (checked with the independent ``standardwebhooks`` package); a failing
receiver is retried and the log shows it; a replay sends the same message again; two senders
racing for the same deliveries send each once."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from urllib.parse import parse_qs

import pytest
from cryptography.fernet import Fernet
from sqlmodel import select
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from backend.db import session_scope
from backend.models import TenantWebhook, TenantWebhookDelivery
from backend.models.base import utcnow
from backend.services.pipeline import webhook_deliveries
from tests.api.pipeline.builders import API, create_application
from tests.api.pipeline.tenant_webhook_steps import (
    deliveries,
    new_secret,
    send_now,
    subscribe,
)
from tests.helpers import make_org
from tests.webhook_receiver import Receiver

pytestmark = pytest.mark.usefixtures("local_urls_allowed")


def test_application_activity_is_sent_once_signed_with_only_the_selected_fields(client):
    org = make_org()
    with Receiver() as receiver:
        webhook = subscribe(client, org, receiver.url, http_method="PUT")
        application = create_application(client, org)
        assert send_now() == 1
        assert send_now() == 0  # nothing is sent twice

        response = client.patch(
            f"{API}/applications/{application['id']}",
            json={"application_stage": "INTERVIEW"},
            headers=org.headers,
        )
        assert response.status_code == 200, response.text
        # The same stage again, or another field, is no stage change: nothing to send.
        client.patch(
            f"{API}/applications/{application['id']}",
            json={"application_stage": "INTERVIEW", "source_application_status": "Screened"},
            headers=org.headers,
        )
        assert send_now() == 1

    assert [r["method"] for r in receiver.requests] == ["PUT", "PUT"]
    bodies = [json.loads(r["body"]) for r in receiver.requests]
    assert bodies == [
        {"id": application["id"], "application_stage": "ACTIVE", "job_id": application["job_id"]},
        {
            "id": application["id"],
            "application_stage": "INTERVIEW",
            "job_id": application["job_id"],
        },
    ]
    verifier = Webhook(webhook["secret"])
    for request in receiver.requests:
        assert request["headers"]["content-type"] == "application/json"
        verifier.verify(request["body"], request["headers"])  # raises when the signature is wrong
    with pytest.raises(WebhookVerificationError):  # another secret does not verify
        Webhook(new_secret()).verify(receiver.requests[0]["body"], receiver.requests[0]["headers"])
    ids = [r["headers"]["webhook-id"] for r in receiver.requests]
    assert len(set(ids)) == 2

    log = deliveries(client, org, webhook["id"])
    assert {d["id"] for d in log} == set(ids)
    assert [d["action"] for d in log] == ["application.stage_changed", "application.created"]
    for delivery in log:
        assert delivery["state"] == "delivered"
        assert delivery["attempts"] == 1
        assert delivery["last_status_code"] == 200
        assert delivery["last_answer"] == "thanks"
        assert delivery["last_error"] is None


def test_form_webhooks_get_the_fields_url_encoded(client):
    org = make_org()
    with Receiver() as receiver:
        webhook = subscribe(
            client,
            org,
            receiver.url,
            http_method="PATCH",
            content_type="application/x-www-form-urlencoded",
            fields=["id", "resume", "not_a_field"],
            secret=new_secret(186),  # 254 characters: its sealed form is longer still
        )
        application = create_application(client, org)
        send_now()
    [request] = receiver.requests
    assert request["method"] == "PATCH"
    assert request["headers"]["content-type"] == "application/x-www-form-urlencoded"
    form = parse_qs(request["body"].decode(), keep_blank_values=True)
    assert form == {"id": [application["id"]], "resume": [""]}
    Webhook(webhook["secret"]).verify(request["body"], request["headers"], json_parse=False)


def test_only_live_subscribed_webhooks_of_the_organisation_receive(client):
    org, other = make_org(), make_org()
    with Receiver() as receiver:
        inactive = subscribe(client, org, receiver.url, is_active=False)
        gone = subscribe(client, org, receiver.url, tenant_id="tenant-2")
        client.post(f"{API}/tenant-webhook/unsubscribe/{gone['id']}", headers=org.headers)
        subscribe(client, org, receiver.url, tenant_id="tenant-3", triggered_event="call_activity")
        subscribe(client, other, receiver.url)
        create_application(client, org)
        send_now()
    assert receiver.requests == []
    assert deliveries(client, org, inactive["id"]) == []
    missing = client.get(f"{API}/tenant-webhook/{inactive['id']}/deliveries", headers=other.headers)
    assert missing.status_code == 404


def test_a_failing_receiver_is_retried_then_replayed(client):
    org = make_org()
    with Receiver() as receiver:
        webhook = subscribe(client, org, receiver.url)
        create_application(client, org)
        receiver.answers = [500]
        assert send_now() == 0
        [delivery] = deliveries(client, org, webhook["id"])
        assert delivery["state"] == "pending"
        assert delivery["attempts"] == 1
        assert delivery["last_status_code"] == 500
        assert delivery["last_answer"] == "temporarily broken"
        assert delivery["last_error"] == "HTTP 500"
        assert send_now() == 0  # not due again before its backoff

        with session_scope() as db:
            assert webhook_deliveries.deliver_due(db, now=utcnow() + timedelta(minutes=2)) == 1
        [delivery] = deliveries(client, org, webhook["id"])
        assert (delivery["state"], delivery["attempts"]) == ("delivered", 2)
        assert delivery["last_status_code"] == 200 and delivery["last_error"] is None

        replayed = client.post(
            f"{API}/tenant-webhook/{webhook['id']}/deliveries/{delivery['id']}/replay",
            headers=org.headers,
        )
        assert replayed.status_code == 200, replayed.text
        assert replayed.json()["state"] == "pending"
        assert send_now() == 1

    assert len(receiver.requests) == 3
    assert {r["headers"]["webhook-id"] for r in receiver.requests} == {delivery["id"]}
    assert len({r["body"] for r in receiver.requests}) == 1
    missing = client.post(
        f"{API}/tenant-webhook/{webhook['id']}/deliveries/nope/replay", headers=org.headers
    )
    assert missing.status_code == 404


def test_two_concurrent_senders_send_each_delivery_once(client):
    org = make_org()
    with Receiver(delay_s=0.05) as receiver:
        subscribe(client, org, receiver.url)
        created = {create_application(client, org)["id"] for _ in range(4)}
        with session_scope() as db:
            due = db.exec(
                select(TenantWebhookDelivery.id, TenantWebhookDelivery.next_at).where(
                    TenantWebhookDelivery.org_id == org.org_id
                )
            ).all()
        assert len(due) == 4
        barrier = threading.Barrier(2)
        sent: list[int] = []

        def sender() -> None:
            # Both read the same due times, then race to claim each one.
            barrier.wait()
            with session_scope() as db:
                sent.append(
                    sum(
                        webhook_deliveries.deliver_one(db, delivery_id=row_id, due_at=due_at)
                        for row_id, due_at in due
                    )
                )

        threads = [threading.Thread(target=sender) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    mine = [json.loads(r["body"])["id"] for r in receiver.requests]
    assert sorted(mine) == sorted(created)  # each application's event arrived exactly once
    assert sum(sent) == len(receiver.requests)


def test_a_secret_sealed_under_another_installation_secret_fails_the_delivery_plainly(client):
    org = make_org()
    with Receiver() as receiver:
        webhook = subscribe(client, org, receiver.url)
        with session_scope() as db:
            row = db.get(TenantWebhook, webhook["id"])
            row.secret = "sealed:v1:" + Fernet(Fernet.generate_key()).encrypt(b"x").decode()
            db.add(row)
            db.commit()
        create_application(client, org)
        assert send_now() == 0
    assert receiver.requests == []  # never sent unsigned or wrongly signed
    [delivery] = deliveries(client, org, webhook["id"])
    assert delivery["state"] == "failed"
    assert delivery["last_error"] == "the webhook's secret is unreadable: set it again"


def test_a_replay_while_the_first_send_is_in_flight_still_goes_out(client):
    org = make_org()
    with Receiver(delay_s=0.5) as receiver:
        webhook = subscribe(client, org, receiver.url)
        create_application(client, org)
        first = threading.Thread(target=send_now)
        first.start()
        deadline = time.monotonic() + 10
        while not receiver.requests and time.monotonic() < deadline:
            time.sleep(0.01)
        [delivery] = deliveries(client, org, webhook["id"])
        assert delivery["attempts"] == 1  # counted when claimed
        replayed = client.post(
            f"{API}/tenant-webhook/{webhook['id']}/deliveries/{delivery['id']}/replay",
            headers=org.headers,
        )
        assert replayed.status_code == 200, replayed.text
        first.join()
        # The first send's outcome did not swallow the replay: it is still waiting.
        [delivery] = deliveries(client, org, webhook["id"])
        assert (delivery["state"], delivery["attempts"]) == ("pending", 0)
        assert send_now() == 1
    assert len(receiver.requests) == 2
    assert {r["headers"]["webhook-id"] for r in receiver.requests} == {delivery["id"]}
    [delivery] = deliveries(client, org, webhook["id"])
    assert (delivery["state"], delivery["attempts"]) == ("delivered", 1)


def test_a_rotated_secret_signs_beside_the_new_one_until_the_overlap_ends(client):
    org = make_org()
    with Receiver() as receiver:
        webhook = subscribe(client, org, receiver.url)
        old, new = webhook["secret"], new_secret()
        keys = ("tenant_id", "triggered_event", "type", "fields", "url")
        body = {key: webhook[key] for key in (*keys, "http_method", "content_type")}
        rotated = client.post(
            f"{API}/tenant-webhook", json={**body, "secret": new}, headers=org.headers
        )
        assert rotated.status_code == 200, rotated.text
        create_application(client, org)
        assert send_now() == 1
        first = receiver.requests[-1]
        # Both secrets verify the same message: the receiver may switch whenever it likes.
        Webhook(old).verify(first["body"], first["headers"])
        Webhook(new).verify(first["body"], first["headers"])
        assert len(first["headers"]["webhook-signature"].split(" ")) == 2

        with session_scope() as db:  # the overlap (24 h) is over
            row = db.get(TenantWebhook, webhook["id"])
            row.previous_secret_until = utcnow() - timedelta(seconds=1)
            db.add(row)
            db.commit()
        create_application(client, org)
        assert send_now() == 1
        second = receiver.requests[-1]
        Webhook(new).verify(second["body"], second["headers"])
        with pytest.raises(WebhookVerificationError):
            Webhook(old).verify(second["body"], second["headers"])

        # The same secret sent again rotates nothing.
        again = client.post(
            f"{API}/tenant-webhook", json={**body, "secret": new}, headers=org.headers
        )
        assert again.status_code == 200
        with session_scope() as db:
            assert db.get(TenantWebhook, webhook["id"]).previous_secret_until < utcnow()
