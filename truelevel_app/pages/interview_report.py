"""One interview job (``/interviews/[job_id]``): its states as they happen, then the report —
the recording synced with the speaker-labelled transcript, the conversation metrics as charts,
competency scores with their rationale and quotes, red flags, questions for the next round, the
submittal note — a browser interview's answers, each to play beside its transcript
(``interview_answers``) — the speakers (a recruiter corrects their roles to have the interview
re-scored, ``interview_speakers``) and the reviewer's confirm-or-override with a note.

While the job runs, a background event asks for new job events every second and the page follows
without a reload; once an event says the job ended it reads the report once and stops (also when
the member leaves the page). The player and the transcript move together in the browser
(``assets/report_player.js``): any element with ``data-seek`` seeks the recording when clicked,
and the line being spoken is highlighted. State keeps small view models only.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any, TypedDict

import reflex as rx

from backend.db import session_scope
from backend.models.interviews import InterviewSource
from backend.services.candidate_names import interview_candidate
from backend.services.errors import DomainError
from backend.services.interviews import jobs as interview_jobs
from backend.services.interviews import speaker_roles
from backend.services.interviews.answer_playback import answer_playbacks
from backend.services.storage import get_storage
from truelevel_app.components.charts import bar_chart, score_bar
from truelevel_app.components.details import detail_frame, figure, figures
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
from truelevel_app.display import when, when_iso
from truelevel_app.pages.evaluations import coloured_badge
from truelevel_app.pages.interview_answers import AnswerView, answer_views, answers_card
from truelevel_app.pages.interview_speakers import (
    RolesView,
    SpeakerCard,
    empty_roles,
    roles_view,
    speaker_cards,
    speakers_card,
)
from truelevel_app.state import SIGNIN_ROUTE, AuthState, ReviewedReportState

POLL_SECONDS = 1.0
TERMINAL = ("completed", "failed")
STATE_LABELS: dict[str, str] = {
    "queued": "Queued",
    "loading_weights": "Loading models",
    "processing_inference": "Processing",
    "completed": "Completed",
    "failed": "Failed",
}
STATE_ORDER = ("queued", "loading_weights", "processing_inference", "completed")
RECOMMENDATIONS = ("advance", "hold", "reject")
RECOMMENDATION_LABELS = {"advance": "Advance", "hold": "Hold", "reject": "Reject"}
_STATE_COLOURS = [("completed", "green"), ("failed", "red"), ("queued", "gray")]
_RECOMMENDATION_COLOURS = [("advance", "green"), ("hold", "amber"), ("reject", "red")]
AUDIO_ROUTE = "/api/v1/web/interviews/{job_id}/audio"
READ_ONLY = "Viewers cannot record a decision. Ask an admin for the reviewer role."
CONFIRM, OVERRIDE = "confirm", "override"
NOTE_REQUIRED = "Say why you override the recommendation."
FAILED_TEXT = "The recording could not be processed."


# -- view models ---------------------------------------------------------------------------------


class EventRow(TypedDict):
    id: int
    status: str
    label: str
    detail: str
    at: str


class TranscriptLine(TypedDict):
    start: float
    end: float
    clock: str
    speaker: str
    role: str  # interviewer | candidate
    role_label: str  # "Interviewer" / "Candidate"
    text: str


class QuoteView(TypedDict):
    start: float
    clock: str
    who: str
    text: str


class ScoreView(TypedDict):
    name: str
    score: int
    rationale: str
    quotes: list[QuoteView]


class ChartRow(TypedDict):
    label: str
    value: float


class FactView(TypedDict):
    label: str
    value: str


class JobSummary(TypedDict):
    id: str
    # The candidate's name (else email) when the interview came from a call, else the job title.
    heading: str
    candidate_email: str  # shown beneath a name; "" when unknown
    known_candidate: bool
    role_title: str
    status: str
    status_label: str
    detail: str
    source: str
    terminal: bool
    failed: bool
    failure: str
    created: str
    finished: str
    credits: int
    duration: str
    has_result: bool
    # The recording: "available", "deleted" (retention) or "separate" (a browser interview's
    # answers are kept one file per question, played in the Answers card).
    audio: str
    audio_url: str
    # "Recording deleted on <date> (retention)." once deleted, else "".
    audio_deleted: str


class AssessmentView(TypedDict):
    summary: str
    recommendation: str
    recommendation_label: str
    proposal: bool  # the automated recommendation waits for a person
    reject_proposal: bool
    submittal_note: str
    versions: str


class ReviewView(TypedDict):
    reviewed: bool
    recommendation: str
    recommendation_label: str
    overridden: bool
    note: str
    reviewer: str
    at: str


def _empty_summary() -> JobSummary:
    return JobSummary(
        id="",
        heading="",
        candidate_email="",
        known_candidate=False,
        role_title="",
        status="",
        status_label="",
        detail="",
        source="",
        terminal=False,
        failed=False,
        failure="",
        created="",
        finished="",
        credits=0,
        duration="",
        has_result=False,
        audio="",
        audio_url="",
        audio_deleted="",
    )


def _empty_assessment() -> AssessmentView:
    return AssessmentView(
        summary="",
        recommendation="",
        recommendation_label="",
        proposal=False,
        reject_proposal=False,
        submittal_note="",
        versions="",
    )


def _empty_review() -> ReviewView:
    return ReviewView(
        reviewed=False,
        recommendation="",
        recommendation_label="",
        overridden=False,
        note="",
        reviewer="",
        at="",
    )


# -- building the view models from one job -------------------------------------------------------


def clock(seconds: float) -> str:
    """``mm:ss`` (``h:mm:ss`` past an hour), as the report cites times."""
    whole = int(max(0.0, seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def interview_length(job: Any, result: dict[str, Any] | None = None) -> str:
    """How long the interview is, the same on the list and the report: the recording's length
    as measured when it was accepted (what its credits are charged for); for a transcript sent
    as text, which has no recording, the span of its transcript."""
    seconds = job.duration_s or (result or {}).get("duration_s")
    return clock(float(seconds)) if seconds else "—"


def recommendation_label(value: str | None) -> str:
    if not value:
        return "—"
    return RECOMMENDATION_LABELS.get(value, value.replace("_", " ").capitalize())


def _timestamp(value: Any, empty: str = "—") -> str:
    if isinstance(value, datetime):
        return when(value, empty)
    return when_iso(str(value) if value else None, empty)


def _field(item: Any, name: str, default: Any = None) -> Any:
    """A field of an event, whether the service hands out rows or dicts."""
    if isinstance(item, dict):
        return item.get(name, default)
    return getattr(item, name, default)


def event_row(event: Any) -> EventRow:
    status = str(_field(event, "status", "") or "")
    return EventRow(
        id=int(_field(event, "id", 0) or 0),
        status=status,
        label=STATE_LABELS.get(status, status.replace("_", " ").capitalize()),
        detail=str(_field(event, "detail", "") or ""),
        at=_timestamp(_field(event, "at")),
    )


def _roles(result: dict[str, Any]) -> dict[str, str]:
    """speaker id → interviewer | candidate, from the speakers list or the transcript."""
    roles = {
        str(s.get("id")): str(s.get("role") or "")
        for s in result.get("speakers") or []
        if isinstance(s, dict)
    }
    for segment in result.get("transcript") or []:
        speaker = str(segment.get("speaker") or "")
        if speaker and segment.get("role") and speaker not in roles:
            roles[speaker] = str(segment["role"])
    return roles


def _who(speaker: str, roles: dict[str, str]) -> str:
    role = roles.get(speaker, "")
    return role.capitalize() if role else (speaker or "Speaker")


def transcript_lines(result: dict[str, Any]) -> list[TranscriptLine]:
    roles = _roles(result)
    lines = []
    for segment in result.get("transcript") or []:
        speaker = str(segment.get("speaker") or "")
        role = str(segment.get("role") or roles.get(speaker, ""))
        start = float(segment.get("start") or 0.0)
        lines.append(
            TranscriptLine(
                start=start,
                end=float(segment.get("end") or start),
                clock=clock(start),
                speaker=speaker,
                role=role,
                role_label=role.capitalize() if role else (speaker or "Speaker"),
                text=str(segment.get("text") or "").strip(),
            )
        )
    return lines


def score_views(assessment: dict[str, Any], roles: dict[str, str]) -> list[ScoreView]:
    views = []
    for name, body in (assessment.get("scores") or {}).items():
        if not isinstance(body, dict):
            continue
        quotes = [
            QuoteView(
                start=float(q.get("start") or 0.0),
                clock=clock(float(q.get("start") or 0.0)),
                who=_who(str(q.get("speaker") or ""), roles),
                text=str(q.get("text") or "").strip(),
            )
            for q in body.get("quotes") or []
            if isinstance(q, dict) and q.get("text")
        ]
        views.append(
            ScoreView(
                name=str(name).replace("_", " ").capitalize(),
                score=round(float(body.get("score") or 0)),
                rationale=str(body.get("rationale") or ""),
                quotes=quotes,
            )
        )
    return views


def per_speaker_chart(
    values: Any, roles: dict[str, str], *, scale: float = 1.0, digits: int = 1
) -> list[ChartRow]:
    """A {speaker: number} metric as chart rows labelled by role, in speaker order."""
    if not isinstance(values, dict):
        return []
    return [
        ChartRow(label=_who(str(speaker), roles), value=round(float(v) * scale, digits))
        for speaker, v in sorted(values.items())
        if isinstance(v, int | float)
    ]


def _per_speaker_text(values: Any, roles: dict[str, str]) -> str:
    if isinstance(values, dict):
        return ", ".join(f"{_who(str(k), roles)} {v}" for k, v in sorted(values.items()))
    return "—" if values is None else str(values)


def metric_facts(metrics: dict[str, Any], roles: dict[str, str]) -> list[FactView]:
    silence = metrics.get("silence_ratio")
    return [
        FactView(label="Turns", value=str(metrics.get("turns", "—"))),
        FactView(label="Interruptions", value=str(metrics.get("interruptions", "—"))),
        FactView(
            label="Silence",
            value=f"{round(100 * float(silence))} %" if isinstance(silence, int | float) else "—",
        ),
        FactView(
            label="Questions asked",
            value=_per_speaker_text(metrics.get("question_count"), roles),
        ),
    ]


@dataclasses.dataclass
class ReportData:
    """Everything the page shows about one job, read in one go (also off the event loop)."""

    summary: JobSummary
    events: list[EventRow]
    transcript: list[TranscriptLine]
    scores: list[ScoreView]
    talk_ratio: list[ChartRow]
    speaking_rate: list[ChartRow]
    monologue: list[ChartRow]
    filler_rate: list[ChartRow]
    # Fillers were measured and nobody used any (the chart would have no bars).
    no_fillers: bool
    facts: list[FactView]
    highlights: list[str]
    red_flags: list[str]
    next_questions: list[str]
    assessment: AssessmentView
    review: ReviewView
    speakers: list[SpeakerCard]
    roles: RolesView
    # A browser interview's questions with their answers to play (empty for other sources).
    answers: list[AnswerView] = dataclasses.field(default_factory=list)


def _strings(items: Any) -> list[str]:
    out = []
    for item in items or []:
        if isinstance(item, dict):  # a flag may carry a code beside its message
            item = item.get("message") or item.get("text") or ""
        if str(item).strip():
            out.append(str(item).strip())
    return out


def _audio_state(job: Any) -> str:
    """What the player can offer; the audio route (backend/api/interview_media.py) serves the
    same file and answers 404 once it is gone."""
    key = interview_jobs.input_key(job)
    if key is not None and job.source != InterviewSource.call.value and get_storage().exists(key):
        return "available"
    if job.source == InterviewSource.call.value and job.input_deleted_at is None:
        return "separate"
    return "deleted"


def read_report(session, *, org_id: str, job_id: str) -> ReportData:
    """The page's data for one of the organisation's jobs (NotFound for a foreign id)."""
    job = interview_jobs.get_job(session, org_id=org_id, job_id=job_id)
    view = interview_jobs.job_view(job)
    events = [event_row(e) for e in interview_jobs.job_events(session, job_id=job.id)]
    result = view.get("result") or {}
    status = str(view.get("status") or job.status)
    error = view.get("error") or {}
    if not isinstance(error, dict):
        error = {"message": str(error)}
    audio = _audio_state(job)
    candidate = interview_candidate(session, job)
    summary = JobSummary(
        id=job.id,
        heading=candidate.display,
        candidate_email=(candidate.email or "") if candidate.name else "",
        known_candidate=candidate.known,
        role_title=str(view.get("role_title") or job.role_title),
        status=status,
        status_label=STATE_LABELS.get(status, status),
        detail=str(view.get("detail") or ""),
        source=job.source,
        terminal=status in TERMINAL,
        failed=status == "failed",
        failure=(
            f"{error.get('message') or view.get('detail') or FAILED_TEXT} "
            f"({error.get('code') or 'processing_failed'})"
            if status == "failed"
            else ""
        ),
        created=_timestamp(view.get("created_at")),
        finished=_timestamp(view.get("finished_at")),
        credits=int(view.get("credits_charged") or 0),
        duration=interview_length(job, result),
        has_result=status == "completed" and bool(result),
        audio=audio,
        audio_url=AUDIO_ROUTE.format(job_id=job.id) if audio == "available" else "",
        audio_deleted=interview_jobs.input_deleted_note(job) or "",
    )
    roles = _roles(result)
    confirmation = speaker_roles.latest(session, job_id=job.id)
    metrics = result.get("metrics") or {}
    assessment = result.get("assessment") or {}
    automated = str(assessment.get("recommendation") or "")
    reviewed = bool(job.review_recommendation)
    fillers = per_speaker_chart(metrics.get("filler_rate"), roles)
    no_fillers = bool(fillers) and not any(row["value"] for row in fillers)
    versions = [f"{k} {v}" for k, v in sorted((result.get("models") or {}).items())]
    if assessment.get("engine_version"):
        versions.append(f"engine {assessment['engine_version']}")
    rubric = assessment.get("rubric") or {}
    if isinstance(rubric, dict) and rubric.get("id"):
        versions.append(f"rubric {rubric['id']} v{rubric.get('version', '')}")
    return ReportData(
        summary=summary,
        events=events,
        transcript=transcript_lines(result),
        scores=score_views(assessment, roles),
        talk_ratio=per_speaker_chart(metrics.get("talk_ratio"), roles, scale=100, digits=0),
        speaking_rate=per_speaker_chart(metrics.get("speaking_rate_wpm"), roles, digits=0),
        monologue=per_speaker_chart(metrics.get("longest_monologue_s"), roles, digits=0),
        filler_rate=[] if no_fillers else fillers,
        no_fillers=no_fillers,
        facts=metric_facts(metrics, roles),
        highlights=_strings(assessment.get("highlights")),
        red_flags=_strings(assessment.get("red_flags")),
        next_questions=_strings(assessment.get("questions_for_next_round")),
        assessment=AssessmentView(
            summary=str(assessment.get("summary") or ""),
            recommendation=automated,
            recommendation_label=recommendation_label(automated),
            proposal=not reviewed,
            reject_proposal=automated == "reject" and not reviewed,
            submittal_note=str(assessment.get("submittal_note") or ""),
            versions=" · ".join(versions) or "—",
        ),
        review=ReviewView(
            reviewed=reviewed,
            recommendation=job.review_recommendation or "",
            recommendation_label=recommendation_label(job.review_recommendation),
            overridden=reviewed and job.review_recommendation != automated,
            note=job.review_note or "",
            reviewer=job.reviewer_id or "",
            at=when(job.reviewed_at),
        ),
        speakers=speaker_cards(result),
        roles=roles_view(result, confirmation),
        answers=answer_views(answer_playbacks(session, job=job)),
    )


def _read_in_new_session(org_id: str, job_id: str) -> ReportData:
    with session_scope() as session:
        return read_report(session, org_id=org_id, job_id=job_id)


def _rescoring(job_id: str) -> bool:
    with session_scope() as session:
        latest = speaker_roles.latest(session, job_id=job_id)
        return latest is not None and latest.status in speaker_roles.ACTIVE


def _new_events(job_id: str, after_id: int) -> list[EventRow]:
    with session_scope() as session:
        return [
            event_row(e)
            for e in interview_jobs.job_events(session, job_id=job_id, after_id=after_id)
        ]


# -- state ---------------------------------------------------------------------------------------


class InterviewReportState(ReviewedReportState, AuthState):
    job: rx.Field[JobSummary] = rx.field(default_factory=_empty_summary)
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
    assessment: rx.Field[AssessmentView] = rx.field(default_factory=_empty_assessment)
    review: rx.Field[ReviewView] = rx.field(default_factory=_empty_review)
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
                _empty_summary(),
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
                _empty_assessment(),
                _empty_review(),
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
            fresh = _new_events(job_id, last_id)
            if not fresh:
                return None
            ended = any(e["status"] in TERMINAL for e in fresh)
            data = _read_in_new_session(org_id, job_id) if ended else None
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
            if _rescoring(job_id):
                return None
            return _read_in_new_session(org_id, job_id)

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


# -- components ----------------------------------------------------------------------------------

S = InterviewReportState
J = InterviewReportState.job
A = InterviewReportState.assessment
V = InterviewReportState.review


def job_state_badge(status, label, **props) -> rx.Component:
    """The job's state as a badge; running states read as work in progress."""
    return coloured_badge(status, label, _STATE_COLOURS, "indigo", **props)


def recommendation_badge(value, label, **props) -> rx.Component:
    return coloured_badge(value, label, _RECOMMENDATION_COLOURS, "gray", **props)


def _header() -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.hstack(
                rx.heading(J["heading"], size="6", id="interview-heading"),
                rx.box(
                    job_state_badge(J["status"], J["status_label"], size="2"),
                    id="job-status",
                ),
                align="center",
                spacing="3",
                wrap="wrap",
            ),
            rx.cond(
                J["known_candidate"],
                rx.text(
                    J["role_title"],
                    rx.cond(J["candidate_email"] != "", " · " + J["candidate_email"].to(str), ""),
                    size="2",
                    id="interview-role",
                ),
            ),
            rx.text(
                rx.cond(J["source"] == "call", "Browser interview", "Uploaded recording"),
                " · submitted ",
                J["created"],
                " · ",
                J["credits"],
                rx.cond(J["credits"] == 1, " credit", " credits"),
                size="2",
                color_scheme="gray",
            ),
            spacing="1",
            align="start",
        ),
        width="100%",
        align="center",
    )


def _progress() -> rx.Component:
    """The states the job went through, as they happen."""
    steps = [(value, STATE_LABELS[value]) for value in STATE_ORDER]
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.cond(~J["terminal"], rx.spinner(size="2")),
                rx.heading("Job states", size="3"),
                rx.cond(
                    ~J["terminal"],
                    rx.text(
                        "This page follows the job; the report appears when it is ready.",
                        size="2",
                        color_scheme="gray",
                    ),
                ),
                align="center",
                spacing="2",
                wrap="wrap",
            ),
            step_badges(
                [(label, S.current_step >= index) for index, (_, label) in enumerate(steps)],
                class_name="job-step",
            ),
            rx.vstack(
                rx.foreach(
                    S.events,
                    lambda e: rx.hstack(
                        rx.text(e["at"], size="1", color_scheme="gray", min_width="10rem"),
                        rx.text(e["label"], size="2", weight="medium", min_width="8rem"),
                        rx.text(e["detail"], size="2", color_scheme="gray"),
                        align="center",
                        spacing="3",
                        width="100%",
                        class_name="job-event",
                    ),
                ),
                spacing="1",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="job-progress",
    )


def _verdict() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                recommendation_figure(
                    rx.cond(
                        V["reviewed"],
                        recommendation_badge(
                            V["recommendation"],
                            V["recommendation_label"],
                            size="3",
                            id="recommendation",
                        ),
                        recommendation_badge(
                            A["recommendation"],
                            A["recommendation_label"],
                            size="3",
                            id="recommendation",
                        ),
                    ),
                    decided=V["reviewed"],
                    decided_by="Reviewer's decision",
                ),
                verdict_figure(
                    "Duration", rx.text(J["duration"], size="5", weight="bold", id="duration")
                ),
                spacing="8",
                wrap="wrap",
            ),
            rx.text(A["summary"], size="3", id="summary"),
            reject_proposal_notice(A["reject_proposal"], proposed_by="assessment"),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="verdict",
    )


def _transcript_line(line) -> rx.Component:
    candidate = line["role"] == "candidate"
    return rx.hstack(
        rx.text(
            line["clock"],
            size="1",
            color_scheme="gray",
            font_family="var(--code-font-family)",
            min_width="3.5rem",
            padding_top="2px",
        ),
        rx.badge(
            line["role_label"],
            variant="soft",
            color_scheme=rx.cond(candidate, "indigo", "gray"),
            min_width="6.5rem",
            class_name="transcript-role",
        ),
        rx.text(line["text"], size="2", class_name="transcript-text"),
        custom_attrs={
            "data-seek": line["start"],
            "data-start": line["start"],
            "data-end": line["end"],
            "data-role": line["role"],
        },
        cursor="pointer",
        padding="0.35rem 0.5rem",
        border_radius="var(--radius-2)",
        _hover={"background": rx.color("gray", 3)},
        align="start",
        spacing="3",
        width="100%",
        class_name="transcript-line",
        title="Play from here",
    )


def _player() -> rx.Component:
    return rx.match(
        J["audio"],
        (
            "available",
            rx.el.audio(
                src=J["audio_url"],
                controls=True,
                preload="metadata",
                id="interview-audio",
                style={"width": "100%"},
            ),
        ),
        (
            "separate",
            rx.callout(
                "A browser interview has one recording per answer: play each one under "
                "Answers, beside its transcript.",
                icon="info",
                color_scheme="gray",
                size="1",
                width="100%",
                id="recording-unavailable",
            ),
        ),
        rx.callout(
            rx.cond(
                J["audio_deleted"] != "",
                J["audio_deleted"],
                "Recording deleted after processing (retention).",
            )
            + " The transcript keeps its times.",
            icon="archive-x",
            color_scheme="gray",
            size="1",
            width="100%",
            id="recording-deleted",
        ),
    )


def _transcript_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Recording and transcript", size="4"),
            _player(),
            rx.cond(
                J["audio"] == "available",
                rx.text(
                    "Click a line or a quote to play from there.", size="1", color_scheme="gray"
                ),
            ),
            rx.scroll_area(
                rx.vstack(rx.foreach(S.transcript, _transcript_line), spacing="0", width="100%"),
                max_height="28rem",
                type="auto",
                scrollbars="vertical",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="transcript",
    )


def _chart(title: str, data, *, unit: str, id: str, empty: Any = "Not measured.") -> rx.Component:
    return rx.vstack(
        rx.text(title, size="2", weight="medium"),
        unless_empty(
            data,
            bar_chart(
                data,
                value_key="value",
                label_key="label",
                unit=unit,
                horizontal=True,
                label_width=110,
                height=110,
                id=id,
            ),
            empty,
        ),
        spacing="1",
        width="100%",
    )


def _metrics_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Conversation", size="4"),
            rx.grid(
                _chart("Talk ratio (% of speech)", S.talk_ratio, unit="%", id="talk-ratio-chart"),
                _chart(
                    "Speaking rate (words per minute)",
                    S.speaking_rate,
                    unit="wpm",
                    id="speaking-rate-chart",
                ),
                _chart("Longest monologue (seconds)", S.monologue, unit="s", id="monologue-chart"),
                _chart(
                    "Fillers (per 100 words)",
                    S.filler_rate,
                    unit="per 100",
                    id="filler-chart",
                    empty=rx.cond(S.no_fillers, "No fillers.", "Not measured."),
                ),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="4",
                width="100%",
            ),
            figures(
                S.facts,
                lambda f: figure(
                    f["label"], f["value"], size="2", weight="medium", class_name="metric-fact"
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="metrics",
    )


def _quote(quote) -> rx.Component:
    return rx.button(
        rx.icon("play", size=12),
        rx.text.span(quote["clock"], font_family="var(--code-font-family)"),
        rx.text.span(quote["who"], ": “", quote["text"], "”"),
        size="1",
        variant="ghost",
        color_scheme="gray",
        custom_attrs={"data-seek": quote["start"]},
        class_name="score-quote",
        white_space="normal",
        text_align="left",
        height="auto",
        padding_y="0.25rem",
    )


def _score_view(row) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(row["name"], weight="medium", min_width="12rem", class_name="score-name"),
            score_bar(row["score"]),
            align="center",
            wrap="wrap",
        ),
        rx.text(row["rationale"], size="2", class_name="score-rationale"),
        rx.vstack(rx.foreach(row["quotes"], _quote), spacing="1", align="start"),
        spacing="1",
        width="100%",
        padding_y="0.5rem",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        class_name="competency-score",
    )


def _scores_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Competencies", size="4"),
            rx.text(
                "Scores 1–5 against the rubric; each rationale cites what was said and when.",
                size="2",
                color_scheme="gray",
            ),
            unless_empty(
                S.scores,
                rx.vstack(rx.foreach(S.scores, _score_view), spacing="1", width="100%"),
                "No competency could be scored.",
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        id="scores",
    )


def _list_card(title: str, items, *, id: str, icon: str, empty: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(rx.icon(icon, size=16), rx.heading(title, size="3"), align="center"),
            unless_empty(
                items,
                rx.el.ul(
                    rx.foreach(items, lambda x: rx.el.li(rx.text(x, size="2"))),
                    style={"margin": "0", "padding_left": "1.1rem"},
                ),
                empty,
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        id=id,
    )


def _submittal_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Submittal note", size="4"),
            rx.text(
                "A client-ready paragraph: check it before you send it.",
                size="1",
                color_scheme="gray",
            ),
            rx.text(A["submittal_note"], size="2", white_space="pre-wrap", id="submittal-note"),
            rx.text("Versions: ", A["versions"], size="1", color_scheme="gray"),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


def _review_card() -> rx.Component:
    decided = rx.cond(
        V["reviewed"],
        rx.callout(
            rx.text(
                rx.text.strong(V["recommendation_label"]),
                rx.cond(V["overridden"], " (overrides the automated ", " (confirms the automated "),
                A["recommendation_label"],
                ") by ",
                V["reviewer"],
                ", ",
                V["at"],
                rx.cond(V["note"] != "", rx.text.span(" — ", V["note"])),
            ),
            icon="user-check",
            color_scheme="indigo",
            size="1",
            width="100%",
            id="review-decision",
        ),
        rx.text("No one has decided yet.", size="2", color_scheme="gray"),
    )
    form = rx.form(
        rx.vstack(
            rx.radio_group.root(
                rx.hstack(
                    rx.radio_group.item("Confirm the recommendation", value=CONFIRM),
                    rx.radio_group.item("Override it", value=OVERRIDE),
                    spacing="4",
                ),
                value=S.decision,
                on_change=S.choose_decision,
                name="decision",
                id="review-decision-choice",
            ),
            rx.cond(
                S.decision == OVERRIDE,
                labelled(
                    "New recommendation",
                    rx.select.root(
                        rx.select.trigger(
                            placeholder="Choose a recommendation",
                            width="100%",
                            id="review-recommendation",
                        ),
                        rx.select.content(
                            *[
                                rx.select.item(recommendation_label(r), value=r)
                                for r in RECOMMENDATIONS
                            ]
                        ),
                        name="recommendation",
                    ),
                ),
            ),
            text_area(
                "Note",
                "note",
                rows="2",
                placeholder=rx.cond(
                    S.decision == OVERRIDE,
                    "Why you override it (required).",
                    "Optional: kept with the report.",
                ),
                errors=S.review_field_errors,
                error_id="review-note-error",
            ),
            rx.button("Save decision", type="submit", loading=S.saving_review, id="save-review"),
            spacing="3",
            width="100%",
            align="start",
        ),
        on_submit=S.save_review,
        reset_on_submit=False,
        id="review-form",
        width="100%",
    )
    return rx.card(
        rx.vstack(
            rx.heading("Reviewer's decision", size="4"),
            rx.text(
                "The automated recommendation is a proposal. A person confirms or overrides it, "
                "with a note; a reject never stands without that.",
                size="2",
                color_scheme="gray",
            ),
            decided,
            review_feedback(S.review_error, S.review_notice),
            rx.cond(AuthState.can_edit, form),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="review",
    )


def _speakers_card() -> rx.Component:
    return speakers_card(
        speakers=S.speakers,
        roles=S.roles,
        saving=S.saving_speakers,
        error=S.speakers_error,
        choose=S.choose_speaker_role,
        save=S.save_speakers,
    )


def _report() -> rx.Component:
    return rx.vstack(
        _verdict(),
        _speakers_card(),
        answers_card(S.answers),
        _transcript_card(),
        _metrics_card(),
        _scores_card(),
        rx.grid(
            _list_card(
                "Highlights", S.highlights, id="highlights", icon="sparkles", empty="None noted."
            ),
            _list_card("Red flags", S.red_flags, id="red-flags", icon="flag", empty="None."),
            _list_card(
                "Questions for the next round",
                S.next_questions,
                id="next-questions",
                icon="circle-help",
                empty="None suggested.",
            ),
            columns=rx.breakpoints(initial="1", md="3"),
            spacing="4",
            width="100%",
        ),
        _submittal_card(),
        _review_card(),
        spacing="4",
        width="100%",
    )


def _body() -> rx.Component:
    return rx.vstack(
        _header(),
        error_callout(S.error),
        _progress(),
        failure_callout(J["failed"], J["failure"], id="job-failure"),
        rx.cond(J["has_result"], _report()),
        spacing="4",
        width="100%",
    )


@rx.page(
    route="/interviews/[job_id]",
    title="Interview report · truelevel",
    on_load=InterviewReportState.load,
)
def interview_report_page() -> rx.Component:
    return rx.fragment(
        rx.script(src="/report_player.js"),
        # The line being spoken (report_player.js toggles the class).
        rx.el.style(
            ".transcript-line.transcript-active { background: var(--accent-4) !important; }"
        ),
        app_shell(
            detail_frame(
                back_label="All interviews",
                back_href="/interviews",
                not_found=S.not_found,
                not_found_title="Interview not found",
                not_found_text="It may belong to another organisation, or the link is wrong.",
                not_found_id="interview-not-found",
                loading=S.loading & (J["id"] == ""),
                details=_body(),
            ),
            rx.box(on_unmount=S.stop_following, display="none"),
        ),
    )
