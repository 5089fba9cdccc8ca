"""Hiring pipeline (seed 003): jobs, their scheduling settings, candidates, applications,
screening questions and tenant webhooks.

Tables first, then the request and response shapes (``*Create`` / ``*Update`` / ``*Public``).
Request shapes carry the validation (string lengths match the column sizes, numbers are
bounded) so that bad input is answered with 422 and never reaches the database; response shapes
are built with ``from_row`` so the API never leaks a column by accident (resume paths, secrets).
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar
from urllib.parse import urlsplit

from annotated_types import Ge, Le
from pydantic import (
    AfterValidator,
    AllowInfNan,
    BeforeValidator,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from backend.models.assessments import url_json_schema
from backend.models.base import dt_column, iso, json_column, new_id, utcnow
from backend.models.email_addresses import EMAIL_JSON_SCHEMA, checked_email

# Column sizes, shared by the tables and the request shapes.
LEN_ID = 64
LEN_NAME = 255
LEN_EMAIL = 320
LEN_SHORT = 64
LEN_ZIP = 32
LEN_CURRENCY = 16
LEN_ADDRESS = 512
LEN_URL = 2048
LEN_QUESTION = 4000
LEN_DESC = 50_000
LEN_CATEGORY = 32
LEN_SEALED_SECRET = 1024
LEN_CONTENT_TYPE = 128

MAX_PAY_RATE = 1_000_000_000.0
MAX_MINUTES = 10_080  # one week: no reminder or retry needs to be further away
MAX_TOTAL_ATTEMPTS = 1_000
MAX_QUESTIONS_PER_REQUEST = 50
MAX_WEBHOOK_FIELDS = 100


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------


class Job(SQLModel, table=True):
    # source_id is the job's id in the integrator's ATS; unique per organisation so that
    # applications can be matched to it unambiguously (NULLs do not collide).
    __table_args__ = (UniqueConstraint("org_id", "source_id", name="uq_job_org_source"),)

    id: str = Field(default_factory=new_id, primary_key=True)
    org_id: str = Field(foreign_key="organization.id", index=True)
    source_id: str | None = Field(default=None, max_length=LEN_NAME, index=True)
    title: str = Field(max_length=LEN_NAME)
    client_name: str | None = Field(default=None, max_length=LEN_NAME)
    industry: str | None = Field(default=None, max_length=LEN_NAME)
    job_code: str | None = Field(default=None, max_length=LEN_NAME)
    address: str | None = Field(default=None, max_length=LEN_ADDRESS)
    workplace_type: str | None = Field(default=None, max_length=LEN_SHORT)
    city: str | None = Field(default=None, max_length=LEN_NAME)
    state_name: str | None = Field(default=None, max_length=LEN_NAME)
    zip_code: str | None = Field(default=None, max_length=LEN_ZIP)
    country: str | None = Field(default=None, max_length=LEN_NAME)
    employment_type: str | None = Field(default=None, max_length=LEN_SHORT)
    duration: str | None = Field(default=None, max_length=LEN_SHORT)
    start_date: str | None = Field(default=None, max_length=LEN_SHORT)
    end_date: str | None = Field(default=None, max_length=LEN_SHORT)
    posting_date: str | None = Field(default=None, max_length=LEN_SHORT)
    pay_frequency: str | None = Field(default=None, max_length=LEN_SHORT)
    min_pay_rate: float | None = Field(default=None)
    max_pay_rate: float | None = Field(default=None)
    pay_rate_currency: str | None = Field(default=None, max_length=LEN_CURRENCY)
    recruiter_name: str | None = Field(default=None, max_length=LEN_NAME)
    recruiter_email: str | None = Field(default=None, max_length=LEN_EMAIL)
    recruiter_work_phone_no: str | None = Field(default=None, max_length=LEN_SHORT)
    status: str | None = Field(default=None, max_length=LEN_SHORT)
    desc: str = Field(default="")
    scheduling: bool = Field(default=False)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=dt_column(nullable=False, index=True)
    )
    updated_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))


class ScheduleSetting(SQLModel, table=True):
    """When and how often invites and reminders for a job's interviews go out.

    ``days_of_week`` uses ISO weekday numbers: 1 = Monday … 7 = Sunday.
    """

    id: str = Field(default_factory=new_id, primary_key=True)
    org_id: str = Field(foreign_key="organization.id", index=True)
    job_id: str = Field(foreign_key="job.id", unique=True)
    window_start_time: str = Field(default="09:00:00", max_length=8)
    window_end_time: str = Field(default="17:00:00", max_length=8)
    daily_attempts: int = Field(default=3)
    total_attempts: int = Field(default=10)
    retry_interval: int = Field(default=60)
    days_of_week: list[int] = Field(
        default_factory=lambda: [1, 2, 3, 4, 5], sa_column=json_column()
    )
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
    name: str | None = Field(default=None, max_length=LEN_NAME)
    updated_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))


class Candidate(SQLModel, table=True):
    """A person in the pipeline (seed 003), as opposed to a candidate key (seed 001)."""

    __table_args__ = (UniqueConstraint("org_id", "source_id", name="uq_candidate_org_source"),)

    id: str = Field(default_factory=new_id, primary_key=True)
    org_id: str = Field(foreign_key="organization.id", index=True)
    source_id: str | None = Field(default=None, max_length=LEN_NAME, index=True)
    source: str | None = Field(default=None, max_length=LEN_NAME)
    first_name: str = Field(max_length=LEN_NAME)
    last_name: str | None = Field(default=None, max_length=LEN_NAME)
    email: str = Field(max_length=LEN_EMAIL)
    phone_no: str | None = Field(default=None, max_length=LEN_SHORT)
    city: str | None = Field(default=None, max_length=LEN_NAME)
    state_name: str | None = Field(default=None, max_length=LEN_NAME)
    country: str | None = Field(default=None, max_length=LEN_NAME)
    recruiter_name: str | None = Field(default=None, max_length=LEN_NAME)
    recruiter_email: str | None = Field(default=None, max_length=LEN_EMAIL)
    recruiter_work_phone_no: str | None = Field(default=None, max_length=LEN_SHORT)
    status: str | None = Field(default=None, max_length=LEN_SHORT)
    # A storage key (backend.services.storage); never returned by the API.
    resume_path: str | None = Field(default=None, max_length=1024)
    resume_filename: str | None = Field(default=None, max_length=LEN_NAME)
    resume_size: int | None = Field(default=None)
    resume_content_type: str | None = Field(default=None, max_length=LEN_CONTENT_TYPE)
    # Set when retention deleted the resume (``resume_path`` is then None; the name stays).
    resume_deleted_at: datetime | None = Field(default=None, sa_column=dt_column())
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=dt_column(nullable=False, index=True)
    )
    updated_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))


class Application(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("org_id", "source_id", name="uq_application_org_source"),
        # One application per candidate and job; a second submission is a 409.
        UniqueConstraint("job_id", "candidate_id", name="uq_application_job_candidate"),
    )

    id: str = Field(default_factory=new_id, primary_key=True)
    org_id: str = Field(foreign_key="organization.id", index=True)
    job_id: str = Field(foreign_key="job.id", index=True)
    candidate_id: str = Field(foreign_key="candidate.id", index=True)
    source_id: str | None = Field(default=None, max_length=LEN_NAME, index=True)
    # Copies of the job's and candidate's source ids, kept in sync, for cheap filtering.
    job_source_id: str | None = Field(default=None, max_length=LEN_NAME, index=True)
    candidate_source_id: str | None = Field(default=None, max_length=LEN_NAME, index=True)
    source_application_status: str = Field(max_length=LEN_NAME)
    application_stage: str = Field(max_length=LEN_SHORT)
    # A storage key (backend.services.storage); never returned by the API.
    resume_path: str | None = Field(default=None, max_length=1024)
    resume_filename: str | None = Field(default=None, max_length=LEN_NAME)
    resume_size: int | None = Field(default=None)
    resume_content_type: str | None = Field(default=None, max_length=LEN_CONTENT_TYPE)
    # Set when retention deleted the resume (``resume_path`` is then None; the name stays).
    resume_deleted_at: datetime | None = Field(default=None, sa_column=dt_column())
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=dt_column(nullable=False, index=True)
    )
    updated_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))


class Question(SQLModel, table=True):
    """A screening question for a job, or for one application of it."""

    id: str = Field(default_factory=new_id, primary_key=True)
    org_id: str = Field(foreign_key="organization.id", index=True)
    job_id: str = Field(foreign_key="job.id", index=True)
    application_id: str | None = Field(default=None, foreign_key="application.id", index=True)
    question_text: str = Field(max_length=LEN_QUESTION)
    source_id: str | None = Field(default=None, max_length=LEN_NAME)
    generated: bool = Field(default=False)
    # For generated questions: technical, system_design, behavioural, problem_solving, role.
    category: str | None = Field(default=None, max_length=LEN_CATEGORY)
    position: int = Field(default=0)
    # What a good answer contains, for the interview assessment: the points a correct answer
    # states, common misconceptions (wrong claims), and level descriptors keyed "1".."5".
    key_points: list[str] = Field(default_factory=list, sa_column=json_column())
    misconceptions: list[str] = Field(default_factory=list, sa_column=json_column())
    levels: dict[str, str] = Field(default_factory=dict, sa_column=json_column())
    created_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))


class TenantWebhook(SQLModel, table=True):
    # POST /tenant-webhook is an upsert on this key.
    __table_args__ = (
        UniqueConstraint(
            "org_id", "tenant_id", "triggered_event", "type", name="uq_tenantwebhook_key"
        ),
    )

    id: str = Field(default_factory=new_id, primary_key=True)
    org_id: str = Field(foreign_key="organization.id", index=True)
    tenant_id: str = Field(max_length=LEN_NAME)
    triggered_event: str = Field(max_length=LEN_SHORT)
    type: str = Field(max_length=LEN_SHORT)
    fields: list[str] = Field(default_factory=list, sa_column=json_column())
    url: str = Field(max_length=LEN_URL)
    http_method: str = Field(default="POST", max_length=8)
    content_type: str = Field(default="application/json", max_length=LEN_SHORT)
    # Sealed at rest (backend.services.pipeline.webhook_secrets), unsealed only to sign a
    # delivery; never returned by the API. Longer than the secret itself: the sealed form.
    secret: str | None = Field(default=None, max_length=LEN_SEALED_SECRET)
    # The secret before the last change (sealed too): deliveries are signed with both until
    # ``previous_secret_until``, so a receiver can switch to the new one without losing any.
    previous_secret: str | None = Field(default=None, max_length=LEN_SEALED_SECRET)
    previous_secret_until: datetime | None = Field(default=None, sa_column=dt_column())
    is_active: bool = Field(default=True)
    is_deleted: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))


# --------------------------------------------------------------------------------------------
# Field types for request shapes
# --------------------------------------------------------------------------------------------


def _no_nul(value: str) -> str:
    # PostgreSQL cannot store NUL in text columns; refuse it here rather than fail there.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


NoNul = AfterValidator(_no_nul)


def _text(max_length: int, *, required: bool = False) -> Any:
    """A trimmed string of at most ``max_length`` characters (at least one when required)."""
    return Annotated[
        str,
        StringConstraints(
            strip_whitespace=True, min_length=1 if required else 0, max_length=max_length
        ),
        NoNul,
    ]


Id = _text(LEN_ID, required=True)
Name = _text(LEN_NAME)
RequiredName = _text(LEN_NAME, required=True)
Short = _text(LEN_SHORT)
RequiredShort = _text(LEN_SHORT, required=True)
ZipCode = _text(LEN_ZIP)
Currency = _text(LEN_CURRENCY)
Address = _text(LEN_ADDRESS)
QuestionText = _text(LEN_QUESTION, required=True)
Description = _text(LEN_DESC, required=True)
LEN_ANSWER_POINT = 500
MAX_ANSWER_POINTS = 12
AnswerPoint = _text(LEN_ANSWER_POINT, required=True)
AnswerPoints = Annotated[list[AnswerPoint], Field(max_length=MAX_ANSWER_POINTS)]
LEVEL_KEYS = frozenset({"1", "2", "3", "4", "5"})


def _levels(value: dict[str, str]) -> dict[str, str]:
    unknown = sorted(set(value) - LEVEL_KEYS)
    if unknown:
        raise ValueError(f"level keys must be 1 to 5, not {', '.join(unknown)}")
    return dict(sorted(value.items()))


Levels = Annotated[
    dict[str, AnswerPoint],
    AfterValidator(_levels),
    WithJsonSchema(
        {
            "type": "object",
            "properties": {
                k: {"type": "string", "minLength": 1, "maxLength": LEN_ANSWER_POINT}
                for k in sorted(LEVEL_KEYS)
            },
            "additionalProperties": False,
        }
    ),
]


Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=LEN_EMAIL),
    NoNul,
    # Kept as the ATS sent it; what counts as an address is backend.models.email_addresses.
    AfterValidator(checked_email),
    EMAIL_JSON_SCHEMA,
]
PayRate = Annotated[float, Ge(0), Le(MAX_PAY_RATE), AllowInfNan(False)]
Minutes = Annotated[int, Ge(0), Le(MAX_MINUTES)]


class _PatchShape(SQLModel):
    """A partial update: only the fields sent are applied. Fields listed in ``not_null``
    may be omitted but not set to null (their columns are required)."""

    not_null: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        """The document says so too: a ``not_null`` field's schema does not admit null."""
        schema = handler(core_schema)
        target = handler.resolve_ref_schema(schema)
        for name in cls.not_null:
            prop = target.get("properties", {}).get(name, {})
            kinds = [k for k in prop.pop("anyOf", []) if k != {"type": "null"}]
            if len(kinds) == 1:
                prop.update(kinds[0])
            elif kinds:
                prop["anyOf"] = kinds
            prop.pop("default", None)
        return schema

    @field_validator("*", mode="after")
    @classmethod
    def _reject_null(cls, value: Any, info: ValidationInfo) -> Any:
        # Runs only for fields that were sent, so omitting a field stays allowed.
        if value is None and info.field_name in cls.not_null:
            raise ValueError("may be omitted but not set to null")
        return value

    def changes(self, *, exclude: set[str] | None = None) -> dict[str, Any]:
        """The fields the client actually sent, as column values."""
        return self.model_dump(exclude_unset=True, exclude=exclude or set())


def _public_value(value: Any) -> Any:
    return iso(value) if isinstance(value, datetime) else value


def _row_fields(shape: type[SQLModel], row: SQLModel, **overrides: Any) -> dict[str, Any]:
    """Copy the columns a public shape declares from a table row; timestamps become ISO 8601."""
    values = {
        name: _public_value(getattr(row, name))
        for name in shape.model_fields
        if name not in overrides and hasattr(row, name)
    }
    values.update(overrides)
    return values


class ResumePublic(SQLModel):
    """The stored resume: its sanitised file name, size in bytes and detected type."""

    filename: str
    size: int
    content_type: str | None = None
    # When retention deleted the file (``TRUELEVEL_RESUME_RETENTION_DAYS``); None while kept.
    deleted_at: str | None = None

    @classmethod
    def from_row(cls, row: Candidate | Application) -> ResumePublic | None:
        deleted = row.resume_deleted_at is not None
        if not (row.resume_path or deleted) or not row.resume_filename:
            return None
        return cls(
            filename=row.resume_filename,
            size=row.resume_size or 0,
            content_type=row.resume_content_type,
            deleted_at=iso(row.resume_deleted_at),
        )


# --------------------------------------------------------------------------------------------
# Jobs
# --------------------------------------------------------------------------------------------


class JobCreate(SQLModel):
    title: RequiredName
    client_name: Name | None = None
    industry: RequiredName
    job_code: Name | None = None
    address: Address | None = None
    workplace_type: Short | None = None
    city: Name | None = None
    state_name: RequiredName
    zip_code: ZipCode | None = None
    country: RequiredName
    employment_type: Short | None = None
    duration: Short | None = None
    # Dates are kept as the integrator sent them (the seed types them as strings).
    start_date: Short | None = None
    end_date: Short | None = None
    posting_date: Short | None = None
    pay_frequency: Short | None = None
    min_pay_rate: PayRate | None = None
    max_pay_rate: PayRate | None = None
    pay_rate_currency: Currency | None = None
    recruiter_name: RequiredName
    recruiter_email: Email
    recruiter_work_phone_no: RequiredShort
    status: RequiredShort
    desc: Description
    source_id: RequiredName


class JobUpdate(_PatchShape):
    """PATCH /jobs/{id}: every field optional; ``source_id`` is immutable (not in the seed)."""

    not_null: ClassVar[frozenset[str]] = frozenset(
        {
            "title",
            "industry",
            "state_name",
            "country",
            "recruiter_name",
            "recruiter_email",
            "recruiter_work_phone_no",
            "status",
            "desc",
        }
    )

    title: RequiredName | None = None
    client_name: Name | None = None
    industry: RequiredName | None = None
    job_code: Name | None = None
    address: Address | None = None
    workplace_type: Short | None = None
    city: Name | None = None
    state_name: RequiredName | None = None
    zip_code: ZipCode | None = None
    country: RequiredName | None = None
    employment_type: Short | None = None
    duration: Short | None = None
    start_date: Short | None = None
    end_date: Short | None = None
    posting_date: Short | None = None
    pay_frequency: Short | None = None
    min_pay_rate: PayRate | None = None
    max_pay_rate: PayRate | None = None
    pay_rate_currency: Currency | None = None
    recruiter_name: RequiredName | None = None
    recruiter_email: Email | None = None
    recruiter_work_phone_no: RequiredShort | None = None
    status: RequiredShort | None = None
    desc: Description | None = None


class JobPublic(SQLModel):
    id: str
    source_id: str | None
    title: str
    client_name: str | None
    industry: str | None
    job_code: str | None
    address: str | None
    workplace_type: str | None
    city: str | None
    state_name: str | None
    zip_code: str | None
    country: str | None
    employment_type: str | None
    duration: str | None
    start_date: str | None
    end_date: str | None
    posting_date: str | None
    pay_frequency: str | None
    min_pay_rate: float | None
    max_pay_rate: float | None
    pay_rate_currency: str | None
    recruiter_name: str | None
    recruiter_email: str | None
    recruiter_work_phone_no: str | None
    status: str | None
    desc: str
    scheduling: bool
    created_at: str
    updated_at: str

    @classmethod
    def from_row(cls, job: Job) -> JobPublic:
        return cls(**_row_fields(cls, job))


class JobSchedulingUpdate(SQLModel):
    scheduling: bool


class JobSchedulingPublic(SQLModel):
    job_id: str
    scheduling: bool


_TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$")


def _normalise_time(value: Any) -> Any:
    """HH:MM or HH:MM:SS (24 h) → HH:MM:SS."""
    if not isinstance(value, str):
        return value
    match = _TIME_RE.match(value.strip())
    if not match:
        raise ValueError("must be a 24-hour time as HH:MM or HH:MM:SS")
    hours, minutes, seconds = match.groups()
    return f"{hours}:{minutes}:{seconds or '00'}"


WindowTime = Annotated[
    str,
    BeforeValidator(_normalise_time),
    StringConstraints(max_length=8),
    WithJsonSchema({"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"}),
]
IsoWeekday = Annotated[int, Ge(1), Le(7)]


class ScheduleSettingUpdate(SQLModel):
    """PUT /jobs/{id}/schedule-setting replaces the whole setting; omitted optional fields
    take their defaults. ``days_of_week``: ISO weekdays, 1 = Monday … 7 = Sunday."""

    window_start_time: WindowTime
    window_end_time: WindowTime
    daily_attempts: int = Field(default=3, ge=0, le=5)
    total_attempts: int = Field(default=10, ge=0, le=MAX_TOTAL_ATTEMPTS)
    retry_interval: Minutes = 60
    days_of_week: list[IsoWeekday] = Field(
        default_factory=lambda: [1, 2, 3, 4, 5], min_length=1, max_length=7
    )
    email_enabled: bool = True
    email_notify_minutes: Minutes = 10
    email_repeat: bool = False
    sms_enabled: bool = False
    sms_notify_minutes: Minutes = 5
    sms_repeat: bool = False
    voicemail_enabled: bool = False
    repeat_calling: bool = False
    call_schedule_minutes: Minutes = 30
    default: bool = False
    name: Name | None = None

    @field_validator("days_of_week")
    @classmethod
    def _distinct_sorted(cls, days: list[int]) -> list[int]:
        return sorted(set(days))

    @model_validator(mode="after")
    def _window_is_ordered(self) -> ScheduleSettingUpdate:
        # Zero-padded HH:MM:SS strings compare like the times they name.
        if self.window_start_time >= self.window_end_time:
            raise ValueError("window_start_time must be earlier than window_end_time")
        return self


class ScheduleSettingPublic(SQLModel):
    job_id: str
    # False until a PUT: the values shown are then the defaults.
    configured: bool
    window_start_time: str
    window_end_time: str
    daily_attempts: int
    total_attempts: int
    retry_interval: int
    days_of_week: list[int]
    email_enabled: bool
    email_notify_minutes: int
    email_repeat: bool
    sms_enabled: bool
    sms_notify_minutes: int
    sms_repeat: bool
    voicemail_enabled: bool
    repeat_calling: bool
    call_schedule_minutes: int
    default: bool
    name: str | None
    updated_at: str | None

    @classmethod
    def from_row(
        cls, setting: ScheduleSetting, *, configured: bool = True
    ) -> ScheduleSettingPublic:
        return cls(
            **_row_fields(
                cls,
                setting,
                configured=configured,
                updated_at=iso(setting.updated_at) if configured else None,
            )
        )


# --------------------------------------------------------------------------------------------
# Candidates
# --------------------------------------------------------------------------------------------


class CandidateCreate(SQLModel):
    """``file``: optional resume as base64 or a ``data:`` URL (PDF, Word, ODT, RTF or text,
    at most 10 MB). ``file_name`` (not in the seed) names the stored file."""

    file: str | None = None
    file_name: Name | None = None
    first_name: RequiredName
    last_name: Name | None = None
    email: Email
    phone_no: RequiredShort
    city: Name | None = None
    state_name: Name | None = None
    country: Name | None = None
    source: RequiredName
    source_id: RequiredName
    # In the seed's PATCH example; accepted on create too.
    recruiter_name: Name | None = None
    recruiter_email: Email | None = None
    recruiter_work_phone_no: Short | None = None
    status: Short | None = None


class CandidateUpdate(_PatchShape):
    """PATCH /candidates/{id}: only the fields sent change; ``"file": null`` removes the
    resume."""

    not_null: ClassVar[frozenset[str]] = frozenset(
        {"first_name", "email", "phone_no", "source", "source_id"}
    )

    file: str | None = None
    file_name: Name | None = None
    first_name: RequiredName | None = None
    last_name: Name | None = None
    email: Email | None = None
    phone_no: RequiredShort | None = None
    city: Name | None = None
    state_name: Name | None = None
    country: Name | None = None
    source: RequiredName | None = None
    source_id: RequiredName | None = None
    recruiter_name: Name | None = None
    recruiter_email: Email | None = None
    recruiter_work_phone_no: Short | None = None
    status: Short | None = None


class CandidatePublic(SQLModel):
    id: str
    first_name: str
    last_name: str | None
    email: str
    phone_no: str | None
    city: str | None
    state_name: str | None
    country: str | None
    source: str | None
    source_id: str | None
    recruiter_name: str | None
    recruiter_email: str | None
    recruiter_work_phone_no: str | None
    status: str | None
    resume: ResumePublic | None
    created_at: str
    updated_at: str

    @classmethod
    def from_row(cls, candidate: Candidate) -> CandidatePublic:
        return cls(**_row_fields(cls, candidate, resume=ResumePublic.from_row(candidate)))


# --------------------------------------------------------------------------------------------
# Questions
# --------------------------------------------------------------------------------------------


class AnswerGuideFields(SQLModel):
    """What a good answer contains: the interview assessment judges each answer against its
    question's key points and misconceptions (``workers.interviews.assessment.judge``)."""

    key_points: AnswerPoints = Field(default_factory=list)
    misconceptions: AnswerPoints = Field(default_factory=list)
    levels: Levels = Field(default_factory=dict)


class QuestionCreate(AnswerGuideFields):
    question_text: QuestionText
    source_id: RequiredName
    # When set, the question belongs to that application (which must be for this job).
    application_id: Id | None = None


class QuestionUpdate(_PatchShape):
    """PATCH /jobs/{job_id}/questions/{id}: ``"application_id": null`` moves the question
    back to the job."""

    not_null: ClassVar[frozenset[str]] = frozenset(
        {"question_text", "source_id", "key_points", "misconceptions", "levels"}
    )

    question_text: QuestionText | None = None
    source_id: RequiredName | None = None
    application_id: Id | None = None
    key_points: AnswerPoints | None = None
    misconceptions: AnswerPoints | None = None
    levels: Levels | None = None


class ApplicationQuestionItem(AnswerGuideFields):
    question_text: QuestionText
    source_id: RequiredName


class QuestionPublic(SQLModel):
    id: str
    job_id: str
    application_id: str | None
    question_text: str
    source_id: str | None
    generated: bool
    category: str | None
    position: int
    key_points: list[str]
    misconceptions: list[str]
    levels: dict[str, str]
    created_at: str
    updated_at: str

    @classmethod
    def from_row(cls, question: Question) -> QuestionPublic:
        return cls(**_row_fields(cls, question))


class QuestionGenerationPublic(SQLModel):
    job_id: str
    level: str
    skills: list[str]
    # "templates" (built in) or "llm" (the configured OpenAI-compatible endpoint).
    source: str
    questions: list[QuestionPublic]


# --------------------------------------------------------------------------------------------
# Applications
# --------------------------------------------------------------------------------------------


class ApplicationCreate(SQLModel):
    """A new application. The job is ``job_id`` or else ``job_source_id``; the candidate is
    ``candidate_id`` or else ``candidate_source_id`` (each looked up in the caller's
    organisation). The resume comes as base64 in ``base64file`` or ``file`` (one of them)."""

    model_config = {  # type: ignore[assignment]
        "json_schema_extra": {
            "allOf": [
                {
                    "anyOf": [
                        {
                            "required": [name],
                            "properties": {name: {"type": "string", "minLength": 1}},
                        }
                        for name in names
                    ]
                }
                for names in (("job_id", "job_source_id"), ("candidate_id", "candidate_source_id"))
            ]
        }
    }

    file: str | None = None
    base64file: str | None = None
    file_name: Name | None = None
    candidate_source_id: Name | None = None
    job_source_id: Name | None = None
    candidate_id: Id | None = None
    job_id: Id | None = None
    # Not in the seed: the application's id in the integrator's ATS (the list filters on it).
    source_id: Name | None = None
    source_application_status: RequiredName
    application_stage: RequiredShort

    @model_validator(mode="after")
    def _references(self) -> ApplicationCreate:
        if not self.candidate_id and not self.candidate_source_id:
            raise ValueError("send candidate_id or candidate_source_id")
        if not self.job_id and not self.job_source_id:
            raise ValueError("send job_id or job_source_id")
        if self.file and self.base64file:
            raise ValueError("send the resume in file or in base64file, not both")
        return self

    @property
    def resume(self) -> str | None:
        return self.base64file or self.file


class ApplicationWithQuestionsCreate(ApplicationCreate):
    questions: list[ApplicationQuestionItem] = Field(
        default_factory=list, max_length=MAX_QUESTIONS_PER_REQUEST
    )


class ApplicationUpdate(_PatchShape):
    """PATCH /applications/{id}: status, stage and resume; ``"file": null`` removes it."""

    not_null: ClassVar[frozenset[str]] = frozenset(
        {"source_application_status", "application_stage"}
    )

    source_application_status: RequiredName | None = None
    application_stage: RequiredShort | None = None
    file: str | None = None
    base64file: str | None = None
    file_name: Name | None = None

    @model_validator(mode="after")
    def _one_resume(self) -> ApplicationUpdate:
        if self.file and self.base64file:
            raise ValueError("send the resume in file or in base64file, not both")
        return self

    @property
    def resume_sent(self) -> bool:
        return bool({"file", "base64file"} & self.model_fields_set)

    @property
    def resume(self) -> str | None:
        return self.base64file or self.file


class ApplicationPublic(SQLModel):
    id: str
    job_id: str
    candidate_id: str
    source_id: str | None
    job_source_id: str | None
    candidate_source_id: str | None
    source_application_status: str
    application_stage: str
    resume: ResumePublic | None
    created_at: str
    updated_at: str

    @classmethod
    def from_row(cls, application: Application) -> ApplicationPublic:
        return cls(**_row_fields(cls, application, resume=ResumePublic.from_row(application)))


class ApplicationDetail(ApplicationPublic):
    """One application with its candidate, its job and its own screening questions."""

    candidate: CandidatePublic
    job: JobPublic
    questions: list[QuestionPublic]

    @classmethod
    def build(
        cls,
        application: Application,
        *,
        candidate: Candidate,
        job: Job,
        questions: list[Question],
    ) -> ApplicationDetail:
        return cls(
            **ApplicationPublic.from_row(application).model_dump(),
            candidate=CandidatePublic.from_row(candidate),
            job=JobPublic.from_row(job),
            questions=[QuestionPublic.from_row(q) for q in questions],
        )


# --------------------------------------------------------------------------------------------
# Tenant webhooks
# --------------------------------------------------------------------------------------------


class TriggeredEvent(StrEnum):
    call_activity = "call_activity"
    # Spelled as the seed spells it; "application_activity" is accepted as an alias.
    application_activty = "application_activty"


class TenantWebhookType(StrEnum):
    post_call_screening = "post_call_screening"


class WebhookHttpMethod(StrEnum):
    POST = "POST"
    PUT = "PUT"
    PATCH = "PATCH"


class WebhookContentType(StrEnum):
    json = "application/json"
    form = "application/x-www-form-urlencoded"


_EVENT_ALIASES = {"application_activity": TriggeredEvent.application_activty.value}


def _event(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip().lower()
        return _EVENT_ALIASES.get(value, value)
    return value


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


def _lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def _http_url(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    value = value.strip()
    if len(value) > LEN_URL:
        raise ValueError(f"must be at most {LEN_URL} characters")
    if any(ch.isspace() or ord(ch) < 32 for ch in value):
        raise ValueError("must not contain spaces or control characters")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (raises ValueError for a malformed port)
    except ValueError as exc:
        raise ValueError("must be a valid http(s) URL") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http:// or https:// URL with a host")
    return value


WebhookUrl = Annotated[
    str, BeforeValidator(_http_url), url_json_schema("https", "http", max_length=LEN_URL)
]
WebhookField = _text(LEN_SHORT, required=True)


class TenantWebhookUpsert(SQLModel):
    """POST /tenant-webhook: create, or update the webhook with the same tenant_id,
    triggered_event and type. On update, an omitted ``secret`` or ``is_active`` keeps its
    value; ``"secret": null`` removes the secret."""

    tenant_id: RequiredName
    triggered_event: Annotated[TriggeredEvent, BeforeValidator(_event)]
    type: Annotated[TenantWebhookType, BeforeValidator(_lower)]
    fields: list[WebhookField] = Field(max_length=MAX_WEBHOOK_FIELDS)
    url: WebhookUrl
    http_method: Annotated[WebhookHttpMethod, BeforeValidator(_upper)]
    content_type: Annotated[WebhookContentType, BeforeValidator(_lower)]
    secret: Name | None = None
    is_active: bool = True

    @field_validator("fields")
    @classmethod
    def _distinct(cls, fields: list[str]) -> list[str]:
        return list(dict.fromkeys(fields))


class TenantWebhookPublic(SQLModel):
    id: str
    tenant_id: str
    triggered_event: str
    type: str
    fields: list[str]
    url: str
    http_method: str
    content_type: str
    # The secret itself is never returned.
    has_secret: bool
    is_active: bool
    is_deleted: bool
    created_at: str
    updated_at: str

    @classmethod
    def from_row(cls, webhook: TenantWebhook) -> TenantWebhookPublic:
        return cls(
            **_row_fields(
                cls,
                webhook,
                fields=list(webhook.fields or []),
                has_secret=bool(webhook.secret),
            )
        )
