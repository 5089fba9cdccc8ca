"""The interview report's state: loading the job, following it while it runs or is re-scored,
confirming the speakers' roles and recording the reviewer's decision."""

from __future__ import annotations

from typing import Any

import reflex as rx

from backend.db import session_scope
from backend.services.audit import Action, Subject
from backend.services.errors import DomainError
from backend.services.interviews import jobs as interview_jobs
from backend.services.interviews import speaker_roles
from truelevel_app.audit_trail import record_by, viewed_by
from truelevel_app.pages.interview_answers import AnswerView
from truelevel_app.pages.interview_report.data import (
    ReportData,
    new_events,
    read_in_new_session,
    read_report,
    rescoring,
)
from truelevel_app.pages.interview_report.labels import (
    CONFIRM,
    NOTE_REQUIRED,
    OVERRIDE,
    POLL_SECONDS,
    READ_ONLY,
    RECOMMENDATIONS,
    REPORT_PDF_ROUTE,
    STATE_ORDER,
    TERMINAL,
    recommendation_label,
)
from truelevel_app.pages.interview_report.views import (
    AssessmentView,
    ChartRow,
    EventRow,
    FactView,
    JobSummary,
    ReviewView,
    ScoreView,
    TranscriptLine,
    empty_assessment,
    empty_review,
    empty_summary,
)
from truelevel_app.pages.interview_speakers import RolesView, SpeakerCard, empty_roles
from truelevel_app.state import SIGNIN_ROUTE, AuthState, ReviewedReportState


class InterviewReportState(ReviewedReportState, AuthState):
    job: rx.Field[JobSummary] = rx.field(default_factory=empty_summary)
    events: rx.Field[list[EventRow]] = rx.field(default_factory=list)
    transcript: rx.Field[list[TranscriptLine]] = rx.field(default_factory=list)
    scores: rx.Field[list[ScoreView]] = rx.field(default_factory=list)
    talk_ratio: rx.Field[list[ChartRow]] = rx.field(default_factory=list)
    speaking_rate: rx.Field[list[ChartRow]] = rx.field(default_factory=list)
    monologue: rx.Field[list[ChartRow]] = rx.field(default_factory=list)
    filler_rate: rx.Field[list[ChartRow]] = rx.field(default_factory=list)
    no_fillers: bool = False
    # What to fix on the decision's fields: {"note": …}.
    review_field_errors: rx.Field[dict[str, str]] = rx.field(default_factory=dict)
    facts: rx.Field[list[FactView]] = rx.field(default_factory=list)
    highlights: rx.Field[list[str]] = rx.field(default_factory=list)
    red_flags: rx.Field[list[str]] = rx.field(default_factory=list)
    next_questions: rx.Field[list[str]] = rx.field(default_factory=list)
    assessment: rx.Field[AssessmentView] = rx.field(default_factory=empty_assessment)
    review: rx.Field[ReviewView] = rx.field(default_factory=empty_review)
    decision: str = CONFIRM
    saving_review: bool = False
    speakers: rx.Field[list[SpeakerCard]] = rx.field(default_factory=list)
    roles: rx.Field[RolesView] = rx.field(default_factory=empty_roles)
    answers: rx.Field[list[AnswerView]] = rx.field(default_factory=list)
    saving_speakers: bool = False
    speakers_error: str = ""

    def _current_id(self) -> str:
        # The [job_id] segment of the route (a var Reflex adds to the root state).
        return str(getattr(self, "job_id", "") or "")

    def _apply(self, data: ReportData) -> None:
        self.job = data.summary
        self.events = data.events
        self.transcript = data.transcript
        self.scores = data.scores
        self.talk_ratio = data.talk_ratio
        self.speaking_rate = data.speaking_rate
        self.monologue = data.monologue
        self.filler_rate = data.filler_rate
        self.no_fillers = data.no_fillers
        self.facts = data.facts
        self.highlights = data.highlights
        self.red_flags = data.red_flags
        self.next_questions = data.next_questions
        self.assessment = data.assessment
        self.review = data.review
        self.speakers = data.speakers
        self.roles = data.roles
        self.answers = data.answers

    def _clear(self) -> None:
        self._apply(
            ReportData(
                empty_summary(),
                [],
                [],
                [],
                [],
                [],
                [],
                [],
                False,
                [],
                [],
                [],
                [],
                empty_assessment(),
                empty_review(),
                [],
                empty_roles(),
            )
        )

    def _refresh(self, org_id: str) -> None:
        self._load_row(
            lambda session: read_report(session, org_id=org_id, job_id=self._current_id()),
            self._apply,
            failed="The interview could not be loaded. Try again in a moment.",
        )

    @rx.var
    def report_pdf_href(self) -> str:
        """The report as a PDF (backend/api/report_downloads.py)."""
        return REPORT_PDF_ROUTE.format(job_id=self.job["id"])

    @rx.var
    def current_step(self) -> int:
        """How far along STATE_ORDER the job got (for the progress steps): a failed job keeps
        the steps it reached."""
        reached = [
            STATE_ORDER.index(e["status"]) for e in self.events if e["status"] in STATE_ORDER
        ]
        status = self.job["status"]
        if status in STATE_ORDER:
            reached.append(STATE_ORDER.index(status))
        return max(reached, default=-1)

    @rx.event
    def load(self):
        member = self._begin_load()
        if member is None:
            return rx.redirect(SIGNIN_ROUTE, replace=True)
        self.decision = CONFIRM
        self.speakers_error = ""
        if self.job["id"] != self._current_id():
            self._clear()
        self._refresh(member.org_id)
        if self.job["id"]:
            viewed_by(member, Subject.interview, self.job["id"], "report page")
        if self._start_following(bool(self.job["id"]) and not self.job["terminal"]):
            return InterviewReportState.follow_job
        if self._start_following(bool(self.job["id"]) and self.roles["rescoring"]):
            return InterviewReportState.follow_rescore
        return None

    def _apply_progress(self, tick: tuple[list[EventRow], ReportData | None]) -> bool:
        """A tick of the follow loop: the job's new events, and its report once one of them is
        terminal (then True: the loop stops)."""
        fresh, data = tick
        if data is not None:
            self._apply(data)
            return True
        # Only the state moved: show it without re-reading the whole report.
        self.events = [*self.events, *fresh]
        latest = fresh[-1]
        job = dict(self.job)
        job.update(status=latest["status"], status_label=latest["label"])
        job["detail"] = latest["detail"]
        self.job = JobSummary(**job)  # type: ignore[typeddict-item]
        return False

    @rx.event(background=True)
    async def follow_job(self):
        """Every POLL_SECONDS ask for the job's new events; once one is terminal, read the
        report and stop."""
        async with self:
            generation = self._follow_generation
            job_id = self._current_id()
            org_id = self.member.org_id
            last_id = max((e["id"] for e in self.events), default=0)

        def read() -> tuple[list[EventRow], ReportData | None] | None:
            nonlocal last_id
            fresh = new_events(job_id, last_id)
            if not fresh:
                return None
            ended = any(e["status"] in TERMINAL for e in fresh)
            data = read_in_new_session(org_id, job_id) if ended else None
            last_id = max(e["id"] for e in fresh)
            return fresh, data

        await self._follow(generation, read, self._apply_progress, seconds=POLL_SECONDS)

    @rx.event(background=True)
    async def follow_rescore(self):
        """Every POLL_SECONDS ask whether the re-scoring is done; then read the report (the
        new roles and scores, or why it failed) and stop."""
        async with self:
            generation = self._follow_generation
            job_id = self._current_id()
            org_id = self.member.org_id

        def read() -> ReportData | None:
            if rescoring(job_id):
                return None
            return read_in_new_session(org_id, job_id)

        def apply(data: ReportData) -> bool:
            self._apply(data)
            return True

        await self._follow(generation, read, apply, seconds=POLL_SECONDS)

    @rx.event
    def choose_speaker_role(self, speaker: str, value: str):
        self.speakers = [
            SpeakerCard(**{**card, "choice": value}) if card["id"] == speaker else card  # type: ignore[typeddict-item]
            for card in self.speakers
        ]

    @rx.event
    def save_speakers(self):
        """Confirm the chosen roles and have the interview re-scored; the page then follows
        the re-scoring until the new report is there."""
        self.speakers_error = ""
        member = self._authorise("edit")
        if member is None:
            self.speakers_error = "Viewers cannot change the speakers' roles."
            return
        self.saving_speakers = True
        yield
        try:
            with session_scope() as session:
                speaker_roles.confirm_roles(
                    session,
                    org_id=member.org_id,
                    job_id=self._current_id(),
                    speakers={card["id"]: card["choice"] for card in self.speakers},
                    confirmed_by=member.name or member.email,
                )
            record_by(member, Action.changed, Subject.interview, self._current_id(), "speakers")
        except DomainError as exc:
            self.speakers_error = exc.message
            return
        finally:
            self.saving_speakers = False
        self._refresh(member.org_id)
        if self._start_following(self.roles["rescoring"]):
            yield InterviewReportState.follow_rescore

    @rx.event
    def choose_decision(self, value: str):
        self.decision = OVERRIDE if value == OVERRIDE else CONFIRM

    @rx.event
    def save_review(self, form_data: dict[str, Any]):
        member = self._reviewer(READ_ONLY)
        if member is None:
            return
        self.review_field_errors = {}
        automated = self.assessment["recommendation"]
        note = str(form_data.get("note") or "").strip()
        if self.decision == OVERRIDE:
            recommendation = str(form_data.get("recommendation") or "")
            if recommendation not in RECOMMENDATIONS:
                self.review_error = "Choose the recommendation that replaces the automated one."
                return
            if not note:
                # Said on the note; the chosen recommendation stays chosen (the form keeps it).
                self.review_field_errors = {"note": NOTE_REQUIRED}
                return
        else:
            recommendation = automated
        self.saving_review = True
        yield
        try:
            with session_scope() as session:
                interview_jobs.set_review(
                    session,
                    org_id=member.org_id,
                    job_id=self._current_id(),
                    reviewer_id=member.email,
                    recommendation=recommendation,
                    note=note or None,
                )
            record_by(
                member, Action.changed, Subject.interview, self._current_id(), "review recorded"
            )
            self.review_notice = f"Recorded: {recommendation_label(recommendation)}" + (
                " (you confirmed the automated recommendation)."
                if recommendation == automated
                else " (you overrode the automated recommendation)."
            )
        except DomainError as exc:
            self.review_error = exc.message
        finally:
            self.saving_review = False
        self._refresh(member.org_id)
        if not self.review_error:  # saved: the form starts empty for the next decision
            yield rx.call_script("document.getElementById('review-form')?.reset()")


# Short names for the views.
S = InterviewReportState
J = InterviewReportState.job
A = InterviewReportState.assessment
V = InterviewReportState.review
