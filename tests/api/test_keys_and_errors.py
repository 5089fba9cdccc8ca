"""API keys: bearer auth, scopes, revocation, and the error shapes."""

from __future__ import annotations

from backend.db import session_scope
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
