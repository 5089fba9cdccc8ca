"""The error answers each operation of the OpenAPI document lists, derived in one place from what
the route is made of, so the document says what the routes really answer:

- an API key (a bearer or HTTP Basic security dependency): 401 (missing, unknown or revoked),
  403 (a key whose scope does not cover the route); a bearer token that is not an organisation
  key is a candidate-key check, which ``CandidateKeyThrottle`` may answer 429;
- a path parameter: 404 (unknown, or another organisation's: the same answer);
- any parameter or a body: the route class's ``validation_status`` (422, or 400 for seeds
  001/002);
- what the services behind a route raise beyond these (409, 402, 410, 413, ...) is named on the
  route with ``raises(...)``; every error answer, derived or named, gets the route's error shape
  (``Error`` flat, ``DetailError`` for seed 004, ``backend.api.errors``).

``DocumentedRoute`` applies this as each route is made; the route classes of
``backend.api.errors`` (which choose the error shape) are its subclasses.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.security import HTTPBasic, HTTPBearer
from fastapi.utils import create_model_field
from pydantic import BaseModel, ConfigDict, Field

DESCRIPTIONS = {
    400: "Invalid request",
    401: "Missing, unknown or revoked credentials",
    402: "Payment required: no active subscription, or credits exhausted",
    403: "The key may not do this (its scope, or the kind of key)",
    404: "Not found, or another organisation's",
    409: "Conflicts with the resource's current state",
    410: "Gone: expired",
    413: "The upload is too large",
    415: "Unsupported media type",
    422: "Invalid request",
    429: "Too many failed candidate-key checks from this address or for this key; see Retry-After",
}


class FieldError(BaseModel):
    field: str
    message: str


class Error(BaseModel):
    """``{"error": code, "message": text}``, with ``errors`` for an invalid request and any
    details the error carries (``retry_after``, ``credits_needed``, ``reasons``, ...)."""

    model_config = ConfigDict(extra="allow")

    error: str = Field(description="A stable machine-readable code, e.g. not_found.")
    message: str = Field(description="What went wrong, for a person.")
    errors: list[FieldError] | None = Field(
        default=None, description="Each invalid field (invalid requests only)."
    )


class DetailError(BaseModel):
    """Seed 004's shape: the error inside ``detail``."""

    detail: Error


def raises(*statuses: int, **described: str) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for the answers a route's services give beyond the derived ones, e.g.
    ``raises(409, 402)`` or ``raises(409, **{"410": "The key expired"})``."""
    out: dict[int | str, dict[str, Any]] = {s: {"description": DESCRIPTIONS[s]} for s in statuses}
    for status, text in described.items():
        out[int(status)] = {"description": text}
    return out


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _dependants(sub)


def derived_statuses(route: APIRoute) -> dict[int, str]:
    """The error statuses ``route`` answers by construction, with why."""
    parts = list(_dependants(route.dependant))
    calls = [d.call for d in parts]
    out: dict[int, str] = {}
    if any(isinstance(c, HTTPBearer | HTTPBasic) for c in calls):
        out[401] = DESCRIPTIONS[401]
        out[403] = DESCRIPTIONS[403]
    if any(isinstance(c, HTTPBearer) for c in calls):
        out[429] = DESCRIPTIONS[429]
    if any(d.path_params for d in parts):
        out[404] = DESCRIPTIONS[404]
    takes_input = any(
        d.path_params or d.query_params or d.header_params or d.cookie_params or d.body_params
        for d in parts
    ) or "requestBody" in (route.openapi_extra or {})
    if takes_input:
        out[getattr(route, "validation_status", 422)] = DESCRIPTIONS[422]
    return out


def _error_shape(route: APIRoute) -> type[BaseModel]:
    return DetailError if getattr(route, "error_shape", "flat") == "detail" else Error


def document_route(route: APIRoute) -> None:
    """Add the derived error answers to ``route.responses`` and the error shape to every error
    answer it lists without a body of its own."""
    responses: dict[int | str, dict[str, Any]] = dict(route.responses)
    for status, description in derived_statuses(route).items():
        responses.setdefault(status, {"description": description})
    for status, entry in list(responses.items()):
        code = int(status) if str(status).isdigit() else 0
        if code >= 400 and "model" not in entry and "content" not in entry:
            shape = _error_shape(route)
            responses[status] = {**entry, "model": shape}
            # What APIRoute builds from a ``model`` at its creation, for the document.
            route.response_fields[status] = create_model_field(
                name=f"Response_{status}_{route.unique_id}", type_=shape, mode="serialization"
            )
    route.responses = responses


class DocumentedRoute(APIRoute):
    """A route whose error answers are documented as the module says."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        document_route(self)
