"""Applications (seed 003)."""

from __future__ import annotations

from fastapi import APIRouter

from backend.api.deps import PipelinePrincipal, SessionDep
from backend.api.errors import FlatErrorRoute
from backend.api.openapi_responses import raises
from backend.api.pipeline.params import ApplicationIdPath, IdQuery, PageQuery, SourceIdQuery
from backend.models.pipeline import (
    ApplicationCreate,
    ApplicationDetail,
    ApplicationPublic,
    ApplicationUpdate,
    ApplicationWithQuestionsCreate,
)
from backend.services.pagination import Page
from backend.services.pipeline import applications

router = APIRouter(prefix="/applications", tags=["Applications"], route_class=FlatErrorRoute)


def _detail(session: SessionDep, org_id: str, application_id: str) -> ApplicationDetail:
    application, candidate, job, questions = applications.application_details(
        session, org_id=org_id, application_id=application_id
    )
    return ApplicationDetail.build(application, candidate=candidate, job=job, questions=questions)


@router.get("", summary="Retrieve all applications")
def list_applications(
    principal: PipelinePrincipal,
    session: SessionDep,
    paging: PageQuery,
    job_id: IdQuery = None,
    candidate_id: IdQuery = None,
    source_id: SourceIdQuery = None,
    job_source_id: SourceIdQuery = None,
    candidate_source_id: SourceIdQuery = None,
) -> Page[ApplicationPublic]:
    page = applications.list_applications(
        session,
        org_id=principal.org_id,
        page=paging.page,
        size=paging.size,
        job_id=job_id,
        candidate_id=candidate_id,
        source_id=source_id,
        job_source_id=job_source_id,
        candidate_source_id=candidate_source_id,
    )
    return page.map(ApplicationPublic.from_row)


@router.post("", status_code=201, summary="Submit a new application", responses=raises(404, 409))
def create_application(
    principal: PipelinePrincipal, session: SessionDep, body: ApplicationCreate
) -> ApplicationDetail:
    application = applications.create_application(session, org_id=principal.org_id, data=body)
    return _detail(session, principal.org_id, application.id)


@router.post(
    "/with-questions",
    status_code=201,
    summary="Create a new application with questions",
    responses=raises(404, 409),
)
def create_application_with_questions(
    principal: PipelinePrincipal, session: SessionDep, body: ApplicationWithQuestionsCreate
) -> ApplicationDetail:
    application = applications.create_application(
        session, org_id=principal.org_id, data=body, questions=body.questions
    )
    return _detail(session, principal.org_id, application.id)


@router.get("/{application_id}", summary="Retrieve a specific application")
def get_application(
    principal: PipelinePrincipal, session: SessionDep, application_id: ApplicationIdPath
) -> ApplicationDetail:
    return _detail(session, principal.org_id, application_id)


@router.patch("/{application_id}", summary="Update a specific application", responses=raises(409))
def update_application(
    principal: PipelinePrincipal,
    session: SessionDep,
    application_id: ApplicationIdPath,
    body: ApplicationUpdate,
) -> ApplicationDetail:
    application = applications.update_application(
        session, org_id=principal.org_id, application_id=application_id, data=body
    )
    return _detail(session, principal.org_id, application.id)
