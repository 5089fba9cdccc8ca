"""The published OpenAPI document (``/api/v1/openapi.json``): FastAPI's, with two corrections.

- FastAPI lists a ``422 HTTPValidationError`` for every operation with parameters; these routes
  never answer that shape (``backend.api.errors`` answers invalid requests in each contract's
  error shape, with the status the route class says, and ``backend.api.openapi_responses``
  documents it), so it is dropped.
- Text: every request body's text is trimmed and refused with a NUL (PostgreSQL cannot store
  it: ``ApiInput``, ``EvaluationInput``, the pipeline's ``_text``), so each string schema without
  a pattern or format of its own says so (``storable_text``): a required one needs a character
  that is not a space, and no string, nor any key of a map, holds NUL.
- Request bodies list every field they take (``closed_inputs``): an object in a request body
  admits no other property. The routes ignore unknown fields, yet check their text like the
  rest (``ApiInput`` refuses NUL anywhere in the body), so a client has no use for them.
- Links (OpenAPI 3 ``links``) from each operation that creates something to the operations that
  use it: a client, or a stateful test such as schemathesis', follows them through the real
  workflows (create an assessment, then read, change, key and delete it; submit an evaluation,
  then poll, review, share and export it; ...). ``LINKS`` is the one table of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

P = "/api/v1"


@dataclass(frozen=True)
class Link:
    """From the ``status`` answer of ``source`` to ``target``, its parameters and body taken
    from the source's request and answer (OpenAPI runtime expressions)."""

    source: str  # "POST /assessments"
    status: str
    target: str
    parameters: dict[str, str] = field(default_factory=dict)
    request_body: Any = None


def _each(source: str, status: str, targets: list[str], **parameters: str) -> list[Link]:
    return [Link(source, status, target, dict(parameters)) for target in targets]


_ASSESSMENT = "$response.body#/assessment/id"
_EVALUATION = "$response.body#/id"
_JOB = "$response.body#/id"

LINKS: list[Link] = [
    # Seeds 001/002: assessments, their keys, the issue library, rubrics.
    *_each(
        "POST /assessments",
        "201",
        [
            "GET /assessments/{assessment_id}",
            "PATCH /assessments/{assessment_id}",
            "DELETE /assessments/{assessment_id}",
            "POST /assessments/{assessment_id}/keys",
            "GET /assessments/{assessment_id}/keys",
            "GET /assessments/{assessment_id}/cohort-stats",
        ],
        assessment_id=_ASSESSMENT,
    ),
    Link(
        "POST /assessments/{assessment_id}/keys",
        "201",
        "DELETE /assessments/{assessment_id}/keys/{key_id}",
        {"assessment_id": "$request.path.assessment_id", "key_id": "$response.body#/keys/0/id"},
    ),
    *_each("POST /issues", "201", ["GET /issues/{issue_id}"], issue_id="$response.body#/issue/id"),
    Link(
        "POST /issues",
        "201",
        "POST /assessments",
        request_body={
            "title": "An issue as the task",
            "role": "Backend engineer",
            "issueId": "$response.body#/issue/id",
        },
    ),
    *_each(
        "POST /rubrics",
        "201",
        ["GET /rubrics/{rubric_id}", "PUT /rubrics/{rubric_id}"],
        rubric_id="$response.body#/rubric/id",
    ),
    # Seed 000: evaluations, their review, exports and share links.
    *_each(
        "POST /evaluations",
        "202",
        [
            "GET /evaluations/{evaluation_id}",
            "GET /status/{evaluation_id}",
            "POST /evaluations/{evaluation_id}/claim",
            "POST /evaluations/{evaluation_id}/review",
            "POST /evaluations/{evaluation_id}/finalise",
            "GET /evaluations/{evaluation_id}/report.csv",
            "GET /evaluations/{evaluation_id}/report.pdf",
            "POST /evaluations/{evaluation_id}/share-links",
            "GET /evaluations/{evaluation_id}/share-links",
        ],
        evaluation_id=_EVALUATION,
    ),
    Link(
        "POST /evaluations/{evaluation_id}/share-links",
        "201",
        "DELETE /evaluations/{evaluation_id}/share-links/{share_id}",
        {"evaluation_id": "$request.path.evaluation_id", "share_id": "$response.body#/id"},
    ),
    Link(
        "POST /evaluations/uploads",
        "201",
        "POST /evaluations",
        request_body={
            "candidate_ref": "cand-from-upload",
            "target_role": "Backend engineer",
            "target_level": "mid",
            "artefact": {"type": "zip_upload", "upload_id": "$response.body#/upload_id"},
        },
    ),
    # Seed 003: jobs, questions, candidates, applications, calls, tenant webhooks.
    *_each(
        "POST /jobs",
        "201",
        [
            "GET /jobs/{job_id}",
            "PATCH /jobs/{job_id}",
            "GET /jobs/{job_id}/scheduling",
            "PATCH /jobs/{job_id}/scheduling",
            "GET /jobs/{job_id}/schedule-setting",
            "PUT /jobs/{job_id}/schedule-setting",
            "GET /jobs/{job_id}/questions",
            "POST /jobs/{job_id}/questions",
            "POST /jobs/{job_id}/questions/generate",
        ],
        job_id=_JOB,
    ),
    *_each(
        "POST /jobs/{job_id}/questions",
        "201",
        [
            "PATCH /jobs/{job_id}/questions/{question_id}",
            "DELETE /jobs/{job_id}/questions/{question_id}",
        ],
        job_id="$request.path.job_id",
        question_id="$response.body#/id",
    ),
    *_each(
        "POST /candidates",
        "201",
        ["GET /candidates/{candidate_id}", "PATCH /candidates/{candidate_id}"],
        candidate_id="$response.body#/id",
    ),
    *[
        link
        for source in ("POST /applications", "POST /applications/with-questions")
        for link in _each(
            source,
            "201",
            [
                "GET /applications/{application_id}",
                "PATCH /applications/{application_id}",
                "POST /applications/{application_id}/instant-call",
            ],
            application_id="$response.body#/id",
        )
    ],
    *[
        Link(
            "POST /applications/{application_id}/instant-call",
            status,
            "GET /calls/{call_id}",
            {"call_id": "$response.body#/id"},
        )
        for status in ("200", "201")
    ],
    *[
        link
        for status in ("200", "201")
        for link in _each(
            "POST /tenant-webhook",
            status,
            [
                "POST /tenant-webhook/subscribe/{tenant_webhook_id}",
                "POST /tenant-webhook/unsubscribe/{tenant_webhook_id}",
                "GET /tenant-webhook/{tenant_webhook_id}/deliveries",
                "POST /tenant-webhook/{tenant_webhook_id}/test-event",
            ],
            tenant_webhook_id="$response.body#/id",
        )
    ],
    Link(
        "POST /tenant-webhook/{tenant_webhook_id}/test-event",
        "202",
        "POST /tenant-webhook/{tenant_webhook_id}/deliveries/{delivery_id}/replay",
        {
            "tenant_webhook_id": "$request.path.tenant_webhook_id",
            "delivery_id": "$response.body#/id",
        },
    ),
    # Seed 004: interview jobs.
    *_each(
        "POST /recruitscreen/jobs",
        "202",
        [
            "GET /jobs/{interview_job_id}",
            "GET /jobs/{interview_job_id}/events",
            "PUT /jobs/{interview_job_id}/speakers",
        ],
        interview_job_id="$response.body#/job_id",
    ),
]


def _operation(document: dict[str, Any], name: str) -> dict[str, Any]:
    method, path = name.split(" ", 1)
    return document["paths"][P + path][method.lower()]


def add_links(document: dict[str, Any]) -> None:
    """Put ``LINKS`` in the document; a link to an operation that is not there is a KeyError."""
    for link in LINKS:
        source = _operation(document, link.source)
        target = _operation(document, link.target)
        entry: dict[str, Any] = {"operationId": target["operationId"]}
        if link.parameters:
            entry["parameters"] = link.parameters
        if link.request_body is not None:
            entry["requestBody"] = link.request_body
        name = target["operationId"]
        response = source["responses"][link.status]
        response.setdefault("links", {})[name] = entry


def drop_fastapi_validation_errors(document: dict[str, Any]) -> None:
    """Remove FastAPI's ``422 HTTPValidationError`` entries and their schemas (see the module)."""
    ref = "#/components/schemas/HTTPValidationError"
    for operations in document["paths"].values():
        for operation in operations.values():
            answer = operation.get("responses", {}).get("422", {})
            if answer.get("content", {}).get("application/json", {}).get("schema") == {"$ref": ref}:
                del operation["responses"]["422"]
    schemas = document.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)


NO_NUL = r"^[^\x00]*$"
# What Python's str.strip() removes (the routes strip their text), spelled out: JSON Schema's
# (ECMA-262) \s and Python's differ (U+0085, U+001C-U+001F), so a generated "blank" string
# that one calls text must not reach a route that calls it empty.
_PY_SPACE = r"\t\n\v\f\r\x1c-\x1f \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_BLANK = rf"^[^\x00]*[^\x00{_PY_SPACE}][^\x00]*$"


def storable_text(schema: Any) -> None:
    """Add ``NO_NUL`` / ``NOT_BLANK`` to the string schemas under ``schema`` (see the module)."""
    if isinstance(schema, list):
        for item in schema:
            storable_text(item)
        return
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "string" and not {"pattern", "format", "enum", "const"} & set(schema):
        schema["pattern"] = NOT_BLANK if schema.get("minLength", 0) >= 1 else NO_NUL
    if isinstance(schema.get("additionalProperties"), dict) and "propertyNames" not in schema:
        schema["propertyNames"] = {"pattern": NO_NUL}
    for key, value in schema.items():
        if key not in ("examples", "example", "default", "enum", "const"):
            storable_text(value)


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"].rsplit("/", 1)[-1]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(_refs(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(v) for v in node))
    return set()


def _close(schema: Any) -> None:
    if isinstance(schema, list):
        for item in schema:
            _close(item)
    elif isinstance(schema, dict):
        if "properties" in schema and schema.get("type") == "object":
            schema.setdefault("additionalProperties", False)
        for value in schema.values():
            _close(value)


def closed_inputs(document: dict[str, Any]) -> None:
    """Every object schema a request body uses admits only its listed properties (see the
    module). Component schemas shared with answers are closed too: answers never carry more."""
    schemas = document.get("components", {}).get("schemas", {})
    bodies = [
        op["requestBody"]
        for operations in document["paths"].values()
        for op in operations.values()
        if "requestBody" in op
    ]
    todo, seen = set(_refs(bodies)), set()
    while todo:
        name = todo.pop()
        if name in seen or name not in schemas:
            continue
        seen.add(name)
        todo |= _refs(schemas[name])
    for name in seen:
        _close(schemas[name])
    _close(bodies)


def install_openapi(app: FastAPI) -> None:
    """Serve the corrected document at ``app.openapi_url`` (built once, on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                openapi_version=app.openapi_version,
                description=app.description,
                routes=app.routes,
                servers=app.servers,
            )
            drop_fastapi_validation_errors(document)
            closed_inputs(document)
            storable_text(document.get("components", {}).get("schemas", {}))
            for operations in document["paths"].values():
                for operation in operations.values():
                    storable_text(operation.get("requestBody", {}))
            add_links(document)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
