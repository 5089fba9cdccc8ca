"""Assessments (seeds 001, 002): the library of open-source issues, rubrics, assessments,
candidate keys and the sessions that redeemed keys become."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlmodel import Field, SQLModel

from backend.models.base import dt_column, json_column, new_id, utcnow


class OssIssue(SQLModel, table=True):
    """A pre-configured open-source issue that an assessment can use as its task."""

    id: str = Field(default_factory=new_id, primary_key=True)
    org_id: str = Field(foreign_key="organization.id", index=True)
    title: str = Field(max_length=255)
    repo_url: str | None = Field(default=None, max_length=2048)
    issue_url: str | None = Field(default=None, max_length=2048)
    body: str = Field(default="")
    language: str | None = Field(default=None, max_length=64)
    difficulty: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))


class Rubric(SQLModel, table=True):
    """One version of a rubric. Editing a rubric adds a row with the same family and version + 1,
    so a report can always name the exact version that scored it."""

    id: str = Field(default_factory=new_id, primary_key=True)
    org_id: str = Field(foreign_key="organization.id", index=True)
    family_id: str = Field(index=True)
    version: int = Field(default=1)
    name: str = Field(max_length=255)
    description: str = Field(default="")
    # [{"name", "weight", "criteria": [{"name", "description", "weight", "levels": {"1": "..", ...}}]}]
    categories: list[dict[str, Any]] = Field(default_factory=list, sa_column=json_column())
    is_latest: bool = Field(default=True, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))


class Assessment(SQLModel, table=True):
    id: str = Field(default_factory=new_id, primary_key=True)
    org_id: str = Field(foreign_key="organization.id", index=True)
    title: str = Field(max_length=255)
    role: str = Field(max_length=255)
    task_brief: str = Field(default="")
    repo_url: str | None = Field(default=None, max_length=2048)
    issue_id: str | None = Field(default=None, foreign_key="ossissue.id")
    time_limit_minutes: int | None = Field(default=None)
    expires_in_days: int = Field(default=7)
    rubric_id: str | None = Field(default=None, foreign_key="rubric.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False, index=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))
    deleted_at: datetime | None = Field(default=None, sa_column=dt_column())


class CandidateKey(SQLModel, table=True):
    """A single-use key that lets one candidate start a session of one assessment."""

    id: str = Field(default_factory=new_id, primary_key=True)
    org_id: str = Field(foreign_key="organization.id", index=True)
    assessment_id: str = Field(foreign_key="assessment.id", index=True)
    key: str = Field(max_length=32, unique=True, index=True)
    candidate_email: str | None = Field(default=None, max_length=320)
    candidate_name: str | None = Field(default=None, max_length=255)
    session_id: str | None = Field(default=None, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False, index=True))
    expires_at: datetime = Field(sa_column=dt_column(nullable=False))
    redeemed_at: datetime | None = Field(default=None, sa_column=dt_column())
    completed_at: datetime | None = Field(default=None, sa_column=dt_column())
    revoked_at: datetime | None = Field(default=None, sa_column=dt_column())
    invite_sent_at: datetime | None = Field(default=None, sa_column=dt_column())


class SessionStatus(StrEnum):
    active = "active"
    completed = "completed"
    expired = "expired"
    hired = "hired"


class CandidateSession(SQLModel, table=True):
    """What a redeemed candidate key becomes: the candidate's working session."""

    id: str = Field(default_factory=new_id, primary_key=True)
    org_id: str = Field(foreign_key="organization.id", index=True)
    assessment_id: str = Field(foreign_key="assessment.id", index=True)
    candidate_key_id: str = Field(foreign_key="candidatekey.id", unique=True)
    status: SessionStatus = Field(default=SessionStatus.active)
    started_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))
    deadline_at: datetime | None = Field(default=None, sa_column=dt_column())
    completed_at: datetime | None = Field(default=None, sa_column=dt_column())
