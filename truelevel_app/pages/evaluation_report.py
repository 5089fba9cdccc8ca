"""One code evaluation as a recruiter reads it: the verdict first, then the rubric scores, the
observations with the evidence each one cites, risk flags, where the candidate stands in the
cohort, and the review panel where a reviewer claims, adjusts and finalises it.

While the engine still works on it (stages queued … scoring) the page follows the stage without a
reload: a background event reads the row every few seconds and stops once the engine is done or
the page is left. State keeps small view models only; the evidence a click opens is kept
server-side (``_evidence``) and sent when asked for.
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Any, TypedDict

import reflex as rx
from pydantic import ValidationError

from backend.db import session_scope
from backend.models.evaluations import (
    ENGINE_STAGES,
    LEVELS,
    Evaluation,
    EvaluationStage,
    EvaluationStatus,
)
from backend.services.candidate_names import CandidateName, evaluation_candidate
from backend.services.candidate_profile import profile_href
from backend.services.errors import DomainError
from backend.services.evaluations.cohort_position import cohort_position
from backend.services.evaluations.queries import final_scores, get_evaluation, turnaround_hours
from truelevel_app.components.charts import bar_chart, distribution_chart
from truelevel_app.components.details import detail_frame, fact
from truelevel_app.components.feedback import error_callout, unless_empty
from truelevel_app.components.forms import labelled, text_area
from truelevel_app.components.layout import app_shell
from truelevel_app.components.report import (
    failure_callout,
    recommendation_figure,
    reject_proposal_notice,
    review_feedback,
    step_badges,
    verdict_figure,
)
from truelevel_app.display import when
from truelevel_app.pages.evaluations import (
    STATUS_LABELS,
    candidate_detail,
    coloured_badge,
    is_rejection,
    recommendation_badge,
    recommendation_label,
    stage_badge,
    stage_label,
    status_badge,
)
from truelevel_app.pages.report_sharing import ReportSharingState, share_card
from truelevel_app.state import SIGNIN_ROUTE, AuthState, ReviewedReportState

POLL_SECONDS = 2.0
READ_ONLY = "Viewers cannot review evaluations. Ask an admin for the reviewer role."
ENGINE_STAGE_VALUES = tuple(s.value for s in ENGINE_STAGES)
KEEP = "keep"  # the select value that keeps the automated verdict
RECOMMENDATION_CHOICES = ("proceed", "hold", "reject")
WEB_EXPORT = "/api/v1/web/evaluations/"
_SEVERITY_COLOURS = [("high", "red"), ("medium", "orange"), ("low", "gray")]


# -- view models -----------------------------------------------------------------------------


class EvidenceView(TypedDict):
    key: str  # looks the full evidence up in EvaluationReportState._evidence
    kind: str
    label: str


class ObservationView(TypedDict):
    text: str
    polarity: int
    evidence: list[EvidenceView]


class CategoryView(TypedDict):
    category: str
    score: str
    observations: list[ObservationView]


class ScorePoint(TypedDict):
    category: str
    score: float
    max_score: float


class FlagView(TypedDict):
    code: str
    severity: str
    message: str
    evidence: list[EvidenceView]


class AdjustmentView(TypedDict):
    category: str
    automated: str
    score: str


class CohortBucket(TypedDict):
    label: str
    others: int
    candidate: int


class CohortView(TypedDict):
    available: bool
    group_label: str
    scored: int
    score: str
    rank: str


class ExcerptLine(TypedDict):
    number: int
    text: str


class EvidenceDetail(TypedDict):
    kind: str
    title: str
    lines: list[ExcerptLine]
    text: str


class ReportView(TypedDict):
    id: str
    candidate: str  # the person's name, else email, else the candidate reference
    candidate_detail: str  # beneath it: the email, or the reference once a name is shown
    profile_href: str  # the candidate's profile page ("" when their email is not known)
    candidate_ref: str
    role: str
    target_level: str
    sla: str
    created: str
    completed: str
    turnaround: str
    artefact: str
    versions: str
    submitted_late: bool
    status: str
    status_label: str
    stage: str
    stage_label: str
    engine_running: bool
    failed: bool
    failure: str
    has_result: bool
    # The verdict that counts now: the reviewer's once finalised, the engine's before.
    recommendation: str
    recommendation_label: str
    reject_proposal: bool
    confidence: str
    seniority: str
    seniority_vs_target: str
    automated_recommendation: str
    automated_recommendation_label: str
    automated_seniority: str
    awaiting_review: bool
    in_review: bool
    finalised: bool
    reviewer: str
    claimed_at: str
    final_recommendation: str
    final_recommendation_label: str
    final_seniority: str
    review_note: str
    finalised_at: str


def _empty_report() -> ReportView:
    hints = typing.get_type_hints(ReportView)
    return ReportView(**{name: (False if hint is bool else "") for name, hint in hints.items()})  # type: ignore[typeddict-item]


def _empty_cohort() -> CohortView:
    return CohortView(available=False, group_label="", scored=0, score="", rank="")


def _empty_detail() -> EvidenceDetail:
    return EvidenceDetail(kind="", title="", lines=[], text="")


# -- building the view models from one evaluation ---------------------------------------------


def _number(value: Any) -> str:
    """4.0 → "4", 3.5 → "3.5"; missing → "—"."""
    if value is None or value == "":
        return "—"
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:g}"


def _level(value: str | None) -> str:
    return value.capitalize() if value else "—"


def _versus_target(seniority: str | None, target: str) -> str:
    """ "at the target level", "one level above the target", …"""
    if seniority not in LEVELS or target not in LEVELS:
        return ""
    gap = LEVELS.index(seniority) - LEVELS.index(target)
    if gap == 0:
        return f"at the target level ({target})"
    steps = "one level" if abs(gap) == 1 else f"{abs(gap)} levels"
    side = "above" if gap > 0 else "below"
    return f"{steps} {side} the target level ({target})"


def _evidence_label(item: dict[str, Any]) -> str:
    kind = item.get("kind") or ("file" if item.get("file") else "metric")
    if kind == "commit":
        return f"commit {str(item.get('commit') or '')[:8]}"
    if kind == "quote":
        text = str(item.get("excerpt") or "")
        return "“" + (text[:60] + "…" if len(text) > 60 else text) + "”"
    if kind == "file" or item.get("file"):
        where = str(item.get("file") or "")
        if item.get("line"):
            where += f":{item['line']}"
            if item.get("end_line") and item["end_line"] != item["line"]:
                where += f"–{item['end_line']}"
        return where
    return str(item.get("excerpt") or "measurement")


def evidence_detail(item: dict[str, Any]) -> EvidenceDetail:
    """What the evidence dialog shows: a file excerpt numbered from its ``line``, a commit's sha
    and subject, a quote as a quote, or a measured figure."""
    kind = str(item.get("kind") or ("file" if item.get("file") else "metric"))
    excerpt = str(item.get("excerpt") or "")
    if kind == "file":
        first = int(item.get("line") or 1)
        rows = excerpt.split("\n") if excerpt else []
        title = str(item.get("file") or "file")
        if item.get("line"):
            last = item.get("end_line") or (first + max(len(rows) - 1, 0))
            title += f", line {first}" if last == first else f", lines {first}–{last}"
        return EvidenceDetail(
            kind="file",
            title=title,
            lines=[ExcerptLine(number=first + i, text=text) for i, text in enumerate(rows)],
            text="" if rows else "The engine kept no excerpt of this file.",
        )
    if kind == "commit":
        return EvidenceDetail(
            kind="commit",
            title=f"Commit {item.get('commit') or ''}",
            lines=[],
            text=excerpt,
        )
    if kind == "quote":
        where = str(item.get("file") or "")
        if where and item.get("line"):
            where += f", line {item['line']}"
        return EvidenceDetail(
            kind="quote",
            title=f"The candidate wrote{' in ' + where if where else ''}",
            lines=[],
            text=excerpt,
        )
    return EvidenceDetail(kind="metric", title="Measured", lines=[], text=excerpt)


def _evidence_views(
    items: list[Any] | None, prefix: str, store: dict[str, dict[str, Any]]
) -> list[EvidenceView]:
    views = []
    for index, item in enumerate(items or []):
        if not isinstance(item, dict):
            continue
        key = f"{prefix}-{index}"
        store[key] = item
        views.append(
            EvidenceView(key=key, kind=str(item.get("kind") or ""), label=_evidence_label(item))
        )
    return views


@dataclasses.dataclass
class ReportData:
    """Everything the page shows about one evaluation, read in one go (also off the event loop,
    by the background event that follows the engine)."""

    report: ReportView
    scores: list[ScorePoint]
    categories: list[CategoryView]
    flags: list[FlagView]
    adjustments: list[AdjustmentView]
    cohort: CohortView
    cohort_buckets: list[CohortBucket]
    evidence: dict[str, dict[str, Any]]


def _report(evaluation: Evaluation, result: dict[str, Any], candidate: CandidateName) -> ReportView:
    status = evaluation.status
    finalised = status == EvaluationStatus.completed
    automated_rec = str(result.get("recommendation") or "")
    current_rec = (evaluation.final_recommendation if finalised else None) or automated_rec
    automated_level = result.get("calibrated_seniority")
    current_level = (evaluation.final_level if finalised else None) or automated_level
    engine = result.get("engine") or {}
    versions = [
        f"engine {evaluation.engine_version or engine.get('version')}"
        if (evaluation.engine_version or engine.get("version"))
        else "",
        f"rubric {evaluation.rubric_id or engine.get('rubric_id')} "
        f"v{evaluation.rubric_version or engine.get('rubric_version')}"
        if (evaluation.rubric_id or engine.get("rubric_id"))
        else "",
        f"calibration {engine['calibration_version']}" if engine.get("calibration_version") else "",
    ]
    hours = turnaround_hours(evaluation)
    artefact = evaluation.artefact_url or (
        f"zip upload {evaluation.upload_id}" if evaluation.upload_id else "—"
    )
    return ReportView(
        id=evaluation.id,
        candidate=candidate.display,
        candidate_detail=candidate_detail(candidate),
        profile_href=profile_href(candidate.email),
        candidate_ref=evaluation.candidate_ref,
        role=evaluation.target_role,
        target_level=_level(evaluation.target_level),
        sla=evaluation.sla_tier.capitalize(),
        created=when(evaluation.created_at),
        completed=when(evaluation.completed_at),
        turnaround=f"{hours:g} h" if hours is not None else "—",
        artefact=artefact,
        versions=" · ".join(v for v in versions if v) or "—",
        submitted_late=evaluation.submitted_late,
        status=status,
        status_label=STATUS_LABELS.get(status, status),
        stage=evaluation.stage,
        stage_label=stage_label(evaluation.stage),
        engine_running=status == EvaluationStatus.pending
        and evaluation.stage in ENGINE_STAGE_VALUES,
        failed=status == EvaluationStatus.failed,
        failure=(
            f"{evaluation.failure_reason or 'The artefact could not be evaluated.'} "
            f"({evaluation.failure_code or 'evaluation_failed'})"
            if status == EvaluationStatus.failed
            else ""
        ),
        has_result=bool(result),
        recommendation=current_rec,
        recommendation_label=recommendation_label(current_rec),
        reject_proposal=is_rejection(current_rec) and not finalised,
        confidence=_number(result.get("confidence_score")),
        seniority=_level(current_level),
        seniority_vs_target=_versus_target(current_level, evaluation.target_level),
        automated_recommendation=automated_rec,
        automated_recommendation_label=recommendation_label(automated_rec),
        automated_seniority=_level(automated_level),
        awaiting_review=status == EvaluationStatus.pending
        and evaluation.stage == EvaluationStage.awaiting_review,
        in_review=status == EvaluationStatus.in_progress,
        finalised=finalised,
        reviewer=evaluation.reviewer_id or "",
        claimed_at=when(evaluation.claimed_at),
        final_recommendation=evaluation.final_recommendation or "",
        final_recommendation_label=recommendation_label(evaluation.final_recommendation),
        final_seniority=_level(evaluation.final_level),
        review_note=evaluation.review_note or "",
        finalised_at=when(evaluation.finalised_at),
    )


def _observation(raw: Any, prefix: str, store: dict[str, dict[str, Any]]) -> ObservationView:
    if not isinstance(raw, dict):  # seed 000 prints observations as plain sentences
        return ObservationView(text=str(raw), polarity=0, evidence=[])
    return ObservationView(
        text=str(raw.get("text") or ""),
        polarity=int(raw.get("polarity") or 0),
        evidence=_evidence_views(raw.get("evidence"), prefix, store),
    )


def read_report(session, *, org_id: str, evaluation_id: str) -> ReportData:
    """The page's data for one of the organisation's evaluations (NotFound for a foreign id)."""
    evaluation = get_evaluation(session, org_id=org_id, evaluation_id=evaluation_id)
    result = evaluation.automated_result or {}
    adjusted = final_scores(evaluation)
    store: dict[str, dict[str, Any]] = {}
    scores, categories, adjustments = [], [], []
    for c_index, raw in enumerate(result.get("rubric_scores") or []):
        category = str(raw.get("category") or "")
        score = adjusted.get(category, float(raw.get("score") or 0))
        max_score = float(raw.get("max_score") or 5)
        scores.append(ScorePoint(category=category, score=score, max_score=max_score))
        categories.append(
            CategoryView(
                category=category,
                score=f"{_number(score)} / {_number(max_score)}",
                observations=[
                    _observation(obs, f"c{c_index}o{o_index}", store)
                    for o_index, obs in enumerate(raw.get("observations") or [])
                ],
            )
        )
        if category in (evaluation.review_scores or {}):
            adjustments.append(
                AdjustmentView(
                    category=category,
                    automated=_number(raw.get("score")),
                    score=_number(score),
                )
            )
    flags = []
    for f_index, raw in enumerate(result.get("risk_flags") or []):
        raw = raw if isinstance(raw, dict) else {"message": str(raw)}
        flags.append(
            FlagView(
                code=str(raw.get("code") or ""),
                severity=str(raw.get("severity") or "medium"),
                message=str(raw.get("message") or ""),
                evidence=_evidence_views(raw.get("evidence"), f"f{f_index}", store),
            )
        )
    cohort, buckets = _empty_cohort(), []
    if result:
        position = cohort_position(session, org_id=org_id, evaluation=evaluation)
        buckets = [
            CohortBucket(label=b["label"], others=b["others"], candidate=b["candidate"])
            for b in position["buckets"]
        ]
        cohort = CohortView(
            available=position["candidate_score"] is not None,
            group_label=str(position["group_label"]),
            scored=int(position["scored"]),
            score=_number(position["candidate_score"]),
            rank=f"{position['rank']} of {position['scored']}" if position["rank"] else "—",
        )
    return ReportData(
        report=_report(evaluation, result, evaluation_candidate(session, evaluation)),
        scores=scores,
        categories=categories,
        flags=flags,
        adjustments=adjustments,
        cohort=cohort,
        cohort_buckets=buckets,
        evidence=store,
    )


def _read_in_new_session(org_id: str, evaluation_id: str) -> ReportData:
    with session_scope() as session:
        return read_report(session, org_id=org_id, evaluation_id=evaluation_id)


# -- state -------------------------------------------------------------------------------------


class EvaluationReportState(ReviewedReportState, AuthState):
    report: rx.Field[ReportView] = rx.field(default_factory=_empty_report)
    scores: rx.Field[list[ScorePoint]] = rx.field(default_factory=list)
    categories: rx.Field[list[CategoryView]] = rx.field(default_factory=list)
    flags: rx.Field[list[FlagView]] = rx.field(default_factory=list)
    adjustments: rx.Field[list[AdjustmentView]] = rx.field(default_factory=list)
    cohort: rx.Field[CohortView] = rx.field(default_factory=_empty_cohort)
    cohort_buckets: rx.Field[list[CohortBucket]] = rx.field(default_factory=list)
    evidence: rx.Field[EvidenceDetail] = rx.field(default_factory=_empty_detail)
    show_evidence: bool = False
    reviewing: bool = False
    # Backend-only: the full evidence behind each clickable label.
    _evidence: dict[str, dict[str, Any]] = {}  # noqa: RUF012 (Reflex copies it per client)

    def _current_id(self) -> str:
        # The [evaluation_id] segment of the route (a var Reflex adds to the root state).
        return str(getattr(self, "evaluation_id", "") or "")

    def _apply(self, data: ReportData) -> None:
        self.report = data.report
        self.scores = data.scores
        self.categories = data.categories
        self.flags = data.flags
        self.adjustments = data.adjustments
        self.cohort = data.cohort
        self.cohort_buckets = data.cohort_buckets
        self._evidence = data.evidence

    def _refresh(self, org_id: str) -> None:
        self._load_row(
            lambda session: read_report(session, org_id=org_id, evaluation_id=self._current_id()),
            self._apply,
            failed="The evaluation could not be loaded. Try again in a moment.",
        )

    @rx.var
    def category_names(self) -> list[str]:
        return [s["category"] for s in self.scores]

    @rx.var
    def export_csv_href(self) -> str:
        return f"{WEB_EXPORT}{self.report['id']}/report.csv"

    @rx.var
    def export_pdf_href(self) -> str:
        return f"{WEB_EXPORT}{self.report['id']}/report.pdf"

    @rx.event
    def load(self):
        member = self._begin_load()
        if member is None:
            return rx.redirect(SIGNIN_ROUTE, replace=True)
        self.show_evidence = False
        if self.report["id"] != self._current_id():
            self._apply(
                ReportData(_empty_report(), [], [], [], [], _empty_cohort(), [], evidence={})
            )
        self._refresh(member.org_id)
        if self._start_following(self.report["engine_running"]):
            return EvaluationReportState.follow_engine
        return None

    def _apply_while_running(self, data: ReportData) -> bool:
        """A tick of the follow loop: show the re-read evaluation; True once the engine is done."""
        self._apply(data)
        return not data.report["engine_running"]

    @rx.event(background=True)
    async def follow_engine(self):
        """Re-read the evaluation every POLL_SECONDS while the engine works on it."""
        async with self:
            generation = self._follow_generation
            evaluation_id = self._current_id()
            org_id = self.member.org_id
        await self._follow(
            generation,
            lambda: _read_in_new_session(org_id, evaluation_id),
            self._apply_while_running,
            seconds=POLL_SECONDS,
        )

    @rx.event
    def open_evidence(self, key: str):
        item = self._evidence.get(key)
        if item is None:
            return
        self.evidence = evidence_detail(item)
        self.show_evidence = True

    @rx.event
    def close_evidence(self):
        self.show_evidence = False

    @rx.event
    def claim(self):
        member = self._reviewer(READ_ONLY)
        if member is None:
            return
        from backend.services.evaluations import review

        try:
            with session_scope() as session:
                review.claim(
                    session,
                    org_id=member.org_id,
                    evaluation_id=self._current_id(),
                    reviewer_id=member.email,
                )
            self.review_notice = "You claimed this evaluation. Adjust scores, then finalise."
        except DomainError as exc:
            self.review_error = exc.message
        self._refresh(member.org_id)

    @rx.event
    def adjust(self, form_data: dict[str, Any]):
        member = self._reviewer(READ_ONLY)
        if member is None:
            return
        from backend.models.evaluations import ScoreAdjustment
        from backend.services.evaluations import review

        category = str(form_data.get("category") or "").strip()
        note = str(form_data.get("note") or "").strip()
        raw_score = str(form_data.get("score") or "").strip()
        if not category:
            self.review_error = "Choose the category to adjust."
            return
        if not note:
            self.review_error = "Say why you change the score: a note is required."
            return
        try:
            adjustment = ScoreAdjustment(category=category, score=float(raw_score))
        except (ValueError, ValidationError):
            self.review_error = "The score is a whole number, such as 3."
            return
        try:
            with session_scope() as session:
                review.adjust(
                    session,
                    org_id=member.org_id,
                    evaluation_id=self._current_id(),
                    reviewer_id=member.email,
                    scores=[adjustment],
                    note=note,
                )
            self.review_notice = f"{category} is now {_number(adjustment.score)}."
        except DomainError as exc:
            self.review_error = exc.message
        self._refresh(member.org_id)

    @rx.event
    def finalise(self, form_data: dict[str, Any]):
        member = self._reviewer(READ_ONLY)
        if member is None:
            return
        from backend.services.evaluations import review

        recommendation = str(form_data.get("recommendation") or KEEP)
        seniority = str(form_data.get("seniority") or KEEP)
        note = str(form_data.get("note") or "").strip()
        self.reviewing = True
        yield
        try:
            with session_scope() as session:
                review.finalise(
                    session,
                    org_id=member.org_id,
                    evaluation_id=self._current_id(),
                    reviewer_id=member.email,
                    recommendation=None if recommendation == KEEP else recommendation,
                    calibrated_seniority=None if seniority == KEEP else seniority,
                    note=note or None,
                )
            self.review_notice = "Finalised. The reviewer's verdict is the one that counts now."
        except DomainError as exc:
            self.review_error = exc.message
        finally:
            self.reviewing = False
        self._refresh(member.org_id)


# -- components --------------------------------------------------------------------------------

S = EvaluationReportState
R = EvaluationReportState.report


def _severity_badge(severity) -> rx.Component:
    return coloured_badge(
        severity, severity.upper(), _SEVERITY_COLOURS, "orange", class_name="severity"
    )


def _header() -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.hstack(
                rx.heading(R["candidate"], size="6", id="candidate-name"),
                status_badge(R["status"], R["status_label"]),
                stage_badge(R["stage"], R["stage_label"]),
                rx.cond(
                    R["submitted_late"],
                    rx.badge("Submitted late", color_scheme="orange", variant="outline"),
                ),
                align="center",
                spacing="2",
                wrap="wrap",
            ),
            rx.cond(
                R["candidate_detail"] != "",
                rx.text(R["candidate_detail"], size="2", id="candidate-detail"),
            ),
            rx.cond(
                R["profile_href"] != "",
                rx.link("Candidate profile", href=R["profile_href"], size="2", id="profile-link"),
            ),
            rx.text(
                R["role"], " · target level ", R["target_level"], size="2", color_scheme="gray"
            ),
            spacing="1",
            align="start",
        ),
        rx.spacer(),
        rx.cond(
            R["has_result"],
            rx.hstack(
                rx.el.a(
                    rx.button(rx.icon("file-spreadsheet", size=14), "CSV", variant="soft"),
                    href=S.export_csv_href,
                    download="",
                    id="export-csv",
                    # A file from the API, not a page: the browser fetches it, not the router.
                    custom_attrs={"reloadDocument": True},
                ),
                rx.el.a(
                    rx.button(rx.icon("file-text", size=14), "PDF", variant="soft"),
                    href=S.export_pdf_href,
                    download="",
                    id="export-pdf",
                    # A file from the API, not a page: the browser fetches it, not the router.
                    custom_attrs={"reloadDocument": True},
                ),
                spacing="2",
            ),
        ),
        width="100%",
        align="center",
        wrap="wrap",
    )


def _engine_progress() -> rx.Component:
    steps = [(s.value, stage_label(s.value)) for s in ENGINE_STAGES]
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.spinner(size="2"),
                rx.text("The engine is evaluating this submission: ", weight="medium"),
                rx.text(R["stage_label"], weight="bold", id="engine-stage"),
                align="center",
                spacing="2",
            ),
            step_badges([(label, R["stage"] == value) for value, label in steps]),
            rx.text(
                "This page follows the engine and shows the report when it is ready.",
                size="2",
                color_scheme="gray",
            ),
            spacing="3",
        ),
        width="100%",
        id="engine-progress",
    )


def _verdict() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.grid(
                recommendation_figure(
                    recommendation_badge(
                        R["recommendation"],
                        R["recommendation_label"],
                        size="3",
                        id="recommendation",
                    ),
                    decided=R["finalised"],
                    decided_by="Reviewer's verdict",
                ),
                verdict_figure(
                    "Confidence",
                    rx.hstack(
                        rx.text(R["confidence"], size="6", weight="bold", id="confidence"),
                        rx.text("/ 100", size="2", color_scheme="gray"),
                        align="baseline",
                        spacing="1",
                    ),
                ),
                verdict_figure(
                    "Calibrated seniority",
                    rx.text(R["seniority"], size="6", weight="bold", id="seniority"),
                    rx.text(R["seniority_vs_target"], size="1", id="seniority-vs-target"),
                ),
                columns=rx.breakpoints(initial="1", sm="3"),
                spacing="5",
                width="100%",
            ),
            reject_proposal_notice(R["reject_proposal"], proposed_by="engine"),
            spacing="4",
            width="100%",
        ),
        width="100%",
        id="verdict",
    )


def _scores_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Rubric scores", size="3"),
            bar_chart(
                S.scores,
                value_key="score",
                label_key="category",
                unit="score",
                max_value=5,
                horizontal=True,
                height=230,
                id="rubric-chart",
            ),
            rx.cond(
                S.adjustments.length() > 0,
                rx.text(
                    "Adjusted by the reviewer: ",
                    rx.foreach(
                        S.adjustments,
                        lambda a: rx.text.span(
                            a["category"], " ", a["automated"], " → ", a["score"], "; "
                        ),
                    ),
                    size="1",
                    color_scheme="gray",
                    id="adjusted-scores",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _cohort_card() -> rx.Component:
    cohort = S.cohort
    return rx.card(
        rx.vstack(
            rx.heading("Cohort position", size="3"),
            rx.cond(
                cohort["available"],
                rx.vstack(
                    rx.text(
                        "Overall score ",
                        rx.text.strong(cohort["score"], id="cohort-score"),
                        " / 100, rank ",
                        rx.text.strong(cohort["rank"], id="cohort-rank"),
                        " in ",
                        cohort["group_label"],
                        size="2",
                    ),
                    distribution_chart(
                        S.cohort_buckets,
                        label_key="label",
                        others_key="others",
                        marked_key="candidate",
                        others_name="Other candidates",
                        marked_name="This candidate",
                        id="cohort-chart",
                    ),
                    spacing="2",
                    width="100%",
                ),
                rx.text("No score to compare yet.", size="2", color_scheme="gray"),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="cohort",
    )


def _evidence_chip(item) -> rx.Component:
    icon = rx.match(
        item["kind"],
        ("commit", rx.icon("git-commit-horizontal", size=12)),
        ("quote", rx.icon("quote", size=12)),
        ("metric", rx.icon("gauge", size=12)),
        rx.icon("file-code", size=12),
    )
    return rx.button(
        icon,
        item["label"],
        size="1",
        variant="surface",
        color_scheme="gray",
        on_click=S.open_evidence(item["key"]),
        class_name="evidence",
        font_family="var(--code-font-family)",
        custom_attrs={"data-kind": item["kind"]},
    )


def _observation_view(observation) -> rx.Component:
    return rx.el.li(
        rx.hstack(
            rx.match(
                observation["polarity"],
                (1, rx.icon("circle-plus", size=16, color=rx.color("grass", 10))),
                (-1, rx.icon("circle-minus", size=16, color=rx.color("tomato", 10))),
                rx.icon("circle-dot", size=16, color=rx.color("gray", 9)),
            ),
            rx.vstack(
                rx.text(observation["text"], size="2"),
                rx.cond(
                    observation["evidence"].length() > 0,
                    rx.hstack(
                        rx.foreach(observation["evidence"], _evidence_chip),
                        spacing="1",
                        wrap="wrap",
                    ),
                ),
                spacing="1",
                align="start",
            ),
            align="start",
            spacing="2",
        ),
        class_name="observation",
        style={"list_style": "none", "padding": "0.4rem 0"},
    )


def _category_view(category) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.heading(category["category"], size="3"),
            rx.badge(category["score"], variant="soft", class_name="category-score"),
            align="center",
            spacing="2",
        ),
        unless_empty(
            category["observations"],
            rx.el.ul(
                rx.foreach(category["observations"], _observation_view),
                style={"margin": "0.25rem 0 0", "padding": "0"},
            ),
            "No observations recorded.",
        ),
        class_name="observation-category",
        width="100%",
        padding_y="0.5rem",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
    )


def _observations_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Observations", size="4"),
            rx.text(
                "Each observation names its evidence: click it to see the lines, commit or "
                "quote it rests on.",
                size="2",
                color_scheme="gray",
            ),
            rx.foreach(S.categories, _category_view),
            spacing="2",
            width="100%",
        ),
        width="100%",
        id="observations",
    )


def _flag_view(flag) -> rx.Component:
    return rx.hstack(
        _severity_badge(flag["severity"]),
        rx.vstack(
            rx.text(flag["message"], size="2"),
            rx.hstack(
                rx.code(flag["code"], variant="ghost", size="1"),
                rx.foreach(flag["evidence"], _evidence_chip),
                spacing="1",
                wrap="wrap",
                align="center",
            ),
            spacing="1",
            align="start",
        ),
        align="start",
        spacing="3",
        class_name="risk-flag",
        width="100%",
    )


def _flags_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Risk flags", size="4"),
            unless_empty(
                S.flags,
                rx.vstack(rx.foreach(S.flags, _flag_view), spacing="3", width="100%"),
                "No risk flags.",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="risk-flags",
    )


def _verdicts_card() -> rx.Component:
    automated = rx.vstack(
        rx.text("Automated verdict", weight="medium"),
        rx.data_list.root(
            fact("Recommendation", R["automated_recommendation_label"]),
            fact("Confidence", R["confidence"]),
            fact("Calibrated seniority", R["automated_seniority"]),
            fact("Versions", R["versions"]),
            size="1",
        ),
        align="start",
        id="automated-verdict",
    )
    human = rx.vstack(
        rx.text("Reviewer's verdict", weight="medium"),
        rx.cond(
            R["finalised"],
            rx.data_list.root(
                fact("Recommendation", R["final_recommendation_label"]),
                fact("Calibrated seniority", R["final_seniority"]),
                fact("Reviewer", R["reviewer"]),
                fact("Finalised", R["finalised_at"]),
                fact("Note", rx.text(R["review_note"], white_space="pre-wrap")),
                size="1",
            ),
            rx.text(
                rx.cond(
                    R["in_review"],
                    "In review by " + R["reviewer"].to(str) + " since " + R["claimed_at"].to(str),
                    "Not reviewed yet.",
                ),
                size="2",
                color_scheme="gray",
            ),
        ),
        align="start",
        id="human-verdict",
    )
    return rx.card(
        rx.grid(automated, human, columns=rx.breakpoints(initial="1", md="2"), spacing="5"),
        width="100%",
        id="verdicts",
    )


def _select(name: str, items: list[tuple[str, str]], default: str, id: str) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(width="100%", id=id),
        rx.select.content(*[rx.select.item(label, value=value) for value, label in items]),
        name=name,
        default_value=default,
    )


def _review_panel() -> rx.Component:
    recommendation_items = [(KEEP, "Keep the automated recommendation")] + [
        (value, recommendation_label(value)) for value in RECOMMENDATION_CHOICES
    ]
    seniority_items = [(KEEP, "Keep the calibrated seniority")] + [
        (level, level.capitalize()) for level in LEVELS
    ]
    adjust_form = rx.form(
        rx.vstack(
            rx.text("Adjust a score", weight="medium"),
            rx.grid(
                labelled(
                    "Category",
                    rx.select(
                        S.category_names,
                        name="category",
                        placeholder="Choose a category",
                        width="100%",
                    ),
                ),
                labelled(
                    "Score",
                    rx.input(
                        name="score",
                        type="number",
                        min=1,
                        max=5,
                        step=1,
                        required=True,
                        width="100%",
                    ),
                ),
                columns="2fr 1fr",
                spacing="3",
                width="100%",
            ),
            text_area(
                "Why",
                "note",
                rows="2",
                required=True,
                placeholder="What the engine missed or over-weighted.",
            ),
            rx.button("Save adjustment", type="submit", variant="soft"),
            spacing="2",
            width="100%",
            align="start",
        ),
        on_submit=S.adjust,
        reset_on_submit=True,
        id="adjust-form",
        width="100%",
    )
    finalise_form = rx.form(
        rx.vstack(
            rx.text("Finalise", weight="medium"),
            labelled(
                "Recommendation",
                _select("recommendation", recommendation_items, KEEP, "final-recommendation"),
            ),
            labelled(
                "Calibrated seniority",
                _select("seniority", seniority_items, KEEP, "final-seniority"),
            ),
            text_area("Note", "note", rows="2", placeholder="Your reasons; kept with the report."),
            rx.button("Finalise", type="submit", loading=S.reviewing),
            spacing="2",
            width="100%",
            align="start",
        ),
        on_submit=S.finalise,
        reset_on_submit=False,
        id="finalise-form",
        width="100%",
    )
    return rx.card(
        rx.vstack(
            rx.heading("Review", size="4"),
            review_feedback(S.review_error, S.review_notice),
            rx.cond(
                R["awaiting_review"],
                rx.hstack(
                    rx.text(
                        "This evaluation waits in the review queue. Claim it to adjust scores "
                        "and decide.",
                        size="2",
                    ),
                    rx.spacer(),
                    rx.button(rx.icon("hand", size=14), "Claim", on_click=S.claim, id="claim"),
                    align="center",
                    width="100%",
                    wrap="wrap",
                ),
            ),
            rx.cond(
                R["in_review"],
                rx.cond(
                    R["reviewer"] == AuthState.member.email,
                    rx.grid(
                        adjust_form,
                        finalise_form,
                        columns=rx.breakpoints(initial="1", md="2"),
                        spacing="5",
                        width="100%",
                    ),
                    rx.text("Claimed by ", R["reviewer"], ".", size="2", color_scheme="gray"),
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="review-panel",
    )


def _evidence_dialog() -> rx.Component:
    detail = S.evidence
    excerpt = rx.el.table(
        rx.el.tbody(
            rx.foreach(
                detail["lines"],
                lambda line: rx.el.tr(
                    rx.el.td(
                        line["number"],
                        class_name="line-number",
                        style={
                            "text_align": "right",
                            "padding_right": "0.75rem",
                            "color": rx.color("gray", 9),
                            "user_select": "none",
                            "vertical_align": "top",
                        },
                    ),
                    rx.el.td(
                        line["text"],
                        class_name="line-text",
                        style={"white_space": "pre", "vertical_align": "top"},
                    ),
                    class_name="excerpt-line",
                ),
            )
        ),
        style={
            "font_family": "var(--code-font-family)",
            "font_size": "13px",
            "border_collapse": "collapse",
            "width": "100%",
        },
    )
    body = rx.match(
        detail["kind"],
        (
            "file",
            rx.vstack(
                rx.cond(
                    detail["lines"].length() > 0,
                    rx.box(
                        excerpt,
                        background=rx.color("gray", 2),
                        border=f"1px solid {rx.color('gray', 5)}",
                        border_radius="var(--radius-2)",
                        padding="0.5rem",
                        overflow_x="auto",
                        width="100%",
                    ),
                ),
                rx.cond(detail["text"] != "", rx.text(detail["text"], size="2")),
                width="100%",
            ),
        ),
        ("quote", rx.blockquote(detail["text"], size="3", id="evidence-quote")),
        rx.text(detail["text"], size="2", id="evidence-text"),
    )
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(detail["title"], id="evidence-title"),
            rx.box(body, id="evidence-body", width="100%"),
            rx.hstack(
                rx.button("Close", variant="soft", color_scheme="gray", on_click=S.close_evidence),
                justify="end",
                margin_top="1rem",
            ),
            max_width="48rem",
            id="evidence-dialog",
        ),
        open=S.show_evidence,
        on_open_change=lambda _open: S.close_evidence(),
    )


def _report_body() -> rx.Component:
    return rx.vstack(
        _header(),
        error_callout(S.error),
        rx.cond(R["engine_running"], _engine_progress()),
        failure_callout(R["failed"], R["failure"], id="failure"),
        rx.cond(
            R["has_result"],
            rx.vstack(
                _verdict(),
                rx.grid(
                    _scores_card(),
                    _cohort_card(),
                    columns=rx.breakpoints(initial="1", lg="2"),
                    spacing="4",
                    width="100%",
                ),
                _observations_card(),
                _flags_card(),
                _verdicts_card(),
                rx.cond(AuthState.can_edit, _review_panel()),
                rx.cond(AuthState.can_edit, share_card()),
                spacing="4",
                width="100%",
            ),
        ),
        rx.card(
            rx.grid(
                *[
                    rx.data_list.root(fact(label, value), orientation="vertical", size="1")
                    for label, value in (
                        ("Evaluation", rx.code(R["id"], variant="ghost")),
                        ("Artefact", rx.text(R["artefact"], word_break="break-all")),
                        ("SLA tier", R["sla"]),
                        ("Submitted", R["created"]),
                        ("Completed", R["completed"]),
                        ("Turnaround", R["turnaround"]),
                    )
                ],
                columns=rx.breakpoints(initial="2", md="3"),
                spacing="4",
                width="100%",
            ),
            width="100%",
            id="evaluation-facts",
        ),
        _evidence_dialog(),
        spacing="4",
        width="100%",
    )


@rx.page(
    route="/evaluations/[evaluation_id]",
    title="Evaluation report · truelevel",
    on_load=[EvaluationReportState.load, ReportSharingState.load],
)
def evaluation_report_page() -> rx.Component:
    return app_shell(
        rx.box(
            detail_frame(
                back_label="All evaluations",
                back_href="/evaluations",
                not_found=S.not_found,
                not_found_title="Evaluation not found",
                not_found_text="It may belong to another organisation, or the link is wrong.",
                not_found_id="evaluation-not-found",
                loading=S.loading & (R["id"] == ""),
                details=_report_body(),
            ),
            on_unmount=S.stop_following,
            width="100%",
        ),
    )
