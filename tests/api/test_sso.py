"""Sign-in through a real OpenID Connect provider (oidc-provider-mock on a local port)."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, unquote, urlparse

import httpx
import pytest
from fastapi.testclient import TestClient
from oidc_provider_mock import run_server_in_thread

from backend.db import session_scope
from backend.services.organisations import add_member, member_for_token
from backend.settings import get_settings
from tests.helpers import make_org


@pytest.fixture()
def provider(monkeypatch):
    with run_server_in_thread() as server:
        issuer = f"http://localhost:{server.server_port}"
        monkeypatch.setenv("TRUELEVEL_OIDC_ISSUER", issuer)
        monkeypatch.setenv("TRUELEVEL_OIDC_CLIENT_ID", "truelevel-test")
        monkeypatch.setenv("TRUELEVEL_OIDC_CLIENT_SECRET", "s3cret")
        monkeypatch.setenv("TRUELEVEL_PUBLIC_URL", "http://testserver")
        get_settings.cache_clear()
        yield issuer
    get_settings.cache_clear()


@pytest.fixture()
def sso_client(provider):
    from backend.api import create_api

    with TestClient(create_api()) as client:
        yield client


def _identity(issuer: str, **claims: object) -> str:
    """A person as the provider's directory knows them; returns their subject."""
    subject = f"sub-{uuid.uuid4().hex[:10]}"
    httpx.put(f"{issuer}/users/{subject}", json=claims, timeout=10).raise_for_status()
    return subject


def _sign_in_at_provider(client: TestClient, subject: str) -> httpx.Response:
    start = client.get("/auth/oidc/login", follow_redirects=False)
    assert start.status_code in (302, 303, 307)
    # The person confirms who they are at the provider and is sent back with a code.
    consent = httpx.post(start.headers["location"], data={"sub": subject}, follow_redirects=False)
    assert consent.status_code in (302, 303)
    callback = urlparse(consent.headers["location"])
    assert callback.path == "/auth/oidc/callback"
    assert "code" in parse_qs(callback.query)
    return client.get(f"{callback.path}?{callback.query}", follow_redirects=False)


def _member(response: httpx.Response):
    with session_scope() as session:
        return member_for_token(session, token=response.cookies.get("tl_session", ""))


def _refused_with(response: httpx.Response, text: str) -> None:
    assert response.status_code == 303
    assert response.headers["location"].startswith("/signin?error=")
    assert text in unquote(response.headers["location"])
    assert "tl_session" not in response.cookies


def test_known_member_signs_in_with_a_verified_email(sso_client, provider):
    org = make_org()
    email = f"rita-{uuid.uuid4().hex[:6]}@example.com"
    with session_scope() as session:
        add_member(session, org_id=org.org_id, email=email, role="reviewer")
    subject = _identity(provider, email=email, email_verified=True, name="Rita Reviewer")
    response = _sign_in_at_provider(sso_client, subject)
    assert response.status_code == 303
    assert response.headers["location"] == "/dashboard"
    # Page scripts never read the session (backend/api/web_session.py sets every attribute).
    set_cookie = response.headers["set-cookie"]
    assert "HttpOnly" in set_cookie and "SameSite=lax" in set_cookie and "Path=/" in set_cookie
    member = _member(response)
    assert member is not None
    assert (member.email, member.org_id, member.oidc_subject) == (email, org.org_id, subject)
    # Next time the subject alone finds the member.
    assert _member(_sign_in_at_provider(sso_client, subject)).id == member.id


def test_unverified_email_does_not_link_an_account(sso_client, provider):
    org = make_org()
    email = f"victim-{uuid.uuid4().hex[:6]}@example.com"
    with session_scope() as session:
        add_member(session, org_id=org.org_id, email=email, role="admin")
    subject = _identity(provider, email=email)  # no email_verified claim
    _refused_with(_sign_in_at_provider(sso_client, subject), "not verified")


def test_an_account_linked_to_one_identity_is_not_taken_over(sso_client, provider):
    org = make_org()
    email = f"owner-{uuid.uuid4().hex[:6]}@example.com"
    with session_scope() as session:
        add_member(session, org_id=org.org_id, email=email, role="admin")
    first = _identity(provider, email=email, email_verified=True)
    assert _member(_sign_in_at_provider(sso_client, first)) is not None
    second = _identity(provider, email=email, email_verified=True)
    _refused_with(_sign_in_at_provider(sso_client, second), "another single sign-on identity")


def test_unknown_identity_is_refused_with_a_reason(sso_client, provider):
    subject = _identity(provider, email="stranger@example.com", email_verified=True)
    _refused_with(_sign_in_at_provider(sso_client, subject), "No truelevel account")


def test_sso_off_without_configuration(client):
    response = client.get("/auth/oidc/login", follow_redirects=False)
    assert response.status_code == 303
    assert "not%20configured" in response.headers["location"]
