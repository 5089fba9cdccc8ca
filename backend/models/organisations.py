"""Organisations, their members, web sessions and API keys."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from backend.models.base import dt_column, new_id, utcnow


class Role(StrEnum):
    admin = "admin"
    reviewer = "reviewer"
    viewer = "viewer"


class ApiScope(StrEnum):
    evaluations = "evaluations"
    assessments = "assessments"
    pipeline = "pipeline"
    interviews = "interviews"
    all = "all"


class Organization(SQLModel, table=True):
    id: str = Field(default_factory=new_id, primary_key=True)
    name: str = Field(max_length=255)
    created_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))
    # Interview credits (seed 004): None while billing is off (unlimited); otherwise the
    # balance, changed only with a CreditLedgerEntry in the same transaction.
    credit_balance: int | None = Field(default=None)
    # Retention: keep interview recordings after processing (deleted by default).
    keep_interview_inputs: bool = Field(default=False)


class Member(SQLModel, table=True):
    """A person who signs in to the web app. Email is unique across the installation."""

    id: str = Field(default_factory=new_id, primary_key=True)
    org_id: str = Field(foreign_key="organization.id", index=True)
    email: str = Field(max_length=320, unique=True, index=True)
    name: str = Field(default="", max_length=255)
    role: Role = Field(default=Role.viewer)
    password_hash: str | None = Field(default=None)
    oidc_subject: str | None = Field(default=None, max_length=255, index=True)
    is_active: bool = Field(default=True)
    # The IANA time zone the pages show times in (``Europe/Paris``); None: UTC.
    timezone: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))
    last_sign_in_at: datetime | None = Field(default=None, sa_column=dt_column())


class WebSession(SQLModel, table=True):
    """A signed-in browser. Only the SHA-256 of the token is stored."""

    id: str = Field(default_factory=new_id, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    member_id: str = Field(foreign_key="member.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))
    expires_at: datetime = Field(sa_column=dt_column(nullable=False))
    revoked_at: datetime | None = Field(default=None, sa_column=dt_column())


class ApiKey(SQLModel, table=True):
    """An organisation API key. The raw key is shown once; only its SHA-256 is kept."""

    id: str = Field(default_factory=new_id, primary_key=True)
    org_id: str = Field(foreign_key="organization.id", index=True)
    name: str = Field(default="", max_length=255)
    scope: ApiScope = Field(default=ApiScope.all)
    key_hash: str = Field(max_length=64, unique=True, index=True)
    # The first characters of the key, so people can tell their keys apart.
    display_prefix: str = Field(max_length=32)
    created_by: str | None = Field(default=None, max_length=320)
    created_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))
    last_used_at: datetime | None = Field(default=None, sa_column=dt_column())
    revoked_at: datetime | None = Field(default=None, sa_column=dt_column())
