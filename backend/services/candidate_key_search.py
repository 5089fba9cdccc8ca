"""Finding invited candidates: the one query behind the web app's candidates list and seed 001's
``GET /candidates``.

The organisation's live keys (not revoked, of an assessment not deleted), narrowed by a
:class:`CandidateKeyFilter`: words to look for in the candidate's name, email and key, the
assessment, and the key's status, which ``backend.models.assessments.key_status`` derives and is
written here once more as SQL so that filtering and counting stay in the database.
"""

from __future__ import annotations

from collections.abc import Collection
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


def _live(statement: Any, org_id: str, where: CandidateKeyFilter) -> Any:
    """``statement`` (a select from CandidateKey) narrowed to the organisation's live keys
    matching ``where``, in its order."""
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
    joined = statement.join(Assessment, col(Assessment.id) == col(CandidateKey.assessment_id))
    if where.status:
        joined = joined.outerjoin(
            CandidateSession, col(CandidateSession.candidate_key_id) == col(CandidateKey.id)
        )
    return joined.where(*conditions).order_by(*_order(where.sort))


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
    statement = _live(select(CandidateKey, Assessment), org_id, where or CandidateKeyFilter())
    rows, total = counted_slice(session, statement, offset=offset, limit=limit)
    return [(key, assessment) for key, assessment in rows], total


def matching_key_ids(
    session: Session,
    *,
    org_id: str,
    where: CandidateKeyFilter | None = None,
    among: Collection[str] | None = None,
    limit: int,
) -> list[str]:
    """The ids of the organisation's live keys matching ``where`` (and among ``among`` when
    given: rows a recruiter selected), in the filter's order, at most ``limit`` of them."""
    statement = _live(select(CandidateKey.id), org_id, where or CandidateKeyFilter())
    if among is not None:
        statement = statement.where(col(CandidateKey.id).in_(list(among)))
    return list(session.exec(statement.limit(limit)).all())


def keys_with_assessments(
    session: Session, *, org_id: str, ids: Collection[str]
) -> list[tuple[CandidateKey, Assessment]]:
    """The organisation's keys of ``ids`` with their assessments, in the order of ``ids``."""
    rows = session.exec(
        select(CandidateKey, Assessment)
        .join(Assessment, col(Assessment.id) == col(CandidateKey.assessment_id))
        .where(col(CandidateKey.org_id) == org_id, col(CandidateKey.id).in_(list(ids)))
    ).all()
    by_id = {key.id: (key, assessment) for key, assessment in rows}
    return [by_id[i] for i in ids if i in by_id]
