"""Finding evaluations: the one query behind the web app's evaluations list, its review queue and
``GET /api/v1/evaluations``.

What a recruiter asks of the list is an :class:`EvaluationFilter`: words to look for (in the
candidate's name and email, and the candidate reference or key), the status, stage, level,
assessment, the recommendation that counts now, whether the engine raised risk flags or a later
submission asks for another look, a creation window, and an order. It is all SQL (SQLite and
PostgreSQL alike), so a page costs the same whether the organisation has ten evaluations or ten
thousand.

The candidate is found the way ``backend.services.candidate_names`` names them: the candidate key
of the evaluation's session, else the organisation's key whose string is the evaluation's
``candidate_ref``.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import and_, case, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from backend.models.assessments import CandidateKey, CandidateSession, TargetLevel
from backend.models.evaluations import Evaluation, EvaluationStage, EvaluationStatus
from backend.services.errors import InvalidInput
from backend.services.evaluations.queries import DEFAULT_LIMIT, MAX_LIMIT
from backend.services.pagination import counted_slice
from backend.services.search_words import SearchWords, clean_search, contains_words


class EvaluationSort(StrEnum):
    newest = "newest"
    oldest = "oldest"
    candidate = "candidate"  # the name shown for the candidate, A to Z
    candidate_desc = "candidate_desc"
    confidence = "confidence"  # the engine's confidence, highest first


class RecommendationFilter(StrEnum):
    proceed = "proceed"
    hold = "hold"
    # Either spelling of "no" (the engine's ``reject``, a reviewer's ``do_not_proceed``).
    reject = "reject"


REJECTIONS = ("reject", "do_not_proceed")


class EvaluationFilter(BaseModel):
    """What to show of an organisation's evaluations, and in which order. Empty means all."""

    model_config = ConfigDict(frozen=True)

    search: SearchWords | None = None
    status: EvaluationStatus | None = None
    stage: EvaluationStage | None = None
    candidate_ref: str | None = Field(default=None, max_length=255)
    target_level: TargetLevel | None = None
    assessment_id: str | None = None
    recommendation: RecommendationFilter | None = None
    # The engine raised at least one risk flag (a committed secret, a near-copy, …).
    flagged: bool = False
    # A later submission matched this one and a reviewer should look again.
    needs_attention: bool = False
    created_from: datetime | None = None  # inclusive
    created_to: datetime | None = None  # exclusive
    sort: EvaluationSort = EvaluationSort.newest


# -- the candidate behind each evaluation, as SQL ------------------------------------------------

_SessionKey = aliased(CandidateKey, name="session_key")
_RefKey = aliased(CandidateKey, name="ref_key")


def _blank_to_null(value: Any) -> Any:
    return func.nullif(func.trim(value), "")


def _candidate_name() -> Any:
    return func.coalesce(col(_SessionKey.candidate_name), col(_RefKey.candidate_name))


def _candidate_email() -> Any:
    return func.coalesce(col(_SessionKey.candidate_email), col(_RefKey.candidate_email))


def _shown_name() -> Any:
    """``candidate_names.display_name`` in SQL: name, else email, else the reference."""
    return func.coalesce(
        _blank_to_null(_candidate_name()),
        _blank_to_null(_candidate_email()),
        col(Evaluation.candidate_ref),
    )


def _with_candidates(statement: Any) -> Any:
    """``statement`` joined to the candidate key each evaluation is about (when known)."""
    return (
        statement.outerjoin(
            CandidateSession, col(CandidateSession.id) == col(Evaluation.session_id)
        )
        .outerjoin(_SessionKey, col(_SessionKey.id) == col(CandidateSession.candidate_key_id))
        .outerjoin(
            _RefKey,
            and_(
                col(Evaluation.session_id).is_(None),
                col(_RefKey.org_id) == col(Evaluation.org_id),
                col(_RefKey.key) == col(Evaluation.candidate_ref),
            ),
        )
    )


# -- the verdict that counts now -----------------------------------------------------------------


def current_recommendation() -> Any:
    """The reviewer's recommendation once the evaluation is completed, the engine's before (as
    the list and the report show it)."""
    automated = col(Evaluation.automated_result)["recommendation"].as_string()
    return case(
        (
            and_(
                col(Evaluation.status) == EvaluationStatus.completed.value,
                col(Evaluation.final_recommendation).is_not(None),
            ),
            col(Evaluation.final_recommendation),
        ),
        else_=automated,
    )


def recommendation_now(evaluation: Evaluation) -> str:
    """:func:`current_recommendation` of one loaded evaluation ("" when there is none yet)."""
    automated = (evaluation.automated_result or {}).get("recommendation") or ""
    if evaluation.status == EvaluationStatus.completed and evaluation.final_recommendation:
        return evaluation.final_recommendation
    return automated


def _risk_flag_count() -> Any:
    return func.coalesce(func.json_array_length(col(Evaluation.automated_result)["risk_flags"]), 0)


def _conditions(org_id: str, where: EvaluationFilter) -> list[Any]:
    conditions: list[Any] = [col(Evaluation.org_id) == org_id]
    if where.status:
        conditions.append(col(Evaluation.status) == where.status.value)
    if where.stage:
        conditions.append(col(Evaluation.stage) == where.stage.value)
    if where.candidate_ref:
        conditions.append(col(Evaluation.candidate_ref) == where.candidate_ref)
    if where.target_level:
        conditions.append(col(Evaluation.target_level) == where.target_level)
    if where.assessment_id:
        conditions.append(col(Evaluation.assessment_id) == where.assessment_id)
    if where.created_from is not None:
        conditions.append(col(Evaluation.created_at) >= where.created_from)
    if where.created_to is not None:
        conditions.append(col(Evaluation.created_at) < where.created_to)
    if where.recommendation == RecommendationFilter.reject:
        conditions.append(current_recommendation().in_(REJECTIONS))
    elif where.recommendation:
        conditions.append(current_recommendation() == where.recommendation.value)
    if where.flagged:
        conditions.append(_risk_flag_count() > 0)
    if where.needs_attention:
        conditions.append(col(Evaluation.attention).is_not(None))
    found = contains_words(
        where.search, col(Evaluation.candidate_ref), _candidate_name(), _candidate_email()
    )
    if found is not None:
        conditions.append(found)
    return conditions


def _order(sort: EvaluationSort) -> tuple[Any, ...]:
    newest = (col(Evaluation.created_at).desc(), col(Evaluation.id).desc())
    if sort == EvaluationSort.oldest:
        return col(Evaluation.created_at).asc(), col(Evaluation.id).asc()
    if sort == EvaluationSort.candidate:
        return (func.lower(_shown_name()).asc(), *newest)
    if sort == EvaluationSort.candidate_desc:
        return (func.lower(_shown_name()).desc(), *newest)
    if sort == EvaluationSort.confidence:
        confidence = col(Evaluation.automated_result)["confidence_score"].as_float()
        # Unscored evaluations last on both databases (NULLs sort first in a DESC on PostgreSQL).
        return (confidence.is_(None).asc(), confidence.desc(), *newest)
    return newest


def find_evaluations(
    session: Session,
    *,
    org_id: str,
    where: EvaluationFilter | None = None,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> tuple[list[Evaluation], int]:
    """One page of the organisation's evaluations matching ``where``, in its order, and the
    count of all matches. ``limit`` is clamped to 1–200."""
    if offset < 0:
        raise InvalidInput("offset must be 0 or more.")
    where = where or EvaluationFilter()
    limit = max(1, min(limit, MAX_LIMIT))
    statement = _statement(select(Evaluation), org_id, where)
    return counted_slice(session, statement, offset=offset, limit=limit)


def _statement(statement: Any, org_id: str, where: EvaluationFilter) -> Any:
    """``statement`` (a select from Evaluation) narrowed to ``where`` and in its order."""
    needs_candidates = bool(clean_search(where.search)) or where.sort in (
        EvaluationSort.candidate,
        EvaluationSort.candidate_desc,
    )
    if needs_candidates:
        statement = _with_candidates(statement)
    return statement.where(*_conditions(org_id, where)).order_by(*_order(where.sort))


def matching_evaluation_ids(
    session: Session,
    *,
    org_id: str,
    where: EvaluationFilter | None = None,
    among: Collection[str] | None = None,
    limit: int,
) -> list[str]:
    """The ids of the organisation's evaluations matching ``where`` (and among ``among`` when
    given: rows a recruiter selected), in the filter's order, at most ``limit`` of them: what
    an export of the list goes through, a batch at a time."""
    statement = _statement(select(Evaluation.id), org_id, where or EvaluationFilter())
    if among is not None:
        statement = statement.where(col(Evaluation.id).in_(list(among)))
    return list(session.exec(statement.limit(limit)).all())
