"""Failed credential checks, kept so that every web host of an installation counts them together
(sign-in lockout, candidate-key guessing). ``backend.services.throttle`` reads and writes them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from backend.models.base import UTCDateTime, new_id, utcnow


class SignInAttempt(SQLModel, table=True):
    """One failed (or not yet decided) check of a password or candidate key, filed under its
    bucket: ``<rule>:<sha256 of the subject>`` (an account's email, a client address, a key)."""

    __tablename__ = "sign_in_attempts"
    __table_args__ = (Index("ix_sign_in_attempts_bucket_at", "bucket", "attempted_at"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    bucket: str = Field(max_length=100)
    attempted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
