"""Hiring pipeline (seed 003): jobs, their scheduling settings, candidates, applications,
screening questions and tenant webhooks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel

from backend.models.base import dt_column, json_column, new_id, utcnow


class Job(SQLModel, table=True):
    id: str = Field(default_factory=new_id, primary_key=True)
    org_id: str = Field(foreign_key="organization.id", index=True)
    source_id: str | None = Field(default=None, max_length=255, index=True)
    title: str = Field(max_length=255)
    client_name: str | None = Field(default=None, max_length=255)
    industry: str | None = Field(default=None, max_length=255)
    job_code: str | None = Field(default=None, max_length=255)
    address: str | None = Field(default=None, max_length=512)
    workplace_type: str | None = Field(default=None, max_length=64)
    city: str | None = Field(default=None, max_length=255)
    state_name: str | None = Field(default=None, max_length=255)
    zip_code: str | None = Field(default=None, max_length=32)
    country: str | None = Field(default=None, max_length=255)
    employment_type: str | None = Field(default=None, max_length=64)
    duration: str | None = Field(default=None, max_length=64)
    start_date: str | None = Field(default=None, max_length=64)
    end_date: str | None = Field(default=None, max_length=64)
    posting_date: str | None = Field(default=None, max_length=64)
    pay_frequency: str | None = Field(default=None, max_length=64)
    min_pay_rate: float | None = Field(default=None)
    max_pay_rate: float | None = Field(default=None)
    pay_rate_currency: str | None = Field(default=None, max_length=16)
    recruiter_name: str | None = Field(default=None, max_length=255)
    recruiter_email: str | None = Field(default=None, max_length=320)
    recruiter_work_phone_no: str | None = Field(default=None, max_length=64)
    status: str | None = Field(default=None, max_length=64)
    desc: str = Field(default="")
    scheduling: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False, index=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))


class ScheduleSetting(SQLModel, table=True):
    """When and how often invites and reminders for a job's interviews go out."""

    id: str = Field(default_factory=new_id, primary_key=True)
    org_id: str = Field(foreign_key="organization.id", index=True)
    job_id: str = Field(foreign_key="job.id", unique=True)
    window_start_time: str = Field(default="09:00:00", max_length=8)
    window_end_time: str = Field(default="17:00:00", max_length=8)
    daily_attempts: int = Field(default=3)
    total_attempts: int = Field(default=10)
    retry_interval: int = Field(default=60)
    days_of_week: list[int] = Field(default_factory=lambda: [1, 2, 3, 4, 5], sa_column=json_column())
    email_enabled: bool = Field(default=True)
    email_notify_minutes: int = Field(default=10)
    email_repeat: bool = Field(default=False)
    sms_enabled: bool = Field(default=False)
    sms_notify_minutes: int = Field(default=5)
    sms_repeat: bool = Field(default=False)
    voicemail_enabled: bool = Field(default=False)
    repeat_calling: bool = Field(default=False)
    call_schedule_minutes: int = Field(default=30)
    default: bool = Field(default=False)
    name: str | None = Field(default=None, max_length=255)
    updated_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))


class Candidate(SQLModel, table=True):
    """A person in the pipeline (seed 003), as opposed to a candidate key (seed 001)."""

    id: str = Field(default_factory=new_id, primary_key=True)
    org_id: str = Field(foreign_key="organization.id", index=True)
    source_id: str | None = Field(default=None, max_length=255, index=True)
    source: str | None = Field(default=None, max_length=255)
    first_name: str = Field(max_length=255)
    last_name: str | None = Field(default=None, max_length=255)
    email: str = Field(max_length=320)
    phone_no: str | None = Field(default=None, max_length=64)
    city: str | None = Field(default=None, max_length=255)
    state_name: str | None = Field(default=None, max_length=255)
    country: str | None = Field(default=None, max_length=255)
    recruiter_name: str | None = Field(default=None, max_length=255)
    recruiter_email: str | None = Field(default=None, max_length=320)
    recruiter_work_phone_no: str | None = Field(default=None, max_length=64)
    status: str | None = Field(default=None, max_length=64)
    resume_path: str | None = Field(default=None, max_length=1024)
    resume_filename: str | None = Field(default=None, max_length=255)
    created_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False, index=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))


class Application(SQLModel, table=True):
    id: str = Field(default_factory=new_id, primary_key=True)
    org_id: str = Field(foreign_key="organization.id", index=True)
    job_id: str = Field(foreign_key="job.id", index=True)
    candidate_id: str = Field(foreign_key="candidate.id", index=True)
    source_id: str | None = Field(default=None, max_length=255, index=True)
    job_source_id: str | None = Field(default=None, max_length=255)
    candidate_source_id: str | None = Field(default=None, max_length=255)
    source_application_status: str = Field(max_length=255)
    application_stage: str = Field(max_length=64)
    resume_path: str | None = Field(default=None, max_length=1024)
    resume_filename: str | None = Field(default=None, max_length=255)
    created_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False, index=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))


class Question(SQLModel, table=True):
    """A screening question for a job, or for one application of it."""

    id: str = Field(default_factory=new_id, primary_key=True)
    org_id: str = Field(foreign_key="organization.id", index=True)
    job_id: str = Field(foreign_key="job.id", index=True)
    application_id: str | None = Field(default=None, foreign_key="application.id", index=True)
    question_text: str
    source_id: str | None = Field(default=None, max_length=255)
    generated: bool = Field(default=False)
    position: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))


class TenantWebhook(SQLModel, table=True):
    id: str = Field(default_factory=new_id, primary_key=True)
    org_id: str = Field(foreign_key="organization.id", index=True)
    tenant_id: str = Field(max_length=255)
    triggered_event: str = Field(max_length=64)
    type: str = Field(max_length=64)
    fields: list[str] = Field(default_factory=list, sa_column=json_column())
    url: str = Field(max_length=2048)
    http_method: str = Field(default="POST", max_length=8)
    content_type: str = Field(default="application/json", max_length=64)
    secret: str | None = Field(default=None, max_length=255)
    is_active: bool = Field(default=True)
    is_deleted: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))

    # Only the fields the tenant asked for go into a delivery.
    def selected(self, payload: dict[str, Any]) -> dict[str, Any]:
        return {k: payload[k] for k in self.fields if k in payload} if self.fields else payload
