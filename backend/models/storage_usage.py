"""What the file store holds for whom, so that uploads can be held to a quota of stored bytes
(``backend.services.storage_quota``).

``StoredObject`` is one row per stored upload (its key, owner and size), written before the
object is stored and removed when the store deletes it, whoever deletes it (retention sweeps,
erasure, a replaced take): the quota counts what is really stored. ``StorageUsage`` keeps the
running total of one subject (``org:<id>`` or ``key:<candidate key id>``) so that the check is
one guarded ``UPDATE`` of one row, which two parallel uploads cannot both pass.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column
from sqlmodel import Field, SQLModel

from backend.models.base import UTCDateTime, utcnow


class StoredObject(SQLModel, table=True):
    __tablename__ = "stored_objects"

    key: str = Field(primary_key=True, max_length=512)
    org_id: str = Field(max_length=36, index=True)
    candidate_key_id: str | None = Field(default=None, max_length=36, index=True)
    # zip, recording, transcript, answer, resume (``storage_quota.Kind``)
    kind: str = Field(max_length=20)
    size: int = Field(sa_column=Column(BigInteger, nullable=False))
    stored_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class StorageUsage(SQLModel, table=True):
    __tablename__ = "storage_usage"

    subject: str = Field(primary_key=True, max_length=64)
    used_bytes: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
