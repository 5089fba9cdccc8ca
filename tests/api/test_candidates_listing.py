"""GET /api/v1/candidates serves two documented contracts; the query parameters decide."""

from __future__ import annotations

from tests.helpers import bearer, make_key, make_org


def _seed_both(client, org):
    assessment = client.post(
        "/api/v1/assessments",
        headers=org.headers,
        json={"title": "Backend API Challenge", "role": "Backend Engineer", "taskBrief": "Build"},
    ).json()["assessment"]
    keys = client.post(
        f"/api/v1/assessments/{assessment['id']}/keys", headers=org.headers, json={"count": 3}
    )
    assert keys.status_code == 201
    person = client.post(
        "/api/v1/candidates",
        headers=org.headers,
        json={
            "first_name": "Grace",
            "last_name": "Hopper",
            "email": "grace@example.com",
            "phone_no": "+15550100",
            "source": "LinkedIn",
            "source_id": "li-grace",
        },
    )
    assert person.status_code == 201, person.text
    return assessment


def test_limit_offset_or_nothing_lists_candidate_keys(client):
    org = make_org()
    assessment = _seed_both(client, org)
    body = client.get("/api/v1/candidates", headers=org.headers).json()
    assert set(body) == {"candidates", "total", "limit", "offset"}
    assert body["total"] == 3 and body["limit"] == 50 and body["offset"] == 0
    assert body["candidates"][0]["assessmentTitle"] == "Backend API Challenge"
    assert body["candidates"][0]["assessmentId"] == assessment["id"]
    clamped = client.get("/api/v1/candidates?limit=999&offset=-4", headers=org.headers).json()
    assert (clamped["limit"], clamped["offset"]) == (200, 0)
    one = client.get("/api/v1/candidates?limit=1&offset=1", headers=org.headers).json()
    assert len(one["candidates"]) == 1 and one["total"] == 3


def test_page_size_lists_candidate_people(client):
    org = make_org()
    _seed_both(client, org)
    body = client.get("/api/v1/candidates?page=1&size=10", headers=org.headers).json()
    assert set(body) == {"items", "total", "page", "size", "pages"}
    assert body["total"] == 1 and body["items"][0]["first_name"] == "Grace"
    filtered = client.get(
        "/api/v1/candidates?page=1&size=10&source_id=nobody", headers=org.headers
    ).json()
    assert filtered["total"] == 0 and filtered["items"] == []
    assert client.get("/api/v1/candidates?page=0&size=10", headers=org.headers).status_code == 422
    assert client.get("/api/v1/candidates?size=abc", headers=org.headers).status_code == 422


def test_each_flavour_needs_its_own_scope(client):
    org = make_org()
    pipeline = bearer(make_key(org, "pipeline"))
    assessments = bearer(make_key(org, "assessments"))
    assert client.get("/api/v1/candidates", headers=assessments).status_code == 200
    assert client.get("/api/v1/candidates?page=1&size=5", headers=pipeline).status_code == 200
    refused = client.get("/api/v1/candidates", headers=pipeline)
    assert refused.status_code == 403 and refused.json()["error"] == "insufficient_scope"
    assert client.get("/api/v1/candidates?page=1&size=5", headers=assessments).status_code == 403
    assert client.get("/api/v1/candidates").status_code == 401


def test_organisations_never_see_each_other(client):
    mine, theirs = make_org(), make_org()
    _seed_both(client, theirs)
    assert client.get("/api/v1/candidates", headers=mine.headers).json()["total"] == 0
    people = client.get("/api/v1/candidates?page=1&size=5", headers=mine.headers).json()
    assert people["total"] == 0
