"""A browser interview's answers on its report: each question with its recorded answer to play
and what was transcribed of it.

A browser interview has no single recording: each answer is its own file
(``InterviewAnswer``, under the call's answers folder). They are kept after processing until the
retention sweep deletes the folder (``media_retention``, ``TRUELEVEL_ANSWER_RETENTION_DAYS``);
then each answer says so instead of offering a player. The file is served to signed-in members
of the organisation by ``GET /api/v1/web/interviews/{job_id}/answers/{index}/audio``
(``backend.api.interview_media``).

The transcript of an answer is read from the job's result: the worker lays each question
(spoken by the interviewer) before its answer (the candidate's segments), so the candidate's
lines between the n-th interviewer line and the next are the n-th answer.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, select

from backend.models.interviews import InterviewAnswer, InterviewCall, InterviewJob, InterviewSource
from backend.services.errors import NotFound
from backend.services.interviews.jobs import get_job, input_deleted_note
from backend.services.storage import ObjectMissing, get_storage, stored_key

ANSWER_AUDIO_ROUTE = "/api/v1/web/interviews/{job_id}/answers/{index}/audio"
_NOT_RECORDED = "No answer was recorded for this question."


class AnswerPlayback(BaseModel):
    """One question of a browser interview as the report shows it. ``audio_url`` is set while
    the answer is stored; otherwise ``unavailable`` says why (deleted by retention, say)."""

    index: int  # from 0
    question: str
    transcript: str
    duration_s: float | None = None
    audio_url: str | None = None
    unavailable: str | None = None


def _answer_transcripts(result: dict[str, Any] | None, count: int) -> list[str]:
    """The candidate's words per question, from the job's speaker-labelled transcript."""
    texts: list[list[str]] = [[] for _ in range(count)]
    index = -1
    for segment in (result or {}).get("transcript") or []:
        if not isinstance(segment, dict):
            continue
        if segment.get("role") == "interviewer":
            index += 1
            continue
        text = str(segment.get("text") or "").strip()
        if text and 0 <= index < count:
            texts[index].append(text)
    return [" ".join(parts) for parts in texts]


def _answers(session: Session, call_id: str) -> dict[int, InterviewAnswer]:
    rows = session.exec(
        select(InterviewAnswer)
        .where(InterviewAnswer.call_id == call_id)
        .order_by(col(InterviewAnswer.question_index))
    )
    return {row.question_index: row for row in rows}


def _stored(answer: InterviewAnswer | None) -> str | None:
    """The storage key of the answer's file while the store still holds it."""
    if answer is None or answer.size <= 0:
        return None
    try:
        key = stored_key(answer.path)
    except (ObjectMissing, ValueError):
        return None
    return key if get_storage().exists(key) else None


def answer_playbacks(session: Session, *, job: InterviewJob) -> list[AnswerPlayback]:
    """Each question of the browser interview behind ``job`` with its answer; [] for a job
    that did not come from a browser interview."""
    if job.source != InterviewSource.call.value or not job.call_id:
        return []
    call = session.get(InterviewCall, job.call_id)
    if call is None:
        return []
    deleted = input_deleted_note(job)
    answers = _answers(session, call.id) if deleted is None else {}
    transcripts = _answer_transcripts(job.result, len(call.questions))
    out = []
    for index, question in enumerate(call.questions):
        answer = answers.get(index)
        playable = _stored(answer) is not None
        out.append(
            AnswerPlayback(
                index=index,
                question=str(question.get("text") or ""),
                transcript=transcripts[index],
                duration_s=answer.duration_s if answer is not None else None,
                audio_url=(
                    ANSWER_AUDIO_ROUTE.format(job_id=job.id, index=index) if playable else None
                ),
                unavailable=None if playable else (deleted or _NOT_RECORDED),
            )
        )
    return out


def answer_file(session: Session, *, org_id: str, job_id: str, index: int) -> tuple[str, str]:
    """The storage key and file name of answer ``index`` of the organisation's browser
    interview ``job_id``. NotFound for another organisation's job, a job that is no browser
    interview, a question it does not have, and an answer deleted by retention (saying so)."""
    job = get_job(session, org_id=org_id, job_id=job_id)
    if job.source != InterviewSource.call.value or not job.call_id:
        raise NotFound("This interview has no recorded answers.", code="answer_not_found")
    deleted = input_deleted_note(job)
    if deleted is not None:
        raise NotFound(deleted, code="recording_deleted")
    answer = _answers(session, job.call_id).get(index)
    key = _stored(answer)
    if answer is None or key is None:
        raise NotFound(_NOT_RECORDED, code="answer_not_found")
    return key, answer.path.rsplit("/", 1)[-1]
