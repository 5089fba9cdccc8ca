"""Side by side: 2–6 evaluations of one assessment, as a table with the rubric's categories as
rows and the candidates as columns, headed by each candidate's overall score, place in the
assessment's cohort, level, verdict and risk flags.

The numbers are the reports' own: scores after the reviewer's adjustments
(``queries.final_scores``), the overall score of ``cohort_position.overall_score``, and the
cohort of ``cohort_position`` (the assessment's scored, not failed evaluations). A candidate's
percentile is the share of the *other* scored evaluations of the cohort whose overall score is
below theirs, ties counting half; None without a score or without others to compare with.

"Best" marks, per row, the candidates with the highest value; a row where every scored
candidate has the same value, or where fewer than two have one, marks nobody.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel
from sqlmodel import Session, col, select

from backend.models import Assessment, CandidateKey, CandidateSession
from backend.models.evaluations import Evaluation, EvaluationStatus
from backend.models.overall_score import points
from backend.services.errors import InvalidInput, NotFound
from backend.services.evaluations.cohort_position import cohort_scores, overall_score
from backend.services.evaluations.queries import final_scores
from backend.services.ownership import find_owned

MIN_COMPARED = 2
MAX_COMPARED = 6


class ComparedFlag(BaseModel):
    code: str
    severity: str


class ComparedCandidate(BaseModel):
    evaluation_id: str
    name: str  # the key's candidate name, else its email, else the evaluation's candidate_ref
    email: str | None
    candidate_ref: str
    status: str
    overall_score: float | None  # percent of the rubric maximum, 0–100
    percentile: int | None  # 0–100 within the assessment's cohort
    rank: int | None  # 1 = highest overall score in the cohort (ties share the better rank)
    level: str | None  # the reviewer's final level, else the calibrated seniority
    level_source: Literal["final", "automated"] | None
    verdict: str | None  # the final recommendation once finalised, else the automated one
    verdict_source: Literal["final", "automated"] | None
    risk_flags: list[ComparedFlag]
    report_url: str
    best_overall: bool = False
    best_percentile: bool = False


class ComparedScore(BaseModel):
    score: int | float | None  # None: this candidate has no score in the category
    best: bool = False


class CategoryRow(BaseModel):
    category: str
    max_score: int | float | None  # None when the candidates' rubrics disagree on it
    scores: list[ComparedScore]  # one per candidate, in the candidates' order


class Comparison(BaseModel):
    assessment_id: str
    assessment_title: str
    cohort_size: int  # scored evaluations of the assessment
    candidates: list[ComparedCandidate]
    categories: list[CategoryRow]


def _wanted_ids(evaluation_ids: Sequence[str]) -> list[str]:
    ids = list(dict.fromkeys(i.strip() for i in evaluation_ids if i and i.strip()))
    if not MIN_COMPARED <= len(ids) <= MAX_COMPARED:
        raise InvalidInput(
            f"Choose between {MIN_COMPARED} and {MAX_COMPARED} different evaluations to compare "
            f"({len(ids)} given).",
            code="invalid_comparison",
        )
    return ids


def _best(values: list[float | None]) -> list[bool]:
    present = [v for v in values if v is not None]
    if len(present) < 2 or len(set(present)) == 1:
        return [False] * len(values)
    top = max(present)
    return [v is not None and v == top for v in values]


def _flags(evaluation: Evaluation) -> list[ComparedFlag]:
    out = []
    for flag in (evaluation.automated_result or {}).get("risk_flags") or []:
        if isinstance(flag, dict):
            out.append(
                ComparedFlag(
                    code=str(flag.get("code") or "flag"),
                    severity=str(flag.get("severity") or "unknown"),
                )
            )
        else:
            out.append(ComparedFlag(code=str(flag), severity="unknown"))
    return out


def _verdict(evaluation: Evaluation) -> tuple[str | None, str | None, str | None, str | None]:
    """(verdict, its source, level, its source): the reviewer's once finalised."""
    raw = evaluation.automated_result or {}
    finalised = evaluation.status == EvaluationStatus.completed and evaluation.finalised_at
    verdict, verdict_source = raw.get("recommendation"), "automated"
    level, level_source = raw.get("calibrated_seniority"), "automated"
    if finalised and evaluation.final_recommendation:
        verdict, verdict_source = evaluation.final_recommendation, "final"
    elif finalised and verdict:
        verdict_source = "final"  # finalised without a change confirms the automated verdict
    if finalised and evaluation.final_level:
        level, level_source = evaluation.final_level, "final"
    elif finalised and level:
        level_source = "final"
    return (
        verdict,
        verdict_source if verdict else None,
        level,
        level_source if level else None,
    )


def _place(evaluation_id: str, cohort: dict[str, float]) -> tuple[int | None, int | None]:
    """(percentile, rank) of one evaluation in the cohort."""
    mine = cohort.get(evaluation_id)
    if mine is None:
        return None, None
    others = [score for other_id, score in cohort.items() if other_id != evaluation_id]
    rank = 1 + sum(1 for score in others if score > mine)
    if not others:
        return None, rank
    below = sum(1 for s in others if s < mine) + 0.5 * sum(1 for s in others if s == mine)
    return round(100 * below / len(others)), rank


def _names(session: Session, evaluations: list[Evaluation]) -> dict[str, CandidateKey]:
    """Evaluation id → the candidate key its session was started with."""
    session_ids = [e.session_id for e in evaluations if e.session_id]
    if not session_ids:
        return {}
    rows = session.exec(
        select(CandidateSession.id, CandidateKey)
        .join(CandidateKey, col(CandidateKey.id) == col(CandidateSession.candidate_key_id))
        .where(col(CandidateSession.id).in_(session_ids))
    ).all()
    by_session = {session_id: key for session_id, key in rows}
    return {
        e.id: by_session[e.session_id]
        for e in evaluations
        if e.session_id and e.session_id in by_session
    }


def _categories(evaluations: list[Evaluation]) -> list[CategoryRow]:
    order: list[str] = []
    maxima: dict[str, set[float]] = {}
    per_candidate: list[dict[str, int | float]] = []
    for evaluation in evaluations:
        rubric = (evaluation.automated_result or {}).get("rubric_scores") or []
        adjusted = final_scores(evaluation)
        scores: dict[str, int | float] = {}
        for item in rubric:
            category = item["category"]
            if category not in maxima:
                order.append(category)
                maxima[category] = set()
            maxima[category].add(float(item.get("max_score") or 0))
            scores[category] = adjusted.get(category, points(item.get("score") or 0))
        per_candidate.append(scores)
    rows = []
    for category in order:
        values = [scores.get(category) for scores in per_candidate]
        best = _best([None if v is None else float(v) for v in values])
        maximum = points(next(iter(maxima[category]))) if len(maxima[category]) == 1 else None
        rows.append(
            CategoryRow(
                category=category,
                max_score=maximum,
                scores=[ComparedScore(score=v, best=b) for v, b in zip(values, best, strict=True)],
            )
        )
    return rows


def compare_evaluations(
    session: Session, *, org_id: str, assessment_id: str, evaluation_ids: Sequence[str]
) -> Comparison:
    """The comparison of the given evaluations (in the order given, duplicates dropped).

    InvalidInput (``invalid_comparison``) for fewer than 2 or more than 6 different ids, and
    (``mixed_assessments``) when one of them belongs to another assessment or none; NotFound for
    a missing assessment, or an evaluation that is missing or another organisation's.
    """
    ids = _wanted_ids(evaluation_ids)
    assessment = find_owned(session, Assessment, assessment_id, org_id=org_id)
    if assessment is None or assessment.deleted_at is not None:
        raise NotFound("Assessment not found.")
    evaluations = []
    for evaluation_id in ids:
        evaluation = find_owned(session, Evaluation, evaluation_id, org_id=org_id)
        if evaluation is None:
            raise NotFound(f"Evaluation {evaluation_id} not found.")
        if evaluation.assessment_id != assessment.id:
            raise InvalidInput(
                f"Evaluation {evaluation_id} is not a submission to “{assessment.title}”: only "
                "candidates of one assessment can be compared.",
                code="mixed_assessments",
            )
        evaluations.append(evaluation)

    cohort = cohort_scores(session, org_id=org_id, assessment_id=assessment.id)
    keys = _names(session, evaluations)
    candidates = []
    for evaluation in evaluations:
        key = keys.get(evaluation.id)
        name = (key.candidate_name or key.candidate_email) if key else None
        verdict, verdict_source, level, level_source = _verdict(evaluation)
        percentile, rank = _place(evaluation.id, cohort)
        candidates.append(
            ComparedCandidate(
                evaluation_id=evaluation.id,
                name=name or evaluation.candidate_ref,
                email=key.candidate_email if key else None,
                candidate_ref=evaluation.candidate_ref,
                status=evaluation.status,
                overall_score=cohort.get(evaluation.id, overall_score(evaluation)),
                percentile=percentile,
                rank=rank,
                level=level,
                level_source=level_source,  # type: ignore[arg-type]
                verdict=verdict,
                verdict_source=verdict_source,  # type: ignore[arg-type]
                risk_flags=_flags(evaluation),
                report_url=f"/evaluations/{evaluation.id}",
            )
        )
    for candidate, best in zip(
        candidates, _best([c.overall_score for c in candidates]), strict=True
    ):
        candidate.best_overall = best
    percentiles = [None if c.percentile is None else float(c.percentile) for c in candidates]
    for candidate, best in zip(candidates, _best(percentiles), strict=True):
        candidate.best_percentile = best
    return Comparison(
        assessment_id=assessment.id,
        assessment_title=assessment.title,
        cohort_size=len(cohort),
        candidates=candidates,
        categories=_categories(evaluations),
    )
