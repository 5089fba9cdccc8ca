"""An interview's report as a PDF: the candidate and the job, the verdict and whose it is (the
assessment's proposal or the reviewer's decision), a note on the speakers when a person confirmed
their roles or they could not be told apart, the competency scores as a bar chart with their
rationale and quotes, each judged answer with the sentence it is cited by and the key points it
matched and missed, then the risk flags.

``interview_export`` reads one of the organisation's jobs into a typed ``InterviewExport``
(NotFound for another organisation's, like every interview read); ``interview_pdf`` lays it out
with the pieces every report PDF shares (``backend.services.report_pdf``).
"""

from __future__ import annotations

from pydantic import BaseModel
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer
from sqlmodel import Session

from backend.models.base import iso
from backend.models.interview_result import (
    InterviewResult,
    JudgedAnswer,
    Quote,
    interview_length,
    read_interview_result,
)
from backend.models.interviews import InterviewJobStatus, InterviewSource
from backend.services import report_pdf as pdf
from backend.services.candidate_names import interview_candidate
from backend.services.interviews import jobs
from backend.services.interviews.speaker_roles import current_roles

SCORE_MAX = 5  # competencies are scored 1..5
SOURCES = {InterviewSource.call.value: "Browser interview", InterviewSource.upload.value: "Upload"}


class InterviewExport(BaseModel):
    """What the interview PDF shows, read from one job."""

    job_id: str
    candidate: str  # the name, else the email, else the job's title
    candidate_email: str = ""  # beside a name
    job_title: str
    source: str
    created: str  # ISO
    duration: str
    completed: bool
    result: InterviewResult
    roles: dict[str, str] = {}  # speaker label → interviewer | candidate
    reviewed_recommendation: str = ""
    reviewer: str = ""
    reviewed_at: str = ""
    review_note: str = ""


def interview_export(session: Session, *, org_id: str, job_id: str) -> InterviewExport:
    """One of the organisation's jobs as the PDF shows it (NotFound for a foreign id)."""
    job = jobs.get_job(session, org_id=org_id, job_id=job_id)
    completed = job.status == InterviewJobStatus.completed.value
    raw = job.result if completed else None
    candidate = interview_candidate(session, job)
    return InterviewExport(
        job_id=job.id,
        candidate=candidate.display,
        candidate_email=(candidate.email or "") if candidate.name else "",
        job_title=job.role_title,
        source=job.source,
        created=iso(job.created_at) or "",
        duration=interview_length(job, raw),
        completed=completed,
        result=read_interview_result(raw) or InterviewResult(),
        roles=current_roles(raw),
        reviewed_recommendation=job.review_recommendation or "",
        reviewer=job.reviewer_id or "",
        reviewed_at=iso(job.reviewed_at) or "",
        review_note=job.review_note or "",
    )


def interview_pdf(export: InterviewExport) -> bytes:
    """The report on A4, the same bytes for the same export."""
    assessment = export.result.assessment
    story: list[Flowable] = [
        *pdf.title_block(
            export.candidate,
            [export.candidate_email, export.job_title],
            [
                f"Interview {export.job_id}",
                SOURCES.get(export.source, export.source),
                f"held {export.created[:10]}" if export.created else "",
                f"length {export.duration}",
            ],
        ),
        pdf.verdict_block(_verdict(export)),
        Spacer(1, 4 * mm),
    ]
    if not export.completed:
        story.append(pdf.paragraph("The interview has no report yet."))
        return pdf.render(story, title=_title(export))
    if assessment.summary:
        story.append(pdf.paragraph(assessment.summary))
    chart = pdf.score_chart(
        [
            pdf.ChartBar(label=c.name, value=c.score, max_value=SCORE_MAX)
            for c in assessment.scores
            if c.score is not None
        ]
    )
    story += [
        *pdf.section(
            "Competency scores",
            [*([chart] if chart else []), *_competencies(export)],
            empty="No competency could be scored.",
        ),
        *pdf.section(
            "Answers",
            [f for number, a in enumerate(assessment.answers, 1) for f in _answer(number, a)],
            empty="No answer was judged against the job's questions.",
        ),
        *pdf.section("Risk flags", [f for flag in assessment.red_flags for f in pdf.point(flag)]),
    ]
    return pdf.render(story, title=_title(export))


def _title(export: InterviewExport) -> str:
    return f"{export.candidate} · interview {export.job_id}"


def speakers_note(export: InterviewExport) -> str:
    """Whether the scores rest on roles a person confirmed, or on none at all; "" otherwise."""
    confirmed = export.result.speaker_roles
    if confirmed is not None:
        when = f" on {confirmed.confirmed_at[:10]}" if confirmed.confirmed_at else ""
        return (
            f"Speakers' roles confirmed by {confirmed.confirmed_by}{when}; "
            "the scores use those roles."
        )
    if export.completed and not export.result.assessment.scored:
        return (
            "Speakers unclear: the interviewer and the candidate could not be told apart, so "
            "nothing is scored until a reviewer confirms their roles."
        )
    return ""


def _verdict(export: InterviewExport) -> pdf.Verdict:
    assessment = export.result.assessment
    automated = assessment.recommendation
    more: list[tuple[str, str]] = []
    if export.reviewed_recommendation:
        when = export.reviewed_at[:10] or "an unknown date"
        decided_by = f"Reviewer's decision: {export.reviewer or 'a reviewer'}, {when}"
        if export.reviewed_recommendation != automated:
            more.append(("Assessment proposed", pdf.words(automated)))
    elif automated:
        decided_by = "Assessment's proposal, not reviewed yet"
    else:
        decided_by = "Not decided yet"
    if export.review_note:
        more.append(("Reviewer's note", export.review_note))
    note = speakers_note(export)
    if note:
        more.append(("Speakers", note))
    recommendation = export.reviewed_recommendation or automated
    return pdf.Verdict(
        recommendation=pdf.words(recommendation)
        if recommendation
        else ("Not scored" if export.completed else pdf.EMPTY),
        confidence=pdf.confidence_text(assessment.confidence if assessment.scored else None),
        decided_by=decided_by,
        more=more,
    )


def _said(quote: Quote, roles: dict[str, str]) -> str:
    who = roles.get(quote.speaker, "").capitalize() or quote.speaker or "Speaker"
    return f"{quote.clock} {who}: “{quote.text}”"


def _competencies(export: InterviewExport) -> list[Flowable]:
    out: list[Flowable] = []
    for competency in export.result.assessment.scores:
        out.append(
            pdf.paragraph(
                f"{competency.name}: {pdf.number(round(competency.score))} / {SCORE_MAX}"
                if competency.score is not None
                else f"{competency.name}: not scored (not enough evidence)",
                "Heading3",
            )
        )
        if competency.rationale:
            out.append(pdf.paragraph(competency.rationale))
        for quote in competency.quotes:
            out += pdf.point(_said(quote, export.roles))
    return out


def _answer(number: int, answer: JudgedAnswer) -> list[Flowable]:
    judged = ", ".join(
        part
        for part in (
            f"score {pdf.number(answer.score)} / {SCORE_MAX}" if answer.score is not None else "",
            pdf.words(answer.verdict) if answer.verdict else "",
        )
        if part
    )
    out: list[Flowable] = [
        pdf.paragraph(
            f"Q{number} ({Quote(start=answer.question_start).clock}) {answer.question}", "Heading4"
        ),
    ]
    if judged:
        out.append(pdf.paragraph(judged, "Small"))
    cited = answer.cited
    out.append(
        pdf.paragraph(
            f"Cited: {cited.clock} “{cited.text}”" if cited else "No sentence states a key point.",
            "BodyText",
        )
    )
    matched = [p.key_point for p in answer.key_points if p.matched]
    missed = [p.key_point for p in answer.key_points if not p.matched]
    for key_point in matched:
        out += pdf.point(f"Matched: {key_point}")
    for key_point in missed:
        out += pdf.point(f"Missed: {key_point}")
    return out
