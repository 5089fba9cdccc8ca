"""Column helpers shared by every table."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

from sqlalchemy import JSON, Column, DateTime, TypeDecorator
from sqlmodel import Field, SQLModel


def new_id() -> str:
    return str(uuid.uuid4())


_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")


def plausible_id(value: str | None) -> bool:
    """Whether ``value`` can be one of our ids; anything else is answered 404 without touching
    the database (PostgreSQL rejects NUL bytes with an error rather than "no row")."""
    return bool(value) and _ID_RE.fullmatch(value) is not None


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the zone otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def dt_column(*, nullable: bool = True, index: bool = False) -> Column:
    return Column(UTCDateTime(), nullable=nullable, index=index)


def json_column() -> Column:
    return Column(JSON, nullable=False)


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with milliseconds and a Z, as the seeds print timestamps."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class LeasedWork(SQLModel):
    """Columns of a durable unit of work that a worker claims with a lease (interview jobs, code
    evaluations). ``backend.services.leases`` is the one place that reads and writes them."""

    priority: int = Field(default=0, index=True)  # higher runs first
    attempts: int = Field(default=0)
    lease_owner: str | None = Field(default=None, max_length=128)
    lease_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
