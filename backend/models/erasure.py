"""The audit trail of candidate erasures: who was erased is kept only as a hash of the address."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel

from backend.models.base import dt_column, json_column, new_id, utcnow


class ErasureRecord(SQLModel, table=True):
    """One erasure: the organisation, SHA-256 of the normalised email (never the email or the
    name), who asked, and how many rows and stored files of each kind were deleted."""

    __tablename__ = "erasure_record"

    id: str = Field(default_factory=new_id, primary_key=True)
    org_id: str = Field(foreign_key="organization.id", index=True)
    email_sha256: str = Field(max_length=64, index=True)
    requested_by: str = Field(default="", max_length=255)
    deleted: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    erased_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))
