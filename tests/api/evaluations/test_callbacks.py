"""Result callbacks: a real local HTTP server receives the signed evaluation view, a 500 is
retried later, private addresses are refused unless allowed."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import timedelta

import pytest

from backend.db import session_scope
from backend.models import Evaluation
from backend.models.base import utcnow
from backend.services.evaluations import callbacks
from backend.settings import get_settings
from tests.api.evaluations.helpers import API, fail_evaluation, finish_automated, submit
from tests.helpers import make_org
from tests.webhook_receiver import Receiver


def _expected_secret(org_id: str) -> bytes:
    # Written out from the documented derivation, independently of the adapter.
    return hmac.new(
        b"test-secret-key", b"truelevel evaluation callbacks v1:" + org_id.encode(), hashlib.sha256
    ).digest()


def _signature_ok(org_id: str, request: dict) -> bool:
    h = request["headers"]
    signed = f"{h['webhook-id']}.{h['webhook-timestamp']}.".encode() + request["body"]
    digest = hmac.new(_expected_secret(org_id), signed, hashlib.sha256).digest()
    return h["webhook-signature"] == "v1," + base64.b64encode(digest).decode()


def _row(evaluation_id: str) -> Evaluation:
    with session_scope() as db:
        row = db.get(Evaluation, evaluation_id)
        db.expunge(row)
        return row


def _deliver(now=None) -> int:
    with session_scope() as db:
        return callbacks.deliver_due(db, now=now)


def _finalise(client, org, evaluation_id: str) -> None:
    path = f"{API}/evaluations/{evaluation_id}"
    assert client.post(f"{path}/claim", headers=org.headers).status_code == 200
    response = client.post(f"{path}/finalise", json={"recommendation": "hold"}, headers=org.headers)
    assert response.status_code == 200


def test_the_secret_is_shown_in_standard_webhooks_form(client):
    org = make_org()
    response = client.get(f"{API}/evaluations/callback-secret", headers=org.headers)
    assert response.status_code == 200
    secret = response.json()["secret"]
    assert secret == "whsec_" + base64.b64encode(_expected_secret(org.org_id)).decode()
    other = client.get(f"{API}/evaluations/callback-secret", headers=make_org().headers)
    assert other.json()["secret"] != secret


def test_finalised_evaluation_is_delivered_signed_after_a_retry(client, local_urls_allowed):
    org = make_org()
    with Receiver() as receiver:
        evaluation_id = submit(client, org, callback_url=receiver.url)["id"]
        assert _row(evaluation_id).callback_state == "none"  # nothing to say yet
        finish_automated(evaluation_id)
        _finalise(client, org, evaluation_id)
        assert _row(evaluation_id).callback_state == "pending"

        receiver.answers = [500]
        _deliver()
        row = _row(evaluation_id)
        assert len(receiver.requests) == 1
        assert row.callback_state == "pending"
        assert row.callback_attempts == 1
        assert row.callback_last_error.startswith("HTTP 500")
        # Backoff: the retry is due about a minute later, not now.
        assert row.callback_next_at > utcnow()
        _deliver()
        assert len(receiver.requests) == 1

        _deliver(now=utcnow() + timedelta(minutes=5))
        assert len(receiver.requests) == 2
        row = _row(evaluation_id)
        assert row.callback_state == "delivered"
        assert row.callback_attempts == 2
        assert row.callback_last_error is None and row.callback_next_at is None

    first, second = receiver.requests
    for request in receiver.requests:
        assert request["headers"]["content-type"] == "application/json"
        assert _signature_ok(org.org_id, request)
    # A retry is the same message: same id and body.
    assert first["headers"]["webhook-id"] == second["headers"]["webhook-id"]
    assert first["headers"]["webhook-id"] == f"{evaluation_id}.finalised"
    assert first["body"] == second["body"]
    body = json.loads(second["body"])
    view = client.get(f"{API}/evaluations/{evaluation_id}", headers=org.headers).json()
    assert body == view
    assert body["status"] == "completed" and body["result"]["recommendation"] == "hold"
    # A tampered body no longer matches its signature.
    tampered = {**second, "body": second["body"].replace(b'"hold"', b'"proceed"')}
    assert not _signature_ok(org.org_id, tampered)


def test_failed_evaluation_is_called_back(client, local_urls_allowed):
    org = make_org()
    with Receiver() as receiver:
        evaluation_id = submit(client, org, callback_url=receiver.url)["id"]
        fail_evaluation(evaluation_id, code="repository_inaccessible", reason="not found")
        _deliver()
    assert len(receiver.requests) == 1
    body = json.loads(receiver.requests[0]["body"])
    assert body["status"] == "failed"
    assert body["failure"]["code"] == "repository_inaccessible"
    assert receiver.requests[0]["headers"]["webhook-id"] == f"{evaluation_id}.failed"


def test_loopback_callback_is_refused_at_delivery_without_the_setting(client):
    # Accepted while the installation allowed local URLs, the setting then turned off (or the
    # name re-pointed at a private address): delivery applies the rule again.
    org = make_org()
    with Receiver() as receiver:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("TRUELEVEL_EVALUATION_ALLOW_LOCAL_URLS", "true")
            get_settings.cache_clear()
            evaluation_id = submit(client, org, callback_url=receiver.url)["id"]
        get_settings.cache_clear()
        finish_automated(evaluation_id)
        _finalise(client, org, evaluation_id)
        _deliver()
    assert receiver.requests == []
    row = _row(evaluation_id)
    assert row.callback_state == "failed"
    assert "non-public address 127.0.0.1" in row.callback_last_error


def test_retries_stop_after_about_three_days(client, local_urls_allowed):
    org = make_org()
    with Receiver() as receiver:
        evaluation_id = submit(client, org, callback_url=receiver.url)["id"]
        fail_evaluation(evaluation_id, code="zip_refused", reason="archive bomb")
        receiver.answers = [503] * callbacks.MAX_ATTEMPTS
        clock = utcnow()
        for _ in range(callbacks.MAX_ATTEMPTS + 2):
            _deliver(now=clock)
            row = _row(evaluation_id)
            if row.callback_next_at is None:
                break
            clock = row.callback_next_at
    assert len(receiver.requests) == callbacks.MAX_ATTEMPTS
    row = _row(evaluation_id)
    assert row.callback_state == "failed"
    assert row.callback_attempts == callbacks.MAX_ATTEMPTS
    span = clock - utcnow()
    assert timedelta(days=2) < span < timedelta(days=4)
