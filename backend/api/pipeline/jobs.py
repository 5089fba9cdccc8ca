"""Jobs, their scheduling switch and schedule settings (seed 003)."""

from __future__ import annotations

from fastapi import APIRouter

from backend.api.deps import PipelinePrincipal, SessionDep
from backend.api.errors import FlatErrorRoute
from backend.api.openapi_responses import raises
from backend.api.pipeline.params import JobIdPath, PageQuery, SourceIdQuery
from backend.models.pipeline import (
    JobCreate,
    JobPublic,
    JobSchedulingPublic,
    JobSchedulingUpdate,
    JobUpdate,
    ScheduleSettingPublic,
    ScheduleSettingUpdate,
)
from backend.services.pagination import Page
from backend.services.pipeline import jobs

router = APIRouter(prefix="/jobs", tags=["Jobs"], route_class=FlatErrorRoute)


@router.get("", summary="Get all jobs with pagination")
def list_jobs(
    principal: PipelinePrincipal,
    session: SessionDep,
    paging: PageQuery,
    source_id: SourceIdQuery = None,
) -> Page[JobPublic]:
    page = jobs.list_jobs(
        session,
        org_id=principal.org_id,
        page=paging.page,
        size=paging.size,
        source_id=source_id,
    )
    return page.map(JobPublic.from_row)


@router.post("", status_code=201, summary="Add a new job", responses=raises(409))
def create_job(principal: PipelinePrincipal, session: SessionDep, body: JobCreate) -> JobPublic:
    job = jobs.create_job(session, org_id=principal.org_id, data=body)
    return JobPublic.from_row(job)


@router.get("/{job_id}", summary="Get job by id")
def get_job(principal: PipelinePrincipal, session: SessionDep, job_id: JobIdPath) -> JobPublic:
    return JobPublic.from_row(jobs.get_job(session, org_id=principal.org_id, job_id=job_id))


@router.patch("/{job_id}", summary="Update job by id", responses=raises(409))
def update_job(
    principal: PipelinePrincipal, session: SessionDep, job_id: JobIdPath, body: JobUpdate
) -> JobPublic:
    job = jobs.update_job(session, org_id=principal.org_id, job_id=job_id, data=body)
    return JobPublic.from_row(job)


@router.get("/{job_id}/scheduling", summary="Get job scheduling status")
def get_scheduling(
    principal: PipelinePrincipal, session: SessionDep, job_id: JobIdPath
) -> JobSchedulingPublic:
    job = jobs.get_job(session, org_id=principal.org_id, job_id=job_id)
    return JobSchedulingPublic(job_id=job.id, scheduling=job.scheduling)


@router.patch("/{job_id}/scheduling", summary="Update job scheduling status")
def update_scheduling(
    principal: PipelinePrincipal,
    session: SessionDep,
    job_id: JobIdPath,
    body: JobSchedulingUpdate,
) -> JobSchedulingPublic:
    job = jobs.set_scheduling(
        session, org_id=principal.org_id, job_id=job_id, scheduling=body.scheduling
    )
    return JobSchedulingPublic(job_id=job.id, scheduling=job.scheduling)


@router.get("/{job_id}/schedule-setting", summary="Retrieve job scheduling settings")
def get_schedule_setting(
    principal: PipelinePrincipal, session: SessionDep, job_id: JobIdPath
) -> ScheduleSettingPublic:
    setting = jobs.get_schedule_setting(session, org_id=principal.org_id, job_id=job_id)
    if setting is None:
        default = jobs.default_schedule_setting(org_id=principal.org_id, job_id=job_id)
        return ScheduleSettingPublic.from_row(default, configured=False)
    return ScheduleSettingPublic.from_row(setting)


@router.put("/{job_id}/schedule-setting", summary="Update job scheduling settings")
def put_schedule_setting(
    principal: PipelinePrincipal,
    session: SessionDep,
    job_id: JobIdPath,
    body: ScheduleSettingUpdate,
) -> ScheduleSettingPublic:
    setting = jobs.put_schedule_setting(session, org_id=principal.org_id, job_id=job_id, data=body)
    return ScheduleSettingPublic.from_row(setting)
