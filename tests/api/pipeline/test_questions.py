"""Screening questions of a job and of its applications."""

from __future__ import annotations

import pytest

from tests.api.pipeline.builders import API, create_application, create_job, error_fields
from tests.helpers import make_org


@pytest.fixture()
def org():
    return make_org()


@pytest.fixture()
def job(client, org):
    return create_job(client, org)


def add(client, org, job, **body) -> dict:
    payload = {"question_text": "Why this role?", "source_id": "q1", **body}
    response = client.post(f"{API}/jobs/{job['id']}/questions", json=payload, headers=org.headers)
    assert response.status_code == 201, response.text
    return response.json()


def listed(client, org, job, **params) -> dict:
    response = client.get(f"{API}/jobs/{job['id']}/questions", params=params, headers=org.headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_add_and_list_job_questions(client, org, job):
    first = add(client, org, job, question_text="sample question for the job", source_id="s1")
    second = add(client, org, job, question_text="Another one", source_id="s2")
    assert first["job_id"] == job["id"]
    assert first["application_id"] is None
    assert first["generated"] is False
    assert (first["position"], second["position"]) == (0, 1)
    body = listed(client, org, job)
    assert [q["id"] for q in body["items"]] == [first["id"], second["id"]]
    assert (body["total"], body["page"], body["size"], body["pages"]) == (2, 1, 20, 1)


def test_list_pages(client, org, job):
    made = [add(client, org, job, question_text=f"Question {i}") for i in range(3)]
    page = listed(client, org, job, page=2, size=2)
    assert [q["id"] for q in page["items"]] == [made[2]["id"]]
    assert page["pages"] == 2
    response = client.get(
        f"{API}/jobs/{job['id']}/questions", params={"size": 101}, headers=org.headers
    )
    assert response.status_code == 422


def test_application_questions_are_listed_only_with_application_id(client, org, job):
    application = create_application(client, org, job=job)
    job_question = add(client, org, job)
    app_question = add(client, org, job, application_id=application["id"], source_id="a1")
    assert app_question["application_id"] == application["id"]
    assert [q["id"] for q in listed(client, org, job)["items"]] == [job_question["id"]]
    both = listed(client, org, job, application_id=application["id"])
    assert [q["id"] for q in both["items"]] == [job_question["id"], app_question["id"]]


def test_application_of_another_job_is_422(client, org, job):
    other_application = create_application(client, org)
    response = client.post(
        f"{API}/jobs/{job['id']}/questions",
        json={"question_text": "Q", "source_id": "s", "application_id": other_application["id"]},
        headers=org.headers,
    )
    assert response.status_code == 422
    assert response.json()["error"] == "application_job_mismatch"
    response = client.get(
        f"{API}/jobs/{job['id']}/questions",
        params={"application_id": other_application["id"]},
        headers=org.headers,
    )
    assert response.status_code == 422


def test_unknown_or_foreign_application_is_404(client, org, job):
    foreign = create_application(client, make_org())
    for application_id in ("missing", foreign["id"]):
        response = client.post(
            f"{API}/jobs/{job['id']}/questions",
            json={"question_text": "Q", "source_id": "s", "application_id": application_id},
            headers=org.headers,
        )
        assert response.status_code == 404
        assert response.json()["error"] == "application_not_found"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"source_id": "s"}, "question_text"),
        ({"question_text": "Q"}, "source_id"),
        ({"question_text": "   ", "source_id": "s"}, "question_text"),
        ({"question_text": "q" * 4001, "source_id": "s"}, "question_text"),
        ({"question_text": "Q", "source_id": "s" * 256}, "source_id"),
        ({"question_text": "Q", "source_id": "s", "application_id": "a" * 65}, "application_id"),
    ],
)
def test_add_validation(client, org, job, body, field):
    response = client.post(f"{API}/jobs/{job['id']}/questions", json=body, headers=org.headers)
    assert response.status_code == 422
    assert field in error_fields(response)


def test_foreign_and_unknown_jobs_are_404(client, org):
    foreign = create_job(client, make_org())
    for job_id in ("missing", foreign["id"]):
        base = f"{API}/jobs/{job_id}/questions"
        assert client.get(base, headers=org.headers).status_code == 404
        response = client.post(
            base, json={"question_text": "Q", "source_id": "s"}, headers=org.headers
        )
        assert response.status_code == 404
        assert response.json()["error"] == "job_not_found"
        assert client.post(f"{base}/generate", headers=org.headers).status_code == 404


def test_update_question(client, org, job):
    question = add(client, org, job)
    response = client.patch(
        f"{API}/jobs/{job['id']}/questions/{question['id']}",
        json={"question_text": "sample question for the job", "source_id": "sample source id"},
        headers=org.headers,
    )
    assert response.status_code == 200
    updated = response.json()
    assert updated["question_text"] == "sample question for the job"
    assert updated["source_id"] == "sample source id"
    assert updated["id"] == question["id"]


def test_update_moves_a_question_between_job_and_application(client, org, job):
    application = create_application(client, org, job=job)
    question = add(client, org, job)
    url = f"{API}/jobs/{job['id']}/questions/{question['id']}"
    moved = client.patch(url, json={"application_id": application["id"]}, headers=org.headers)
    assert moved.json()["application_id"] == application["id"]
    back = client.patch(url, json={"application_id": None}, headers=org.headers)
    assert back.json()["application_id"] is None


def test_update_takes_source_id_from_the_query_when_the_body_lacks_it(client, org, job):
    question = add(client, org, job)
    response = client.patch(
        f"{API}/jobs/{job['id']}/questions/{question['id']}",
        params={"source_id": "from-query"},
        json={"question_text": "Reworded"},
        headers=org.headers,
    )
    assert response.json()["source_id"] == "from-query"
    assert response.json()["question_text"] == "Reworded"


@pytest.mark.parametrize(
    "body", [{"question_text": None}, {"source_id": None}, {"question_text": "x" * 4001}]
)
def test_update_validation(client, org, job, body):
    question = add(client, org, job)
    response = client.patch(
        f"{API}/jobs/{job['id']}/questions/{question['id']}", json=body, headers=org.headers
    )
    assert response.status_code == 422


def test_question_of_another_job_or_organisation_is_404(client, org, job):
    other_job = create_job(client, org)
    question = add(client, org, other_job)
    other = make_org()
    foreign_job = create_job(client, other)
    foreign_question = add(client, other, foreign_job)
    for job_id, question_id in (
        (job["id"], question["id"]),
        (job["id"], "missing"),
        (foreign_job["id"], foreign_question["id"]),
    ):
        url = f"{API}/jobs/{job_id}/questions/{question_id}"
        assert client.patch(url, json={"source_id": "x"}, headers=org.headers).status_code == 404
        assert client.delete(url, headers=org.headers).status_code == 404
    # Nothing was changed or deleted.
    assert listed(client, other, foreign_job)["total"] == 1


def test_delete_question(client, org, job):
    question = add(client, org, job)
    url = f"{API}/jobs/{job['id']}/questions/{question['id']}"
    response = client.delete(url, headers=org.headers)
    assert response.status_code == 204
    assert response.content == b""
    assert listed(client, org, job)["total"] == 0
    assert client.delete(url, headers=org.headers).status_code == 404


def test_update_with_an_empty_source_id_in_the_query_is_422(client, org, job):
    question = add(client, org, job)
    response = client.patch(
        f"{API}/jobs/{job['id']}/questions/{question['id']}",
        params={"source_id": ""},
        json={},
        headers=org.headers,
    )
    assert response.status_code == 422
