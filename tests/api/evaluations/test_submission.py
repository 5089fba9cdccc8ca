"""Submitting, reading and listing evaluations (seed 000), zip uploads, scopes and isolation."""

from __future__ import annotations

import hashlib
import os
from datetime import timedelta

import pytest

from backend.models.base import utcnow
from backend.settings import get_settings
from tests.api.evaluations.helpers import (
    API,
    automated_result,
    fail_evaluation,
    finish_automated,
    parse_ts,
    set_created_at,
    submission_body,
    submit,
    zip_bytes,
)
from tests.helpers import bearer, make_key, make_org

ACCEPTED_FIELDS = {
    "id",
    "status",
    "candidate_ref",
    "target_role",
    "target_level",
    "sla_tier",
    "estimated_completion",
    "created_at",
}


@pytest.mark.parametrize(("tier", "hours"), [("standard", 24), ("priority", 12), ("express", 2)])
def test_submit_repo_answers_at_once_with_the_tier_estimate(client, tier, hours):
    org = make_org()
    body = submit(client, org, sla_tier=tier)
    assert set(body) == ACCEPTED_FIELDS
    assert body["id"].startswith("eval-")
    assert body["status"] == "pending"
    assert body["candidate_ref"] == "CAND-2024-0847"
    assert body["target_role"] == "Backend Engineer"
    assert body["target_level"] == "senior"
    assert body["sla_tier"] == tier
    assert body["created_at"].endswith("Z")
    created = parse_ts(body["created_at"])
    assert parse_ts(body["estimated_completion"]) - created == timedelta(hours=hours)


def test_submission_defaults_to_standard_and_names_its_location(client):
    org = make_org()
    body = submission_body(sla_tier=None)
    response = client.post(f"{API}/evaluations", json=body, headers=org.headers)
    assert response.status_code == 202
    assert response.json()["sla_tier"] == "standard"
    assert response.headers["location"] == f"{API}/evaluations/{response.json()['id']}"


def test_credentials_in_the_repo_url_are_not_kept(client):
    org = make_org()
    url = "https://someone:ghp_secret_token@github.com/candidate/take-home.git"
    accepted = submit(client, org, artefact={"type": "github_repo", "url": url})
    view = client.get(f"{API}/evaluations/{accepted['id']}", headers=org.headers).json()
    assert view["artefact"] == {
        "type": "github_repo",
        "url": "https://github.com/candidate/take-home.git",
        "upload_id": None,
    }
    assert "ghp_secret_token" not in str(view)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"target_level": "principal"}, "target_level"),
        ({"sla_tier": "overnight"}, "sla_tier"),
        ({"candidate_ref": ""}, "candidate_ref"),
        ({"artefact": {"type": "svn_repo", "url": "https://x.example/r"}}, "artefact"),
        ({"artefact": {"type": "github_repo", "url": "not a url"}}, "artefact"),
        ({"artefact": {"type": "zip_upload"}}, "artefact"),
        ({"callback_url": "ftp://ats.example/hook"}, "callback_url"),
        ({"target_role": "x" * 256}, "target_role"),
    ],
)
def test_invalid_bodies_are_422_in_the_flat_shape(client, change, field):
    org = make_org()
    response = client.post(
        f"{API}/evaluations", json=submission_body(**change), headers=org.headers
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "validation_error"
    assert body["message"].startswith("Invalid request")
    assert any(e["field"].startswith(field) for e in body["errors"]), body["errors"]


def test_missing_fields_and_non_json_are_422(client):
    org = make_org()
    response = client.post(f"{API}/evaluations", json={}, headers=org.headers)
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"candidate_ref", "target_role", "target_level", "artefact"} <= fields
    response = client.post(
        f"{API}/evaluations",
        content=b"candidate_ref=x",
        headers={**org.headers, "content-type": "text/plain"},
    )
    assert response.status_code == 422


def test_scopes_and_authentication(client):
    org = make_org()
    body = submission_body()
    assert client.post(f"{API}/evaluations", json=body).status_code == 401
    bad = client.post(f"{API}/evaluations", json=body, headers=bearer("tl_sk_all_nope"))
    assert bad.status_code == 401 and bad.json()["error"] == "invalid_api_key"
    pipeline_key = make_key(org, "pipeline")
    forbidden = client.post(f"{API}/evaluations", json=body, headers=bearer(pipeline_key))
    assert forbidden.status_code == 403
    assert forbidden.json()["error"] == "insufficient_scope"
    assert client.get(f"{API}/evaluations", headers=bearer(pipeline_key)).status_code == 403
    evaluations_key = make_key(org, "evaluations")
    ok = client.post(f"{API}/evaluations", json=body, headers=bearer(evaluations_key))
    assert ok.status_code == 202
    assert (
        client.get(f"{API}/status/{ok.json()['id']}", headers=bearer(pipeline_key)).status_code
        == 403
    )


def test_another_organisation_sees_404(client):
    org, other = make_org(), make_org()
    accepted = submit(client, org)
    for path in (
        f"/evaluations/{accepted['id']}",
        f"/status/{accepted['id']}",
        f"/evaluations/{accepted['id']}/report.csv",
        f"/evaluations/{accepted['id']}/report.pdf",
    ):
        response = client.get(f"{API}{path}", headers=other.headers)
        assert response.status_code == 404, path
        assert response.json() == {"error": "not_found", "message": "Evaluation not found."}
    claim = client.post(f"{API}/evaluations/{accepted['id']}/claim", headers=other.headers)
    assert claim.status_code == 404
    listed = client.get(f"{API}/evaluations", headers=other.headers).json()
    assert listed["total"] == 0 and listed["evaluations"] == []
    assert client.get(f"{API}/evaluations/eval-missing", headers=org.headers).status_code == 404


def test_status_view_follows_the_stages(client):
    org = make_org()
    accepted = submit(client, org)
    status = client.get(f"{API}/status/{accepted['id']}", headers=org.headers).json()
    assert set(status) == {"id", "status", "candidate_ref", "progress", "estimated_completion"}
    assert status["status"] == "pending"
    assert status["progress"]["stage"] == "queued"
    assert status["estimated_completion"] == accepted["estimated_completion"]

    finish_automated(accepted["id"])
    status = client.get(f"{API}/status/{accepted['id']}", headers=org.headers).json()
    assert status["status"] == "pending"
    assert status["progress"]["stage"] == "awaiting_review"
    assert parse_ts(status["progress"]["started_at"]) >= parse_ts(accepted["created_at"])


def test_failed_evaluation_says_why(client):
    org = make_org()
    accepted = submit(client, org)
    fail_evaluation(
        accepted["id"], code="repository_inaccessible", reason="git clone: repository not found"
    )
    view = client.get(f"{API}/evaluations/{accepted['id']}", headers=org.headers).json()
    assert view["status"] == "failed"
    assert view["progress"]["stage"] == "failed"
    assert view["failure"] == {
        "code": "repository_inaccessible",
        "reason": "git clone: repository not found",
    }
    assert view["result"] is None and view["completed_at"] is None


def test_list_filters_and_pagination(client):
    org = make_org()
    now = utcnow()
    ids = []
    for i, level in enumerate(["junior", "mid", "senior", "senior", "staff"]):
        accepted = submit(client, org, candidate_ref=f"CAND-{i}", target_level=level)
        set_created_at(accepted["id"], now - timedelta(days=5 - i))
        ids.append(accepted["id"])
    finish_automated(ids[2])
    fail_evaluation(ids[4], code="zip_refused", reason="path traversal")

    def listing(**params):
        response = client.get(f"{API}/evaluations", params=params, headers=org.headers)
        assert response.status_code == 200, response.text
        return response.json()

    everything = listing()
    assert everything["total"] == 5
    assert [e["id"] for e in everything["evaluations"]] == list(reversed(ids))  # newest first
    assert set(everything) == {"evaluations", "total", "limit", "offset"}

    page = listing(limit=2, offset=1)
    assert page["total"] == 5 and page["limit"] == 2 and page["offset"] == 1
    assert [e["id"] for e in page["evaluations"]] == [ids[3], ids[2]]
    assert listing(limit=2, offset=4)["evaluations"][0]["id"] == ids[0]
    assert listing(offset=10)["evaluations"] == []

    assert [e["id"] for e in listing(target_level="senior")["evaluations"]] == [ids[3], ids[2]]
    assert [e["id"] for e in listing(candidate_ref="CAND-1")["evaluations"]] == [ids[1]]
    assert [e["id"] for e in listing(status="failed")["evaluations"]] == [ids[4]]
    assert [e["id"] for e in listing(stage="awaiting_review")["evaluations"]] == [ids[2]]
    assert listing(status="pending")["total"] == 4
    window = listing(
        created_from=(now - timedelta(days=4)).isoformat(),
        created_to=(now - timedelta(days=2)).isoformat(),
    )
    assert [e["id"] for e in window["evaluations"]] == [ids[2], ids[1]]

    for bad in ({"status": "done"}, {"limit": 0}, {"limit": 201}, {"offset": -1}):
        response = client.get(f"{API}/evaluations", params=bad, headers=org.headers)
        assert response.status_code == 422, bad
        assert response.json()["error"] == "validation_error"


def test_list_search_recommendation_and_order(client):
    """The web list's search and filters, on the API too (the same query answers both)."""
    org = make_org()
    now = utcnow()
    ids = []
    for i, ref in enumerate(["cand-zed", "CAND-ALPHA", "other-mid"]):
        accepted = submit(client, org, candidate_ref=ref)
        set_created_at(accepted["id"], now - timedelta(days=5 - i))
        ids.append(accepted["id"])
    finish_automated(ids[0], automated_result(recommendation="hold", confidence_score=40))
    finish_automated(ids[1], automated_result(recommendation="proceed", confidence_score=90))

    def listed(**params) -> list[str]:
        response = client.get(f"{API}/evaluations", params=params, headers=org.headers)
        assert response.status_code == 200, response.text
        return [e["id"] for e in response.json()["evaluations"]]

    assert listed(search="CAND-") == [ids[1], ids[0]]
    assert listed(search="cand-", sort="candidate") == [ids[1], ids[0]]
    assert listed(recommendation="hold") == [ids[0]]
    assert listed(sort="confidence") == [ids[1], ids[0], ids[2]]
    assert listed(sort="oldest") == ids
    assert listed(search="%") == []
    bad_values = [{"sort": "best"}, {"recommendation": "maybe"}, {"search": "x" * 201}]
    for bad in [*bad_values, {"search": "CAND\x00"}]:
        response = client.get(f"{API}/evaluations", params=bad, headers=org.headers)
        assert response.status_code == 422, bad


# --- zip uploads ---------------------------------------------------------------------------


@pytest.fixture()
def small_zip_limit():
    """TRUELEVEL_EVALUATION_MAX_ZIP_MB=1 for one test."""
    mp = pytest.MonkeyPatch()
    mp.setenv("TRUELEVEL_EVALUATION_MAX_ZIP_MB", "1")
    get_settings.cache_clear()
    yield 1024 * 1024
    mp.undo()
    get_settings.cache_clear()


def _upload(client, headers, data: bytes, name: str = "take-home.zip"):
    return client.post(
        f"{API}/evaluations/uploads",
        files={"file": (name, data, "application/zip")},
        headers=headers,
    )


def test_upload_a_zip_and_evaluate_it(client):
    org = make_org()
    data = zip_bytes({"src/app.py": b"print('hello')\n", "README.md": b"# Orders\n"})
    response = _upload(client, org.headers, data)
    assert response.status_code == 201, response.text
    upload = response.json()
    assert set(upload) == {"upload_id", "size", "sha256"}
    assert upload["size"] == len(data)
    assert upload["sha256"] == hashlib.sha256(data).hexdigest()

    accepted = submit(
        client, org, artefact={"type": "zip_upload", "upload_id": upload["upload_id"]}
    )
    view = client.get(f"{API}/evaluations/{accepted['id']}", headers=org.headers).json()
    assert view["artefact"] == {"type": "zip_upload", "url": None, "upload_id": upload["upload_id"]}


def test_an_unknown_or_foreign_upload_id_is_refused(client):
    org, other = make_org(), make_org()
    foreign = _upload(client, other.headers, zip_bytes()).json()["upload_id"]
    for upload_id in (foreign, "upl-doesnotexist"):
        response = client.post(
            f"{API}/evaluations",
            json=submission_body(artefact={"type": "zip_upload", "upload_id": upload_id}),
            headers=org.headers,
        )
        assert response.status_code == 400
        assert response.json()["error"] == "unknown_upload"


def test_upload_over_the_cap_is_413(client, small_zip_limit):
    org = make_org()
    # Declared far over the cap: refused from Content-Length before the body is read.
    huge = zip_bytes({"blob.bin": os.urandom(2 * small_zip_limit)}, stored=True)
    response = _upload(client, org.headers, huge)
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"
    assert response.json()["limit_mb"] == 1
    # Just over the cap (within the multipart allowance): refused while copying.
    just_over = zip_bytes({"blob.bin": os.urandom(small_zip_limit + 1000)}, stored=True)
    response = _upload(client, org.headers, just_over)
    assert response.status_code == 413
    assert "larger than 1 MB" in response.json()["message"]
    # Under the cap still works.
    assert _upload(client, org.headers, zip_bytes()).status_code == 201


def test_chunked_upload_without_a_length_is_counted_as_it_arrives(client, small_zip_limit):
    org = make_org()
    boundary = "truelevel-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.zip"\r\n'
        "Content-Type: application/zip\r\n\r\n"
    ).encode()

    def body():
        yield head + b"PK\x03\x04"
        for _ in range(4 * small_zip_limit // 65536):  # 4x the cap, no Content-Length
            yield b"\0" * 65536
        yield f"\r\n--{boundary}--\r\n".encode()

    response = client.post(
        f"{API}/evaluations/uploads",
        content=body(),
        headers={**org.headers, "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"


def test_upload_that_is_not_a_zip_is_400(client):
    org = make_org()
    response = _upload(client, org.headers, b"#!/bin/sh\necho not a zip\n", name="x.zip")
    assert response.status_code == 400
    assert response.json()["error"] == "not_a_zip"
    empty = _upload(client, org.headers, b"")
    assert empty.status_code == 400 and empty.json()["error"] == "not_a_zip"


def test_upload_without_a_file_or_key(client):
    org = make_org()
    response = client.post(
        f"{API}/evaluations/uploads", data={"other": "field"}, headers=org.headers
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "file"
    no_multipart = client.post(f"{API}/evaluations/uploads", json={}, headers=org.headers)
    assert no_multipart.status_code == 422
    unauthenticated = client.post(
        f"{API}/evaluations/uploads", files={"file": ("a.zip", zip_bytes(), "application/zip")}
    )
    assert unauthenticated.status_code == 401
    wrong_scope = _upload(client, bearer(make_key(org, "pipeline")), zip_bytes())
    assert wrong_scope.status_code == 403
