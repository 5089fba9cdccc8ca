"""Finding interviews: the one query behind the web app's interviews list and ``jobs.list_jobs``.

An :class:`InterviewFilter` narrows an organisation's interview jobs by words (the candidate's
name and email when the interview came from a call, and the job title), the processing status,
the recommendation that counts now (the reviewer's decision, else the automated proposal) and
where it came from (an uploaded recording or a browser interview), in an order. It is all SQL,
on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func
from sqlmodel import Session, col, select

from backend.models.interviews import (
    InterviewCall,
    InterviewJob,
    InterviewJobStatus,
    InterviewSource,
)
from backend.models.pipeline import Candidate
from backend.services.pagination import counted_slice
from backend.services.search_words import SearchWords, clean_search, contains_words


class InterviewSort(StrEnum):
    newest = "newest"
    oldest = "oldest"
    candidate = "candidate"  # the name heading the row (the job title without one), A to Z


class InterviewRecommendation(StrEnum):
    advance = "advance"
    hold = "hold"
    reject = "reject"


class InterviewFilter(BaseModel):
    """What to show of an organisation's interviews, and in which order. Empty means all."""

    model_config = ConfigDict(frozen=True)

    search: SearchWords | None = None
    status: InterviewJobStatus | None = None
    recommendation: InterviewRecommendation | None = None
    source: InterviewSource | None = None
    sort: InterviewSort = InterviewSort.newest


def current_recommendation() -> Any:
    """The reviewer's decision, else the automated one (``jobs.automated_recommendation``)."""
    automated = col(InterviewJob.result)["assessment"]["recommendation"].as_string()
    return func.coalesce(col(InterviewJob.review_recommendation), automated)


def _person_name() -> Any:
    return func.trim(
        func.coalesce(col(Candidate.first_name), "")
        + " "
        + func.coalesce(col(Candidate.last_name), "")
    )


def _shown_name() -> Any:
    """``candidate_names.interview_candidates`` in SQL: name, else email, else the job title."""
    return func.coalesce(
        func.nullif(_person_name(), ""),
        func.nullif(func.trim(col(Candidate.email)), ""),
        col(InterviewJob.role_title),
    )


def _with_people(statement: Any) -> Any:
    return statement.outerjoin(
        InterviewCall, col(InterviewCall.id) == col(InterviewJob.call_id)
    ).outerjoin(Candidate, col(Candidate.id) == col(InterviewCall.candidate_id))


def _conditions(org_id: str, where: InterviewFilter) -> list[Any]:
    conditions: list[Any] = [col(InterviewJob.org_id) == org_id]
    if where.status:
        conditions.append(col(InterviewJob.status) == where.status.value)
    if where.source:
        conditions.append(col(InterviewJob.source) == where.source.value)
    if where.recommendation:
        conditions.append(current_recommendation() == where.recommendation.value)
    found = contains_words(
        where.search, col(InterviewJob.role_title), _person_name(), col(Candidate.email)
    )
    if found is not None:
        conditions.append(found)
    return conditions


def _order(sort: InterviewSort) -> tuple[Any, ...]:
    newest = (col(InterviewJob.created_at).desc(), col(InterviewJob.id).desc())
    if sort == InterviewSort.oldest:
        return col(InterviewJob.created_at).asc(), col(InterviewJob.id).asc()
    if sort == InterviewSort.candidate:
        return (func.lower(_shown_name()).asc(), *newest)
    return newest


def find_interviews(
    session: Session,
    *,
    org_id: str,
    where: InterviewFilter | None = None,
    limit: int,
    offset: int,
) -> tuple[list[InterviewJob], int]:
    """One page of the organisation's interview jobs matching ``where``, and the count of all."""
    where = where or InterviewFilter()
    conditions = _conditions(org_id, where)
    people = bool(clean_search(where.search)) or where.sort == InterviewSort.candidate

    statement = select(InterviewJob)
    if people:
        statement = _with_people(statement)
    statement = statement.where(*conditions).order_by(*_order(where.sort))
    return counted_slice(session, statement, offset=offset, limit=limit)
