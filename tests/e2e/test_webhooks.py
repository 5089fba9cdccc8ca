"""Webhooks page: an admin adds a tenant webhook through the REST API, sends it a test event
from the page, and watches a real Huey worker deliver it to a real local receiver (signed,
checked with ``standardwebhooks``); a replay sends the same message again."""

from __future__ import annotations

import json
import time

import httpx
from playwright.sync_api import Page, expect
from standardwebhooks.webhooks import Webhook

from tests.api.pipeline.tenant_webhook_steps import new_secret
from tests.e2e.flows import create_api_key, sign_up, viewer_without_admin_link
from tests.e2e.server import RunningApp
from tests.webhook_receiver import Receiver

# The worker starts beside the app (its first task may wait for it), then sends in seconds.
DELIVERED_TIMEOUT_MS = 120_000


def _add_webhook(app: RunningApp, api_key: str, url: str, secret: str) -> dict:
    response = httpx.post(
        f"{app.base_url}/api/v1/tenant-webhook",
        headers={"Authorization": f"Bearer {api_key}"},
        json={
            "tenant_id": "acme",
            "triggered_event": "application_activity",
            "type": "post_call_screening",
            "fields": ["id", "application_stage", "job_id"],
            "url": url,
            "http_method": "POST",
            "content_type": "application/json",
            "secret": secret,
        },
        timeout=30,
    )
    assert response.status_code == 201, response.text
    return response.json()


def _wait_for_requests(receiver: Receiver, count: int, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while len(receiver.requests) < count and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(receiver.requests) == count


def test_admin_sends_a_test_event_sees_it_delivered_and_replays_it(
    page: Page, app: RunningApp, worker
):
    sign_up(page)
    api_key = create_api_key(page, name="ATS webhooks", scope="pipeline")
    secret = new_secret()
    with Receiver() as receiver:
        webhook = _add_webhook(app, api_key, receiver.url, secret)

        page.get_by_label("Main").get_by_role("link", name="Webhooks", exact=True).click()
        card = page.locator(".webhook-card", has_text=receiver.url)
        expect(card).to_be_visible()
        expect(card.locator(".webhook-event")).to_have_text("Application activity")
        expect(card.locator(".webhook-subscribed")).to_have_text("Subscribed")
        expect(card.locator(".webhook-field")).to_have_text(["id", "application_stage", "job_id"])
        expect(card.locator(".no-deliveries")).to_be_visible()
        expect(page.locator("#webhook-curl-example")).to_contain_text("/api/v1/tenant-webhook")

        card.locator(".send-test-event").click()
        expect(page.locator("#webhooks-notice")).to_contain_text("A test event was queued")
        row = card.locator(".delivery-row")
        expect(row).to_have_count(1)
        expect(row).to_contain_text("test")
        # No reload: the page follows the delivery until the worker has sent it.
        expect(row.locator(".delivery-state")).to_have_text(
            "delivered", timeout=DELIVERED_TIMEOUT_MS
        )
        expect(row.locator(".delivery-attempts")).to_have_text("1")
        expect(row.locator(".delivery-status-code")).to_have_text("200")
        expect(row).to_contain_text("thanks")

        _wait_for_requests(receiver, 1)
        [request] = receiver.requests
        assert json.loads(request["body"]) == {
            "id": "test-application",
            "application_stage": "ACTIVE",
            "job_id": "test-job",
            "test": True,
        }
        Webhook(secret).verify(request["body"], request["headers"])
        delivery_id = request["headers"]["webhook-id"]
        assert row.get_attribute("data-delivery-id") == delivery_id

        receiver.answers = [500]  # the replay meets a broken receiver: the log says so
        row.locator(".replay-delivery").click()
        expect(page.locator("#webhooks-notice")).to_contain_text("queued again")
        expect(row.locator(".delivery-status-code")).to_have_text(
            "500", timeout=DELIVERED_TIMEOUT_MS
        )
        expect(row.locator(".delivery-state")).to_have_text("pending")
        expect(row).to_contain_text("HTTP 500")
        _wait_for_requests(receiver, 2)

    assert receiver.requests[1]["headers"]["webhook-id"] == delivery_id
    assert receiver.requests[1]["body"] == request["body"]
    listed = httpx.get(
        f"{app.base_url}/api/v1/tenant-webhook/{webhook['id']}/deliveries",
        headers={"Authorization": f"Bearer {api_key}"},
        timeout=30,
    ).json()["items"]
    assert [(d["id"], d["action"], d["attempts"]) for d in listed] == [(delivery_id, "test", 1)]


def test_only_admins_see_the_webhooks_page(page: Page, new_context):
    sign_up(page)
    viewer = viewer_without_admin_link(page, new_context, link="Webhooks")
    viewer.goto("/webhooks")
    expect(viewer.locator("#webhooks-not-allowed")).to_have_text(
        "Only admins can see and manage tenant webhooks."
    )
    expect(viewer.locator(".webhook-card")).to_have_count(0)
    expect(viewer.locator("#webhook-curl-example")).to_have_count(0)
