"""Read-only links to an evaluation report for people without an account (a hiring manager).

A link's address carries a token signed with the installation's secret (it names the share and
cannot be guessed or altered); the row says until when it works and whether it was revoked, and
counts how often it was opened."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PydanticField
from sqlmodel import Field, SQLModel

from backend.models.base import dt_column, iso, new_id, utcnow

MAX_SHARE_DAYS = 30
DEFAULT_SHARE_DAYS = 7


class ReportShare(SQLModel, table=True):
    __tablename__ = "report_share"

    id: str = Field(default_factory=new_id, primary_key=True)
    org_id: str = Field(foreign_key="organization.id", index=True)
    evaluation_id: str = Field(foreign_key="evaluation.id", index=True)
    created_by: str | None = Field(default=None, max_length=64)  # a member id, or an API key id
    created_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))
    expires_at: datetime = Field(sa_column=dt_column(nullable=False))
    revoked_at: datetime | None = Field(default=None, sa_column=dt_column())
    opened_count: int = Field(default=0)
    last_opened_at: datetime | None = Field(default=None, sa_column=dt_column())


class ShareCreate(BaseModel):
    """POST /evaluations/{id}/share-links."""

    model_config = ConfigDict(extra="forbid")

    expires_in_days: int = PydanticField(default=DEFAULT_SHARE_DAYS, ge=1, le=MAX_SHARE_DAYS)


class SharePublic(BaseModel):
    id: str
    evaluation_id: str
    url: str | None  # only when the link is created: the address is not stored
    created_at: str
    expires_at: str
    revoked_at: str | None
    opened_count: int
    last_opened_at: str | None

    @classmethod
    def from_row(cls, row: ReportShare, url: str | None = None) -> SharePublic:
        return cls(
            id=row.id,
            evaluation_id=row.evaluation_id,
            url=url,
            created_at=iso(row.created_at) or "",
            expires_at=iso(row.expires_at) or "",
            revoked_at=iso(row.revoked_at),
            opened_count=row.opened_count,
            last_opened_at=iso(row.last_opened_at),
        )


class ShareList(BaseModel):
    share_links: list[SharePublic]
