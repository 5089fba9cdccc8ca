"""Applications: submit (by ids or by source ids, with a base64 resume), read with candidate
and job details, update, list with every filter, and the with-questions variant."""

from __future__ import annotations

import pytest
from sqlmodel import select

from backend.db import session_scope
from backend.models.pipeline import Question
from backend.settings import get_settings
from tests.api.pipeline.builders import (
    API,
    PDF_BASE64,
    PDF_BYTES,
    create_application,
    create_candidate,
    create_job,
    error_fields,
    unique,
)
from tests.helpers import make_org


@pytest.fixture()
def org():
    return make_org()


def body_for(job: dict, candidate: dict, **overrides) -> dict:
    body = {
        "candidate_source_id": candidate["source_id"],
        "job_source_id": job["source_id"],
        "source_application_status": "Applied",
        "application_stage": "ACTIVE",
    }
    body.update(overrides)
    return body


def test_submit_by_ids_with_the_seed_resume(client, org):
    job = create_job(client, org)
    candidate = create_candidate(client, org)
    response = client.post(
        f"{API}/applications",
        json=body_for(
            job, candidate, job_id=job["id"], candidate_id=candidate["id"], base64file=PDF_BASE64
        ),
        headers=org.headers,
    )
    assert response.status_code == 201
    application = response.json()
    assert application["job_id"] == job["id"]
    assert application["candidate_id"] == candidate["id"]
    assert application["job_source_id"] == job["source_id"]
    assert application["candidate_source_id"] == candidate["source_id"]
    assert application["source_application_status"] == "Applied"
    assert application["application_stage"] == "ACTIVE"
    assert application["resume"] == {
        "filename": "resume.pdf",
        "size": len(PDF_BYTES),
        "content_type": "application/pdf",
        "deleted_at": None,
    }
    assert application["candidate"]["id"] == candidate["id"]
    assert application["job"]["title"] == job["title"]
    assert application["questions"] == []
    stored = list((get_settings().data_dir / "resumes" / org.org_id).iterdir())
    assert [p.read_bytes() for p in stored] == [PDF_BYTES]


def test_submit_by_source_ids_only(client, org):
    job = create_job(client, org)
    candidate = create_candidate(client, org)
    response = client.post(
        f"{API}/applications",
        json=body_for(job, candidate, file=PDF_BASE64, source_id=unique("app")),
        headers=org.headers,
    )
    assert response.status_code == 201
    assert response.json()["job_id"] == job["id"]
    assert response.json()["resume"]["size"] == len(PDF_BYTES)


def test_candidate_id_wins_over_a_missing_source_id(client, org):
    job = create_job(client, org)
    candidate = create_candidate(client, org)
    response = client.post(
        f"{API}/applications",
        json={
            "candidate_id": candidate["id"],
            "job_id": job["id"],
            "source_application_status": "Applied",
            "application_stage": "PASSIVE",
        },
        headers=org.headers,
    )
    assert response.status_code == 201
    # The source ids are filled from the job and the candidate.
    assert response.json()["job_source_id"] == job["source_id"]
    assert response.json()["candidate_source_id"] == candidate["source_id"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"candidate_source_id": None}, "body"),
        ({"job_source_id": None}, "body"),
        ({"source_application_status": ""}, "source_application_status"),
        ({"application_stage": "s" * 65}, "application_stage"),
        ({"job_id": "j" * 65}, "job_id"),
        ({"file": PDF_BASE64, "base64file": PDF_BASE64}, "body"),
    ],
)
def test_validation(client, org, change, field):
    job = create_job(client, org)
    candidate = create_candidate(client, org)
    body = {k: v for k, v in {**body_for(job, candidate), **change}.items() if v is not None}
    response = client.post(f"{API}/applications", json=body, headers=org.headers)
    assert response.status_code == 422, response.text
    assert field in error_fields(response)


@pytest.mark.parametrize("field", ["file", "base64file"])
def test_bad_base64_is_422(client, org, field):
    job = create_job(client, org)
    candidate = create_candidate(client, org)
    response = client.post(
        f"{API}/applications",
        json=body_for(job, candidate, **{field: "@@not base64@@"}),
        headers=org.headers,
    )
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_base64"
    assert error_fields(response) == {field}
    listed = client.get(f"{API}/applications", headers=org.headers).json()
    assert listed["total"] == 0


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"job_id": "missing"}, "job_not_found"),
        ({"candidate_id": "missing"}, "candidate_not_found"),
        ({"job_source_id": "missing"}, "job_not_found"),
        ({"candidate_source_id": "missing"}, "candidate_not_found"),
    ],
)
def test_unknown_job_or_candidate_is_404(client, org, change, code):
    job = create_job(client, org)
    candidate = create_candidate(client, org)
    response = client.post(
        f"{API}/applications", json=body_for(job, candidate, **change), headers=org.headers
    )
    assert response.status_code == 404
    assert response.json()["error"] == code


def test_another_organisations_job_and_candidate_are_404(client, org):
    other = make_org()
    foreign_job = create_job(client, other)
    foreign_candidate = create_candidate(client, other)
    job = create_job(client, org)
    candidate = create_candidate(client, org)
    for body in (
        body_for(job, candidate, job_id=foreign_job["id"], job_source_id=None),
        body_for(foreign_job, candidate),
        body_for(job, candidate, candidate_id=foreign_candidate["id"], candidate_source_id=None),
        body_for(job, foreign_candidate),
    ):
        body = {k: v for k, v in body.items() if v is not None}
        response = client.post(f"{API}/applications", json=body, headers=org.headers)
        assert response.status_code == 404, body


def test_mismatched_id_and_source_id_is_422(client, org):
    job = create_job(client, org)
    other_job = create_job(client, org)
    candidate = create_candidate(client, org)
    response = client.post(
        f"{API}/applications",
        json=body_for(other_job, candidate, job_id=job["id"]),
        headers=org.headers,
    )
    assert response.status_code == 422
    assert response.json()["error"] == "source_id_mismatch"
    assert error_fields(response) == {"job_source_id"}


def test_second_application_for_the_same_job_is_409(client, org):
    job = create_job(client, org)
    candidate = create_candidate(client, org)
    first = create_application(client, org, job=job, candidate=candidate)
    response = client.post(
        f"{API}/applications", json=body_for(job, candidate), headers=org.headers
    )
    assert response.status_code == 409
    assert response.json()["error"] == "duplicate_application"
    assert response.json()["application_id"] == first["id"]


def test_duplicate_application_source_id_is_409(client, org):
    source_id = unique("app")
    create_application(client, org, source_id=source_id)
    job = create_job(client, org)
    candidate = create_candidate(client, org)
    response = client.post(
        f"{API}/applications",
        json=body_for(job, candidate, source_id=source_id),
        headers=org.headers,
    )
    assert response.status_code == 409
    assert response.json()["error"] == "duplicate_source_id"


def test_get_application_with_details(client, org):
    application = create_application(client, org)
    response = client.get(f"{API}/applications/{application['id']}", headers=org.headers)
    assert response.status_code == 200
    assert response.json() == application
    assert {"candidate", "job", "questions"} <= set(application)


def test_unknown_and_foreign_applications_are_404(client, org):
    foreign = create_application(client, make_org())
    for application_id in ("missing", foreign["id"]):
        url = f"{API}/applications/{application_id}"
        response = client.get(url, headers=org.headers)
        assert response.status_code == 404
        assert response.json()["error"] == "application_not_found"
        response = client.patch(url, json={"application_stage": "X"}, headers=org.headers)
        assert response.status_code == 404


def test_patch_with_the_seed_example(client, org):
    application = create_application(client, org)
    response = client.patch(
        f"{API}/applications/{application['id']}",
        json={"source_application_status": "hired", "application_stage": "active"},
        headers=org.headers,
    )
    assert response.status_code == 200
    updated = response.json()
    assert updated["source_application_status"] == "hired"
    assert updated["application_stage"] == "active"
    assert updated["job_id"] == application["job_id"]


def test_patch_adds_and_removes_a_resume(client, org):
    application = create_application(client, org)
    url = f"{API}/applications/{application['id']}"
    added = client.patch(url, json={"base64file": PDF_BASE64}, headers=org.headers).json()
    assert added["resume"]["size"] == len(PDF_BYTES)
    assert added["source_application_status"] == application["source_application_status"]
    removed = client.patch(url, json={"file": None}, headers=org.headers).json()
    assert removed["resume"] is None
    assert not list((get_settings().data_dir / "resumes" / org.org_id).glob("*"))


@pytest.mark.parametrize(
    "body",
    [
        {"application_stage": None},
        {"source_application_status": None},
        {"file": "***"},
        {"file": PDF_BASE64, "base64file": PDF_BASE64},
    ],
)
def test_patch_validation(client, org, body):
    application = create_application(client, org)
    response = client.patch(
        f"{API}/applications/{application['id']}", json=body, headers=org.headers
    )
    assert response.status_code == 422


def test_list_pages_and_every_filter(client, org):
    job_a = create_job(client, org)
    job_b = create_job(client, org)
    alice = create_candidate(client, org)
    bob = create_candidate(client, org)
    a1 = create_application(client, org, job=job_a, candidate=alice, source_id=unique("a1"))
    a2 = create_application(client, org, job=job_a, candidate=bob)
    b1 = create_application(client, org, job=job_b, candidate=alice)
    create_application(client, make_org())  # another organisation's

    def ids(**params) -> list[str]:
        response = client.get(f"{API}/applications", params=params, headers=org.headers)
        assert response.status_code == 200
        return [item["id"] for item in response.json()["items"]]

    assert ids() == [b1["id"], a2["id"], a1["id"]]
    assert ids(job_id=job_a["id"]) == [a2["id"], a1["id"]]
    assert ids(candidate_id=alice["id"]) == [b1["id"], a1["id"]]
    assert ids(job_source_id=job_b["source_id"]) == [b1["id"]]
    assert ids(candidate_source_id=bob["source_id"]) == [a2["id"]]
    assert ids(source_id=a1["source_id"]) == [a1["id"]]
    assert ids(job_id=job_b["id"], candidate_source_id=bob["source_id"]) == []
    assert ids(job_id="missing") == []
    page = client.get(
        f"{API}/applications", params={"page": 2, "size": 2}, headers=org.headers
    ).json()
    assert (page["total"], page["pages"], page["page"], page["size"]) == (3, 2, 2, 2)
    assert [item["id"] for item in page["items"]] == [a1["id"]]
    assert "candidate" not in page["items"][0]  # list items stay flat


@pytest.mark.parametrize("params", [{"size": 0}, {"page": 0}, {"job_source_id": "x" * 256}])
def test_list_validation(client, org, params):
    response = client.get(f"{API}/applications", params=params, headers=org.headers)
    assert response.status_code == 422


def test_with_questions(client, org):
    job = create_job(client, org)
    candidate = create_candidate(client, org)
    questions = [
        {"question_text": "What is your experience with JavaScript?", "source_id": "q1"},
        {"question_text": "Describe your previous project experience.", "source_id": "q2"},
    ]
    response = client.post(
        f"{API}/applications/with-questions",
        json=body_for(
            job,
            candidate,
            job_id=job["id"],
            candidate_id=candidate["id"],
            base64file=PDF_BASE64,
            questions=questions,
        ),
        headers=org.headers,
    )
    assert response.status_code == 201
    application = response.json()
    assert [(q["question_text"], q["source_id"]) for q in application["questions"]] == [
        (q["question_text"], q["source_id"]) for q in questions
    ]
    assert all(q["application_id"] == application["id"] for q in application["questions"])
    assert application["resume"]["filename"] == "resume.pdf"
    # Attached to the application, not to the job.
    job_questions = client.get(f"{API}/jobs/{job['id']}/questions", headers=org.headers).json()
    assert job_questions["total"] == 0
    with_app = client.get(
        f"{API}/jobs/{job['id']}/questions",
        params={"application_id": application["id"]},
        headers=org.headers,
    ).json()
    assert with_app["total"] == 2
    detail = client.get(f"{API}/applications/{application['id']}", headers=org.headers).json()
    assert detail["questions"] == application["questions"]


def test_with_questions_without_questions(client, org):
    job = create_job(client, org)
    candidate = create_candidate(client, org)
    response = client.post(
        f"{API}/applications/with-questions", json=body_for(job, candidate), headers=org.headers
    )
    assert response.status_code == 201
    assert response.json()["questions"] == []


@pytest.mark.parametrize(
    "questions",
    [
        [{"question_text": "", "source_id": "q1"}],
        [{"question_text": "Why?"}],
        [{"question_text": "q" * 4001, "source_id": "q1"}],
        [{"question_text": "Why?", "source_id": "q"}] * 51,
        "not a list",
    ],
)
def test_with_questions_validation(client, org, questions):
    job = create_job(client, org)
    candidate = create_candidate(client, org)
    response = client.post(
        f"{API}/applications/with-questions",
        json=body_for(job, candidate, questions=questions),
        headers=org.headers,
    )
    assert response.status_code == 422
    assert client.get(f"{API}/applications", headers=org.headers).json()["total"] == 0


def test_with_questions_is_all_or_nothing(client, org):
    job = create_job(client, org)
    candidate = create_candidate(client, org)
    create_application(client, org, job=job, candidate=candidate)
    response = client.post(
        f"{API}/applications/with-questions",
        json=body_for(job, candidate, questions=[{"question_text": "Why?", "source_id": "q"}]),
        headers=org.headers,
    )
    assert response.status_code == 409
    with session_scope() as session:
        assert session.exec(select(Question).where(Question.job_id == job["id"])).all() == []
