"""A small Stripe API stand-in on 127.0.0.1 for the calls the adapter makes (customers, prices
by lookup key, Checkout and Billing Portal sessions): the real ``stripe`` library talks to it
over HTTP, and each request's form parameters are kept for the test to read."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


@dataclass
class FakeStripe:
    url: str
    calls: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    prices: dict[str, str] = field(default_factory=dict)  # lookup key -> price id

    def posted(self, path: str) -> list[dict[str, str]]:
        return [form for method, p, form in self.calls if method == "POST" and p == path]


@contextmanager
def fake_stripe() -> Iterator[FakeStripe]:
    state = FakeStripe(url="")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args) -> None:
            pass

        def _answer(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = dict(parse_qsl(parts.query))
            state.calls.append(("GET", parts.path, query))
            if parts.path == "/v1/prices":
                key = query.get("lookup_keys[0]", "")
                found = (
                    [{"id": state.prices[key], "object": "price"}] if key in state.prices else []
                )
                return self._answer(200, {"object": "list", "data": found, "has_more": False})
            self._answer(404, {"error": {"type": "invalid_request_error", "message": "no route"}})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = dict(parse_qsl(self.rfile.read(length).decode()))
            state.calls.append(("POST", self.path, form))
            n = uuid.uuid4().hex[:12]
            if self.path == "/v1/customers":
                return self._answer(200, {"id": f"cus_fake{n}", "object": "customer"})
            if self.path == "/v1/checkout/sessions":
                return self._answer(
                    200,
                    {
                        "id": f"cs_test_{n}",
                        "object": "checkout.session",
                        "url": f"https://checkout.stripe.test/c/cs_test_{n}",
                    },
                )
            if self.path == "/v1/billing_portal/sessions":
                return self._answer(
                    200,
                    {
                        "id": f"bps_{n}",
                        "object": "billing_portal.session",
                        "url": f"https://billing.stripe.test/p/bps_{n}",
                    },
                )
            self._answer(404, {"error": {"type": "invalid_request_error", "message": "no route"}})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
