"""The steps around a tenant's webhook endpoint in tests (the endpoint itself is
``tests.webhook_receiver``, a real local HTTP server): subscribe a webhook, run the sender as
the ops worker does, read the delivery log."""

from __future__ import annotations

import base64
import secrets

from tests.api.pipeline.builders import API
from workers import tasks


def new_secret(size: int = 24) -> str:
    """A Standard Webhooks secret of ``size`` random bytes (186: the longest the API takes)."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(size)).decode()


def subscribe(client, org, url: str, **overrides) -> dict:
    body = {
        "tenant_id": "tenant-1",
        "triggered_event": "application_activty",
        "type": "post_call_screening",
        "fields": ["id", "application_stage", "job_id"],
        "url": url,
        "http_method": "POST",
        "content_type": "application/json",
        "secret": new_secret(),
        **overrides,
    }
    response = client.post(f"{API}/tenant-webhook", json=body, headers=org.headers)
    assert response.status_code == 201, response.text
    return {**response.json(), "secret": body["secret"]}


def send_now() -> int:
    """What the ops worker runs when woken (and the minute sweep runs)."""
    return tasks.deliver_tenant_webhooks.call_local()


def deliveries(client, org, webhook_id: str) -> list[dict]:
    response = client.get(f"{API}/tenant-webhook/{webhook_id}/deliveries", headers=org.headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]
