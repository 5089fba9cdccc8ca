"""A candidate key reads its own assessment; an expired one says so."""

from __future__ import annotations

from datetime import timedelta

from backend.db import session_scope
from backend.models import CandidateKey
from tests.helpers import bearer, make_org


def test_expired_candidate_key_answers_410_not_invalid_api_key(client):
    org = make_org()
    assessment = client.post(
        "/api/v1/assessments",
        headers=org.headers,
        json={"title": "Task", "role": "Engineer", "taskBrief": "Build it"},
    ).json()["assessment"]
    key = client.post(
        f"/api/v1/assessments/{assessment['id']}/keys", headers=org.headers, json={"count": 1}
    ).json()["keys"][0]
    path = f"/api/v1/assessments/{assessment['id']}"
    assert client.get(path, headers=bearer(key["key"])).status_code == 200
    with session_scope() as session:
        row = session.get(CandidateKey, key["id"])
        row.expires_at = row.created_at - timedelta(minutes=1)
        session.add(row)
        session.commit()
    expired = client.get(path, headers=bearer(key["key"]))
    assert expired.status_code == 410
    assert expired.json()["error"] == "key_expired"
