"""API keys: bearer auth, scopes, revocation, and the error shapes."""

from __future__ import annotations

from backend.db import session_scope
from backend.services.api_keys import revoke_api_key, list_api_keys
from tests.helpers import bearer, make_key, make_org


def test_health_needs_no_key(client):
    assert client.get("/api/v1/health").json() == {"status": "ok"}


def test_openapi_document_is_served(client):
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["info"]["title"] == "truelevel API"
