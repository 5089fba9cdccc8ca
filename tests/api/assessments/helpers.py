"""Small builders for the assessment tests, on top of tests/helpers.py."""

from __future__ import annotations

from typing import Any

from tests.helpers import OrgHandle, bearer

API = "/api/v1"


def create_assessment(client: Any, org: OrgHandle, **fields: Any) -> dict[str, Any]:
    """POST /assessments with sensible defaults; returns the assessment object."""
    body = {"title": "Backend API Challenge", "role": "Senior Backend Engineer"}
    body.update(fields)
    if "taskBrief" not in body and "issueId" not in body:
        body["taskBrief"] = "Add pagination to the /orders endpoint."
    response = client.post(f"{API}/assessments", json=body, headers=org.headers)
    assert response.status_code == 201, response.text
    return response.json()["assessment"]


def generate_keys(client: Any, org: OrgHandle, assessment_id: str, **fields: Any) -> list[dict]:
    """POST /assessments/{id}/keys (count 1 unless given); returns the key objects."""
    body = {"count": 1}
    body.update(fields)
    response = client.post(
        f"{API}/assessments/{assessment_id}/keys", json=body, headers=org.headers
    )
    assert response.status_code == 201, response.text
    return response.json()["keys"]


def create_issue(client: Any, org: OrgHandle, **fields: Any) -> dict[str, Any]:
    body = {
        "title": "Fix race in cache invalidation",
        "body": "Issue body: the cache serves stale entries after a write.",
        "repoUrl": "https://github.com/example/cache",
        "issueUrl": "https://github.com/example/cache/issues/42",
        "language": "Python",
        "difficulty": "medium",
    }
    body.update(fields)
    # A None drops the field, e.g. body=None with brief="..." sends only "brief".
    body = {k: v for k, v in body.items() if v is not None}
    response = client.post(f"{API}/issues", json=body, headers=org.headers)
    assert response.status_code == 201, response.text
    return response.json()["issue"]


def rubric_body(name: str = "Backend rubric", *, levels_prefix: str = "") -> dict[str, Any]:
    levels = {str(i): f"{levels_prefix}level {i}" for i in range(1, 6)}
    return {
        "name": name,
        "description": "For backend roles.",
        "categories": [
            {
                "name": "Code Quality",
                "weight": 2,
                "criteria": [
                    {
                        "name": "Readability",
                        "description": "Clear code",
                        "weight": 1,
                        "levels": levels,
                    }
                ],
            },
            {
                "name": "Testing",
                "weight": 1.5,
                "criteria": [{"name": "Coverage", "weight": 0.5, "levels": levels}],
            },
        ],
    }


def create_rubric(client: Any, org: OrgHandle, **overrides: Any) -> dict[str, Any]:
    body = rubric_body()
    body.update(overrides)
    response = client.post(f"{API}/rubrics", json=body, headers=org.headers)
    assert response.status_code == 201, response.text
    return response.json()["rubric"]


def redeem(client: Any, key: str) -> Any:
    """POST /sessions/redeem with the candidate key as the bearer token."""
    return client.post(f"{API}/sessions/redeem", headers=bearer(key))
