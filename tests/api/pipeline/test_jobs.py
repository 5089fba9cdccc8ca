"""Jobs: create, read, update, list with page/size and source_id, organisation isolation."""

from __future__ import annotations

import json
import re

import pytest

from tests.api.pipeline.builders import API, create_job, error_fields, job_body, unique
from tests.helpers import make_org

ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@pytest.fixture()
def org():
    return make_org()


def test_create_job_with_the_seed_example(client, org):
    body = job_body()
    response = client.post(f"{API}/jobs", json=body, headers=org.headers)
    assert response.status_code == 201
    job = response.json()
    assert UUID.match(job["id"])
    for name, value in body.items():
        assert job[name] == value, name
    assert job["scheduling"] is False
    assert ISO_Z.match(job["created_at"]) and ISO_Z.match(job["updated_at"])


def test_get_job(client, org):
    job = create_job(client, org)
    response = client.get(f"{API}/jobs/{job['id']}", headers=org.headers)
    assert response.status_code == 200
    assert response.json() == job


def test_strings_are_trimmed(client, org):
    job = create_job(client, org, title="  Data Engineer  ")
    assert job["title"] == "Data Engineer"


@pytest.mark.parametrize(
    "missing", ["title", "industry", "state_name", "country", "recruiter_name", "desc"]
)
def test_required_fields(client, org, missing):
    body = job_body()
    del body[missing]
    response = client.post(f"{API}/jobs", json=body, headers=org.headers)
    assert response.status_code == 422
    payload = response.json()
    assert payload["error"] == "validation_error"
    assert missing in error_fields(response)
    assert missing in payload["message"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "x" * 256),
        ("title", "   "),
        ("zip_code", "9" * 33),
        ("pay_rate_currency", "U" * 17),
        ("address", "a" * 513),
        ("desc", "d" * 50_001),
        ("recruiter_email", "not-an-email"),
        ("min_pay_rate", -1),
        ("max_pay_rate", 1e12),
        ("max_pay_rate", "lots"),
        ("title", 42),
        ("source_id", "s" * 256),
    ],
)
def test_invalid_values_are_422(client, org, field, value):
    response = client.post(f"{API}/jobs", json=job_body(**{field: value}), headers=org.headers)
    assert response.status_code == 422, response.text
    assert field in error_fields(response)


def test_not_a_number_is_422(client, org):
    raw = job_body()
    raw.pop("max_pay_rate")
    text = json.dumps(raw)[:-1] + ', "max_pay_rate": NaN}'
    response = client.post(
        f"{API}/jobs",
        content=text,
        headers={**org.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 422


def test_malformed_json_is_422(client, org):
    response = client.post(
        f"{API}/jobs",
        content=b"{not json",
        headers={**org.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["error"] == "validation_error"


def test_duplicate_source_id_is_409(client, org):
    job = create_job(client, org)
    response = client.post(
        f"{API}/jobs", json=job_body(source_id=job["source_id"]), headers=org.headers
    )
    assert response.status_code == 409
    assert response.json()["error"] == "duplicate_source_id"
    assert response.json()["job_id"] == job["id"]
    # Another organisation may use the same source id.
    other = make_org()
    create_job(client, other, source_id=job["source_id"])


def test_unknown_and_foreign_jobs_are_404(client, org):
    foreign = create_job(client, make_org())
    for job_id in ("no-such-job", foreign["id"]):
        response = client.get(f"{API}/jobs/{job_id}", headers=org.headers)
        assert response.status_code == 404
        assert response.json()["error"] == "job_not_found"
        response = client.patch(f"{API}/jobs/{job_id}", json={"title": "x"}, headers=org.headers)
        assert response.status_code == 404


def test_overlong_path_id_is_422(client, org):
    response = client.get(f"{API}/jobs/{'x' * 65}", headers=org.headers)
    assert response.status_code == 422


def test_patch_changes_only_the_fields_sent(client, org):
    job = create_job(client, org)
    response = client.patch(
        f"{API}/jobs/{job['id']}",
        json={"status": "Closed", "city": None, "desc": "Now with Rust."},
        headers=org.headers,
    )
    assert response.status_code == 200
    updated = response.json()
    assert updated["status"] == "Closed"
    assert updated["city"] is None
    assert updated["desc"] == "Now with Rust."
    assert updated["title"] == job["title"]
    assert updated["source_id"] == job["source_id"]
    assert updated["updated_at"] >= job["updated_at"]
    assert client.get(f"{API}/jobs/{job['id']}", headers=org.headers).json() == updated


def test_patch_ignores_source_id(client, org):
    job = create_job(client, org)
    response = client.patch(
        f"{API}/jobs/{job['id']}", json={"source_id": "changed"}, headers=org.headers
    )
    assert response.status_code == 200
    assert response.json()["source_id"] == job["source_id"]


@pytest.mark.parametrize(
    "body",
    [{"title": None}, {"desc": None}, {"status": None}, {"title": "t" * 256}, {"min_pay_rate": -5}],
)
def test_patch_validation(client, org, body):
    job = create_job(client, org)
    response = client.patch(f"{API}/jobs/{job['id']}", json=body, headers=org.headers)
    assert response.status_code == 422
    assert set(body) <= error_fields(response)


def test_list_jobs_pages(client, org):
    created = [create_job(client, org, title=f"Job {i}") for i in range(5)]
    response = client.get(f"{API}/jobs", params={"page": 1, "size": 2}, headers=org.headers)
    assert response.status_code == 200
    first = response.json()
    assert set(first) == {"items", "total", "page", "size", "pages"}
    assert (first["total"], first["page"], first["size"], first["pages"]) == (5, 1, 2, 3)
    assert len(first["items"]) == 2
    seen = []
    for page in (1, 2, 3):
        body = client.get(
            f"{API}/jobs", params={"page": page, "size": 2}, headers=org.headers
        ).json()
        seen += [item["id"] for item in body["items"]]
    # Every job exactly once, newest first.
    assert sorted(seen) == sorted(j["id"] for j in created)
    assert seen[0] == created[-1]["id"]
    past_end = client.get(f"{API}/jobs", params={"page": 4, "size": 2}, headers=org.headers)
    assert past_end.json()["items"] == [] and past_end.json()["total"] == 5


def test_list_defaults(client, org):
    body = client.get(f"{API}/jobs", headers=org.headers).json()
    assert (body["page"], body["size"], body["total"], body["pages"]) == (1, 20, 0, 0)


@pytest.mark.parametrize(
    "params",
    [{"page": 0}, {"page": -1}, {"size": 0}, {"size": 101}, {"page": "one"}, {"size": 2.5}],
)
def test_list_pagination_bounds(client, org, params):
    response = client.get(f"{API}/jobs", params=params, headers=org.headers)
    assert response.status_code == 422
    assert response.json()["error"] == "validation_error"
    assert set(params) <= error_fields(response)


def test_list_filters_by_source_id_and_organisation(client, org):
    wanted = create_job(client, org, source_id=unique("wanted"))
    create_job(client, org)
    foreign = create_job(client, make_org(), source_id=unique("foreign"))
    body = client.get(
        f"{API}/jobs", params={"source_id": wanted["source_id"]}, headers=org.headers
    ).json()
    assert [j["id"] for j in body["items"]] == [wanted["id"]]
    assert body["total"] == 1
    body = client.get(
        f"{API}/jobs", params={"source_id": foreign["source_id"]}, headers=org.headers
    ).json()
    assert body["items"] == [] and body["total"] == 0
    everything = client.get(f"{API}/jobs", headers=org.headers).json()
    assert foreign["id"] not in {j["id"] for j in everything["items"]}


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("POST", "/jobs", {"json": job_body(title="a\x00b")}),
        ("GET", "/jobs/a%00b", {}),
        ("GET", "/jobs", {"params": {"source_id": "a\x00b"}}),
        ("GET", "/applications", {"params": {"job_id": "a\x00b"}}),
        ("POST", "/candidates", {"json": {"first_name": "\x00"}}),
    ],
)
def test_nul_characters_are_422_not_a_database_error(client, org, method, path, kwargs):
    # PostgreSQL cannot store NUL in text; it must be refused before the query.
    response = client.request(method, API + path, headers=org.headers, **kwargs)
    assert response.status_code == 422
