"""Exporting a candidate's data (``python -m backend.cli export-candidate`` and ``GET
/api/v1/candidates/export``): one zip with ``person.json`` and the person's stored files (their
zip, recorded answers and resumes), nothing of another candidate of the same organisation and no
credential (the candidate key, the interview link's token)."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from pathlib import Path
from typing import Any

import pytest

from backend.settings import get_settings
from tests.api.assessments.helpers import create_assessment, generate_keys, redeem
from tests.api.evaluations.helpers import API, finish_automated, zip_bytes
from tests.api.interviews.helpers import set_balance
from tests.api.interviews.recordings import JFK, requires_recordings
from tests.api.interviews_calls.conftest import job_questions, token_of
from tests.api.pipeline.builders import PDF_BASE64, create_application, create_candidate, create_job
from tests.helpers import OrgHandle, bearer, make_key, make_org
from tests.s3_server import running_s3_server
from tests.test_cli import cli

pytestmark = requires_recordings


def _take_home(client, org: OrgHandle, assessment_id: str, key: str, notes: str) -> str:
    """Redeem ``key``, upload a zip holding ``notes`` and submit it: the evaluation id."""
    session_id = redeem(client, key).json()["session"]["id"]
    upload = client.post(
        f"{API}/evaluations/uploads",
        files={
            "file": ("take-home.zip", zip_bytes({"NOTES.md": notes.encode()}), "application/zip")
        },
        headers=bearer(key),
    ).json()
    submitted = client.post(
        f"{API}/sessions/{session_id}/submission",
        json={"uploadId": upload["upload_id"]},
        headers=bearer(key),
    )
    assert submitted.status_code == 201, submitted.text
    return submitted.json()["submission"]["evaluationId"]


def _interviewed(client, org: OrgHandle, job: dict, *, email: str, last_name: str) -> dict:
    """A candidate with a resume, applied to ``job`` with a resume, who answered its browser
    interview (one recorded answer) and finished it."""
    candidate = create_candidate(client, org, email=email, last_name=last_name, file=PDF_BASE64)
    application = create_application(
        client, org, job=job, candidate=candidate, base64file=PDF_BASE64
    )
    call = client.post(f"{API}/applications/{application['id']}/instant-call", headers=org.headers)
    assert call.status_code == 201, call.text
    token = token_of(call.json())
    answer = client.put(
        f"{API}/interview-sessions/{token}/answers/0",
        content=JFK.read_bytes(),
        headers={"Content-Type": "audio/flac"},
    )
    assert answer.status_code == 200, answer.text
    finished = client.post(f"{API}/interview-sessions/{token}/finish")
    assert finished.status_code == 200, finished.text
    return {"candidate": candidate, "call": call.json(), "token": token, **finished.json()}


@pytest.fixture()
def two_candidates(client) -> dict[str, Any]:
    return _two_candidates(client)


def _two_candidates(client) -> dict[str, Any]:
    """Alice and Bob in one organisation: each took the take-home (a zip upload) and applied
    to the same job, with a resume, and answered its browser interview."""
    suffix = uuid.uuid4().hex[:8]
    alice, bob = f"Alice.{suffix}@Example.com", f"bob.{suffix}@example.com"
    org = make_org()
    set_balance(org, 10)
    assessment = create_assessment(client, org)
    keys = generate_keys(
        client,
        org,
        assessment["id"],
        count=2,
        candidateEmails=[alice, bob],
        candidateNames=[f"Alice Ashdown{suffix}", f"Bob Brightwater{suffix}"],
    )
    key_of = {k["candidateEmail"].casefold(): k["key"] for k in keys}
    alice_eval = _take_home(client, org, assessment["id"], key_of[alice.casefold()], "by alice")
    finish_automated(alice_eval)
    _take_home(client, org, assessment["id"], key_of[bob.casefold()], f"BOBS-ZIP-{suffix}")
    job = create_job(client, org)
    job_questions(client, org, job["id"], "What did you build last?")
    alice_call = _interviewed(client, org, job, email=alice, last_name=f"Ashdown{suffix}")
    bob_call = _interviewed(client, org, job, email=bob, last_name=f"Brightwater{suffix}")
    return {
        "org": org,
        "alice": alice,
        "bob": bob,
        "suffix": suffix,
        "alice_key": key_of[alice.casefold()],
        "alice_evaluation": alice_eval,
        "alice_call": alice_call,
        "bob_call": bob_call,
    }


def _person(archive: zipfile.ZipFile) -> dict[str, Any]:
    return json.loads(archive.read("person.json"))


def _assert_only_alice(archive: zipfile.ZipFile, people: dict[str, Any]) -> dict[str, Any]:
    person = _person(archive)
    suffix = people["suffix"]
    assert person["email"] == people["alice"].casefold()
    emails = [k["candidate_email"].casefold() for k in person["candidate_keys"]]
    assert emails == [people["alice"].casefold()]
    assert len(person["sessions"]) == 1
    [evaluation] = person["evaluations"]
    assert evaluation["id"] == people["alice_evaluation"]
    assert evaluation["automated_result"]["recommendation"]  # the result the reviewer read
    assert [c["last_name"] for c in person["candidates"]] == [f"Ashdown{suffix}"]
    assert len(person["applications"]) == 1
    [call] = person["calls"]
    assert call["id"] == people["alice_call"]["call"]["id"] and "token" not in call
    assert len(person["answers"]) == 1
    [job] = person["interview_jobs"]
    assert job["id"] == people["alice_call"]["interview_job_id"]

    # The stored files: her zip, her recorded answer, her two resumes, byte for byte.
    kinds = sorted(f["kind"] for f in person["files"] if f["included"])
    assert kinds == ["answer", "resume", "resume", "zip"]
    names = {f["kind"]: f["name"] for f in person["files"]}
    assert archive.read(names["answer"]) == JFK.read_bytes()
    assert archive.read(names["resume"]).startswith(b"%PDF")
    with zipfile.ZipFile(io.BytesIO(archive.read(names["zip"]))) as upload:
        assert upload.read("NOTES.md") == b"by alice"

    # Nothing of Bob, and no credential, anywhere in the archive.
    everything = b"\n".join(archive.read(name) for name in archive.namelist())
    for needle in (people["bob"], f"Brightwater{suffix}", f"BOBS-ZIP-{suffix}"):
        assert needle.casefold().encode() not in everything.lower()
    for secret in (people["alice_key"], people["alice_call"]["token"], people["bob_call"]["token"]):
        assert secret.encode() not in everything
    return person


def test_the_cli_exports_everything_of_one_candidate_and_nothing_of_another(
    client, two_candidates, tmp_path: Path
):
    people = two_candidates
    target = tmp_path / "alice.zip"
    out = json.loads(
        cli(
            "export-candidate",
            "--org",
            people["org"].org_id,
            "--email",
            people["alice"].upper(),
            "--output",
            str(target),
        ).stdout
    )
    assert out["file"] == str(target)
    assert out["files_included"] == 4 and out["files_deleted"] == 0
    assert out["rows"]["evaluations"] == 1 and out["rows"]["applications"] == 1
    with zipfile.ZipFile(target) as archive:
        _assert_only_alice(archive, people)


def test_the_api_exports_for_an_admin_key_only(client, two_candidates):
    people = two_candidates
    org = people["org"]
    url = f"{API}/candidates/export"
    answer = client.get(url, params={"email": people["alice"]}, headers=org.headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/zip"
    assert answer.headers["cache-control"] == "private, no-store"
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        _assert_only_alice(archive, people)

    pipeline_key = make_key(org, "pipeline")
    refused = client.get(url, params={"email": people["alice"]}, headers=bearer(pipeline_key))
    assert refused.status_code == 403
    other_org = make_org()
    unknown = client.get(url, params={"email": people["alice"]}, headers=other_org.headers)
    assert unknown.status_code == 404 and unknown.json()["error"] == "person_not_found"
    malformed = client.get(url, params={"email": "not-an-email"}, headers=org.headers)
    assert malformed.status_code in (400, 422)


def test_export_candidate_refuses_an_unknown_organisation():
    result = cli(
        "export-candidate", "--org", "no-such-org", "--email", "a@example.com", check=False
    )
    assert result.returncode == 2 and result.stderr.startswith("error:")


@pytest.fixture()
def shared_store():
    """A real S3-compatible store (moto's server) for everything the test stores."""
    with running_s3_server() as s3:
        bucket = s3.new_bucket()
        patch = pytest.MonkeyPatch()
        for name, value in s3.settings(bucket, prefix="").items():
            patch.setenv(name, value)
        get_settings.cache_clear()
        yield s3, bucket
        patch.undo()
        get_settings.cache_clear()


def test_the_export_reads_the_files_from_a_shared_s3_store(client, shared_store):
    s3, bucket = shared_store
    people = _two_candidates(client)
    assert any(name.startswith("uploads/") for name in s3.names(bucket))
    org = people["org"]
    answer = client.get(
        f"{API}/candidates/export", params={"email": people["alice"]}, headers=org.headers
    )
    assert answer.status_code == 200, answer.text
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        _assert_only_alice(archive, people)
