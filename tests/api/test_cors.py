"""Cross-origin calls with the user's cookies are allowed only from the installation's own
origin (and the ones configured), never from any site that asks."""

from __future__ import annotations

from fastapi.testclient import TestClient
from reflex.app import App
from reflex.config import get_config

from backend.api import create_api
from backend.settings import Settings

EVIL = "https://evil.example"
OWN = "http://localhost:3000"  # the public URL's origin in the tests' settings


def _as_served():
    """The API as the web app serves it: Reflex adds its CORS middleware, from rxconfig."""
    api = create_api()
    App._add_cors(api)
    return api


def test_an_evil_origin_is_not_reflected_with_credentials():
    with TestClient(_as_served()) as browser:
        simple = browser.get(
            "/api/v1/health", headers={"Origin": EVIL, "Cookie": "tl_session=stolen"}
        )
        preflight = browser.options(
            "/api/v1/assessments",
            headers={
                "Origin": EVIL,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization",
            },
        )
    assert simple.status_code == 200
    assert "access-control-allow-origin" not in simple.headers
    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers


def test_the_installations_own_origin_may_call_with_credentials():
    with TestClient(_as_served()) as browser:
        answer = browser.get("/api/v1/health", headers={"Origin": OWN, "Cookie": "tl_session=x"})
    assert answer.headers["access-control-allow-origin"] == OWN
    assert answer.headers["access-control-allow-credentials"] == "true"


def test_reflex_websocket_and_api_share_the_one_list():
    # Socket.IO's server (Reflex's /_event websocket) is built from the same config value.
    assert list(get_config().cors_allowed_origins) == [OWN]


def test_allowed_origins_are_the_public_url_and_the_configured_ones():
    settings = Settings(
        public_url="https://Hire.Example.com/app/",
        cors_origins="https://ats.example.com, https://hire.example.com,*, not a url",
    )
    assert settings.allowed_origins == ["https://hire.example.com", "https://ats.example.com"]
