"""Candidates: create (with an optional base64 resume), read, update, organisation isolation,
and the list service that GET /candidates uses for seed 003."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from backend.settings import get_settings
from tests.api.pipeline.builders import (
    API,
    PDF_BASE64,
    PDF_BYTES,
    b64,
    candidate_body,
    create_application,
    create_candidate,
    error_fields,
    unique,
)
from tests.helpers import make_org


@pytest.fixture()
def org():
    return make_org()


def resume_files(org_id: str) -> list[Path]:
    folder = get_settings().data_dir / "resumes" / org_id
    return sorted(p for p in folder.glob("*") if p.is_file()) if folder.exists() else []


def test_create_candidate_with_the_seed_example(client, org):
    body = candidate_body()
    response = client.post(f"{API}/candidates", json=body, headers=org.headers)
    assert response.status_code == 201
    candidate = response.json()
    for name, value in body.items():
        assert candidate[name] == value, name
    assert candidate["resume"] is None
    assert "resume_path" not in candidate
    assert client.get(f"{API}/candidates/{candidate['id']}", headers=org.headers).json() == (
        candidate
    )


def test_resume_as_base64_is_stored_on_disk(client, org):
    candidate = create_candidate(client, org, file=PDF_BASE64, file_name="Ada Lovelace CV.pdf")
    assert candidate["resume"] == {
        "filename": "Ada_Lovelace_CV.pdf",
        "size": len(PDF_BYTES),
        "content_type": "application/pdf",
        "deleted_at": None,
    }
    files = resume_files(org.org_id)
    assert len(files) == 1
    assert files[0].read_bytes() == PDF_BYTES
    assert files[0].name.endswith("-Ada_Lovelace_CV.pdf")


def test_resume_as_data_url_with_line_breaks(client, org):
    wrapped = "\n".join(PDF_BASE64[i : i + 76] for i in range(0, len(PDF_BASE64), 76))
    candidate = create_candidate(client, org, file=f"data:application/pdf;base64,{wrapped}")
    assert candidate["resume"]["filename"] == "resume.pdf"
    assert candidate["resume"]["size"] == len(PDF_BYTES)


def test_resume_type_comes_from_the_bytes_not_the_name(client, org):
    text = b"Ada Lovelace\nAnalytical engines, 1843\n"
    candidate = create_candidate(client, org, file=b64(text), file_name="../../etc/passwd.pdf")
    assert candidate["resume"]["filename"] == "passwd.txt"
    assert candidate["resume"]["content_type"] == "text/plain"
    (stored,) = resume_files(org.org_id)
    assert stored.parent == get_settings().data_dir / "resumes" / org.org_id


def test_docx_resume_is_recognised(client, org):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    candidate = create_candidate(client, org, file=b64(buffer.getvalue()), file_name="cv")
    assert candidate["resume"]["filename"] == "cv.docx"


@pytest.mark.parametrize(
    ("file", "code"),
    [
        ("this is not base64!!", "invalid_base64"),
        ("QUJD" + "=" * 5, "invalid_base64"),
        ("A", "invalid_base64"),
        ("data:application/pdf,%PDF-1.7", "invalid_file"),
        ("   ", "invalid_file"),
        (b64(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32), "unsupported_file_type"),
        (b64(b"PK\x03\x04 not really a zip"), "unsupported_file_type"),
    ],
)
def test_bad_resume_is_422_and_nothing_is_stored(client, db, org, file, code):
    from backend.services.pipeline.candidates import list_candidates

    response = client.post(f"{API}/candidates", json=candidate_body(file=file), headers=org.headers)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == code
    assert body["errors"] == [{"field": "file", "message": body["message"]}]
    assert resume_files(org.org_id) == []
    assert list_candidates(db, org_id=org.org_id).total == 0


def test_resume_over_10_mb_is_413(client, org):
    big = b64(b"a" * (10 * 1024 * 1024 + 1))
    response = client.post(f"{API}/candidates", json=candidate_body(file=big), headers=org.headers)
    assert response.status_code == 413
    assert response.json()["error"] == "resume_too_large"
    assert resume_files(org.org_id) == []


def test_resume_of_exactly_10_mb_is_accepted(client, org):
    exact = b64(b"a" * (10 * 1024 * 1024))
    candidate = create_candidate(client, org, file=exact)
    assert candidate["resume"]["size"] == 10 * 1024 * 1024


@pytest.mark.parametrize("missing", ["first_name", "email", "phone_no", "source", "source_id"])
def test_required_fields(client, org, missing):
    body = candidate_body()
    del body[missing]
    response = client.post(f"{API}/candidates", json=body, headers=org.headers)
    assert response.status_code == 422
    assert missing in error_fields(response)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "no-at-sign"),
        ("first_name", "f" * 256),
        ("phone_no", "1" * 65),
        ("source_id", ""),
        ("file_name", "n" * 256),
        ("file", 12345),
    ],
)
def test_invalid_values_are_422(client, org, field, value):
    response = client.post(
        f"{API}/candidates", json=candidate_body(**{field: value}), headers=org.headers
    )
    assert response.status_code == 422
    assert field in error_fields(response)


def test_duplicate_source_id_is_409(client, org):
    candidate = create_candidate(client, org)
    response = client.post(
        f"{API}/candidates",
        json=candidate_body(source_id=candidate["source_id"]),
        headers=org.headers,
    )
    assert response.status_code == 409
    assert response.json()["candidate_id"] == candidate["id"]


def test_unknown_and_foreign_candidates_are_404(client, org):
    foreign = create_candidate(client, make_org())
    for candidate_id in ("nobody", foreign["id"]):
        url = f"{API}/candidates/{candidate_id}"
        response = client.get(url, headers=org.headers)
        assert response.status_code == 404
        assert response.json()["error"] == "candidate_not_found"
        assert client.patch(url, json={"city": "Oslo"}, headers=org.headers).status_code == 404


def test_patch_with_the_seed_example(client, org):
    candidate = create_candidate(client, org)
    body = {
        "first_name": "John",
        "last_name": "Doe",
        "email": "john.doe@Ninjahire.ai",
        "phone_no": "+11234567890",
        "city": "Dallas",
        "state_name": "Minnesota",
        "country": "United States",
        "source": "LinkedIn",
        "source_id": candidate["source_id"],
        "recruiter_name": "Jane Smith",
        "recruiter_email": "jane.smith@Ninjahire.ai",
        "recruiter_work_phone_no": "+12125551234",
        "status": "Interviewing",
    }
    response = client.patch(f"{API}/candidates/{candidate['id']}", json=body, headers=org.headers)
    assert response.status_code == 200
    updated = response.json()
    for name, value in body.items():
        assert updated[name] == value, name


def test_patch_is_partial(client, org):
    candidate = create_candidate(client, org)
    response = client.patch(
        f"{API}/candidates/{candidate['id']}", json={"city": "Oslo"}, headers=org.headers
    )
    updated = response.json()
    assert updated["city"] == "Oslo"
    assert updated["first_name"] == candidate["first_name"]


@pytest.mark.parametrize("body", [{"first_name": None}, {"email": "x"}, {"source_id": None}])
def test_patch_validation(client, org, body):
    candidate = create_candidate(client, org)
    response = client.patch(f"{API}/candidates/{candidate['id']}", json=body, headers=org.headers)
    assert response.status_code == 422
    assert set(body) <= error_fields(response)


def test_patch_replaces_and_removes_the_resume(client, org):
    candidate = create_candidate(client, org, file=PDF_BASE64)
    (first,) = resume_files(org.org_id)
    url = f"{API}/candidates/{candidate['id']}"
    response = client.patch(
        url, json={"file": b64(b"plain text resume"), "file_name": "new.txt"}, headers=org.headers
    )
    assert response.json()["resume"]["filename"] == "new.txt"
    (second,) = resume_files(org.org_id)
    assert second != first and not first.exists()
    renamed = client.patch(url, json={"file_name": "Final CV"}, headers=org.headers).json()
    assert renamed["resume"]["filename"] == "Final_CV.txt"
    assert resume_files(org.org_id) == [second]
    response = client.patch(url, json={"file": None}, headers=org.headers)
    assert response.json()["resume"] is None
    assert resume_files(org.org_id) == []


def test_patch_with_bad_resume_keeps_the_old_one(client, org):
    candidate = create_candidate(client, org, file=PDF_BASE64)
    response = client.patch(
        f"{API}/candidates/{candidate['id']}",
        json={"file": "%%%", "city": "Oslo"},
        headers=org.headers,
    )
    assert response.status_code == 422
    current = client.get(f"{API}/candidates/{candidate['id']}", headers=org.headers).json()
    assert current["resume"] == candidate["resume"] and current["city"] == candidate["city"]
    assert len(resume_files(org.org_id)) == 1


def test_changing_source_id_follows_into_applications(client, org):
    candidate = create_candidate(client, org)
    application = create_application(client, org, candidate=candidate)
    new_source_id = unique("moved")
    client.patch(
        f"{API}/candidates/{candidate['id']}",
        json={"source_id": new_source_id},
        headers=org.headers,
    )
    listed = client.get(
        f"{API}/applications", params={"candidate_source_id": new_source_id}, headers=org.headers
    ).json()
    assert [a["id"] for a in listed["items"]] == [application["id"]]


def test_changing_source_id_to_a_taken_one_is_409(client, org):
    first = create_candidate(client, org)
    second = create_candidate(client, org)
    response = client.patch(
        f"{API}/candidates/{second['id']}",
        json={"source_id": first["source_id"]},
        headers=org.headers,
    )
    assert response.status_code == 409


def test_list_candidates_service(db, client, org):
    from backend.models.pipeline import CandidatePublic
    from backend.services.errors import InvalidInput
    from backend.services.pipeline.candidates import list_candidates

    created = [create_candidate(client, org) for _ in range(3)]
    create_candidate(client, make_org())
    page = list_candidates(db, org_id=org.org_id, page=1, size=2)
    assert (page.total, page.pages, len(page.items)) == (3, 2, 2)
    public = page.map(CandidatePublic.from_row).model_dump()
    assert set(public) == {"items", "total", "page", "size", "pages"}
    assert public["items"][0]["id"] == created[-1]["id"]
    filtered = list_candidates(db, org_id=org.org_id, source_id=created[0]["source_id"])
    assert [c.id for c in filtered.items] == [created[0]["id"]]
    with pytest.raises(InvalidInput):
        list_candidates(db, org_id=org.org_id, size=101)
