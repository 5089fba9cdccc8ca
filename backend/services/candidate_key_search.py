"""Finding invited candidates: the one query behind the web app's candidates list and seed 001's
``GET /candidates``.

The organisation's live keys (not revoked, of an assessment not deleted), narrowed by a
:class:`CandidateKeyFilter`: words to look for in the candidate's name, email and key, the
assessment, and the key's status, which ``backend.models.assessments.key_status`` derives and is
written here once more as SQL so that filtering and counting stay in the database.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import String, and_, case, cast, func
from sqlmodel import Session, col, select

from backend.models.assessments import (
    Assessment,
    CandidateKey,
    CandidateSession,
    KeyStatus,
    SessionStatus,
)
from backend.models.base import utcnow
from backend.services.pagination import counted_slice
from backend.services.search_words import SearchWords, contains_words


class CandidateKeySort(StrEnum):
    newest = "newest"
    oldest = "oldest"
    candidate = "candidate"  # the name shown for the candidate, A to Z
    expires = "expires"  # the soonest expiry first


class CandidateKeyFilter(BaseModel):
    """What to show of an organisation's candidates, and in which order. Empty means all."""

    model_config = ConfigDict(frozen=True)

    search: SearchWords | None = None
    assessment_id: str | None = Field(default=None, max_length=64)
    status: KeyStatus | None = None
    sort: CandidateKeySort = CandidateKeySort.newest


def key_status_sql(now: datetime) -> Any:
    """``key_status`` as SQL over a candidate key outer-joined to its session: the session's
    status once redeemed (an active one past its deadline reads expired), else pending until
    the key expires."""
    stored = col(CandidateSession.status)
    session_status = case(
        (
            and_(
                stored == SessionStatus.active,
                col(CandidateSession.deadline_at).is_not(None),
                col(CandidateSession.deadline_at) <= now,
            ),
            KeyStatus.expired.value,
        ),
        else_=cast(stored, String),
    )
    return case(
        (col(CandidateSession.id).is_not(None), session_status),
        (col(CandidateKey.expires_at) <= now, KeyStatus.expired.value),
        else_=KeyStatus.pending.value,
    )


def _shown_name() -> Any:
    """``candidate_names.display_name`` in SQL: name, else email, else the key."""
    return func.coalesce(
        func.nullif(func.trim(col(CandidateKey.candidate_name)), ""),
        func.nullif(func.trim(col(CandidateKey.candidate_email)), ""),
        col(CandidateKey.key),
    )


def _order(sort: CandidateKeySort) -> tuple[Any, ...]:
    newest = (col(CandidateKey.created_at).desc(), col(CandidateKey.id).desc())
    if sort == CandidateKeySort.oldest:
        return col(CandidateKey.created_at).asc(), col(CandidateKey.id).asc()
    if sort == CandidateKeySort.candidate:
        return (func.lower(_shown_name()).asc(), *newest)
    if sort == CandidateKeySort.expires:
        return (col(CandidateKey.expires_at).asc(), *newest)
    return newest


def find_candidate_keys(
    session: Session,
    *,
    org_id: str,
    where: CandidateKeyFilter | None = None,
    limit: int,
    offset: int,
) -> tuple[list[tuple[CandidateKey, Assessment]], int]:
    """One page of the organisation's live keys matching ``where`` (each with its assessment),
    in its order, and the count of all matches."""
    where = where or CandidateKeyFilter()
    conditions: list[Any] = [
        col(CandidateKey.org_id) == org_id,
        col(CandidateKey.revoked_at).is_(None),
        col(Assessment.deleted_at).is_(None),
    ]
    if where.assessment_id:
        conditions.append(col(CandidateKey.assessment_id) == where.assessment_id)
    if where.status:
        conditions.append(key_status_sql(utcnow()) == where.status.value)
    found = contains_words(
        where.search,
        col(CandidateKey.key),
        col(CandidateKey.candidate_name),
        col(CandidateKey.candidate_email),
    )
    if found is not None:
        conditions.append(found)

    def live(statement: Any) -> Any:
        joined = statement.join(Assessment, col(Assessment.id) == col(CandidateKey.assessment_id))
        if where.status:
            joined = joined.outerjoin(
                CandidateSession, col(CandidateSession.candidate_key_id) == col(CandidateKey.id)
            )
        return joined.where(*conditions)

    statement = live(select(CandidateKey, Assessment)).order_by(*_order(where.sort))
    rows, total = counted_slice(session, statement, offset=offset, limit=limit)
    return [(key, assessment) for key, assessment in rows], total
