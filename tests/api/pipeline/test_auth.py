"""Every pipeline route needs an organisation API key with the ``pipeline`` (or ``all``)
scope: 401 without a key or with a bad one, 403 with a key of another scope."""

from __future__ import annotations

import pytest

from tests.api.pipeline.builders import API, create_job
from tests.helpers import bearer, make_key, make_org

SOME_ID = "00000000-0000-4000-8000-000000000000"

ROUTES = [
    ("GET", "/jobs"),
    ("POST", "/jobs"),
    ("GET", f"/jobs/{SOME_ID}"),
    ("PATCH", f"/jobs/{SOME_ID}"),
    ("GET", f"/jobs/{SOME_ID}/scheduling"),
    ("PATCH", f"/jobs/{SOME_ID}/scheduling"),
    ("GET", f"/jobs/{SOME_ID}/schedule-setting"),
    ("PUT", f"/jobs/{SOME_ID}/schedule-setting"),
    ("GET", f"/jobs/{SOME_ID}/questions"),
    ("POST", f"/jobs/{SOME_ID}/questions"),
    ("POST", f"/jobs/{SOME_ID}/questions/generate"),
    ("PATCH", f"/jobs/{SOME_ID}/questions/{SOME_ID}"),
    ("DELETE", f"/jobs/{SOME_ID}/questions/{SOME_ID}"),
    ("POST", "/candidates"),
    ("GET", f"/candidates/{SOME_ID}"),
    ("PATCH", f"/candidates/{SOME_ID}"),
    ("GET", "/applications"),
    ("POST", "/applications"),
    ("POST", "/applications/with-questions"),
    ("GET", f"/applications/{SOME_ID}"),
    ("PATCH", f"/applications/{SOME_ID}"),
    ("GET", "/tenant-webhook"),
    ("POST", "/tenant-webhook"),
    ("POST", f"/tenant-webhook/subscribe/{SOME_ID}"),
    ("POST", f"/tenant-webhook/unsubscribe/{SOME_ID}"),
]


@pytest.fixture(scope="module")
def org():
    return make_org("Pipeline Auth Ltd")


@pytest.fixture(scope="module")
def assessments_key(org):
    return make_key(org, "assessments")


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_missing_key_is_401(client, method, path):
    response = client.request(method, API + path, json={})
    assert response.status_code == 401
    assert response.json()["error"] == "missing_api_key"
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_unknown_key_is_401(client, method, path):
    response = client.request(method, API + path, json={}, headers=bearer("tl_sk_all_nope"))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_api_key"


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_key_of_another_scope_is_403(client, assessments_key, method, path):
    response = client.request(method, API + path, json={}, headers=bearer(assessments_key))
    assert response.status_code == 403
    body = response.json()
    assert body["error"] == "insufficient_scope"
    assert "pipeline" in body["message"]


def test_pipeline_scoped_key_is_accepted(client, org):
    job = create_job(client, org)
    key = make_key(org, "pipeline")
    response = client.get(f"{API}/jobs/{job['id']}", headers=bearer(key))
    assert response.status_code == 200
    assert response.json()["id"] == job["id"]


def test_revoked_key_is_401(client, org):
    from backend.db import session_scope
    from backend.services.api_keys import key_for_secret, revoke_api_key

    key = make_key(org, "pipeline")
    with session_scope() as session:
        api_key = key_for_secret(session, raw=key)
        assert api_key is not None
        revoke_api_key(session, org_id=org.org_id, key_id=api_key.id)
    response = client.get(f"{API}/jobs", headers=bearer(key))
    assert response.status_code == 401
