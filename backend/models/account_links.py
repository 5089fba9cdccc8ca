"""Links that let a member choose a password without knowing one: a password reset (asked for on
the sign-in page) and a member invite (sent by an admin).

A link's address carries a token signed with the installation's secret that names the row (it
can be neither guessed nor altered); the row says until when the link works and whether it was
used or superseded, so a link works once, stops when it expires, and stops when the member's
password changes by any other way."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from backend.models.base import dt_column, new_id, utcnow


class LinkPurpose(StrEnum):
    reset = "reset"
    invite = "invite"


class AccountLink(SQLModel, table=True):
    __tablename__ = "account_link"

    id: str = Field(default_factory=new_id, primary_key=True)
    org_id: str = Field(foreign_key="organization.id", index=True)
    member_id: str = Field(foreign_key="member.id", index=True)
    purpose: str = Field(max_length=16)  # a LinkPurpose
    created_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))
    expires_at: datetime = Field(sa_column=dt_column(nullable=False))
    # When the member chose a password with it.
    used_at: datetime | None = Field(default=None, sa_column=dt_column())
    # When a newer link or another password change made it stop working.
    revoked_at: datetime | None = Field(default=None, sa_column=dt_column())
