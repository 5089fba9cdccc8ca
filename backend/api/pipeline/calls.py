"""Calls (seed 003): an "instant call" for an application is a browser interview reached by a
link; its detail carries the status and, once processed, the transcript, assessment and summary.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from backend.api.deps import PipelinePrincipal, SessionDep
from backend.api.errors import FlatErrorRoute
from backend.api.pipeline.params import ApplicationIdPath, IdQuery, PageQuery, SourceIdQuery
from backend.models.pipeline import LEN_ID
from backend.services.interviews import calls
from backend.services.interviews.calls import CallDetail, CallPublic
from backend.services.pagination import Page

router = APIRouter(tags=["Calls"], route_class=FlatErrorRoute)

CallIdPath = Annotated[
    str, Path(max_length=LEN_ID, pattern=r"^[^\x00]*$", description="The call's id.")
]


@router.post(
    "/applications/{application_id}/instant-call",
    status_code=201,
    summary="Initiate an instant call for an application",
    responses={200: {"description": "The application's call that is still open, returned as is."}},
)
def instant_call(
    principal: PipelinePrincipal,
    session: SessionDep,
    application_id: ApplicationIdPath,
    response: Response,
) -> CallDetail:
    """Create the browser interview for the application (201), with the job's questions and
    then the application's own (a job without any gets a generated set). Send the candidate
    ``interview_url``. While a call of this application is still open (pending, in progress or
    processing) that call is answered instead (200), so a repeated request sends no second
    link."""
    call, created = calls.instant_call(
        session, org_id=principal.org_id, application_id=application_id
    )
    if not created:
        response.status_code = 200
    return CallDetail(**calls.call_view(session, call=call))


@router.get("/calls/{call_id}", summary="Retrieve call details for a specific call")
def get_call(principal: PipelinePrincipal, session: SessionDep, call_id: CallIdPath) -> CallDetail:
    """Status (``pending``, ``in_progress``, ``processing``, ``completed``, ``failed`` or
    ``alternative_requested``); once completed, the transcript, the assessment and its summary."""
    call = calls.get_call(session, org_id=principal.org_id, call_id=call_id)
    return CallDetail(**calls.call_view(session, call=call))


@router.get("/calls", summary="Retrieve all calls")
def list_calls(
    principal: PipelinePrincipal,
    session: SessionDep,
    paging: PageQuery,
    job_id: IdQuery = None,
    candidate_id: IdQuery = None,
    application_id: IdQuery = None,
    application_source_id: SourceIdQuery = None,
    job_source_id: SourceIdQuery = None,
    candidate_source_id: SourceIdQuery = None,
) -> Page[CallPublic]:
    """The organisation's calls, newest first; every filter given must match. Items leave out
    the transcript and assessment (read one call for them) but carry the summary."""
    page = calls.list_calls(
        session,
        org_id=principal.org_id,
        page=paging.page,
        size=paging.size,
        job_id=job_id,
        candidate_id=candidate_id,
        application_id=application_id,
        application_source_id=application_source_id,
        job_source_id=job_source_id,
        candidate_source_id=candidate_source_id,
    )
    views = {view["id"]: view for view in calls.call_views(session, page.items)}
    return page.map(lambda call: CallPublic(**views[call.id]))
