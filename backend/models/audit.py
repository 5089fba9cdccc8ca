"""The audit log: one row per thing someone did with an organisation's data (viewed, exported,
changed, erased, shared …). ``backend.services.audit`` writes and reads it.

A row names people by id only: the actor (a member's id and email, an API key's id and name, or
"system"/"cli") is staff; the subject is a kind and an id (an evaluation, an interview job, a
candidate …), never a candidate's name or email, so erasing a candidate leaves nothing personal
here once their ids are cleared (``audit.forget_subjects``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from backend.models.base import dt_column, new_id, utcnow


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_org_occurred", "org_id", "occurred_at"),
        Index("ix_audit_event_subject", "org_id", "subject_id"),
    )

    id: str = Field(default_factory=new_id, primary_key=True)
    org_id: str = Field(foreign_key="organization.id")
    occurred_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))
    # member, api_key, system
    actor_kind: str = Field(max_length=16)
    actor_id: str = Field(default="", max_length=64)
    # The member's email or the key's name, as they were then.
    actor_label: str = Field(default="", max_length=320)
    action: str = Field(max_length=32)
    subject_kind: str = Field(max_length=32)
    subject_id: str = Field(default="", max_length=64)
    detail: str = Field(default="", max_length=255)
