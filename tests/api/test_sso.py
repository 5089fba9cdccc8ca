"""Sign-in through a real OpenID Connect provider (oidc-provider-mock on a local port)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from fastapi.testclient import TestClient
from oidc_provider_mock import run_server_in_thread

from backend.db import session_scope
from backend.services.organisations import add_member, member_for_token
from backend.settings import get_settings
from tests.helpers import make_org


@pytest.fixture()
def sso_client(monkeypatch):
    with run_server_in_thread() as server:
        issuer = f"http://localhost:{server.server_port}"
        monkeypatch.setenv("TRUELEVEL_OIDC_ISSUER", issuer)
        monkeypatch.setenv("TRUELEVEL_OIDC_CLIENT_ID", "truelevel-test")
        monkeypatch.setenv("TRUELEVEL_OIDC_CLIENT_SECRET", "s3cret")
        monkeypatch.setenv("TRUELEVEL_PUBLIC_URL", "http://testserver")
        get_settings.cache_clear()
        from backend.api import create_api

        with TestClient(create_api()) as client:
            yield client
    get_settings.cache_clear()


def _sign_in_at_provider(client: TestClient, subject: str) -> httpx.Response:
    start = client.get("/auth/oidc/login", follow_redirects=False)
    assert start.status_code in (302, 303, 307)
    authorize_url = start.headers["location"]
    # The person types their identity into the provider's form and is sent back with a code.
    consent = httpx.post(authorize_url, data={"sub": subject}, follow_redirects=False)
    assert consent.status_code in (302, 303)
    callback = urlparse(consent.headers["location"])
    assert callback.path == "/auth/oidc/callback"
    assert "code" in parse_qs(callback.query)
    return client.get(f"{callback.path}?{callback.query}", follow_redirects=False)


def test_known_member_signs_in_with_sso(sso_client):
    org = make_org()
    with session_scope() as session:
        add_member(session, org_id=org.org_id, email="rita.reviewer@example.com", role="reviewer")
    response = _sign_in_at_provider(sso_client, "rita.reviewer@example.com")
    assert response.status_code == 303
    assert response.headers["location"] == "/dashboard"
    token = response.cookies.get("tl_session")
    assert token
    with session_scope() as session:
        member = member_for_token(session, token=token)
        assert member is not None
        assert member.email == "rita.reviewer@example.com"
        assert member.org_id == org.org_id
        assert member.oidc_subject == "rita.reviewer@example.com"


def test_unknown_identity_is_refused_with_a_reason(sso_client):
    response = _sign_in_at_provider(sso_client, "stranger@example.com")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/signin?error=")
    assert "tl_session" not in response.cookies


def test_sso_off_without_configuration(client):
    response = client.get("/auth/oidc/login", follow_redirects=False)
    assert response.status_code == 303
    assert "not%20configured" in response.headers["location"]
