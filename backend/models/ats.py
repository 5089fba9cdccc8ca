"""Tests sent by applicant tracking systems (ATS assessment-partner integrations).

An ATS (Greenhouse, Ashby) lists an organisation's assessments as tests, asks truelevel to send
one to a candidate, and wants to hear when the candidate's result is ready. An
:class:`AtsTestOrder` is one such request: the candidate key it became, and the notice owed to
the ATS (an outbox: ``backend.services.outbox``). An :class:`AtsConnection` holds what truelevel
needs to call an ATS on the organisation's behalf (Ashby's API key), sealed at rest.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from backend.models.base import dt_column, new_id, utcnow


class Ats(StrEnum):
    greenhouse = "greenhouse"
    ashby = "ashby"


class NoticeState(StrEnum):
    """The completion notice owed to the ATS: ``none`` until the result is ready."""

    none = "none"
    pending = "pending"
    delivered = "delivered"
    failed = "failed"


class AtsTestOrder(SQLModel, table=True):
    __tablename__ = "ats_test_order"

    # The ATS's handle on the test it sent (Greenhouse's partner_interview_id, Ashby's
    # assessment_id).
    id: str = Field(default_factory=new_id, primary_key=True)
    org_id: str = Field(foreign_key="organization.id", index=True)
    ats: str = Field(max_length=16)
    assessment_id: str = Field(foreign_key="assessment.id", index=True)
    candidate_key_id: str = Field(foreign_key="candidatekey.id", index=True)
    # The ATS's own ids and link for the candidate, shown beside the key.
    external_candidate_id: str | None = Field(default=None, max_length=255)
    external_profile_url: str | None = Field(default=None, max_length=2048)
    # Where the completion notice goes: Greenhouse's PATCH URL from send_test, or Ashby's
    # assessment.update (from the ``TRUELEVEL_ASHBY_API_URL`` setting when the notice is sent).
    notice_url: str | None = Field(default=None, max_length=2048)
    # Greenhouse authenticates the notice with the partner key it called us with: kept sealed.
    sealed_partner_key: str | None = Field(default=None, max_length=1024)
    created_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))
    cancelled_at: datetime | None = Field(default=None, sa_column=dt_column())
    notice_state: str = Field(default=NoticeState.none.value, max_length=16, index=True)
    notice_attempts: int = Field(default=0)
    notice_next_at: datetime | None = Field(default=None, sa_column=dt_column(index=True))
    notice_last_error: str | None = Field(default=None, max_length=500)
    notice_delivered_at: datetime | None = Field(default=None, sa_column=dt_column())


class AtsConnection(SQLModel, table=True):
    """What truelevel needs to call an ATS for one organisation (one row per ATS)."""

    __tablename__ = "ats_connection"
    __table_args__ = (UniqueConstraint("org_id", "ats"),)

    id: str = Field(default_factory=new_id, primary_key=True)
    org_id: str = Field(foreign_key="organization.id", index=True)
    ats: str = Field(max_length=16)
    sealed_api_key: str = Field(max_length=1024)
    created_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))
