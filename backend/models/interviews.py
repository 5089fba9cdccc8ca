"""Interview intelligence (seed 004) and interview calls (seed 003).

An ``InterviewJob`` is one recording (an upload, or the answers of a browser interview) on its
way through the workers: ``queued → loading_weights → processing_inference → completed |
failed``. Every transition is an ``InterviewJobEvent`` row, so the history survives restarts and
the SSE stream can replay it to a late subscriber.

An ``InterviewCall`` is seed 003's "instant call": with no telephone network here, it is a
browser interview for an application, reached by a link whose token is the candidate's only
credential. Each recorded answer is an ``InterviewAnswer``; finishing the interview turns the
answers into an ``InterviewJob``.

Credits (seed 004): ``Organization.credit_balance`` is ``None`` when billing is off (unlimited);
each charge is a ``CreditLedgerEntry`` whose ``charge_key`` is unique, so a job is never charged
twice.

A recruiter can confirm or correct the speakers' roles of a finished interview
(``SpeakerRoleConfirmation``); the interview is then re-scored from its transcript.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from backend.models.base import LeasedWork, dt_column, new_id, utcnow


def new_job_id() -> str:
    """Seed 004 job ids read ``job_9f2c81d4a0b34e7f9d21``: "job_" and 20 hex digits."""
    return f"job_{secrets.token_hex(10)}"


def new_call_token() -> str:
    return secrets.token_urlsafe(24)


class InterviewJobStatus(StrEnum):
    queued = "queued"
    loading_weights = "loading_weights"
    processing_inference = "processing_inference"
    completed = "completed"
    failed = "failed"


TERMINAL_STATUSES = frozenset({InterviewJobStatus.completed, InterviewJobStatus.failed})
# Where the workers may (re)claim a job: anything not terminal.
ACTIVE_STATUSES = (
    InterviewJobStatus.queued,
    InterviewJobStatus.loading_weights,
    InterviewJobStatus.processing_inference,
)


class InterviewSource(StrEnum):
    upload = "upload"  # a recording sent through the API or the web app
    call = "call"  # the answers of a browser interview (seed 003 instant call)
    transcript = "transcript"  # a transcript with speakers, sent as text (no audio)


class InterviewJob(LeasedWork, table=True):
    id: str = Field(default_factory=new_job_id, primary_key=True, max_length=32)
    org_id: str = Field(foreign_key="organization.id", index=True)
    source: str = Field(default=InterviewSource.upload.value, max_length=16)
    role_title: str = Field(max_length=255)
    call_id: str | None = Field(default=None, foreign_key="interviewcall.id", index=True)
    # The recording (a storage key) or, for a call, the key prefix of its answers.
    # None once deleted after processing (unless the organisation keeps inputs).
    input_path: str | None = Field(default=None, max_length=1024)
    input_filename: str | None = Field(default=None, max_length=255)
    input_bytes: int = Field(default=0)
    input_sha256: str | None = Field(default=None, max_length=64)
    input_deleted_at: datetime | None = Field(default=None, sa_column=dt_column())
    declared_duration_s: float | None = Field(default=None)
    duration_s: float | None = Field(default=None)  # measured when accepted
    credits_charged: int = Field(default=0)

    status: str = Field(default=InterviewJobStatus.queued.value, max_length=32, index=True)
    detail: str | None = Field(default=None, max_length=500)
    error_code: str | None = Field(default=None, max_length=64)
    error: str | None = Field(default=None, max_length=2000)
    # {"duration_s", "transcript", "speakers", "metrics", "assessment", "models"}
    result: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    rubric_id: str | None = Field(default=None, max_length=64)
    rubric_version: int | None = Field(default=None)

    created_at: datetime = Field(
        default_factory=utcnow, sa_column=dt_column(nullable=False, index=True)
    )
    started_at: datetime | None = Field(default=None, sa_column=dt_column())
    finished_at: datetime | None = Field(default=None, sa_column=dt_column())

    # The human decision: confirm or override the automated recommendation, with a note.
    reviewer_id: str | None = Field(default=None, max_length=320)
    review_recommendation: str | None = Field(default=None, max_length=16)
    review_note: str | None = Field(default=None, max_length=10_000)
    reviewed_at: datetime | None = Field(default=None, sa_column=dt_column())


class InterviewJobEvent(SQLModel, table=True):
    """One state a job entered, in order (``id`` increases)."""

    id: int | None = Field(default=None, primary_key=True)
    job_id: str = Field(foreign_key="interviewjob.id", index=True, max_length=32)
    status: str = Field(max_length=32)
    detail: str | None = Field(default=None, max_length=500)
    at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))


class RescoreStatus(StrEnum):
    queued = "queued"
    processing = "processing"
    completed = "completed"
    failed = "failed"


class SpeakerRoleConfirmation(LeasedWork, table=True):
    """A recruiter's word on who is who in a finished interview (each speaker label's role, or
    the label it is the same person as), and the re-scoring it asks for: the same assessment
    run again on the stored transcript with these roles, on a worker. The job keeps its result
    until the re-scored one replaces it; nothing is charged. The newest row of a job is its
    current confirmation."""

    id: str = Field(default_factory=new_id, primary_key=True)
    job_id: str = Field(foreign_key="interviewjob.id", index=True, max_length=32)
    org_id: str = Field(foreign_key="organization.id", index=True)
    # As the recruiter sent it: {"SPEAKER_00": "interviewer", "SPEAKER_02": "SPEAKER_01"}.
    speakers: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    confirmed_by: str = Field(max_length=320)  # the member's name (else email) or the API key
    confirmed_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))
    status: str = Field(default=RescoreStatus.queued.value, max_length=16, index=True)
    error: str | None = Field(default=None, max_length=2000)
    finished_at: datetime | None = Field(default=None, sa_column=dt_column())


class CreditLedgerEntry(SQLModel, table=True):
    """A change to an organisation's interview credits: a charge (negative) or a grant."""

    id: str = Field(default_factory=new_id, primary_key=True)
    org_id: str = Field(foreign_key="organization.id", index=True)
    delta: int
    reason: str = Field(max_length=32)  # charge | grant | purchase | refund
    # Unique: "job:<id>" for a job's charge, so the same job is never charged twice.
    charge_key: str | None = Field(default=None, max_length=128, unique=True)
    job_id: str | None = Field(default=None, max_length=32, index=True)
    balance_after: int | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))


class CallStatus(StrEnum):
    pending = "pending"  # link created, nothing recorded yet
    in_progress = "in_progress"  # answers arriving
    processing = "processing"  # finished; the interview job runs
    completed = "completed"
    failed = "failed"
    alternative_requested = "alternative_requested"  # the candidate asked for another process


class InterviewCall(SQLModel, table=True):
    id: str = Field(default_factory=new_id, primary_key=True)
    org_id: str = Field(foreign_key="organization.id", index=True)
    application_id: str = Field(foreign_key="application.id", index=True)
    job_id: str = Field(foreign_key="job.id", index=True)  # the job posting (seed 003)
    candidate_id: str = Field(foreign_key="candidate.id", index=True)
    # The link's secret; the candidate's only credential for the interview page.
    token: str = Field(default_factory=new_call_token, max_length=64, unique=True, index=True)
    status: str = Field(default=CallStatus.pending.value, max_length=32, index=True)
    # [{"id": question id or None, "text": "..."}], fixed when the call is created.
    questions: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    interview_job_id: str | None = Field(default=None, max_length=32, index=True)
    alternative_requested_at: datetime | None = Field(default=None, sa_column=dt_column())
    alternative_note: str | None = Field(default=None, max_length=2000)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=dt_column(nullable=False, index=True)
    )
    started_at: datetime | None = Field(default=None, sa_column=dt_column())
    completed_at: datetime | None = Field(default=None, sa_column=dt_column())


class InterviewAnswer(SQLModel, table=True):
    """One recorded answer of a browser interview; re-recording a question replaces it."""

    __table_args__ = (UniqueConstraint("call_id", "question_index", name="uq_answer_question"),)

    id: str = Field(default_factory=new_id, primary_key=True)
    call_id: str = Field(foreign_key="interviewcall.id", index=True)
    question_index: int
    path: str = Field(max_length=1024)  # a storage key (backend.services.storage)
    size: int
    sha256: str = Field(max_length=64)
    content_type: str | None = Field(default=None, max_length=128)
    duration_s: float | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))


class WorkerModelState(SQLModel, table=True):
    """What a worker process has loaded, reported by the worker itself (model status page)."""

    __table_args__ = (UniqueConstraint("worker_id", "role", name="uq_worker_model_role"),)

    id: str = Field(default_factory=new_id, primary_key=True)
    worker_id: str = Field(max_length=128, index=True)
    role: str = Field(max_length=32)  # asr | diarization | embeddings
    name: str = Field(max_length=255)
    device: str | None = Field(default=None, max_length=32)
    state: str = Field(max_length=16)  # cold | loading | warm | failed
    footprint_mib: int | None = Field(default=None)
    detail: str | None = Field(default=None, max_length=500)
    updated_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))
