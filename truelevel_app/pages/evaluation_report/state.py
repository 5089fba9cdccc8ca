"""The report's state: the view models of one evaluation, the report following the engine
while it works, the evidence dialog (the code viewer for a file), and the reviewer's claim,
adjustments and finalising.

State keeps small view models only; the evidence a click opens is kept server-side
(``_evidence``) and sent when asked for.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from pydantic import ValidationError

from backend.db import session_scope
from backend.models.evaluation_result import ResultEvidence
from backend.services.audit import Action, Subject
from backend.services.errors import DomainError
from truelevel_app.audit_trail import record_by, viewed_by
from truelevel_app.pages.evaluation_report.code_viewer import SCROLL_TO_CITED, code_view
from truelevel_app.pages.evaluation_report.data import (
    ReportData,
    read_in_new_session,
    read_report,
)
from truelevel_app.pages.evaluation_report.evidence import evidence_detail, stored_evidence
from truelevel_app.pages.evaluation_report.figures import number
from truelevel_app.pages.evaluation_report.views import (
    AdjustmentView,
    CategoryView,
    CohortBucket,
    CohortView,
    EvidenceDetail,
    FlagView,
    ReportView,
    ScorePoint,
    SummaryView,
    empty_cohort,
    empty_detail,
    empty_report,
    empty_summary,
)
from truelevel_app.state import SIGNIN_ROUTE, AuthState, ReviewedReportState

POLL_SECONDS = 2.0
READ_ONLY = "Viewers cannot review evaluations. Ask an admin for the reviewer role."
KEEP = "keep"  # the select value that keeps the automated verdict
WEB_EXPORT = "/api/v1/web/evaluations/"


class EvaluationReportState(ReviewedReportState, AuthState):
    report: rx.Field[ReportView] = rx.field(default_factory=empty_report)
    summary: rx.Field[SummaryView] = rx.field(default_factory=empty_summary)
    scores: rx.Field[list[ScorePoint]] = rx.field(default_factory=list)
    categories: rx.Field[list[CategoryView]] = rx.field(default_factory=list)
    flags: rx.Field[list[FlagView]] = rx.field(default_factory=list)
    adjustments: rx.Field[list[AdjustmentView]] = rx.field(default_factory=list)
    cohort: rx.Field[CohortView] = rx.field(default_factory=empty_cohort)
    cohort_buckets: rx.Field[list[CohortBucket]] = rx.field(default_factory=list)
    evidence: rx.Field[EvidenceDetail] = rx.field(default_factory=empty_detail)
    show_evidence: bool = False
    reviewing: bool = False
    # Backend-only: the full evidence behind each clickable label.
    _evidence: dict[str, dict[str, Any]] = {}  # noqa: RUF012 (Reflex copies it per client)

    def _current_id(self) -> str:
        # The [evaluation_id] segment of the route (a var Reflex adds to the root state).
        return str(getattr(self, "evaluation_id", "") or "")

    def _apply(self, data: ReportData) -> None:
        self.report = data.report
        self.summary = data.summary
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
            self._apply(ReportData.empty())
        self._refresh(member.org_id)
        if self.report["id"]:
            viewed_by(member, Subject.evaluation, self.report["id"], "report page")
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
            lambda: read_in_new_session(org_id, evaluation_id),
            self._apply_while_running,
            seconds=POLL_SECONDS,
        )

    @rx.event
    def open_evidence(self, key: str):
        item = stored_evidence(self._evidence, key)
        if item is None:
            return None
        if item.shown_kind != "file" or not item.file:
            self.evidence = evidence_detail(item)
            self.show_evidence = True
            return None
        return self._open_file(key, item, whole=False)

    @rx.event
    def show_whole_file(self):
        item = stored_evidence(self._evidence, self.evidence["key"])
        return None if item is None else self._open_file(self.evidence["key"], item, whole=True)

    def _open_file(self, key: str, item: ResultEvidence, *, whole: bool):
        """The code viewer on the file ``item`` cites, its first cited line scrolled to. The
        candidate's code is read for the member's organisation, the session checked again."""
        member = self._resolve_member()
        if member is None:
            return rx.redirect(SIGNIN_ROUTE, replace=True)
        detail = code_view(
            org_id=member.org_id, evaluation_id=self._current_id(), item=item, whole=whole
        )
        detail["key"] = key
        self.evidence = detail
        self.show_evidence = True
        return rx.call_script(SCROLL_TO_CITED)

    @rx.event
    def close_evidence(self):
        self.show_evidence = False

    def _audit_change(self, member, detail: str) -> None:
        record_by(member, Action.changed, Subject.evaluation, self._current_id(), detail)

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
                self._audit_change(member, "claimed for review")
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
                self._audit_change(member, "scores adjusted")
            self.review_notice = f"{category} is now {number(adjustment.score)}."
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
                self._audit_change(member, "verdict recorded")
            self.review_notice = "Finalised. The reviewer's verdict is the one that counts now."
        except DomainError as exc:
            self.review_error = exc.message
        finally:
            self.reviewing = False
        self._refresh(member.org_id)


S = EvaluationReportState
R = EvaluationReportState.report
