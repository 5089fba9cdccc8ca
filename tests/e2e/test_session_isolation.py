"""A page on another port of the same host (another origin, the same site) that the signed-in
person opens cannot read their session cookie, cannot read a report with it, and cannot sign
them out with it (issue 14)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.flows import sign_up
from tests.e2e.server import RunningApp

EVIL_PAGE = b"<!doctype html><title>Free puppies</title><p>Nothing to see here.</p>"


class _EvilPage(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(EVIL_PAGE)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture()
def other_port() -> Iterator[str]:
    """A page served from another port of the app's host."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EvilPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


def test_a_page_on_another_port_gets_nothing_from_the_session(
    page: Page, app: RunningApp, other_port: str
):
    account = sign_up(page)

    page.goto(other_port)
    assert "tl_session" not in page.evaluate("document.cookie")
    read = page.evaluate(
        """async (url) => {
            try { return await (await fetch(url, {credentials: "include"})).text(); }
            catch (e) { return "refused: " + e.name; }
        }""",
        f"{app.base_url}/api/v1/web/evaluations/any-evaluation/report.csv",
    )
    assert read == "refused: TypeError"  # CORS: the answer never reaches the page
    # A forged sign-out (a no-cors POST carries the cookie) is refused by the Origin check.
    page.evaluate(
        """async (url) => { await fetch(url, {method: "POST", mode: "no-cors",
                                              credentials: "include"}); }""",
        f"{app.base_url}/api/v1/web-session/logout",
    )

    page.goto("/dashboard")
    expect(page).to_have_url(re.compile(r"/dashboard/?$"))
    expect(page.locator("#org-name")).to_have_text(account.org)
