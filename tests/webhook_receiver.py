"""A receiver of outgoing webhooks for tests (a real local HTTP server): an ATS's callback
endpoint or a tenant's webhook. It answers each request with the next queued status (200 when
none is queued) and records every request; ``delay_s`` makes it take a moment, as a real
receiver does, so that senders overlap. Sending to it needs the ``local_urls_allowed`` fixture
(``tests/conftest.py``)."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    """Answers with the next queued status, records every request (method, headers, body)."""

    def __init__(self, *, delay_s: float = 0.0, path: str = "/webhooks/truelevel") -> None:
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
        self.url = f"http://127.0.0.1:{self.server.server_port}{path}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
