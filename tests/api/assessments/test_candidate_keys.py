"""Candidate keys (seed 001): generate, list, revoke, statuses, and the organisation-wide list."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from backend.models import CandidateKey
from backend.models.base import utcnow
from backend.services.candidate_keys import clamp_limit_offset, list_candidate_keys
from backend.settings import get_settings
from tests.api.assessments.helpers import API, create_assessment, generate_keys, redeem
from tests.helpers import bearer, make_org

KEY_FIELDS = {
    "id",
    "key",
    "status",
    "candidateEmail",
    "candidateName",
    "sessionId",
    "expiresAt",
    "redeemedAt",
    "completedAt",
    "createdAt",
}
# Default prefix TL; no I, O, 0 or 1.
KEY_RE = re.compile(r"^TL-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$")


def _parse(ts: str) -> datetime:
    return datetime.fromisoformat(ts.replace("Z", "+00:00"))


def test_generate_keys_shape_format_and_expiry(client):
    org = make_org()
    a = create_assessment(client, org, expiresInDays=3)
    before = utcnow()
    response = client.post(
        f"{API}/assessments/{a['id']}/keys", json={"count": 5}, headers=org.headers
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"keys"}
    keys = body["keys"]
    assert len(keys) == 5
    assert len({k["key"] for k in keys}) == 5
    for k in keys:
        assert set(k) == KEY_FIELDS
        assert KEY_RE.match(k["key"]), k["key"]
        assert k["status"] == "pending"
        assert k["sessionId"] is None and k["redeemedAt"] is None and k["completedAt"] is None
        assert k["candidateEmail"] is None and k["candidateName"] is None
        expires = _parse(k["expiresAt"])
        assert (
            timedelta(days=3) - timedelta(seconds=5)
            < expires - before
            < timedelta(days=3, seconds=5)
        )


def test_default_expiry_is_seven_days(client):
    org = make_org()
    a = create_assessment(client, org)
    key = generate_keys(client, org, a["id"])[0]
    assert abs(_parse(key["expiresAt"]) - _parse(key["createdAt"]) - timedelta(days=7)) < (
        timedelta(seconds=1)
    )


def test_key_prefix_comes_from_settings(client, monkeypatch):
    org = make_org()
    a = create_assessment(client, org)
    monkeypatch.setenv("TRUELEVEL_CANDIDATE_KEY_PREFIX", "pst")
    get_settings.cache_clear()
    try:
        key = generate_keys(client, org, a["id"])[0]["key"]
    finally:
        monkeypatch.delenv("TRUELEVEL_CANDIDATE_KEY_PREFIX")
        get_settings.cache_clear()
    assert re.match(r"^PST-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$", key)
    # Stored upper-case, so the candidate check finds it.
    assert client.get(f"{API}/assessments/{a['id']}", headers=bearer(key)).status_code == 200


def test_emails_and_names_are_stored_in_order(client):
    org = make_org()
    a = create_assessment(client, org)
    keys = generate_keys(
        client,
        org,
        a["id"],
        count=2,
        candidateEmails=["alice@example.com", "bob@example.com"],
        candidateNames=["Alice", "Bob"],
        orgName="Acme",
    )
    assert [(k["candidateEmail"], k["candidateName"]) for k in keys] == [
        ("alice@example.com", "Alice"),
        ("bob@example.com", "Bob"),
    ]
    listed = client.get(f"{API}/assessments/{a['id']}/keys", headers=org.headers).json()["keys"]
    assert [k["id"] for k in listed] == [k["id"] for k in keys]


def test_fifty_keys_at_once(client):
    org = make_org()
    a = create_assessment(client, org)
    assert len(generate_keys(client, org, a["id"], count=50)) == 50


def test_a_whole_count_written_as_2_0_is_two(client):
    """JSON (and the document's JSON Schema) count 2.0 as the integer 2."""
    org = make_org()
    a = create_assessment(client, org)
    response = client.post(
        f"{API}/assessments/{a['id']}/keys", json={"count": 2.0}, headers=org.headers
    )
    assert response.status_code == 201, response.text
    assert len(response.json()["keys"]) == 2


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"count": 0},
        {"count": 51},
        {"count": -1},
        {"count": "3"},
        {"count": 2.5},
        {"count": True},
        {"count": None},
        {"count": 2, "candidateEmails": ["a@example.com"]},
        {"count": 1, "candidateEmails": ["a@example.com", "b@example.com"]},
        {"count": 1, "candidateEmails": ["not-an-email"]},
        {"count": 1, "candidateEmails": "a@example.com"},
        {"count": 1, "candidateEmails": [5]},
        {"count": 1, "candidateNames": ["Alice"]},
        {
            "count": 2,
            "candidateEmails": ["a@example.com", "b@example.com"],
            "candidateNames": ["A"],
        },
        {"count": 1, "candidateEmails": ["a@example.com"], "candidateNames": ["x" * 256]},
        {"count": 1, "orgName": "x" * 256},
        {"count": 1, "orgName": ["Acme"]},
    ],
)
def test_invalid_key_requests_are_400(client, body):
    org = make_org()
    a = create_assessment(client, org)
    response = client.post(f"{API}/assessments/{a['id']}/keys", json=body, headers=org.headers)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_request"


def test_empty_lists_count_as_not_given(client):
    org = make_org()
    a = create_assessment(client, org)
    keys = generate_keys(client, org, a["id"], count=2, candidateEmails=[], candidateNames=[])
    assert [k["candidateEmail"] for k in keys] == [None, None]


def test_keys_for_unknown_assessment_are_404(client):
    org = make_org()
    response = client.post(
        f"{API}/assessments/does-not-exist/keys", json={"count": 1}, headers=org.headers
    )
    assert response.status_code == 404


def test_revoke_hides_the_key_and_stops_it_authenticating(client):
    org = make_org()
    a = create_assessment(client, org)
    first, second = generate_keys(client, org, a["id"], count=2)
    url = f"{API}/assessments/{a['id']}/keys/{first['id']}"

    response = client.delete(url, headers=org.headers)
    assert response.status_code == 200
    assert response.json() == {"ok": True, "id": first["id"]}
    listed = client.get(f"{API}/assessments/{a['id']}/keys", headers=org.headers).json()["keys"]
    assert [k["id"] for k in listed] == [second["id"]]
    assert (
        client.get(f"{API}/assessments/{a['id']}", headers=bearer(first["key"])).status_code == 401
    )
    assert redeem(client, first["key"]).status_code == 401
    # Already revoked: 404.
    assert client.delete(url, headers=org.headers).status_code == 404


def test_revoke_needs_the_right_assessment(client):
    org = make_org()
    a = create_assessment(client, org)
    b = create_assessment(client, org)
    key = generate_keys(client, org, a["id"])[0]
    wrong = f"{API}/assessments/{b['id']}/keys/{key['id']}"
    assert client.delete(wrong, headers=org.headers).status_code == 404
    assert (
        client.delete(f"{API}/assessments/{a['id']}/keys/missing", headers=org.headers).status_code
        == 404
    )
    assert client.get(f"{API}/assessments/{a['id']}", headers=bearer(key["key"])).status_code == 200


def _set_key(db, key_id: str, **values) -> None:
    row = db.get(CandidateKey, key_id)
    for name, value in values.items():
        setattr(row, name, value)
    db.add(row)
    db.commit()


def test_key_statuses_follow_the_session(client, db):
    org = make_org()
    a = create_assessment(client, org, timeLimitMinutes=60)
    pending, active, completed, hired, expired = generate_keys(client, org, a["id"], count=5)
    _set_key(db, expired["id"], expires_at=utcnow() - timedelta(minutes=1))
    redeem(client, active["key"])
    session_done = redeem(client, completed["key"]).json()["session"]["id"]
    client.post(f"{API}/sessions/{session_done}/complete", headers=bearer(completed["key"]))
    session_hired = redeem(client, hired["key"]).json()["session"]["id"]
    client.patch(f"{API}/sessions/{session_hired}", json={"status": "hired"}, headers=org.headers)

    listed = client.get(f"{API}/assessments/{a['id']}/keys", headers=org.headers).json()["keys"]
    by_id = {k["id"]: k for k in listed}
    assert by_id[pending["id"]]["status"] == "pending"
    assert by_id[active["id"]]["status"] == "active"
    assert by_id[active["id"]]["sessionId"] is not None
    assert by_id[active["id"]]["redeemedAt"] is not None
    assert by_id[completed["id"]]["status"] == "completed"
    assert by_id[completed["id"]]["completedAt"] is not None
    assert by_id[hired["id"]]["status"] == "hired"
    assert by_id[expired["id"]]["status"] == "expired"


@pytest.mark.parametrize(
    ("limit", "offset", "expected"),
    [
        (None, None, (50, 0)),
        ("10", "5", (10, 5)),
        ("0", "0", (1, 0)),
        ("-5", "-3", (1, 0)),
        ("500", "2", (200, 2)),
        ("abc", "xyz", (50, 0)),
        ("1.5", "", (50, 0)),
        (" 20 ", " 7 ", (20, 7)),
        ("9" * 5000, "9" * 5000, (50, 0)),
        ("99999999999999999999", "99999999999999999999", (200, 2**31 - 1)),
        (25, 3, (25, 3)),
        (True, False, (50, 0)),
    ],
)
def test_clamp_limit_offset(limit, offset, expected):
    assert clamp_limit_offset(limit, offset) == expected


def test_list_candidate_keys_across_the_organisation(client, db):
    org, other = make_org(), make_org()
    first = create_assessment(client, org, title="First")
    second = create_assessment(client, org, title="Second")
    gone = create_assessment(client, org, title="Gone")
    k1 = generate_keys(
        client, org, first["id"], candidateEmails=["a@example.com"], candidateNames=["Alice"]
    )[0]
    k2, revoked = generate_keys(client, org, second["id"], count=2)
    generate_keys(client, org, gone["id"])
    generate_keys(client, other, create_assessment(client, other)["id"])
    client.delete(f"{API}/assessments/{second['id']}/keys/{revoked['id']}", headers=org.headers)
    client.delete(f"{API}/assessments/{gone['id']}", headers=org.headers)
    redeem(client, k2["key"])

    page = list_candidate_keys(db, org_id=org.org_id, limit=None, offset=None)
    assert set(page) == {"candidates", "total", "limit", "offset"}
    assert (page["total"], page["limit"], page["offset"]) == (2, 50, 0)
    # Newest first: the key generated last leads the list.
    assert [c["id"] for c in page["candidates"]] == [k2["id"], k1["id"]]
    alice = page["candidates"][1]
    assert set(alice) == KEY_FIELDS | {"assessmentId", "assessmentTitle"}
    assert alice["assessmentId"] == first["id"]
    assert alice["assessmentTitle"] == "First"
    assert alice["candidateName"] == "Alice"
    assert alice["candidateEmail"] == "a@example.com"
    assert alice["status"] == "pending"
    assert page["candidates"][0]["status"] == "active"
    assert page["candidates"][0]["sessionId"] is not None

    second_page = list_candidate_keys(db, org_id=org.org_id, limit="1", offset="1")
    assert (second_page["total"], second_page["limit"], second_page["offset"]) == (2, 1, 1)
    assert [c["id"] for c in second_page["candidates"]] == [k1["id"]]
    clamped = list_candidate_keys(db, org_id=org.org_id, limit="-5", offset="abc")
    assert (clamped["limit"], clamped["offset"], len(clamped["candidates"])) == (1, 0, 1)
