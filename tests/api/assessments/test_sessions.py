"""Candidate sessions: redeem once, deadlines, completion and the organisation's outcomes."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from backend.models import CandidateKey, CandidateSession
from backend.models.base import utcnow
from backend.services.candidate_sessions import expire_overdue_sessions
from tests.api.assessments.helpers import API, create_assessment, generate_keys, redeem
from tests.helpers import bearer, make_key, make_org

SESSION_FIELDS = {
    "id",
    "orgId",
    "assessmentId",
    "keyId",
    "key",
    "candidateName",
    "candidateEmail",
    "status",
    "startedAt",
    "deadlineAt",
    "completedAt",
    "timeLimitMinutes",
}


def _parse(ts: str) -> datetime:
    return datetime.fromisoformat(ts.replace("Z", "+00:00"))


def _setup(client, *, time_limit: int | None = 90, count: int = 1):
    org = make_org()
    fields = {"timeLimitMinutes": time_limit} if time_limit else {}
    a = create_assessment(client, org, **fields)
    keys = generate_keys(
        client,
        org,
        a["id"],
        count=count,
        candidateEmails=[f"c{i}@example.com" for i in range(count)],
        candidateNames=[f"Candidate {i}" for i in range(count)],
    )
    return org, a, keys


def test_redeem_starts_a_session_once(client):
    org, a, (key,) = _setup(client)
    response = redeem(client, key["key"])
    assert response.status_code == 201
    s = response.json()["session"]
    assert set(s) == SESSION_FIELDS
    assert s["status"] == "active"
    assert s["assessmentId"] == a["id"] and s["keyId"] == key["id"] and s["orgId"] == org.org_id
    assert s["candidateName"] == "Candidate 0" and s["candidateEmail"] == "c0@example.com"
    assert s["timeLimitMinutes"] == 90
    assert _parse(s["deadlineAt"]) - _parse(s["startedAt"]) == timedelta(minutes=90)
    assert s["completedAt"] is None

    again = redeem(client, key["key"])
    assert again.status_code == 409
    assert again.json()["error"] == "key_already_redeemed"
    assert "already been redeemed" in again.json()["message"]
    assert again.json()["sessionId"] == s["id"]

    listed = client.get(f"{API}/assessments/{a['id']}/keys", headers=org.headers).json()["keys"]
    assert listed[0]["sessionId"] == s["id"]
    assert listed[0]["redeemedAt"] == s["startedAt"]
    assert listed[0]["status"] == "active"


def test_no_time_limit_means_no_deadline(client):
    _, _, (key,) = _setup(client, time_limit=None)
    s = redeem(client, key["key"]).json()["session"]
    assert s["deadlineAt"] is None and s["timeLimitMinutes"] is None


def test_redeem_with_the_key_in_the_body(client):
    _, _, (key,) = _setup(client)
    response = client.post(f"{API}/sessions/redeem", json={"key": key["key"].lower()})
    assert response.status_code == 201
    assert response.json()["session"]["keyId"] == key["id"]


def test_redeem_rejects_mismatch_missing_and_org_keys(client):
    org, _, (key, other) = _setup(client, count=2)
    mismatch = client.post(
        f"{API}/sessions/redeem", json={"key": other["key"]}, headers=bearer(key["key"])
    )
    assert mismatch.status_code == 400
    assert client.post(f"{API}/sessions/redeem").status_code == 401
    assert client.post(f"{API}/sessions/redeem", json={}).status_code == 401
    org_key = client.post(f"{API}/sessions/redeem", headers=org.headers)
    assert org_key.status_code == 403
    assert client.post(f"{API}/sessions/redeem", json={"key": 5}).status_code == 400
    assert client.post(f"{API}/sessions/redeem", json={"key": "x" * 65}).status_code == 400
    unknown = redeem(client, "TL-AAAA-BBBB")
    assert unknown.status_code == 401
    assert redeem(client, "x" * 500).status_code == 401
    # Nothing was redeemed along the way.
    assert redeem(client, key["key"]).status_code == 201


def test_expired_key_cannot_be_redeemed(client, db):
    _, _, (key,) = _setup(client)
    row = db.get(CandidateKey, key["id"])
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.add(row)
    db.commit()
    response = client.post(f"{API}/sessions/redeem", json={"key": key["key"]})
    assert response.status_code == 410
    assert response.json()["error"] == "key_expired"
    assert "expired" in response.json()["message"]


def test_revoked_key_cannot_be_redeemed(client):
    org, a, (key,) = _setup(client)
    client.delete(f"{API}/assessments/{a['id']}/keys/{key['id']}", headers=org.headers)
    response = redeem(client, key["key"])
    assert response.status_code == 401
    assert "revoked" in response.json()["message"]


def test_session_is_readable_by_its_candidate_and_the_org_only(client):
    org, _, (key, other) = _setup(client, count=2)
    session_id = redeem(client, key["key"]).json()["session"]["id"]
    redeem(client, other["key"])
    url = f"{API}/sessions/{session_id}"

    assert client.get(url, headers=bearer(key["key"])).json()["session"]["id"] == session_id
    assert client.get(url, headers=org.headers).status_code == 200
    assert client.get(url, headers=bearer(other["key"])).status_code == 404
    assert client.get(url, headers=make_org().headers).status_code == 404
    assert client.get(url).status_code == 401
    assert client.get(f"{API}/sessions/missing", headers=org.headers).status_code == 404
    assert client.get(url, headers=bearer(make_key(org, "pipeline"))).status_code == 403


def test_unredeemed_key_reads_no_session(client):
    _org, _, (key, other) = _setup(client, count=2)
    session_id = redeem(client, key["key"]).json()["session"]["id"]
    response = client.get(f"{API}/sessions/{session_id}", headers=bearer(other["key"]))
    # A live key of the same assessment is a valid caller, but this session is not its own:
    # answered like any resource the caller cannot see.
    assert response.status_code == 404


def test_candidate_completes_the_session(client):
    org, a, (key,) = _setup(client)
    session_id = redeem(client, key["key"]).json()["session"]["id"]
    url = f"{API}/sessions/{session_id}/complete"
    response = client.post(url, headers=bearer(key["key"]))
    assert response.status_code == 200
    s = response.json()["session"]
    assert s["status"] == "completed" and s["completedAt"] is not None
    # Completing twice changes nothing.
    again = client.post(url, headers=bearer(key["key"])).json()["session"]
    assert again == s
    listed = client.get(f"{API}/assessments/{a['id']}/keys", headers=org.headers).json()["keys"]
    assert listed[0]["status"] == "completed"
    assert listed[0]["completedAt"] == s["completedAt"]


def test_org_can_complete_and_record_outcomes(client):
    org, a, (k1, k2) = _setup(client, count=2)
    s1 = redeem(client, k1["key"]).json()["session"]["id"]
    s2 = redeem(client, k2["key"]).json()["session"]["id"]
    done = client.post(f"{API}/sessions/{s1}/complete", headers=org.headers)
    assert done.json()["session"]["status"] == "completed"

    hired = client.patch(f"{API}/sessions/{s1}", json={"status": "hired"}, headers=org.headers)
    assert hired.status_code == 200
    assert hired.json()["session"]["status"] == "hired"
    assert hired.json()["session"]["completedAt"] == done.json()["session"]["completedAt"]

    expired = client.patch(f"{API}/sessions/{s2}", json={"status": "expired"}, headers=org.headers)
    assert expired.json()["session"]["status"] == "expired"
    assert expired.json()["session"]["completedAt"] is None
    # Neither a hired nor an expired session can be completed.
    for sid, key in ((s1, k1), (s2, k2)):
        response = client.post(f"{API}/sessions/{sid}/complete", headers=bearer(key["key"]))
        assert response.status_code == 409
        assert response.json()["error"] == "session_not_active"

    statuses = {
        k["id"]: k["status"]
        for k in client.get(f"{API}/assessments/{a['id']}/keys", headers=org.headers).json()["keys"]
    }
    assert statuses == {k1["id"]: "hired", k2["id"]: "expired"}


@pytest.mark.parametrize(
    "body", [{}, {"status": "active"}, {"status": "HIRED"}, {"status": 1}, {"status": None}]
)
def test_patch_rejects_other_statuses(client, body):
    org, _, (key,) = _setup(client)
    session_id = redeem(client, key["key"]).json()["session"]["id"]
    response = client.patch(f"{API}/sessions/{session_id}", json=body, headers=org.headers)
    assert response.status_code == 400


def test_patch_needs_the_org_key_of_the_same_org(client):
    _org, _, (key,) = _setup(client)
    session_id = redeem(client, key["key"]).json()["session"]["id"]
    url = f"{API}/sessions/{session_id}"
    assert (
        client.patch(url, json={"status": "hired"}, headers=bearer(key["key"])).status_code == 401
    )
    assert (
        client.patch(url, json={"status": "hired"}, headers=make_org().headers).status_code == 404
    )
    assert client.post(f"{url}/complete", headers=make_org().headers).status_code == 404


def test_session_past_its_deadline_reads_expired(client, db):
    org, a, (key,) = _setup(client)
    session_id = redeem(client, key["key"]).json()["session"]["id"]
    row = db.get(CandidateSession, session_id)
    row.deadline_at = utcnow() - timedelta(seconds=1)
    db.add(row)
    db.commit()

    got = client.get(f"{API}/sessions/{session_id}", headers=bearer(key["key"]))
    assert got.json()["session"]["status"] == "expired"
    late = client.post(f"{API}/sessions/{session_id}/complete", headers=bearer(key["key"]))
    assert late.status_code == 409
    keys = client.get(f"{API}/assessments/{a['id']}/keys", headers=org.headers).json()["keys"]
    assert keys[0]["status"] == "expired"

    # The worker can store what the deadline already implies.
    assert expire_overdue_sessions(db) >= 1
    db.expire_all()
    assert db.get(CandidateSession, session_id).status == "expired"


def test_key_expiring_mid_session_still_reaches_its_session(client, db):
    _, _, (key,) = _setup(client)
    session_id = redeem(client, key["key"]).json()["session"]["id"]
    row = db.get(CandidateKey, key["id"])
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.add(row)
    db.commit()
    response = client.post(f"{API}/sessions/{session_id}/complete", headers=bearer(key["key"]))
    assert response.status_code == 200
    assert response.json()["session"]["status"] == "completed"
