"""``GET /api/v1/candidates``: one path, two documented contracts.

Seed 001 lists candidate keys across the organisation's assessments with ``limit``/``offset``
(scope ``assessments``); seed 003 lists candidate people with ``page``/``size`` (scope
``pipeline``). The rule: a request that carries ``page`` or ``size`` is a seed-003 request;
any other request (``limit``/``offset`` or no parameters) is a seed-001 request.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import AfterValidator

from backend.api.audited import by_key
from backend.api.deps import (
    BearerCredentials,
    Principal,
    SessionDep,
    authenticate_org_key,
    require_scope,
)
from backend.api.downloads import person_export_response
from backend.api.errors import FlatErrorRoute
from backend.api.pipeline.params import SourceIdQuery
from backend.models import ApiScope
from backend.models.email_addresses import MAX_EMAIL_LENGTH, checked_email
from backend.models.pipeline import CandidatePublic
from backend.services.audit import Action, Subject
from backend.services.candidate_keys import list_candidate_keys
from backend.services.pagination import DEFAULT_PAGE, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from backend.services.pipeline.candidates import list_candidates

router = APIRouter(tags=["Candidates"], route_class=FlatErrorRoute)

PEOPLE_PARAMS = ("page", "size")


def is_people_listing(request: Request) -> bool:
    """True when the query asks for seed 003's candidate people rather than seed 001's keys."""
    return any(name in request.query_params for name in PEOPLE_PARAMS)


def _principal(request: Request, session: SessionDep, credentials: BearerCredentials) -> Principal:
    needed = ApiScope.pipeline if is_people_listing(request) else ApiScope.assessments
    return authenticate_org_key(session, credentials, needed)


@router.get(
    "/candidates",
    summary="List candidates (seed 001 keys with limit/offset, or seed 003 people with page/size)",
    description=__doc__,
)
def list_all_candidates(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Depends(_principal)],
    limit: Annotated[str | None, Query(max_length=32, description="seed 001: 1–200")] = None,
    offset: Annotated[str | None, Query(max_length=32, description="seed 001: ≥ 0")] = None,
    page: Annotated[int | None, Query(ge=1, le=1_000_000, description="seed 003")] = None,
    size: Annotated[int | None, Query(ge=1, le=MAX_PAGE_SIZE, description="seed 003")] = None,
    source_id: SourceIdQuery = None,
) -> dict[str, Any]:
    if is_people_listing(request):
        people = list_candidates(
            session,
            org_id=principal.org_id,
            page=page or DEFAULT_PAGE,
            size=size or DEFAULT_PAGE_SIZE,
            source_id=source_id,
        )
        return people.map(CandidatePublic.from_row).model_dump(mode="json")
    return list_candidate_keys(session, org_id=principal.org_id, limit=limit, offset=offset)


AdminPrincipal = Annotated[Principal, Depends(require_scope(ApiScope.all))]


@router.get(
    "/candidates/export",
    summary="Export everything held about one person (an access request), as a zip",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"application/zip": {}}, "description": "person.json and files/"},
        404: {"description": "The organisation holds nothing about that email"},
        422: {"description": "Not an email address"},
    },
)
def export_candidate(
    session: SessionDep,
    principal: AdminPrincipal,
    email: Annotated[
        str,
        Query(min_length=1, max_length=MAX_EMAIL_LENGTH, json_schema_extra={"format": "email"}),
        AfterValidator(checked_email),
    ],
) -> StreamingResponse:
    """A zip of ``person.json`` (the person's keys, sessions, evaluations with results and
    reviews, applications, interviews with transcripts and assessments, answers and the emails
    sent to them; no secrets, nobody else) and their stored files still kept (zips, recordings,
    answers, resumes). Needs an all-scope (admin) key. Same as ``python -m backend.cli
    export-candidate``."""
    return person_export_response(
        session,
        org_id=principal.org_id,
        email=email,
        audit=lambda subject_id: by_key(
            session,
            principal,
            Action.exported,
            Subject.candidate,
            subject_id,
            "person export by API",
        ),
    )
