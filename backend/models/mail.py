"""Outgoing email, kept until delivered so a failed send is retried rather than lost."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from backend.models.base import dt_column, new_id, utcnow


class OutboundEmail(SQLModel, table=True):
    id: str = Field(default_factory=new_id, primary_key=True)
    org_id: str | None = Field(default=None, foreign_key="organization.id", index=True)
    to_address: str = Field(max_length=320)
    subject: str = Field(max_length=512)
    body_text: str
    purpose: str = Field(default="", max_length=64)  # e.g. candidate_invite
    related_id: str | None = Field(default=None, max_length=64, index=True)
    status: str = Field(default="pending", max_length=16, index=True)  # pending|sent|failed
    attempts: int = Field(default=0)
    last_error: str | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=dt_column())
