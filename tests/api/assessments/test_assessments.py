"""Assessments (seeds 001, 002): create, list, get, soft delete, authentication and isolation."""

from __future__ import annotations

import re

import pytest

from backend.db import session_scope
from backend.services.api_keys import list_api_keys, revoke_api_key
from tests.api.assessments.helpers import (
    API,
    create_assessment,
    create_issue,
    create_rubric,
    generate_keys,
)
from tests.helpers import bearer, make_key, make_org

ASSESSMENT_FIELDS = {
    "id",
    "orgId",
    "title",
    "role",
    "taskBrief",
    "repoUrl",
    "issueId",
    "issue",
    "rubricId",
    "rubric",
    "timeLimitMinutes",
    "expiresInDays",
    "targetLevel",
    "createdAt",
    "updatedAt",
}
ISO_Z = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"


def test_create_returns_the_assessment_with_seed_fields_and_defaults(client):
    org = make_org()
    response = client.post(
        f"{API}/assessments",
        json={
            "title": "Backend API Challenge",
            "role": "Senior Backend Engineer",
            "taskBrief": "Add pagination.",
            "timeLimitMinutes": 90,
        },
        headers=org.headers,
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"assessment"}
    a = body["assessment"]
    assert set(a) == ASSESSMENT_FIELDS
    assert a["orgId"] == org.org_id
    assert a["title"] == "Backend API Challenge"
    assert a["role"] == "Senior Backend Engineer"
    assert a["taskBrief"] == "Add pagination."
    assert a["timeLimitMinutes"] == 90
    assert a["expiresInDays"] == 7
    assert a["targetLevel"] == "mid"
    assert a["repoUrl"] is None and a["issueId"] is None and a["issue"] is None
    assert a["rubricId"] is None and a["rubric"] is None
    assert re.match(ISO_Z, a["createdAt"]) and a["updatedAt"] == a["createdAt"]


def test_create_accepts_every_optional_field(client):
    org = make_org()
    rubric = create_rubric(client, org)
    a = create_assessment(
        client,
        org,
        repoUrl="https://github.com/example/shop.git",
        timeLimitMinutes=10_080,
        expiresInDays=365,
        rubricId=rubric["id"],
    )
    assert a["repoUrl"] == "https://github.com/example/shop.git"
    assert a["timeLimitMinutes"] == 10_080
    assert a["expiresInDays"] == 365
    assert a["rubricId"] == rubric["id"]
    assert a["rubric"] == {"id": rubric["id"], "name": "Backend rubric", "version": 1}


@pytest.mark.parametrize(
    "repo_url",
    ["git@github.com:example/shop.git", "ssh://git@example.com/shop.git", "git://example.com/r"],
)
def test_git_repository_urls_are_accepted(client, repo_url):
    org = make_org()
    assert create_assessment(client, org, repoUrl=repo_url)["repoUrl"] == repo_url


def test_missing_task_brief_without_issue_is_400(client):
    org = make_org()
    response = client.post(
        f"{API}/assessments", json={"title": "T", "role": "R"}, headers=org.headers
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert "taskBrief" in response.json()["message"]


def test_brief_comes_from_the_issue_when_not_given(client):
    org = make_org()
    issue = create_issue(client, org, body="Make the importer idempotent.")
    a = create_assessment(client, org, issueId=issue["id"])
    assert a["taskBrief"] == "Make the importer idempotent."
    assert a["issueId"] == issue["id"]
    assert a["issue"]["id"] == issue["id"]
    assert a["issue"]["title"] == issue["title"]
    assert a["issue"]["issueUrl"] == "https://github.com/example/cache/issues/42"


def test_explicit_brief_wins_over_the_issue(client):
    org = make_org()
    issue = create_issue(client, org, body="From the issue.")
    a = create_assessment(client, org, issueId=issue["id"], taskBrief="Written by the reviewer.")
    assert a["taskBrief"] == "Written by the reviewer."
    assert a["issue"]["body"] == "From the issue."


def test_empty_task_brief_with_issue_takes_the_issue_body(client):
    org = make_org()
    issue = create_issue(client, org, body="Issue text.")
    assert create_assessment(client, org, issueId=issue["id"], taskBrief="")["taskBrief"] == (
        "Issue text."
    )


def test_unknown_or_foreign_issue_id_is_400(client):
    org, other = make_org(), make_org()
    foreign = create_issue(client, other)
    for issue_id in ("00000000-0000-0000-0000-000000000000", foreign["id"]):
        response = client.post(
            f"{API}/assessments",
            json={"title": "T", "role": "R", "issueId": issue_id},
            headers=org.headers,
        )
        assert response.status_code == 400
        assert "issueId" in response.json()["message"]


def test_unknown_or_foreign_rubric_id_is_400(client):
    org, other = make_org(), make_org()
    foreign = create_rubric(client, other)
    for rubric_id in ("nope", foreign["id"]):
        response = client.post(
            f"{API}/assessments",
            json={"title": "T", "role": "R", "taskBrief": "B", "rubricId": rubric_id},
            headers=org.headers,
        )
        assert response.status_code == 400
        assert "rubricId" in response.json()["message"]


@pytest.mark.parametrize(
    "changes",
    [
        {"title": ""},
        {"title": "   "},
        {"title": "x" * 256},
        {"title": 123},
        {"title": None},
        {"role": ""},
        {"role": ["a"]},
        {"taskBrief": "x" * 100_001},
        {"taskBrief": 5},
        {"repoUrl": "not a url"},
        {"repoUrl": "ftp://example.com/repo"},
        {"repoUrl": "javascript:alert(1)"},
        {"repoUrl": "http://"},
        {"repoUrl": "https://example.com:99999/x"},
        {"repoUrl": "https://" + "a" * 3000 + ".com"},
        {"timeLimitMinutes": 0},
        {"timeLimitMinutes": -5},
        {"timeLimitMinutes": 10_081},
        {"timeLimitMinutes": 10**30},
        {"timeLimitMinutes": 1.5},
        {"timeLimitMinutes": "60"},
        {"timeLimitMinutes": True},
        {"expiresInDays": 0},
        {"expiresInDays": 366},
        {"expiresInDays": "7"},
        {"issueId": 42},
        {"rubricId": {"id": "x"}},
        {"title": "bad\x00title"},
    ],
)
def test_invalid_bodies_are_400(client, changes):
    org = make_org()
    body = {"title": "T", "role": "R", "taskBrief": "B"}
    body.update(changes)
    response = client.post(f"{API}/assessments", json=body, headers=org.headers)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_request"


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b"[]",
        b"",
        b'"a string"',
        b'{"title": "\\ud800", "role": "R", "taskBrief": "B"}',
        b'{"title": "T", "role": "R", "taskBrief": "B", "x": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    ],
)
def test_malformed_json_is_400_not_500(client, raw):
    org = make_org()
    response = client.post(
        f"{API}/assessments",
        content=raw,
        headers={**org.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400, response.text


def test_expires_in_days_null_means_the_default(client):
    org = make_org()
    assert create_assessment(client, org, expiresInDays=None)["expiresInDays"] == 7


def test_list_is_ordered_by_creation_and_skips_deleted(client):
    org = make_org()
    first = create_assessment(client, org, title="First")
    second = create_assessment(client, org, title="Second")
    third = create_assessment(client, org, title="Third")
    response = client.delete(f"{API}/assessments/{second['id']}", headers=org.headers)
    assert response.status_code == 200
    assert response.json() == {"ok": True, "id": second["id"]}

    listed = client.get(f"{API}/assessments", headers=org.headers).json()
    assert set(listed) == {"assessments"}
    assert [a["id"] for a in listed["assessments"]] == [first["id"], third["id"]]
    assert set(listed["assessments"][0]) == ASSESSMENT_FIELDS


def test_deleted_assessment_is_404_everywhere(client):
    org = make_org()
    a = create_assessment(client, org)
    key = generate_keys(client, org, a["id"])[0]
    assert client.delete(f"{API}/assessments/{a['id']}", headers=org.headers).status_code == 200
    assert client.get(f"{API}/assessments/{a['id']}", headers=org.headers).status_code == 404
    assert client.delete(f"{API}/assessments/{a['id']}", headers=org.headers).status_code == 404
    assert client.get(f"{API}/assessments/{a['id']}/keys", headers=org.headers).status_code == 404
    # Its keys were soft-deleted with it: the candidate can no longer authenticate.
    assert client.get(f"{API}/assessments/{a['id']}", headers=bearer(key["key"])).status_code == 401


def test_get_includes_the_linked_issue(client):
    org = make_org()
    issue = create_issue(client, org)
    a = create_assessment(client, org, issueId=issue["id"])
    got = client.get(f"{API}/assessments/{a['id']}", headers=org.headers)
    assert got.status_code == 200
    assert got.json()["assessment"]["issue"] == issue


def test_candidate_key_reads_its_own_assessment_only(client):
    org = make_org()
    mine = create_assessment(client, org, title="Mine")
    other = create_assessment(client, org, title="Other")
    key = generate_keys(client, org, mine["id"])[0]["key"]

    got = client.get(f"{API}/assessments/{mine['id']}", headers=bearer(key))
    assert got.status_code == 200
    assert got.json()["assessment"]["title"] == "Mine"
    # Case and spaces do not matter when a candidate types the key.
    assert (
        client.get(f"{API}/assessments/{mine['id']}", headers=bearer(key.lower())).status_code
        == 200
    )
    assert client.get(f"{API}/assessments/{other['id']}", headers=bearer(key)).status_code == 404
    # A candidate key is not an organisation key.
    assert client.get(f"{API}/assessments", headers=bearer(key)).status_code == 401
    assert client.delete(f"{API}/assessments/{mine['id']}", headers=bearer(key)).status_code == 401


def test_missing_invalid_and_revoked_org_keys_are_401(client):
    org = make_org()
    assert client.get(f"{API}/assessments").status_code == 401
    response = client.get(f"{API}/assessments", headers=bearer("tl_sk_all_nope"))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_api_key"

    raw = make_key(org, "assessments")
    assert client.get(f"{API}/assessments", headers=bearer(raw)).status_code == 200
    with session_scope() as session:
        key_id = next(
            k.id for k in list_api_keys(session, org_id=org.org_id) if k.scope == "assessments"
        )
        revoke_api_key(session, org_id=org.org_id, key_id=key_id)
    assert client.get(f"{API}/assessments", headers=bearer(raw)).status_code == 401
    assert (
        client.post(
            f"{API}/assessments",
            json={"title": "T", "role": "R", "taskBrief": "B"},
            headers=bearer(raw),
        ).status_code
        == 401
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/assessments"),
        ("post", "/assessments"),
        ("get", "/assessments/x"),
        ("delete", "/assessments/x"),
        ("post", "/assessments/x/keys"),
        ("get", "/assessments/x/keys"),
        ("delete", "/assessments/x/keys/y"),
        ("get", "/issues"),
        ("post", "/issues"),
        ("get", "/rubrics"),
        ("post", "/rubrics"),
        ("put", "/rubrics/x"),
        ("patch", "/sessions/x"),
        ("get", "/sessions/x"),
    ],
)
def test_wrong_scope_is_403(client, method, path):
    org = make_org()
    pipeline_key = make_key(org, "pipeline")
    response = client.request(method.upper(), f"{API}{path}", headers=bearer(pipeline_key), json={})
    assert response.status_code == 403
    assert response.json()["error"] == "insufficient_scope"


def test_assessments_scope_key_is_enough(client):
    org = make_org()
    key = make_key(org, "assessments")
    response = client.post(
        f"{API}/assessments",
        json={"title": "T", "role": "R", "taskBrief": "B"},
        headers=bearer(key),
    )
    assert response.status_code == 201


def test_another_organisation_sees_404(client):
    owner, stranger = make_org(), make_org()
    a = create_assessment(client, owner)
    key = generate_keys(client, owner, a["id"])[0]
    h = stranger.headers
    assert client.get(f"{API}/assessments/{a['id']}", headers=h).status_code == 404
    assert client.delete(f"{API}/assessments/{a['id']}", headers=h).status_code == 404
    assert client.get(f"{API}/assessments/{a['id']}/keys", headers=h).status_code == 404
    assert (
        client.post(f"{API}/assessments/{a['id']}/keys", json={"count": 1}, headers=h).status_code
        == 404
    )
    assert (
        client.delete(f"{API}/assessments/{a['id']}/keys/{key['id']}", headers=h).status_code == 404
    )
    assert client.get(f"{API}/assessments", headers=h).json() == {"assessments": []}
    # Nothing was changed by the attempts.
    assert client.get(f"{API}/assessments/{a['id']}", headers=owner.headers).status_code == 200
    assert (
        len(client.get(f"{API}/assessments/{a['id']}/keys", headers=owner.headers).json()["keys"])
        == 1
    )


@pytest.mark.parametrize("bad_id", ["x" * 5000, "%00", "..%2F..%2Fetc", "'; DROP TABLE x;--", "é"])
def test_odd_ids_are_404(client, bad_id):
    org = make_org()
    assert client.get(f"{API}/assessments/{bad_id}", headers=org.headers).status_code == 404
    assert client.delete(f"{API}/assessments/{bad_id}", headers=org.headers).status_code == 404
    assert client.get(f"{API}/assessments/{bad_id}/keys", headers=org.headers).status_code == 404
