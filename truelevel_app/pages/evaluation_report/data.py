"""Reading one evaluation into the report's view models: the row and its typed automated result
(``backend.models.evaluation_result``), the reviewer's adjustments and the cohort around it."""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlmodel import Session

from backend.db import session_scope
from backend.models.evaluation_result import AutomatedResult, ResultEngine, read_result
from backend.models.evaluations import (
    ENGINE_STAGES,
    Evaluation,
    EvaluationStage,
    EvaluationStatus,
)
from backend.services.candidate_names import CandidateName, evaluation_candidate
from backend.services.candidate_profile import profile_href
from backend.services.evaluations.cohort_position import cohort_position, overall_score
from backend.services.evaluations.queries import final_scores, get_evaluation, turnaround_hours
from truelevel_app.display import when
from truelevel_app.pages.evaluation_report.evidence import EvidenceStore
from truelevel_app.pages.evaluation_report.figures import level, number, versus_target
from truelevel_app.pages.evaluation_report.observations import (
    Point,
    Scores,
    counting_score,
    gather,
    strongest,
    weakest,
)
from truelevel_app.pages.evaluation_report.views import (
    AdjustmentView,
    CandidateFacts,
    CategoryView,
    CohortBucket,
    CohortView,
    FlagView,
    ProgressFacts,
    ReportView,
    ReviewFacts,
    ScorePoint,
    SummaryView,
    VerdictFacts,
    empty_cohort,
    empty_report,
    empty_summary,
)
from truelevel_app.pages.evaluations import (
    STATUS_LABELS,
    candidate_detail,
    is_rejection,
    recommendation_label,
    stage_label,
)

ENGINE_STAGE_VALUES = tuple(s.value for s in ENGINE_STAGES)


@dataclasses.dataclass
class ReportData:
    """Everything the page shows about one evaluation, read in one go (also off the event loop,
    by the background event that follows the engine)."""

    report: ReportView
    summary: SummaryView
    scores: list[ScorePoint]
    categories: list[CategoryView]
    flags: list[FlagView]
    adjustments: list[AdjustmentView]
    cohort: CohortView
    cohort_buckets: list[CohortBucket]
    evidence: dict[str, dict[str, Any]]

    @classmethod
    def empty(cls) -> ReportData:
        return cls(empty_report(), empty_summary(), [], [], [], [], empty_cohort(), [], {})


def read_report(session: Session, *, org_id: str, evaluation_id: str) -> ReportData:
    """The page's data for one of the organisation's evaluations (NotFound for a foreign id)."""
    evaluation = get_evaluation(session, org_id=org_id, evaluation_id=evaluation_id)
    result = read_result(evaluation.automated_result)
    scored = result or AutomatedResult()
    adjusted = final_scores(evaluation)
    store = EvidenceStore()
    cohort, buckets = cohort_views(session, org_id, evaluation) if result else (empty_cohort(), [])
    categories, points = gather(scored, adjusted, store)
    return ReportData(
        report=report_view(evaluation, result, evaluation_candidate(session, evaluation)),
        summary=summary_view(evaluation, points),
        scores=score_points(scored, adjusted),
        categories=categories,
        flags=flag_views(scored, store),
        adjustments=adjustment_views(scored, adjusted, evaluation.review_scores or {}),
        cohort=cohort,
        cohort_buckets=buckets,
        evidence=store.items,
    )


def read_in_new_session(org_id: str, evaluation_id: str) -> ReportData:
    with session_scope() as session:
        return read_report(session, org_id=org_id, evaluation_id=evaluation_id)


# -- the header, verdict and review facts --------------------------------------------------------


def report_view(
    evaluation: Evaluation, result: AutomatedResult | None, candidate: CandidateName
) -> ReportView:
    return ReportView(
        **candidate_facts(evaluation, result or AutomatedResult(), candidate),
        **progress_facts(evaluation, has_result=result is not None),
        **verdict_facts(evaluation, result or AutomatedResult()),
        **review_facts(evaluation),
    )


def candidate_facts(
    evaluation: Evaluation, result: AutomatedResult, candidate: CandidateName
) -> CandidateFacts:
    hours = turnaround_hours(evaluation)
    return CandidateFacts(
        id=evaluation.id,
        candidate=candidate.display,
        candidate_detail=candidate_detail(candidate),
        profile_href=profile_href(candidate.email),
        candidate_ref=evaluation.candidate_ref,
        role=evaluation.target_role,
        target_level=level(evaluation.target_level),
        sla=evaluation.sla_tier.capitalize(),
        created=when(evaluation.created_at),
        completed=when(evaluation.completed_at),
        turnaround=f"{hours:g} h" if hours is not None else "—",
        artefact=evaluation.artefact_url
        or (f"zip upload {evaluation.upload_id}" if evaluation.upload_id else "—"),
        versions=versions(evaluation, result.engine),
        submitted_late=evaluation.submitted_late,
    )


def versions(evaluation: Evaluation, engine: ResultEngine) -> str:
    """ "engine 1.4 · rubric default v1 · calibration c1", as far as they are known."""
    engine_version = evaluation.engine_version or engine.version
    rubric_id = evaluation.rubric_id or engine.rubric_id
    parts = [
        f"engine {engine_version}" if engine_version else "",
        f"rubric {rubric_id} v{evaluation.rubric_version or engine.rubric_version}"
        if rubric_id
        else "",
        f"calibration {engine.calibration_version}" if engine.calibration_version else "",
    ]
    return " · ".join(p for p in parts if p) or "—"


def progress_facts(evaluation: Evaluation, *, has_result: bool) -> ProgressFacts:
    status = evaluation.status
    failed = status == EvaluationStatus.failed
    return ProgressFacts(
        status=status,
        status_label=STATUS_LABELS.get(status, status),
        stage=evaluation.stage,
        stage_label=stage_label(evaluation.stage),
        engine_running=status == EvaluationStatus.pending
        and evaluation.stage in ENGINE_STAGE_VALUES,
        failed=failed,
        failure=(
            f"{evaluation.failure_reason or 'The artefact could not be evaluated.'} "
            f"({evaluation.failure_code or 'evaluation_failed'})"
            if failed
            else ""
        ),
        has_result=has_result,
    )


def verdict_facts(evaluation: Evaluation, result: AutomatedResult) -> VerdictFacts:
    finalised = evaluation.status == EvaluationStatus.completed
    automated_rec = result.recommendation
    current_rec = (evaluation.final_recommendation if finalised else None) or automated_rec
    automated_level = result.calibrated_seniority
    current_level = (evaluation.final_level if finalised else None) or automated_level
    return VerdictFacts(
        recommendation=current_rec,
        recommendation_label=recommendation_label(current_rec),
        reject_proposal=is_rejection(current_rec) and not finalised,
        confidence=number(result.confidence_score),
        seniority=level(current_level),
        seniority_vs_target=versus_target(current_level, evaluation.target_level),
        automated_recommendation=automated_rec,
        automated_recommendation_label=recommendation_label(automated_rec),
        automated_seniority=level(automated_level),
    )


def review_facts(evaluation: Evaluation) -> ReviewFacts:
    status = evaluation.status
    return ReviewFacts(
        awaiting_review=status == EvaluationStatus.pending
        and evaluation.stage == EvaluationStage.awaiting_review,
        in_review=status == EvaluationStatus.in_progress,
        finalised=status == EvaluationStatus.completed,
        reviewer=evaluation.reviewer_id or "",
        claimed_at=when(evaluation.claimed_at),
        final_recommendation=evaluation.final_recommendation or "",
        final_recommendation_label=recommendation_label(evaluation.final_recommendation),
        final_seniority=level(evaluation.final_level),
        review_note=evaluation.review_note or "",
        finalised_at=when(evaluation.finalised_at),
    )


# -- scores, observations, flags -----------------------------------------------------------------


def summary_view(evaluation: Evaluation, points: list[Point]) -> SummaryView:
    return SummaryView(
        overall=number(overall_score(evaluation)),
        decided_by=decided_by(evaluation),
        strengths=strongest(points),
        weaknesses=weakest(points),
    )


def decided_by(evaluation: Evaluation) -> str:
    """Whose verdict the page shows, in a line."""
    reviewer = evaluation.reviewer_id or "a reviewer"
    if evaluation.status == EvaluationStatus.completed:
        return f"Finalised by {reviewer} on {when(evaluation.finalised_at)}"
    if evaluation.status == EvaluationStatus.in_progress:
        return f"In review by {reviewer} since {when(evaluation.claimed_at)}"
    return "Not reviewed yet"


def score_points(result: AutomatedResult, adjusted: Scores) -> list[ScorePoint]:
    return [
        ScorePoint(
            category=c.category,
            score=counting_score(c.category, c.score, adjusted),
            max_score=float(c.max_score),
        )
        for c in result.rubric_scores
    ]


def flag_views(result: AutomatedResult, store: EvidenceStore) -> list[FlagView]:
    return [
        FlagView(
            code=flag.code,
            severity=flag.severity,
            message=flag.message,
            evidence=store.chips(flag.evidence, f"f{f_index}"),
        )
        for f_index, flag in enumerate(result.risk_flags)
    ]


def adjustment_views(
    result: AutomatedResult, adjusted: Scores, review_scores: dict[str, Any]
) -> list[AdjustmentView]:
    """The categories the reviewer re-scored: the engine's score, then the reviewer's."""
    return [
        AdjustmentView(
            category=c.category,
            automated=number(c.score),
            score=number(counting_score(c.category, c.score, adjusted)),
        )
        for c in result.rubric_scores
        if c.category in review_scores
    ]


# -- the cohort ----------------------------------------------------------------------------------


def cohort_views(
    session: Session, org_id: str, evaluation: Evaluation
) -> tuple[CohortView, list[CohortBucket]]:
    """Where the candidate's overall score stands among the others of the role or assessment."""
    position = cohort_position(session, org_id=org_id, evaluation=evaluation)
    buckets = [
        CohortBucket(label=b["label"], others=b["others"], candidate=b["candidate"])
        for b in position["buckets"]
    ]
    cohort = CohortView(
        available=position["candidate_score"] is not None,
        group_label=str(position["group_label"]),
        scored=int(position["scored"]),
        score=number(position["candidate_score"]),
        rank=f"{position['rank']} of {position['scored']}" if position["rank"] else "—",
    )
    return cohort, buckets
