"""Schemathesis over the whole published OpenAPI document (``/api/v1/openapi.json``), with an
organisation's all-scope API key.

Stateless: every operation gets valid and invalid requests generated from its schemas, and every
answer must be no server error, have a documented status, match the documented schema of that
status, and a schema-valid request must not be refused (400, 402, 413, 415, 422).

Stateful: the document's links chain the operations into workflows (create an assessment, then
read, change, key and delete it; submit an evaluation, then poll, claim, review, finalise, share
and export it; create a job, its questions and an application, then call; ...), with the same
checks at each step.

What a schema cannot say, ``supply`` fills in, each rule for one operation: a body naming
another resource by id names a real one (the test's own issue, rubric and upload; the API
answers 400 for an unknown id in a body), lists whose lengths must agree agree, a zip is a zip, a
recording is speech, a time window ends after it starts, names within a rubric or a category
differ, a resume is a document (left out).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any, ClassVar

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    not_a_server_error,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from backend.api import create_api
from tests.helpers import make_org

schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_api())

# A recording is sent as the raw body, as application/octet-stream is.
schemathesis.serializer.alias(
    ["audio/webm", "audio/ogg", "audio/mp4", "audio/wav", "audio/mpeg"], "application/octet-stream"
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    positive_data_acceptance,
    response_schema_conformance,
]
API = "/api/v1"

# Real resources of the fuzzing organisation that generated bodies refer to (``fuzz_org``).
REAL: dict[str, Any] = {}


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("README.md", "# take-home\n")
        archive.writestr("app.py", "print('hello')\n")
    return buffer.getvalue()


def _speech_wav(folder: Path) -> bytes:
    """A few spoken seconds (espeak-ng), what a recording must be to be accepted."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is missing (scripts/ensure_tools.sh installs it)")
    path = folder / "answer.wav"
    text = "I would start by measuring the slow query and then add an index on the user id."
    subprocess.run(["espeak-ng", "-v", "en-us", "-w", str(path), text], check=True)
    return path.read_bytes()


RUBRIC = {
    "name": "Fuzzing rubric",
    "categories": [
        {
            "name": "Code",
            "criteria": [{"name": "Clarity", "levels": {k: f"level {k}" for k in "12345"}}],
        }
    ],
}


@pytest.fixture(scope="module")
def fuzz_org(tmp_path_factory) -> dict[str, str]:
    """The organisation's headers, with an issue, a rubric and a zip upload of its own."""
    from fastapi.testclient import TestClient

    org = make_org("Fuzzing Ltd")
    with TestClient(schema.app) as client:
        issue = client.post(
            f"{API}/issues",
            json={"title": "Flaky test", "body": "Fix the flaky test.", "language": "python"},
            headers=org.headers,
        )
        rubric = client.post(f"{API}/rubrics", json=RUBRIC, headers=org.headers)
        upload = client.post(
            f"{API}/evaluations/uploads",
            files={"file": ("take-home.zip", _zip_bytes(), "application/zip")},
            headers=org.headers,
        )
    assert issue.status_code == rubric.status_code == upload.status_code == 201
    REAL.update(
        issue=issue.json()["issue"]["id"],
        rubric=rubric.json()["rubric"]["id"],
        upload=upload.json()["upload_id"],
        zip=_zip_bytes(),
        speech=_speech_wav(tmp_path_factory.mktemp("speech")),
    )
    return org.headers


def _unique_names(body: dict[str, Any]) -> None:
    for m, category in enumerate(body.get("categories") or []):
        if isinstance(category, dict) and isinstance(category.get("name"), str):
            category["name"] = f"{category['name'][:240]} {m}"
        if isinstance(category, dict) and isinstance(category.get("criteria"), list):
            for n, criterion in enumerate(category["criteria"]):
                if isinstance(criterion, dict) and isinstance(criterion.get("name"), str):
                    criterion["name"] = f"{criterion['name'][:240]} {n}"


def _window(body: dict[str, Any]) -> None:
    def clock(value: Any) -> str:
        return value if len(value) == 8 else f"{value}:00"

    start, end = body.get("window_start_time"), body.get("window_end_time")
    if isinstance(start, str) and isinstance(end, str) and clock(start) >= clock(end):
        body["window_start_time"], body["window_end_time"] = "00:00", "23:59:59"


def _keys(body: dict[str, Any]) -> None:
    emails = body.get("candidateEmails")
    if isinstance(emails, list) and emails:
        body["count"] = len(emails)
        names = body.get("candidateNames")
        if isinstance(names, list) and len(names) != len(emails):
            body["candidateNames"] = None
    elif "candidateNames" in body:
        body["candidateNames"] = None


def _assessment(body: dict[str, Any]) -> None:
    if body.get("issueId"):
        body["issueId"] = REAL["issue"]
    if body.get("rubricId"):
        body["rubricId"] = REAL["rubric"]


def _evaluation(body: dict[str, Any]) -> None:
    artefact = body.get("artefact")
    if isinstance(artefact, dict) and artefact.get("type") == "zip_upload":
        artefact["upload_id"] = REAL["upload"]


def _one_resume(body: dict[str, Any]) -> None:
    # A resume is a document the service reads; generated text is none.
    body.pop("file", None)
    body.pop("base64file", None)


def _upload(body: dict[str, Any]) -> None:
    if "file" in body:
        body["file"] = REAL["zip"]


def _recording(body: dict[str, Any]) -> None:
    if "file" in body and "transcript" not in body:
        body["file"] = REAL["speech"]


MAPPERS = {
    f"POST {API}/rubrics": _unique_names,
    f"PUT {API}/rubrics/{{rubric_id}}": _unique_names,
    f"PUT {API}/jobs/{{job_id}}/schedule-setting": _window,
    f"POST {API}/assessments/{{assessment_id}}/keys": _keys,
    f"POST {API}/assessments": _assessment,
    f"POST {API}/evaluations": _evaluation,
    f"POST {API}/applications": _one_resume,
    f"POST {API}/applications/with-questions": _one_resume,
    f"PATCH {API}/applications/{{application_id}}": _one_resume,
    f"POST {API}/candidates": _one_resume,
    f"PATCH {API}/candidates/{{candidate_id}}": _one_resume,
    f"POST {API}/evaluations/uploads": _upload,
    f"POST {API}/recruitscreen/jobs": _recording,
}


def supply(case) -> None:
    """What the schema cannot say (see the module), for every phase: explicit examples,
    coverage, fuzzing and each step of the workflows."""
    mapper = MAPPERS.get(case.operation.label)
    if mapper is not None and isinstance(case.body, dict):
        mapper(case.body)


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_operation_answers_as_documented(case, fuzz_org):
    supply(case)
    response = case.call(headers=fuzz_org)
    case.validate_response(response, checks=CHECKS)


# (operation, status) of every step the workflows took.
ANSWERS: Counter[tuple[str, int]] = Counter()


# The workflows: valid requests only, with the real key, so that links reach what was created.
workflow_schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", schema.app)
workflow_schema.config.generation.update(
    modes=[GenerationMode.POSITIVE], with_security_parameters=False
)


class Workflows(workflow_schema.as_state_machine()):  # type: ignore[misc]
    headers: ClassVar[dict[str, str]] = {}

    def before_call(self, case):
        supply(case)

    def after_call(self, response, case):
        ANSWERS[(case.operation.label, response.status_code)] += 1

    def get_call_kwargs(self, case):
        return {"headers": self.headers}

    def validate_response(self, response, case, additional_checks=None, **kwargs):
        case.validate_response(response, checks=CHECKS)


def test_workflows_follow_the_links(fuzz_org):
    Workflows.headers = fuzz_org
    Workflows.run(
        settings=settings(
            max_examples=40,
            stateful_step_count=10,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
        )
    )
    # The links led somewhere: operations on what an earlier step created answered 2xx.
    reached = {op for (op, status) in ANSWERS if 200 <= status < 300 and "{" in op}
    assert len(reached) >= 3, sorted(ANSWERS.items())
