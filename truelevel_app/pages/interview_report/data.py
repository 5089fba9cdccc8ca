"""Reading one interview job into the report's view models (``read_report``), also off the event
loop for the background events that follow the job."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from backend.db import session_scope
from backend.models.interview_result import (
    InterviewAssessment,
    InterviewResult,
    clock,
    interview_length,
    read_interview_result,
)
from backend.models.interviews import InterviewSource
from backend.services.candidate_names import interview_candidate
from backend.services.candidate_profile import profile_href
from backend.services.interviews import jobs as interview_jobs
from backend.services.interviews import speaker_roles
from backend.services.interviews.answer_playback import answer_playbacks
from backend.services.storage import get_storage
from truelevel_app.display import when, when_iso
from truelevel_app.pages.interview_answers import AnswerView, answer_views
from truelevel_app.pages.interview_report.labels import (
    AUDIO_ROUTE,
    FAILED_TEXT,
    SOURCE_LABELS,
    STATE_LABELS,
    TERMINAL,
    recommendation_label,
)
from truelevel_app.pages.interview_report.views import (
    AssessmentView,
    ChartRow,
    EventRow,
    FactView,
    JobSummary,
    QuoteView,
    ReviewView,
    ScoreView,
    TranscriptLine,
)
from truelevel_app.pages.interview_speakers import RolesView, SpeakerCard, roles_view, speaker_cards


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


def score_views(assessment: InterviewAssessment, roles: dict[str, str]) -> list[ScoreView]:
    return [
        ScoreView(
            name=competency.name,
            score=round(competency.score) if competency.score is not None else 0,
            scored=competency.score is not None,
            rationale=competency.rationale,
            quotes=[
                QuoteView(start=q.start, clock=q.clock, who=_who(q.speaker, roles), text=q.text)
                for q in competency.quotes
            ],
        )
        for competency in assessment.scores
    ]


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
        profile_href=profile_href(candidate.email),
        known_candidate=candidate.known,
        role_title=str(view.get("role_title") or job.role_title),
        status=status,
        status_label=STATE_LABELS.get(status, status),
        detail=str(view.get("detail") or ""),
        source=job.source,
        source_label=SOURCE_LABELS.get(job.source, job.source),
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
    typed = (read_interview_result(result) or InterviewResult()).assessment
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
        scores=score_views(typed, roles),
        talk_ratio=per_speaker_chart(metrics.get("talk_ratio"), roles, scale=100, digits=0),
        speaking_rate=per_speaker_chart(metrics.get("speaking_rate_wpm"), roles, digits=0),
        monologue=per_speaker_chart(metrics.get("longest_monologue_s"), roles, digits=0),
        filler_rate=[] if no_fillers else fillers,
        no_fillers=no_fillers,
        facts=metric_facts(metrics, roles),
        highlights=typed.highlights,
        red_flags=typed.red_flags,
        next_questions=typed.questions_for_next_round,
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


def read_in_new_session(org_id: str, job_id: str) -> ReportData:
    with session_scope() as session:
        return read_report(session, org_id=org_id, job_id=job_id)


def rescoring(job_id: str) -> bool:
    with session_scope() as session:
        latest = speaker_roles.latest(session, job_id=job_id)
        return latest is not None and latest.status in speaker_roles.ACTIVE


def new_events(job_id: str, after_id: int) -> list[EventRow]:
    with session_scope() as session:
        return [
            event_row(e)
            for e in interview_jobs.job_events(session, job_id=job_id, after_id=after_id)
        ]
