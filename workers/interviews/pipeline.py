"""One interview job, from the queue message to the report.

``run_interview_job`` claims the job's lease (one worker runs it; a dead worker's job is taken
over once its lease lapses), waits for the models under ``loading_weights`` when they are cold,
then under ``processing_inference`` decodes, transcribes, attributes speakers (stereo channels,
diarization by speaker embeddings for mono, or known for a browser interview), measures the
conversation and assesses it. A transcript sent as text (``text_conversation``) skips the speech
models and goes straight to the same measuring and assessment. Every state is recorded in the
database before the work it names. Inputs are deleted after processing unless the organisation
keeps them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from backend.db import session_scope
from backend.models import InterviewAnswer, InterviewCall, InterviewJob
from backend.models.interviews import ACTIVE_STATUSES, InterviewSource
from backend.models.organisation_settings import MediaKind
from backend.services import leases
from backend.services.interviews import jobs
from backend.services.interviews.transcripts import TRANSCRIPT_FILE
from backend.services.media_retention import delete_stored
from backend.services.pipeline.job_vocabulary import interview_vocabulary
from backend.services.retention_policy import retention_of
from backend.services.rubrics import ensure_default_rubric
from backend.services.storage import ObjectMissing, get_storage, stored_key
from workers import leased_work
from workers.interviews import loaded_models
from workers.interviews.assessment.bank import question_bank
from workers.speech.speaker_timeline import SpeakerTurn
from workers.speech.transcription import Segment, Transcript, Word

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
CLAIMABLE = (col(InterviewJob.status).in_([s.value for s in ACTIVE_STATUSES]),)
INTERVIEWER, CANDIDATE = "SPEAKER_00", "SPEAKER_01"
# A browser interview's questions are read aloud by speech synthesis, not recorded: their place
# in the timeline is estimated at this speaking rate.
READ_ALOUD_WORDS_PER_S = 2.5


class JobFailed(Exception):
    """The recording cannot be processed; ``code`` and ``message`` go on the failed job."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class LeaseLost(Exception):
    """Another worker took the job over."""


@dataclass(frozen=True)
class Conversation:
    segments: tuple[Segment, ...]
    duration: float
    method: str  # channels | embeddings | single | known | text
    known_roles: dict[str, str] | None
    # How clearly a mono recording holds a second voice (diarization's silhouette), else None.
    separation: float | None = None
    # Whether the voices were clearly apart (False: the split of a mono recording into the
    # interview's two voices may be wrong, so the roles wait for a reviewer).
    voices_clear: bool = True
    # Who speaks when over the speech actually heard (mono recordings: the speaker timeline).
    turns: tuple[SpeakerTurn, ...] = ()


def run_interview_job(job_id: str) -> str:
    """Process ``job_id`` if this worker can claim it: ``completed``, ``failed``, ``skipped``
    (another worker has it, or it is finished) or ``abandoned`` (lease lost midway)."""
    owner = leases.worker_identity()
    with session_scope() as session:
        if not leases.claim(
            session,
            InterviewJob,
            work_id=job_id,
            owner=owner,
            claimable=CLAIMABLE,
            max_attempts=MAX_ATTEMPTS,
        ):
            return "skipped"
    with leased_work.heartbeat(InterviewJob, job_id, owner):
        try:
            result = _process(job_id, owner)
        except LeaseLost:
            log.warning("interview job %s: lease lost, another worker finishes it", job_id)
            return "abandoned"
        except JobFailed as failure:
            return _finish_failed(job_id, owner, failure.code, failure.message)
        except Exception as error:  # a bug must still end the job with a reason
            log.exception("interview job %s failed", job_id)
            return _finish_failed(
                job_id, owner, "processing_error", f"Processing failed: {type(error).__name__}."
            )
    with session_scope() as session:
        done = jobs.complete(session, job_id=job_id, owner=owner, result=result)
    if done:
        _dispose_inputs(job_id)
    return "completed" if done else "abandoned"


def _finish_failed(job_id: str, owner: str, code: str, message: str) -> str:
    with session_scope() as session:
        changed = jobs.fail(session, job_id=job_id, owner=owner, code=code, message=message)
    if changed:
        _dispose_inputs(job_id)
    return "failed" if changed else "abandoned"


def _transition(job_id: str, owner: str, status: str, detail: str) -> None:
    with session_scope() as session:
        if not jobs.transition(session, job_id=job_id, owner=owner, status=status, detail=detail):
            raise LeaseLost(job_id)


def _process(job_id: str, owner: str) -> dict[str, Any]:
    with session_scope() as session:
        job = session.get(InterviewJob, job_id)
        assert job is not None  # claimed a moment ago
        source, role_title, call_id = job.source, job.role_title, job.call_id
        input_key = jobs.input_key(job)
        inputs = assessment_inputs(session, job)
        vocabulary = interview_vocabulary(
            session, role_title=role_title, call_id=call_id, questions=inputs.questions
        )
    speech = source != InterviewSource.transcript.value
    if not loaded_models.is_warm(speech=speech):
        what = "speech models" if speech else "sentence model"
        _transition(job_id, owner, "loading_weights", f"Loading the {what} (cold start).")
        try:
            loaded = loaded_models.load(speech=speech)
        except Exception as error:
            message = f"The {what} could not be loaded: {error}"
            raise JobFailed("model_unavailable", message) from None
    else:
        loaded = loaded_models.load(speech=speech)
    detail = "Transcribing and assessing." if speech else "Assessing the transcript."
    _transition(job_id, owner, "processing_inference", detail)
    what = "recording" if speech else "transcript"
    if input_key is None:
        raise JobFailed("input_missing", f"The {what} is no longer stored.")
    if not speech:
        with _fetched(input_key, "The transcript is no longer stored.") as path:
            conversation = text_conversation(path)
    elif source == InterviewSource.call.value:
        conversation = _call_conversation(loaded, call_id, vocabulary)
    else:
        with _fetched(input_key, "The recording is no longer stored.") as path:
            conversation = recording_conversation(loaded, path, vocabulary)
    if not conversation.segments:
        raise JobFailed("no_speech", "No speech was found in the recording (it is silent).")
    return report(loaded, conversation, **inputs.report_arguments())


@dataclass(frozen=True)
class AssessmentInputs:
    """What a job's assessment is measured against, besides its transcript."""

    role_title: str
    rubric_categories: list[dict[str, Any]]
    rubric_ref: dict[str, Any]
    questions: list[dict[str, Any]]

    def report_arguments(self) -> dict[str, Any]:
        """``report``'s keyword arguments."""
        return {
            "role_title": self.role_title,
            "rubric_categories": self.rubric_categories,
            "rubric_ref": self.rubric_ref,
            "questions": self.questions,
        }


def assessment_inputs(session: Session, job: InterviewJob) -> AssessmentInputs:
    """The organisation's default rubric and the job's question bank (``interview.bank``)."""
    rubric = ensure_default_rubric(session, org_id=job.org_id)
    return AssessmentInputs(
        role_title=job.role_title,
        rubric_categories=list(rubric.categories),
        rubric_ref={"id": rubric.id, "version": rubric.version},
        questions=question_bank(
            session, org_id=job.org_id, role_title=job.role_title, call_id=job.call_id
        ),
    )


@contextmanager
def _fetched(key: str, missing: str) -> Iterator[Path]:
    """The stored object as a local file for the decoder (``storage.local_copy``: a copy from a
    shared store is removed afterwards); ``input_missing`` when it is not stored."""
    with ExitStack() as stack:
        try:
            path = stack.enter_context(get_storage().local_copy(stored_key(key)))
        except ObjectMissing:
            raise JobFailed("input_missing", missing) from None
        yield path


def _decode(path: Path, *, channels: str = "keep"):
    from workers.speech.decoding import AudioDecodeError, decode_audio

    try:
        return decode_audio(path, channels=channels)  # type: ignore[arg-type]
    except AudioDecodeError as error:
        raise JobFailed("audio_unreadable", f"The recording cannot be decoded: {error}") from None


def recording_conversation(
    loaded: loaded_models.LoadedModels, path: Path, vocabulary: Sequence[str] = ()
) -> Conversation:
    """An uploaded recording: speakers by channel when stereo, by voice when mono.
    `vocabulary`: the job's terms, for the speech model and the correction of its output
    (``job_vocabulary``, ``term_correction``)."""
    from workers.speech.channels import transcribe_channels
    from workers.speech.diarization import diarize

    audio = _decode(path)
    channel_transcript = transcribe_channels(loaded.asr, audio, vocabulary=vocabulary)
    transcript = channel_transcript.transcript
    if channel_transcript.mode == "stereo":
        return Conversation(transcript.segments, audio.duration, "channels", None)
    if not transcript.segments:
        return Conversation((), audio.duration, "single", None)
    # An interview has an interviewer and a candidate: two voices at least. Whether they were
    # clearly apart is kept, so that an unclear split is confirmed before anything is scored.
    diarized = diarize(audio, transcript, encoder=loaded.speaker_encoder, min_speakers=2)
    return Conversation(
        diarized.segments,
        audio.duration,
        diarized.method,
        None,
        diarized.separation,
        voices_clear=diarized.voices_clear,
        turns=diarized.turns,
    )


def text_conversation(path: Path) -> Conversation:
    """A transcript sent as text (``backend.services.interviews.transcripts``): its segments as
    they are, speakers and roles known, words spread evenly over each segment."""
    import json

    rows = json.loads((path if path.is_file() else path / TRANSCRIPT_FILE).read_text())
    segments = tuple(
        _said(str(r["text"]), float(r["start"]), float(r["end"]), str(r["speaker"])) for r in rows
    )
    roles = {str(r["speaker"]): str(r["role"]) for r in rows}
    duration = max((s.end for s in segments), default=0.0)
    return Conversation(segments, duration, "text", roles)


def _call_conversation(
    loaded: loaded_models.LoadedModels, call_id: str | None, vocabulary: Sequence[str]
) -> Conversation:
    """A browser interview: each question (read aloud, not recorded) then its recorded answer,
    laid end to end. Who speaks is known: the questions are the interviewer's."""
    from workers.speech.transcription import transcribe

    with session_scope() as session:
        call = session.get(InterviewCall, call_id) if call_id else None
        if call is None:
            raise JobFailed("input_missing", "The interview this job belongs to is gone.")
        questions = [q.get("text", "") for q in call.questions]
        answers = session.exec(
            select(InterviewAnswer)
            .where(InterviewAnswer.call_id == call.id)
            .order_by(col(InterviewAnswer.question_index))
        ).all()
        answer_files = [(a.question_index, a.path) for a in answers]
    segments: list[Segment] = []
    clock = 0.0
    for index, key in answer_files:
        question = questions[index] if index < len(questions) else ""
        if question:
            spoken = max(2.0, len(question.split()) / READ_ALOUD_WORDS_PER_S)
            segments.append(_said(question, clock, clock + spoken, INTERVIEWER))
            clock += spoken
        with _fetched(key, f"The answer to question {index + 1} is missing.") as path:
            audio = _decode(path, channels="mono")
        answer = transcribe(loaded.asr, audio, vocabulary=vocabulary)
        segments.extend(_shifted(answer, clock, CANDIDATE))
        clock += audio.duration
    if not any(s.speaker == CANDIDATE for s in segments):
        return Conversation((), clock, "known", None)
    return Conversation(
        tuple(segments), clock, "known", {INTERVIEWER: "interviewer", CANDIDATE: "candidate"}
    )


def _said(text: str, start: float, end: float, speaker: str) -> Segment:
    words = text.split()
    step = (end - start) / max(1, len(words))
    return Segment(
        start=round(start, 2),
        end=round(end, 2),
        text=text,
        words=tuple(
            Word(round(start + i * step, 2), round(start + (i + 1) * step, 2), w, 1.0)
            for i, w in enumerate(words)
        ),
        avg_logprob=0.0,
        no_speech_prob=0.0,
        speaker=speaker,
    )


def _shifted(transcript: Transcript, offset: float, speaker: str) -> list[Segment]:
    return [
        replace(
            s,
            start=round(s.start + offset, 2),
            end=round(s.end + offset, 2),
            words=tuple(
                replace(w, start=round(w.start + offset, 2), end=round(w.end + offset, 2))
                for w in s.words
            ),
            speaker=speaker,
        )
        for s in transcript.segments
    ]


def report(
    loaded: loaded_models.LoadedModels,
    conversation: Conversation,
    *,
    role_title: str,
    rubric_categories: list[dict[str, Any]],
    rubric_ref: dict[str, Any],
    questions: list[dict[str, Any]] | None = None,
    roles_confirmed: bool = False,
) -> dict[str, Any]:
    """The result: transcript, speakers, metrics and the assessment against the organisation's
    rubric (its default one; a code rubric gives the default interview competencies), each
    answer judged against ``questions`` (the job's question bank, ``interview.bank``).
    ``roles_confirmed``: a person confirmed the conversation's ``known_roles`` (``rescore``), so
    they are not second-guessed."""
    from workers.interviews.assessment.assessment import assess
    from workers.interviews.assessment.wording import refine_wording
    from workers.speech.metrics import assign_roles, conversation_metrics, talk_seconds

    segments = conversation.segments
    roles = assign_roles(segments, known=conversation.known_roles)
    metrics = conversation_metrics(
        segments, duration=conversation.duration, turns=conversation.turns
    )
    talk = talk_seconds(segments, conversation.turns)
    transcript = [
        {
            "start": round(s.start, 2),
            "end": round(s.end, 2),
            "speaker": s.speaker or INTERVIEWER,
            "role": roles.get(s.speaker or INTERVIEWER, "candidate"),
            "text": s.text.strip(),
            "words": [_word_row(w) for w in s.words],
        }
        for s in segments
    ]
    assessment = assess(
        transcript,
        roles=roles,
        metrics=metrics,
        rubric_categories=rubric_categories,
        role_title=role_title,
        embedder=loaded.embedder,
        rubric=rubric_ref,
        questions=questions,
        roles_confirmed=roles_confirmed,
        speaker_doubt=None if conversation.voices_clear else _voices_unclear(conversation),
    )
    assessment = refine_wording(assessment, role_title=role_title)
    speakers = sorted({row["speaker"] for row in transcript})
    text = conversation.method == "text"
    names = {"embeddings": loaded.names["embeddings"]} if text else loaded.names
    return {
        # What was assessed: a recording transcribed here ("audio") or a transcript as sent.
        "assessed_from": "text" if text else "audio",
        "duration_s": round(conversation.duration, 2),
        "transcript": transcript,
        "speakers": [
            {
                "id": speaker,
                "role": roles.get(speaker, "candidate"),
                "talk_s": round(talk.get(speaker, 0.0), 2),
            }
            for speaker in speakers
        ],
        "diarization": _diarization(conversation, len(speakers)),
        "metrics": metrics,
        "assessment": assessment,
        "models": dict(sorted(names.items())),
    }


def _word_row(word: Word) -> dict[str, Any]:
    """A transcript word as stored; a job's term put back in its spelling keeps what the speech
    model heard (``heard``), so quoted evidence can be traced to the recognition."""
    row: dict[str, Any] = {
        "start": round(word.start, 2),
        "end": round(word.end, 2),
        "text": word.text.strip(),
    }
    if word.heard is not None:
        row["heard"] = word.heard
    return row


def _diarization(conversation: Conversation, speaker_count: int) -> dict[str, Any]:
    """How speakers were told apart; for voices, how clearly (``separation``, ``voices_clear``)
    and who spoke when (``turns``: [start, end, speaker] over the speech heard)."""
    block: dict[str, Any] = {"method": conversation.method, "speaker_count": speaker_count}
    if conversation.separation is not None:
        block["separation"] = conversation.separation
        block["voices_clear"] = conversation.voices_clear
    if conversation.turns:
        block["turns"] = [
            [round(t.start, 2), round(t.end, 2), t.speaker] for t in conversation.turns
        ]
    return block


def _voices_unclear(conversation: Conversation) -> str:
    """Why a mono recording's split into voices waits for a reviewer."""
    return (
        "The voices in the recording could not be told apart clearly (separation "
        f"{conversation.separation or 0.0:.2f}), so who said what may be wrong."
    )


def _dispose_inputs(job_id: str) -> None:
    """Delete a job's inputs after processing when the organisation's retention says so
    (``retention_policy``): an uploaded recording unless the organisation keeps inputs, a
    browser interview's answers only when it chose "right after processing" (by default the
    report plays each one, and the retention sweep deletes them later)."""
    with session_scope() as session:
        job = session.get(InterviewJob, job_id)
        if job is None or job.input_path is None or job.input_deleted_at is not None:
            return
        call = job.source == InterviewSource.call.value
        kind = MediaKind.answers if call else MediaKind.recordings
        if not retention_of(session, org_id=job.org_id, kind=kind).after_processing:
            return
        stored = job.input_path
        if not jobs.mark_input_deleted(session, job_id=job_id):
            return
    delete_stored(stored, folder=call)


def _enqueue(job_id: str, priority: int) -> None:
    """The queue of the job's kind (a transcript sent as text: cpu; audio: gpu)."""
    from backend.services import dispatch

    with session_scope() as session:
        job = session.get(InterviewJob, job_id)
        source = job.source if job is not None else None
    dispatch.enqueue_interview(job_id, priority, source=source)


def requeue_stale(*, older_than_s: int = 60) -> tuple[int, int]:
    """The minute sweep for interview jobs (``workers.leased_work.requeue_stale``); one that
    kept losing its workers fails as ``worker_lost``."""

    def give_up(session: Session, job_id: str, attempts: int) -> bool:
        failed = jobs.fail_abandoned(
            session,
            job_id=job_id,
            code="worker_lost",
            message=f"Processing stopped its worker {attempts} times.",
        )
        if failed:  # processing is over: the retention rule applies as after any failure
            _dispose_inputs(job_id)
        return failed

    return leased_work.requeue_stale(
        InterviewJob,
        claimable=CLAIMABLE,
        created_column=col(InterviewJob.created_at),
        max_attempts=MAX_ATTEMPTS,
        enqueue=_enqueue,
        give_up=give_up,
        older_than_s=older_than_s,
    )
