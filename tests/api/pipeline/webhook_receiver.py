"""A tenant's webhook endpoint for tests (a real local HTTP server) and the steps around it:
subscribe a webhook, run the sender as the ops worker does, read the delivery log."""

from __future__ import annotations

import base64
import secrets
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from backend.settings import get_settings
from tests.api.pipeline.builders import API
from workers import tasks


class Receiver:
    """A tenant's webhook endpoint: answers with the next queued status, records every request."""

    def __init__(self, *, delay_s: float = 0.0) -> None:
        self.answers: list[int] = []
        self.requests: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def _receive(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver.requests.append({"method": self.command, "headers": headers, "body": body})
                time.sleep(delay_s)
                status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"thanks" if status < 300 else b"temporarily broken")

            do_POST = do_PUT = do_PATCH = _receive

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/applications"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def local_urls_allowed() -> Iterator[None]:
    mp = pytest.MonkeyPatch()
    mp.setenv("TRUELEVEL_EVALUATION_ALLOW_LOCAL_URLS", "true")
    get_settings.cache_clear()
    yield
    mp.undo()
    get_settings.cache_clear()


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
