"""The OSS-issue library and versioned rubrics."""

from __future__ import annotations

import copy

import pytest

from backend.services.rubrics import default_rubric_categories, ensure_default_rubric
from tests.api.assessments.helpers import (
    API,
    create_assessment,
    create_issue,
    create_rubric,
    rubric_body,
)
from tests.helpers import make_org

ISSUE_FIELDS = {
    "id",
    "orgId",
    "title",
    "body",
    "repoUrl",
    "issueUrl",
    "language",
    "difficulty",
    "createdAt",
}
RUBRIC_FIELDS = {
    "id",
    "orgId",
    "familyId",
    "version",
    "name",
    "description",
    "categories",
    "isLatest",
    "isDefault",
    "createdAt",
}


def test_issue_create_list_get(client):
    org = make_org()
    first = create_issue(client, org, title="First")
    assert set(first) == ISSUE_FIELDS
    assert first["orgId"] == org.org_id
    assert first["language"] == "Python" and first["difficulty"] == "medium"
    second = create_issue(client, org, title="Second", body=None, brief="Given as brief")
    assert second["body"] == "Given as brief"

    listed = client.get(f"{API}/issues", headers=org.headers).json()
    assert [i["id"] for i in listed["issues"]] == [first["id"], second["id"]]
    got = client.get(f"{API}/issues/{first['id']}", headers=org.headers)
    assert got.status_code == 200 and got.json() == {"issue": first}


def test_issue_minimal_body(client):
    org = make_org()
    response = client.post(f"{API}/issues", json={"title": "T", "body": "B"}, headers=org.headers)
    assert response.status_code == 201
    issue = response.json()["issue"]
    assert issue["repoUrl"] is None and issue["issueUrl"] is None and issue["language"] is None


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"title": "T"},
        {"title": "", "body": "B"},
        {"title": "T", "body": ""},
        {"title": "T", "body": "B", "issueUrl": "git@github.com:o/r.git"},
        {"title": "T", "body": "B", "repoUrl": "nope"},
        {"title": "T", "body": "B", "language": "x" * 65},
        {"title": "T", "body": "B", "difficulty": "x" * 33},
        {"title": "T", "body": "B" * 100_001},
    ],
)
def test_invalid_issue_is_400(client, body):
    org = make_org()
    response = client.post(f"{API}/issues", json=body, headers=org.headers)
    assert response.status_code == 400, response.text


def test_issues_are_private_to_their_organisation(client):
    owner, stranger = make_org(), make_org()
    issue = create_issue(client, owner)
    assert client.get(f"{API}/issues/{issue['id']}", headers=stranger.headers).status_code == 404
    assert client.get(f"{API}/issues", headers=stranger.headers).json() == {"issues": []}
    assert client.get(f"{API}/issues/missing", headers=owner.headers).status_code == 404


def test_rubric_create_and_read(client):
    org = make_org()
    rubric = create_rubric(client, org)
    assert set(rubric) == RUBRIC_FIELDS
    assert rubric["version"] == 1 and rubric["isLatest"] is True and rubric["isDefault"] is False
    assert [c["name"] for c in rubric["categories"]] == ["Code Quality", "Testing"]
    criterion = rubric["categories"][0]["criteria"][0]
    assert criterion == {
        "name": "Readability",
        "description": "Clear code",
        "weight": 1.0,
        "levels": {str(i): f"level {i}" for i in range(1, 6)},
    }
    got = client.get(f"{API}/rubrics/{rubric['id']}", headers=org.headers)
    assert got.json() == {"rubric": rubric}


def _bad_rubrics() -> list[dict]:
    bodies = []

    def variant(mutate) -> None:
        body = copy.deepcopy(rubric_body())
        mutate(body)
        bodies.append(body)

    variant(lambda b: b.update(categories=[]))
    variant(lambda b: b.update(categories=b["categories"] * 11))  # 22 categories
    variant(lambda b: b.update(name=""))
    variant(lambda b: b["categories"][0].update(weight=0))
    variant(lambda b: b["categories"][0].update(weight=-1))
    variant(lambda b: b["categories"][0].update(weight="2"))
    variant(lambda b: b["categories"][0].update(criteria=[]))
    variant(lambda b: b["categories"][0]["criteria"][0].update(weight=0))
    variant(lambda b: b["categories"][0]["criteria"][0].update(levels={"1": "a", "2": "b"}))
    variant(lambda b: b["categories"][0]["criteria"][0]["levels"].update({"6": "extra"}))
    variant(lambda b: b["categories"][0]["criteria"][0]["levels"].update({"3": ""}))
    variant(lambda b: b["categories"][0]["criteria"][0].update(levels=["a", "b", "c", "d", "e"]))
    variant(lambda b: b["categories"][1].update(name="code quality"))  # duplicate category
    variant(lambda b: b.update(categories="Code Quality"))
    return bodies


@pytest.mark.parametrize("body", _bad_rubrics())
def test_invalid_rubric_is_400(client, body):
    org = make_org()
    response = client.post(f"{API}/rubrics", json=body, headers=org.headers)
    assert response.status_code == 400, response.text


def test_twenty_categories_are_allowed(client):
    org = make_org()
    body = rubric_body()
    template = body["categories"][0]
    body["categories"] = [{**template, "name": f"Category {i}"} for i in range(20)]
    response = client.post(f"{API}/rubrics", json=body, headers=org.headers)
    assert response.status_code == 201


def test_put_creates_a_new_version_and_keeps_the_old_one(client):
    org = make_org()
    v1 = create_rubric(client, org)
    a = create_assessment(client, org, rubricId=v1["id"])

    response = client.put(
        f"{API}/rubrics/{v1['id']}",
        json=rubric_body("Backend rubric v2", levels_prefix="new "),
        headers=org.headers,
    )
    assert response.status_code == 200
    v2 = response.json()["rubric"]
    assert v2["id"] != v1["id"]
    assert v2["familyId"] == v1["familyId"]
    assert v2["version"] == 2 and v2["isLatest"] is True
    assert v2["name"] == "Backend rubric v2"

    old = client.get(f"{API}/rubrics/{v1['id']}", headers=org.headers).json()["rubric"]
    assert old["version"] == 1 and old["isLatest"] is False
    assert old["categories"] == v1["categories"]
    # The assessment still names the version it was linked to.
    linked = client.get(f"{API}/assessments/{a['id']}", headers=org.headers).json()["assessment"]
    assert linked["rubric"] == {"id": v1["id"], "name": "Backend rubric", "version": 1}

    # Editing through an old id still appends to the family.
    v3 = client.put(f"{API}/rubrics/{v1['id']}", json=rubric_body("v3"), headers=org.headers)
    assert v3.json()["rubric"]["version"] == 3

    listed = client.get(f"{API}/rubrics", headers=org.headers).json()["rubrics"]
    assert [(r["familyId"], r["version"]) for r in listed] == [(v1["familyId"], 3)]


def test_list_shows_latest_versions_of_each_rubric(client):
    org = make_org()
    a = create_rubric(client, org, name="Alpha")
    b = create_rubric(client, org, name="Beta")
    client.put(f"{API}/rubrics/{b['id']}", json=rubric_body("Beta"), headers=org.headers)
    listed = client.get(f"{API}/rubrics", headers=org.headers).json()["rubrics"]
    assert [(r["name"], r["version"]) for r in listed] == [("Alpha", 1), ("Beta", 2)]
    assert listed[0]["id"] == a["id"]


def test_put_validates_and_isolates(client):
    owner, stranger = make_org(), make_org()
    rubric = create_rubric(client, owner)
    url = f"{API}/rubrics/{rubric['id']}"
    assert client.put(url, json={"name": "x"}, headers=owner.headers).status_code == 400
    assert client.put(url, json=rubric_body(), headers=stranger.headers).status_code == 404
    assert client.get(url, headers=stranger.headers).status_code == 404
    assert (
        client.put(f"{API}/rubrics/missing", json=rubric_body(), headers=owner.headers).status_code
        == 404
    )
    assert client.get(f"{API}/rubrics", headers=stranger.headers).json() == {"rubrics": []}


def test_default_rubric_is_created_once(client, db):
    org = make_org()
    first = ensure_default_rubric(db, org_id=org.org_id)
    again = ensure_default_rubric(db, org_id=org.org_id)
    assert again.id == first.id
    assert first.is_default
    names = [c["name"] for c in first.categories]
    assert names == [
        "Code Quality",
        "Technical Depth",
        "Reasoning and Trade-offs",
        "Testing",
        "Security",
    ]
    for category in first.categories:
        assert category["criteria"]
        for criterion in category["criteria"]:
            assert sorted(criterion["levels"]) == ["1", "2", "3", "4", "5"]
            assert all(criterion["levels"].values())

    # It is an ordinary rubric over HTTP too, and an edit keeps it the default.
    response = client.put(
        f"{API}/rubrics/{first.id}",
        json={"name": "Ours", "categories": default_rubric_categories()[:2]},
        headers=org.headers,
    )
    assert response.status_code == 200
    assert response.json()["rubric"]["isDefault"] is True
    db.expire_all()
    assert ensure_default_rubric(db, org_id=org.org_id).id == response.json()["rubric"]["id"]
