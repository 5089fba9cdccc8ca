"""Screening questions of a job, and their generation (seed 003)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from backend.api.deps import PipelinePrincipal, SessionDep
from backend.api.errors import FlatErrorRoute
from backend.api.pipeline.params import (
    IdQuery,
    JobIdPath,
    PageQuery,
    QuestionIdPath,
    SourceIdValueQuery,
)
from backend.models.pipeline import (
    QuestionCreate,
    QuestionGenerationPublic,
    QuestionPublic,
    QuestionUpdate,
)
from backend.services.pagination import Page
from backend.services.pipeline import question_generation, questions

router = APIRouter(
    prefix="/jobs/{job_id}/questions", tags=["Questions"], route_class=FlatErrorRoute
)


@router.get("", summary="Retrieve job-related questions")
def list_questions(
    principal: PipelinePrincipal,
    session: SessionDep,
    job_id: JobIdPath,
    paging: PageQuery,
    application_id: IdQuery = None,
) -> Page[QuestionPublic]:
    """The job's questions; with ``application_id``, that application's questions too."""
    page = questions.list_questions(
        session,
        org_id=principal.org_id,
        job_id=job_id,
        application_id=application_id,
        page=paging.page,
        size=paging.size,
    )
    return page.map(QuestionPublic.from_row)


@router.post("", status_code=201, summary="Add a new question to a job")
def create_question(
    principal: PipelinePrincipal, session: SessionDep, job_id: JobIdPath, body: QuestionCreate
) -> QuestionPublic:
    question = questions.create_question(session, org_id=principal.org_id, job_id=job_id, data=body)
    return QuestionPublic.from_row(question)


@router.post("/generate", status_code=201, summary="Generate job-related questions")
def generate_questions(
    principal: PipelinePrincipal, session: SessionDep, job_id: JobIdPath
) -> QuestionGenerationPublic:
    """Replace the job's generated questions with 5–10 new ones (written questions stay)."""
    result = question_generation.generate_questions(session, org_id=principal.org_id, job_id=job_id)
    return QuestionGenerationPublic(
        job_id=result.job_id,
        level=result.level,
        skills=result.skills,
        source=result.source,
        questions=[QuestionPublic.from_row(q) for q in result.questions],
    )


@router.patch("/{question_id}", summary="Update a specific question")
def update_question(
    principal: PipelinePrincipal,
    session: SessionDep,
    job_id: JobIdPath,
    question_id: QuestionIdPath,
    body: QuestionUpdate,
    source_id: SourceIdValueQuery = None,
    application_id: IdQuery = None,
) -> QuestionPublic:
    """The seed also lists ``source_id`` and ``application_id`` as query parameters: they are
    used when the body does not carry them."""
    if source_id is not None and "source_id" not in body.model_fields_set:
        body = body.model_copy(update={"source_id": source_id})
        body.model_fields_set.add("source_id")
    if application_id is not None and "application_id" not in body.model_fields_set:
        body = body.model_copy(update={"application_id": application_id})
        body.model_fields_set.add("application_id")
    question = questions.update_question(
        session, org_id=principal.org_id, job_id=job_id, question_id=question_id, data=body
    )
    return QuestionPublic.from_row(question)


@router.delete("/{question_id}", status_code=204, summary="Delete a specific question")
def delete_question(
    principal: PipelinePrincipal,
    session: SessionDep,
    job_id: JobIdPath,
    question_id: QuestionIdPath,
) -> Response:
    questions.delete_question(
        session, org_id=principal.org_id, job_id=job_id, question_id=question_id
    )
    return Response(status_code=204)
