"""Accepting an interview as text: a transcript with speakers, assessed like a recording once it
is transcribed (``POST /recruitscreen/jobs`` with a JSON body, seed 003 calls' transcripts).

The integrator sends segments in speaking order, each with its ``text`` and a ``speaker`` label,
a ``role`` (``interviewer`` or ``candidate``) or both; a label that is itself a role counts as
that role, and a label's role given on one segment holds for all of its segments. ``start`` and
``end`` (seconds) are optional: missing times are laid end to end at ``WORDS_PER_S``.

Refused with 422 and the reasons (nothing stored, nothing charged): no segment with text, no
candidate speaker, no interviewer, a speaker with two roles or none, times that run backwards.

Text costs no credits: seed 004 charges per audio minute, and a transcript has none (the job is
still created through ``submission.add_charged_job``, charged 0, so its lifecycle is a
recording's). The job's input is the normalised transcript as JSON in the job's folder, deleted
after processing like a recording unless the organisation keeps inputs. This module imports
nothing of the workers.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlmodel import Session

from backend.models.assessments import _text_problem
from backend.models.interviews import InterviewJob, InterviewSource, new_job_id
from backend.models.organisations import Organization
from backend.services import storage_quota
from backend.services.errors import NotFound
from backend.services.interviews.submission import (
    QUEUED_DETAIL,
    ROLE_TITLE_MAX,
    add_charged_job,
    recording_key,
)
from backend.services.storage import discard, get_storage

Role = Literal["interviewer", "candidate"]
# Speaker labels for segments that carry only a role (those of the audio path).
ROLE_SPEAKERS: dict[str, str] = {"interviewer": "SPEAKER_00", "candidate": "SPEAKER_01"}
WORDS_PER_S = 2.5
MAX_SEGMENTS = 5000
MAX_SEGMENT_CHARS = 20_000
MAX_TOTAL_CHARS = 400_000
TRANSCRIPT_FILE = "transcript.json"


class TranscriptSegment(BaseModel):
    """One stretch of speech: ``text`` and who said it (``speaker`` label and/or ``role``)."""

    model_config = ConfigDict(extra="ignore")

    speaker: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    role: Role | None = None
    start: Annotated[float, Field(ge=0, le=864_000)] | None = None
    end: Annotated[float, Field(ge=0, le=864_000)] | None = None
    text: Annotated[str, Field(max_length=MAX_SEGMENT_CHARS)]

    @model_validator(mode="after")
    def _who_and_when(self) -> TranscriptSegment:
        if self.speaker is None and self.role is None:
            raise ValueError("each segment needs a speaker label or a role")
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError("end is before start")
        return self


class TranscriptSubmission(BaseModel):
    """The JSON body of ``POST /recruitscreen/jobs`` for an interview given as text."""

    model_config = ConfigDict(extra="ignore")

    role_title: Annotated[str, Field(min_length=1, max_length=ROLE_TITLE_MAX)]
    transcript: Annotated[list[TranscriptSegment], Field(max_length=MAX_SEGMENTS)]

    @model_validator(mode="before")
    @classmethod
    def _storable_text(cls, data: Any) -> Any:
        # Stored in PostgreSQL (role, speakers) and JSON files: no NUL, no lone surrogates.
        if (problem := _text_problem(data)) is not None:
            raise ValueError(problem)
        return data

    @model_validator(mode="after")
    def _assessable(self) -> TranscriptSubmission:
        if not self.role_title.strip():
            raise ValueError("role_title is required: the role the interview was for")
        spoken = [s for s in self.transcript if s.text.strip()]
        if not spoken:
            raise ValueError("the transcript is empty: no segment has any text")
        if sum(len(s.text) for s in spoken) > MAX_TOTAL_CHARS:
            raise ValueError(f"the transcript is longer than {MAX_TOTAL_CHARS} characters")
        roles = speaker_roles(spoken)
        if "candidate" not in roles.values():
            raise ValueError(
                "no candidate speaker: mark the candidate's segments with role 'candidate'"
            )
        if "interviewer" not in roles.values():
            raise ValueError(
                "no interviewer: mark the interviewer's segments with role 'interviewer'"
            )
        return self


def speaker_roles(segments: list[TranscriptSegment]) -> dict[str, str]:
    """Each speaker label's role (see the module docstring); raises ``ValueError`` for a label
    with two roles or none."""
    roles: dict[str, str] = {}
    for segment in segments:
        label = _label(segment)
        role = segment.role or _role_named(segment.speaker)
        if role is None:
            continue
        if roles.setdefault(label, role) != role:
            raise ValueError(f"speaker {label!r} is given two roles")
    unknown = sorted({_label(s) for s in segments} - set(roles))
    if unknown:
        raise ValueError(
            f"speaker {unknown[0]!r} has no role: give one of its segments role "
            "'interviewer' or 'candidate'"
        )
    return roles


def _role_named(label: str | None) -> str | None:
    name = (label or "").strip().lower()
    return name if name in ROLE_SPEAKERS else None


def _label(segment: TranscriptSegment) -> str:
    if segment.speaker is not None and segment.speaker.strip():
        return segment.speaker.strip()
    return ROLE_SPEAKERS[str(segment.role)]


def normalised(submission: TranscriptSubmission) -> list[dict[str, object]]:
    """The segments the worker reads: text, speaker label, role and times (missing times laid
    end to end at ``WORDS_PER_S``, never before the previous segment's start)."""
    spoken = [s for s in submission.transcript if s.text.strip()]
    roles = speaker_roles(spoken)
    clock = 0.0
    out: list[dict[str, object]] = []
    for segment in spoken:
        text = " ".join(segment.text.split())
        start = segment.start if segment.start is not None else clock
        end = segment.end if segment.end is not None else start + len(text.split()) / WORDS_PER_S
        end = max(end, start)
        label = _label(segment)
        out.append(
            {
                "start": round(start, 2),
                "end": round(end, 2),
                "speaker": label,
                "role": roles[label],
                "text": text,
            }
        )
        clock = max(clock, end)
    return out


def submit_transcript(
    session: Session, *, org_id: str, submission: TranscriptSubmission
) -> InterviewJob:
    """Store the transcript and create its job (``queued``, 0 credits); call
    ``submission.dispatch_job(job.id)`` after this returns."""
    if session.get(Organization, org_id) is None:
        raise NotFound("Organisation not found.")
    segments = normalised(submission)
    job_id = new_job_id()
    key = recording_key(job_id, TRANSCRIPT_FILE)
    data = json.dumps(segments, ensure_ascii=False).encode()
    try:
        job = InterviewJob(
            id=job_id,
            org_id=org_id,
            source=InterviewSource.transcript.value,
            role_title=submission.role_title.strip(),
            input_path=key,
            input_filename=TRANSCRIPT_FILE,
            input_bytes=len(data),
            duration_s=max(float(s["end"]) for s in segments),  # type: ignore[arg-type]
            detail=QUEUED_DETAIL,
        )
        storage_quota.reserve(
            org_id=org_id, key=key, size=len(data), kind=storage_quota.Kind.transcript
        )
        add_charged_job(session, job=job)
        get_storage().put_bytes(key, data)  # stored before the row that names it exists
        session.commit()
    except BaseException:
        session.rollback()
        discard(key)
        raise
    session.refresh(job)
    return job
