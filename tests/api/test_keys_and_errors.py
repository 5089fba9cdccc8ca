"""API keys: bearer auth, scopes, revocation, and the error shapes."""

from __future__ import annotations

import time

from sqlmodel import select

from backend.db import session_scope
from backend.models import ApiKey
from backend.models.base import utcnow
from backend.services import verified_keys
from backend.services.api_keys import list_api_keys, revoke_api_key
from tests.helpers import bearer, make_key, make_org


def test_health_needs_no_key(client):
    assert client.get("/api/v1/health").json() == {"status": "ok"}


def test_openapi_document_is_served(client):
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["info"]["title"] == "truelevel API"


def test_missing_wrong_and_revoked_keys_answer_401(client):
    org = make_org()
    missing = client.get("/api/v1/assessments")
    assert missing.status_code == 401
    assert missing.json()["error"] == "missing_api_key"
    assert missing.headers["www-authenticate"] == "Bearer"
    wrong = client.get("/api/v1/assessments", headers=bearer("tl_sk_all_" + "0" * 32))
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_api_key"
    raw = make_key(org, "assessments")
    assert client.get("/api/v1/assessments", headers=bearer(raw)).status_code == 200
    with session_scope() as session:
        key = next(k for k in list_api_keys(session, org_id=org.org_id) if k.scope == "assessments")
        revoke_api_key(session, org_id=org.org_id, key_id=key.id)
    assert client.get("/api/v1/assessments", headers=bearer(raw)).status_code == 401


def test_a_key_revoked_by_another_process_is_refused_within_seconds(client, monkeypatch):
    """Keys verified a moment ago are not read again (``verified_keys``): a revocation this
    process did not make (another API worker, the web app on another host) takes effect once
    the key's few seconds are over."""
    monkeypatch.setattr(verified_keys, "VERIFIED_FOR_S", 0.5)
    org = make_org()
    raw = make_key(org, "assessments")
    assert client.get("/api/v1/assessments", headers=bearer(raw)).status_code == 200
    with session_scope() as session:  # as another process would: no call to revoke_api_key
        key = next(k for k in list_api_keys(session, org_id=org.org_id) if k.scope == "assessments")
        key.revoked_at = utcnow()
        session.add(key)
        session.commit()
    time.sleep(0.6)
    refused = client.get("/api/v1/assessments", headers=bearer(raw))
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_api_key"


def test_a_key_in_use_shows_when_it_was_last_used(client):
    org = make_org()
    raw = make_key(org, "assessments")
    for _ in range(3):
        assert client.get("/api/v1/assessments", headers=bearer(raw)).status_code == 200
    with session_scope() as session:
        used = session.exec(
            select(ApiKey).where(ApiKey.org_id == org.org_id, ApiKey.scope == "assessments")
        ).one()
        assert used.last_used_at is not None


def test_key_of_another_scope_answers_403_with_a_reason(client):
    org = make_org()
    evaluations_only = bearer(make_key(org, "evaluations"))
    for path in ("/api/v1/assessments", "/api/v1/jobs?page=1&size=5", "/api/v1/rubrics"):
        response = client.get(path, headers=evaluations_only)
        assert response.status_code == 403, path
        assert response.json()["error"] == "insufficient_scope"
        assert "evaluations" in response.json()["message"]


def test_unknown_route_and_method_keep_the_error_shape(client):
    org = make_org()
    response = client.get("/api/v1/no-such-thing", headers=org.headers)
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    response = client.put("/api/v1/assessments", headers=org.headers, json={})
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"
