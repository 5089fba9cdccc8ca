"""One person as a recruiter reads them: their name(s) and email, a few figures, and a timeline
of everything the organisation did with them, newest first, each event linking to its page.

Built on ``person_records.find_person`` (the rows about the person, found by email in one
organisation) plus two queries for the titles of the assessments and jobs those rows name, so a
profile costs the same handful of queries whatever the person's history.

What the rows say, as events:
- take-home: invited (the key made), key redeemed (the session started), submitted (the
  evaluation created), evaluated (the engine's recommendation and overall score), reviewed and
  finalised (the reviewer's recommendation and level), failed (the engine's reason), revoked;
- pipeline: application created (its job and current stage; the stage's history is not kept,
  so a later change shows as "stage now …" at the application's last update), interview link
  sent, interview answered, interview assessed (the automated recommendation), interview
  reviewed (the reviewer's decision).

The engine's finish time is kept only until a reviewer claims the evaluation (``stage_started_at``
moves on), so once a review began its "evaluated" event is placed when the review began.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from urllib.parse import quote

from pydantic import BaseModel
from sqlmodel import Session, col, select

from backend.models import Assessment, Job
from backend.models.evaluations import Evaluation, EvaluationStage, EvaluationStatus
from backend.models.interviews import InterviewJob, InterviewJobStatus
from backend.services.evaluations.cohort_position import overall_score
from backend.services.interviews.jobs import automated_recommendation
from backend.services.person_records import PersonRecords, find_person

PROFILE_ROUTE = "/candidates/profile"


def profile_href(email: str | None) -> str:
    """The profile page's address for ``email`` ("" when there is no email)."""
    email = (email or "").strip()
    return f"{PROFILE_ROUTE}?email={quote(email, safe='@')}" if email else ""


class EventKind(StrEnum):
    invited = "invited"
    key_redeemed = "key_redeemed"
    submitted = "submitted"
    evaluated = "evaluated"
    evaluation_failed = "evaluation_failed"
    reviewed = "reviewed"  # an evaluation finalised by a reviewer
    key_revoked = "key_revoked"
    application_created = "application_created"
    stage_changed = "stage_changed"
    interview_invited = "interview_invited"
    interview_answered = "interview_answered"
    interview_assessed = "interview_assessed"
    interview_reviewed = "interview_reviewed"


class TimelineEvent(BaseModel):
    kind: EventKind
    at: datetime
    text: str
    # The verdict at that step: "proceed", "hold", "reject" … ("" when the step has none).
    recommendation: str = ""
    # Whether the recommendation is the engine's (a proposal) rather than a person's.
    automated: bool = False
    score: float | None = None  # percent of the rubric maximum, for an evaluation
    level: str = ""
    href: str = ""  # the page the event is about


class ProfileSummary(BaseModel):
    assessments_taken: int = 0  # take-homes submitted
    invites: int = 0  # candidate keys sent to the address
    applications: int = 0
    interviews: int = 0  # browser interviews (calls) made for the person
    # The newest verdict: a reviewer's decision, else the newest automated proposal.
    latest_verdict: str = ""
    latest_verdict_automated: bool = False
    latest_verdict_href: str = ""


class CandidateProfile(BaseModel):
    email: str  # normalised and case-folded, as the rows are matched
    names: list[str] = []  # every name the rows give the person, most recent first
    found: bool = False
    summary: ProfileSummary = ProfileSummary()
    timeline: list[TimelineEvent] = []  # newest first

    @property
    def name(self) -> str:
        return self.names[0] if self.names else self.email


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _titles_by_id(
    session: Session, model: type[Assessment] | type[Job], org_id: str, ids: set[str]
) -> dict[str, str]:
    """``id -> title`` of the organisation's ``model`` rows among ``ids`` (no query when none)."""
    if not ids:
        return {}
    rows = session.exec(
        select(model.id, model.title).where(model.org_id == org_id, col(model.id).in_(ids))
    )
    return dict(rows.all())


def _titles(session: Session, records: PersonRecords) -> tuple[dict[str, str], dict[str, str]]:
    """The titles of the assessments and jobs the rows name (two queries, none when no ids)."""
    assessment_ids = {k.assessment_id for k in records.candidate_keys} | {
        e.assessment_id for e in records.evaluations if e.assessment_id
    }
    job_ids = {a.job_id for a in records.applications} | {c.job_id for c in records.calls}
    return (
        _titles_by_id(session, Assessment, records.org_id, assessment_ids),
        _titles_by_id(session, Job, records.org_id, job_ids),
    )


def _label(value: str) -> str:
    return value.replace("_", " ")


def _take_home_events(records: PersonRecords, assessments: dict[str, str]) -> list[TimelineEvent]:
    events: list[TimelineEvent] = []
    session_by_key = {s.candidate_key_id: s for s in records.sessions}
    for key in records.candidate_keys:
        title = assessments.get(key.assessment_id, "an assessment")
        href = f"/assessments/{key.assessment_id}"
        events.append(
            TimelineEvent(
                kind=EventKind.invited,
                at=key.created_at,
                text=f"Invited to {title} (key {key.key})",
                href=href,
            )
        )
        started = session_by_key.get(key.id)
        redeemed_at = started.started_at if started else key.redeemed_at
        if redeemed_at is not None:
            events.append(
                TimelineEvent(
                    kind=EventKind.key_redeemed,
                    at=redeemed_at,
                    text=f"Started {title} (redeemed key {key.key})",
                    href=href,
                )
            )
        if key.revoked_at is not None:
            events.append(
                TimelineEvent(
                    kind=EventKind.key_revoked,
                    at=key.revoked_at,
                    text=f"Key {key.key} revoked",
                    href=href,
                )
            )
    for evaluation in records.evaluations:
        events += _evaluation_events(evaluation, assessments)
    return events


def _evaluation_events(evaluation: Evaluation, assessments: dict[str, str]) -> list[TimelineEvent]:
    href = f"/evaluations/{evaluation.id}"
    what = assessments.get(evaluation.assessment_id or "") or evaluation.target_role
    late = " (late)" if evaluation.submitted_late else ""
    events = [
        TimelineEvent(
            kind=EventKind.submitted,
            at=evaluation.created_at,
            text=f"Submitted the take-home for {what}{late}",
            href=href,
        )
    ]
    result = evaluation.automated_result or {}
    if evaluation.status == EvaluationStatus.failed.value:
        events.append(
            TimelineEvent(
                kind=EventKind.evaluation_failed,
                at=evaluation.stage_started_at,
                text=f"Evaluation failed: {evaluation.failure_reason or evaluation.failure_code}",
                href=href,
            )
        )
    elif result:
        if evaluation.stage == EvaluationStage.awaiting_review.value:
            evaluated_at = evaluation.stage_started_at
        else:  # the review began since: no later than that
            evaluated_at = evaluation.claimed_at or evaluation.finalised_at
            evaluated_at = evaluated_at or evaluation.stage_started_at
        recommendation = str(result.get("recommendation") or "")
        events.append(
            TimelineEvent(
                kind=EventKind.evaluated,
                at=evaluated_at,
                text=f"Take-home evaluated: {_label(recommendation) or 'no recommendation'}",
                recommendation=recommendation,
                automated=True,
                score=overall_score(evaluation),
                level=str(result.get("calibrated_seniority") or ""),
                href=href,
            )
        )
    if evaluation.status == EvaluationStatus.completed.value and evaluation.finalised_at:
        recommendation = evaluation.final_recommendation or ""
        by = f" by {evaluation.reviewer_id}" if evaluation.reviewer_id else ""
        note = f": “{evaluation.review_note}”" if evaluation.review_note else ""
        events.append(
            TimelineEvent(
                kind=EventKind.reviewed,
                at=evaluation.finalised_at,
                text=f"Reviewed{by} — {_label(recommendation) or 'finalised'}{note}",
                recommendation=recommendation,
                score=overall_score(evaluation) if result else None,
                level=evaluation.final_level or "",
                href=href,
            )
        )
    return events


def _pipeline_events(records: PersonRecords, jobs: dict[str, str]) -> list[TimelineEvent]:
    events: list[TimelineEvent] = []
    for application in records.applications:
        title = jobs.get(application.job_id, "a job")
        href = f"/jobs/{application.job_id}"
        events.append(
            TimelineEvent(
                kind=EventKind.application_created,
                at=application.created_at,
                text=f"Applied to {title} (stage {_label(application.application_stage)})",
                href=href,
            )
        )
        if (_aware(application.updated_at) - _aware(application.created_at)).total_seconds() > 1:
            events.append(
                TimelineEvent(
                    kind=EventKind.stage_changed,
                    at=application.updated_at,
                    text=f"Application to {title} updated: stage now "
                    f"{_label(application.application_stage)}",
                    href=href,
                )
            )
    jobs_by_id = {j.id: j for j in records.interview_jobs}
    for call in records.calls:
        title = jobs.get(call.job_id, "a job")
        job = jobs_by_id.get(call.interview_job_id or "") or next(
            (j for j in records.interview_jobs if j.call_id == call.id), None
        )
        href = f"/interviews/{job.id}" if job else f"/jobs/{call.job_id}"
        events.append(
            TimelineEvent(
                kind=EventKind.interview_invited,
                at=call.created_at,
                text=f"Interview link sent for {title}",
                href=href,
            )
        )
        if call.completed_at is not None:
            events.append(
                TimelineEvent(
                    kind=EventKind.interview_answered,
                    at=call.completed_at,
                    text=f"Answered the interview for {title}",
                    href=href,
                )
            )
    for job in records.interview_jobs:
        events += _interview_job_events(job)
    return events


def _interview_job_events(job: InterviewJob) -> list[TimelineEvent]:
    href = f"/interviews/{job.id}"
    events: list[TimelineEvent] = []
    if job.status == InterviewJobStatus.completed.value and job.finished_at is not None:
        recommendation = automated_recommendation(job) or ""
        events.append(
            TimelineEvent(
                kind=EventKind.interview_assessed,
                at=job.finished_at,
                text=f"Interview for {job.role_title} assessed: "
                f"{_label(recommendation) or 'no recommendation'}",
                recommendation=recommendation,
                automated=True,
                href=href,
            )
        )
    elif job.status == InterviewJobStatus.failed.value and job.finished_at is not None:
        events.append(
            TimelineEvent(
                kind=EventKind.interview_assessed,
                at=job.finished_at,
                text=f"Interview for {job.role_title} could not be assessed: "
                f"{job.error or job.error_code or 'failed'}",
                href=href,
            )
        )
    if job.reviewed_at is not None and job.review_recommendation:
        by = f" by {job.reviewer_id}" if job.reviewer_id else ""
        note = f": “{job.review_note}”" if job.review_note else ""
        events.append(
            TimelineEvent(
                kind=EventKind.interview_reviewed,
                at=job.reviewed_at,
                text=f"Interview reviewed{by} — {_label(job.review_recommendation)}{note}",
                recommendation=job.review_recommendation,
                href=href,
            )
        )
    return events


def _names(records: PersonRecords) -> list[str]:
    dated: list[tuple[datetime, str]] = [
        (k.created_at, k.candidate_name.strip())
        for k in records.candidate_keys
        if (k.candidate_name or "").strip()
    ]
    dated += [
        (c.created_at, " ".join(p.strip() for p in (c.first_name, c.last_name or "") if p))
        for c in records.candidates
    ]
    names: list[str] = []
    for _, name in sorted(dated, key=lambda pair: _aware(pair[0]), reverse=True):
        if name and name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    return names


_STEP = {kind: index for index, kind in enumerate(EventKind)}
_DECISIONS = (EventKind.reviewed, EventKind.interview_reviewed)
_PROPOSALS = (EventKind.evaluated, EventKind.interview_assessed)


def _summary(records: PersonRecords, timeline: list[TimelineEvent]) -> ProfileSummary:
    verdict = next(
        (e for e in timeline if e.kind in _DECISIONS and e.recommendation), None
    ) or next((e for e in timeline if e.kind in _PROPOSALS and e.recommendation), None)
    return ProfileSummary(
        assessments_taken=len(records.evaluations),
        invites=len(records.candidate_keys),
        applications=len(records.applications),
        interviews=len(records.calls),
        latest_verdict=verdict.recommendation if verdict else "",
        latest_verdict_automated=verdict.automated if verdict else False,
        latest_verdict_href=verdict.href if verdict else "",
    )


def build_profile(session: Session, records: PersonRecords) -> CandidateProfile:
    """The profile the rows of ``records`` make (two queries more, for titles)."""
    assessments, jobs = _titles(session, records)
    events = _take_home_events(records, assessments) + _pipeline_events(records, jobs)
    # Newest first; of two at the same moment, the later step first.
    events.sort(key=lambda e: (_aware(e.at), _STEP[e.kind]), reverse=True)
    for event in events:
        event.at = _aware(event.at)
    return CandidateProfile(
        email=records.email,
        names=_names(records),
        found=records.found,
        summary=_summary(records, events),
        timeline=events,
    )


def candidate_profile(session: Session, *, org_id: str, email: str) -> CandidateProfile:
    """The profile of the person with ``email`` in organisation ``org_id`` (``found`` is False
    when it holds nothing about them). ``InvalidInput`` for something that is not an email."""
    return build_profile(session, find_person(session, org_id=org_id, email=email))


__all__ = [
    "PROFILE_ROUTE",
    "CandidateProfile",
    "EventKind",
    "ProfileSummary",
    "TimelineEvent",
    "candidate_profile",
    "profile_href",
]
