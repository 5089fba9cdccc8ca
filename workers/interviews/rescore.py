"""Re-scoring a finished interview with the speaker roles a recruiter confirmed
(``backend.services.interviews.speaker_roles``).

``run_rescore`` claims the confirmation's lease, rebuilds the conversation from the job's stored
transcript (the recording may be gone, and is never transcribed again) with the confirmed roles
and merged labels, and runs the text path's measuring and assessment on it (``pipeline.report``,
sentence model only). The new result keeps what the recording gave (duration, where it was
assessed from, how speakers were told apart, the speech models' names) and says who confirmed
the roles; it replaces the job's result in the same transaction that finishes the
confirmation. Nothing is charged.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlmodel import col

from backend.db import session_scope
from backend.models.interviews import InterviewJob, SpeakerRoleConfirmation
from backend.services import leases
from backend.services.interviews import speaker_roles
from workers import leased_work
from workers.interviews import loaded_models
from workers.interviews.pipeline import (
    INTERVIEWER,
    Conversation,
    assessment_inputs,
    report,
)
from workers.speech.speaker_timeline import SpeakerTurn
from workers.speech.transcription import Segment, Word

log = logging.getLogger(__name__)


class RescoreFailed(Exception):
    pass


def run_rescore(confirmation_id: str) -> str:
    """Re-score if this worker can claim the confirmation: ``completed``, ``failed``,
    ``skipped`` (another worker has it, or it is finished) or ``abandoned`` (lease lost)."""
    owner = leases.worker_identity()
    with session_scope() as session:
        if not leases.claim(
            session,
            SpeakerRoleConfirmation,
            work_id=confirmation_id,
            owner=owner,
            claimable=speaker_roles.claimable(),
            max_attempts=speaker_roles.MAX_ATTEMPTS,
        ):
            return "skipped"
        if not speaker_roles.start(session, confirmation_id=confirmation_id, owner=owner):
            return "abandoned"
    with leased_work.heartbeat(SpeakerRoleConfirmation, confirmation_id, owner):
        try:
            result = _rescored(confirmation_id)
        except Exception as error:  # the job keeps its result; the reason goes on the row
            log.exception("re-scoring %s failed", confirmation_id)
            message = str(error) if isinstance(error, RescoreFailed) else type(error).__name__
            with session_scope() as session:
                speaker_roles.fail(
                    session,
                    confirmation_id=confirmation_id,
                    message=f"Re-scoring failed: {message}",
                    owner=owner,
                )
            return "failed"
    with session_scope() as session:
        done = speaker_roles.complete(
            session, confirmation_id=confirmation_id, owner=owner, result=result
        )
    return "completed" if done else "abandoned"


def _rescored(confirmation_id: str) -> dict[str, Any]:
    with session_scope() as session:
        confirmation = session.get(SpeakerRoleConfirmation, confirmation_id)
        assert confirmation is not None  # claimed a moment ago
        job = session.get(InterviewJob, confirmation.job_id)
        if job is None or not job.result:
            raise RescoreFailed("the interview has no result to re-score.")
        previous: dict[str, Any] = dict(job.result)
        labelling = speaker_roles.labelling(
            confirmation.speakers, speaker_roles.speaker_labels(previous)
        )
        confirmed = speaker_roles.confirmed_block(confirmation, labelling.merged_into)
        inputs = assessment_inputs(session, job)
    loaded = loaded_models.load(speech=False)
    conversation = relabelled_conversation(previous, labelling)
    if not conversation.segments:
        raise RescoreFailed("the transcript is empty.")
    fresh = report(loaded, conversation, **inputs.report_arguments(), roles_confirmed=True)
    return {
        **fresh,
        "assessed_from": previous.get("assessed_from", fresh["assessed_from"]),
        "duration_s": previous.get("duration_s", fresh["duration_s"]),
        "diarization": {
            **(previous.get("diarization") or fresh["diarization"]),
            **{k: v for k, v in fresh["diarization"].items() if k == "turns"},
            "speaker_count": len(fresh["speakers"]),
            "roles_confirmed": True,
        },
        # The speech models are the recording's; only the sentence model ran again.
        "models": {**(previous.get("models") or {}), "embeddings": fresh["models"]["embeddings"]},
        "speaker_roles": confirmed,
    }


def relabelled_conversation(
    result: dict[str, Any], labelling: speaker_roles.Labelling
) -> Conversation:
    """The result's transcript as a conversation, merged labels renamed, roles as confirmed."""
    segments = []
    for row in result.get("transcript") or []:
        label = str(row.get("speaker") or INTERVIEWER)
        label = labelling.merged_into.get(label, label)
        words = tuple(
            Word(float(w["start"]), float(w["end"]), str(w["text"]), 1.0, w.get("heard"))
            for w in row.get("words") or []
            if isinstance(w, dict)
        )
        segments.append(
            Segment(
                start=float(row.get("start") or 0.0),
                end=float(row.get("end") or 0.0),
                text=str(row.get("text") or ""),
                words=words,
                avg_logprob=0.0,
                no_speech_prob=0.0,
                speaker=label,
            )
        )
    duration = float(result.get("duration_s") or max((s.end for s in segments), default=0.0))
    diarization = result.get("diarization") or {}
    return Conversation(
        segments=tuple(segments),
        duration=duration,
        method=str(diarization.get("method") or "text"),
        known_roles=dict(labelling.roles),
        separation=diarization.get("separation"),
        turns=tuple(
            SpeakerTurn(float(start), float(end), labelling.merged_into.get(str(who), str(who)))
            for start, end, who in diarization.get("turns") or []
        ),
    )


def requeue_stale(*, older_than_s: int = 60) -> tuple[int, int]:
    """The minute sweep for re-scorings (``workers.leased_work.requeue_stale``); one that kept
    losing its workers fails, and the job keeps its result."""

    def give_up(session, confirmation_id: str, attempts: int) -> bool:
        return speaker_roles.fail(
            session,
            confirmation_id=confirmation_id,
            message=f"Re-scoring stopped its worker {attempts} times.",
            owner=None,
        )

    return leased_work.requeue_stale(
        SpeakerRoleConfirmation,
        claimable=speaker_roles.claimable(),
        created_column=col(SpeakerRoleConfirmation.confirmed_at),
        max_attempts=speaker_roles.MAX_ATTEMPTS,
        enqueue=speaker_roles.dispatch_rescore,
        give_up=give_up,
        older_than_s=older_than_s,
    )
