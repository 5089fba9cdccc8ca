"""Every answer of the backend, API and the pages Reflex mounts inside it alike, carries the
security headers: no framing, no sniffing, no referrer, a content security policy that still
lets the web app reach its websocket, and HSTS when served over https."""

from __future__ import annotations

from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.responses import HTMLResponse, PlainTextResponse
from starlette.routing import Route

from backend.api import create_api
from backend.api.security_headers import SecurityHeaders


def _page(_request) -> HTMLResponse:
    return HTMLResponse("<!doctype html><title>Sign in</title>")


def _assert_protected(headers) -> None:
    csp = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert "default-src 'self'" in csp
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"


def test_api_answers_carry_the_headers(client):
    for path in ("/api/v1/health", "/api/v1/no-such-route", "/api/v1/assessments"):
        _assert_protected(client.get(path).headers)
    # Plain http public URL (the default): no HSTS, which would lock browsers out.
    assert "strict-transport-security" not in client.get("/api/v1/health").headers


def test_pages_mounted_like_reflex_mounts_its_app_carry_them_too():
    # rx.App(api_transformer=create_api()) mounts Reflex's own app (pages, assets, /_event)
    # at "" inside the API app, exactly so.
    api = create_api()
    api.mount("", Starlette(routes=[Route("/signin", _page)]))
    with TestClient(api) as browser:
        page = browser.get("/signin")
    assert page.status_code == 200
    _assert_protected(page.headers)
    csp = page.headers["content-security-policy"]
    # The frontend's websocket to the backend is allowed, and nothing from elsewhere.
    assert "connect-src 'self' http://localhost:3000 ws://localhost:3000" in csp
    assert "https:" not in csp.replace("https://cdn", "")


def test_swagger_page_may_load_swagger_ui_from_its_cdn(client):
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert "https://cdn.jsdelivr.net" in docs.headers["content-security-policy"]
    _assert_protected(docs.headers)


def test_https_installations_send_hsts_and_a_wss_websocket_source():
    inner = Starlette(routes=[Route("/", lambda _r: PlainTextResponse("ok"))])
    app = SecurityHeaders(inner, public_url="https://hire.example.com")
    with TestClient(app) as browser:
        headers = browser.get("/").headers
    assert headers["strict-transport-security"] == "max-age=31536000"
    assert "wss://hire.example.com" in headers["content-security-policy"]
    _assert_protected(headers)
