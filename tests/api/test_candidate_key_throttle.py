"""Candidate keys cannot be guessed quickly: ten wrong keys from one address, or ten failures
of one key, answer 429 with Retry-After for ten minutes, on the API and on the candidate
page's look-up alike."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from backend.services.candidate_key_checks import checked_candidate_key
from backend.services.errors import Unauthorized
from backend.services.throttle import ADDRESS_CANDIDATE_KEY, Throttled
from tests.helpers import bearer, make_org


def _assessment_and_key(client, org) -> tuple[str, str]:
    assessment = client.post(
        "/api/v1/assessments",
        headers=org.headers,
        json={"title": "Task", "role": "Engineer", "taskBrief": "Build it"},
    ).json()["assessment"]
    key = client.post(
        f"/api/v1/assessments/{assessment['id']}/keys", headers=org.headers, json={"count": 1}
    ).json()["keys"][0]["key"]
    return assessment["id"], key


def _guess(n: int) -> str:
    return f"TL-GU{n:02d}-ZZZZ".replace("0", "A").replace("1", "B")


def test_guessing_keys_from_one_address_is_stopped_with_429(client, api_app):
    org = make_org()
    assessment_id, real_key = _assessment_and_key(client, org)
    path = f"/api/v1/assessments/{assessment_id}"
    for n in range(ADDRESS_CANDIDATE_KEY.limit):
        assert client.post("/api/v1/sessions/redeem", headers=bearer(_guess(n))).status_code == 401
    refused = client.get(path, headers=bearer(_guess(99)))
    assert refused.status_code == 429
    assert refused.json()["error"] == "rate_limited"
    assert "Try again in 10 minutes" in refused.json()["message"]
    assert 9 * 60 < int(refused.headers["Retry-After"]) <= 10 * 60
    # Even the real key is refused from this address while it is closed...
    assert client.get(path, headers=bearer(real_key)).status_code == 429
    assert client.post("/api/v1/sessions/redeem", json={"key": real_key}).status_code == 429
    # ...but not from another address, and organisation keys are never counted.
    with TestClient(api_app, client=("203.0.113.20", 40000)) as elsewhere:
        assert elsewhere.get(path, headers=bearer(real_key)).status_code == 200
    assert client.get(path, headers=org.headers).status_code == 200


def test_one_key_failing_from_many_addresses_is_closed(client, api_app):
    org = make_org()
    assessment_id, real_key = _assessment_and_key(client, org)
    tried = _guess(42)
    for n in range(10):
        with TestClient(api_app, client=(f"203.0.113.{n + 1}", 40000)) as caller:
            answer = caller.post("/api/v1/sessions/redeem", headers=bearer(tried))
            assert answer.status_code == 401
    with TestClient(api_app, client=("203.0.113.200", 40000)) as fresh:
        refused = fresh.post("/api/v1/sessions/redeem", headers=bearer(tried))
        assert refused.status_code == 429
        assert "This key was tried too many times" in refused.json()["message"]
        # Other keys from that address still work.
        ok = fresh.get(f"/api/v1/assessments/{assessment_id}", headers=bearer(real_key))
        assert ok.status_code == 200


def test_the_candidate_pages_look_up_counts_the_same_failures(db):
    address = "198.51.100.33"
    for n in range(ADDRESS_CANDIDATE_KEY.limit):
        with pytest.raises(Unauthorized):
            checked_candidate_key(db, raw=_guess(n), client_address=address)
    with pytest.raises(Throttled, match="Too many candidate keys were tried from your network"):
        checked_candidate_key(db, raw=_guess(50), client_address=address)
