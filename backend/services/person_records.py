"""Everything an organisation holds about one person, found by their email: the one query that
both the export (``person_export``) and the erasure (``erasure``) of a candidate read.

Take-home side: the candidate keys sent to the address, their sessions and session events, the
evaluations of those sessions (and of zips those keys uploaded) and the uploads. Pipeline side:
the ``Candidate`` rows with the address, their applications and per-application questions,
browser interviews (calls and answers) and the interview jobs that assessed them (a recording
sent for an interview job alone names nobody, so it is found through a call). And the outbound
emails to the address, or about their keys and calls.

Stored files are listed with what they are (``PersonFile``); an interview job's input is also
listed as a key that may be a folder (a browser interview's answers) for the erasure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from backend.models import (
    Application,
    AtsTestOrder,
    Candidate,
    CandidateKey,
    CandidateSession,
    Evaluation,
    EvaluationUpload,
    InterviewAnswer,
    InterviewCall,
    InterviewJob,
    OutboundEmail,
    Question,
    SessionEvent,
)
from backend.models.email_addresses import normalised_email
from backend.models.interviews import InterviewSource
from backend.services.errors import InvalidInput
from backend.services.storage import ObjectMissing, stored_key


class FileKind(StrEnum):
    zip = "zip"  # an evaluation upload
    recording = "recording"  # an interview job's uploaded recording
    answer = "answer"  # one recorded answer of a browser interview
    resume = "resume"  # a candidate's or an application's resume


@dataclass(frozen=True)
class PersonFile:
    """A stored object of the person: its kind, the row it belongs to, and its storage key."""

    kind: FileKind
    row_id: str
    key: str


@dataclass
class PersonRecords:
    """The person's rows in one organisation (``find_person``)."""

    org_id: str
    email: str  # normalised and case-folded
    candidate_keys: list[CandidateKey] = field(default_factory=list)
    # Tests an ATS sent the person: its ids and link for them.
    ats_orders: list[AtsTestOrder] = field(default_factory=list)
    sessions: list[CandidateSession] = field(default_factory=list)
    session_events: list[SessionEvent] = field(default_factory=list)
    uploads: list[EvaluationUpload] = field(default_factory=list)
    evaluations: list[Evaluation] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    applications: list[Application] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    calls: list[InterviewCall] = field(default_factory=list)
    answers: list[InterviewAnswer] = field(default_factory=list)
    interview_jobs: list[InterviewJob] = field(default_factory=list)
    emails: list[OutboundEmail] = field(default_factory=list)

    @property
    def found(self) -> bool:
        """Whether the organisation holds anything about the person."""
        return bool(self.candidate_keys or self.candidates or self.emails)

    def files(self) -> list[PersonFile]:
        """The stored objects the rows name (each once): zips, recordings, answers, resumes.
        A path no store can hold is left out."""
        named: list[tuple[FileKind, str, str | None]] = [
            *((FileKind.zip, u.id, u.path) for u in self.uploads),
            *(
                (FileKind.recording, j.id, j.input_path)
                for j in self.interview_jobs
                if j.source == InterviewSource.upload.value and j.input_deleted_at is None
            ),
            *((FileKind.answer, a.id, a.path) for a in self.answers),
            *((FileKind.resume, c.id, c.resume_path) for c in self.candidates),
            *((FileKind.resume, a.id, a.resume_path) for a in self.applications),
        ]
        files: list[PersonFile] = []
        seen: set[str] = set()
        for kind, row_id, stored in named:
            if not stored:
                continue
            try:
                key = stored_key(stored)
            except (ObjectMissing, ValueError):
                continue
            if key not in seen:
                seen.add(key)
                files.append(PersonFile(kind=kind, row_id=row_id, key=key))
        return files

    @property
    def subject_id(self) -> str:
        """The id the audit log names the person by: their first candidate row's, else their
        first candidate key's, else their first email's ("" when nothing is held)."""
        for rows in (self.candidates, self.candidate_keys, self.emails):
            if rows:
                return min(row.id for row in rows)
        return ""

    def row_ids(self) -> list[str]:
        """The id of every row about the person (what an audit row may name)."""
        groups = (
            self.candidate_keys,
            self.ats_orders,
            self.sessions,
            self.uploads,
            self.evaluations,
            self.candidates,
            self.applications,
            self.calls,
            self.answers,
            self.interview_jobs,
            self.emails,
        )
        return [row.id for rows in groups for row in rows]

    def interview_inputs(self) -> list[str]:
        """The keys of the interview jobs' inputs: a recording, or a call's folder of answers."""
        keys = []
        for job in self.interview_jobs:
            try:
                keys += [stored_key(job.input_path)] if job.input_path else []
            except (ObjectMissing, ValueError):
                continue
        return keys


def address_of(email: str) -> str:
    """The form addresses are compared in: normalised and case-folded (``InvalidInput`` else)."""
    try:
        return normalised_email(email).casefold()
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None


def _matches(column, address: str):
    return func.lower(func.trim(column)) == address


def find_person(session: Session, *, org_id: str, email: str) -> PersonRecords:
    """Every row of organisation ``org_id`` about the person with ``email``."""
    found = PersonRecords(org_id=org_id, email=address_of(email))
    address = found.email

    found.candidate_keys = list(
        session.exec(
            select(CandidateKey).where(
                CandidateKey.org_id == org_id,
                _matches(col(CandidateKey.candidate_email), address),
            )
        ).all()
    )
    key_ids = [k.id for k in found.candidate_keys]
    found.ats_orders = list(
        session.exec(
            select(AtsTestOrder).where(col(AtsTestOrder.candidate_key_id).in_(key_ids))
        ).all()
    )
    found.sessions = list(
        session.exec(
            select(CandidateSession).where(col(CandidateSession.candidate_key_id).in_(key_ids))
        ).all()
    )
    session_ids = [s.id for s in found.sessions]
    found.session_events = list(
        session.exec(select(SessionEvent).where(col(SessionEvent.session_id).in_(session_ids)))
    )
    key_uploads = session.exec(
        select(EvaluationUpload.id).where(
            EvaluationUpload.org_id == org_id,
            col(EvaluationUpload.candidate_key_id).in_(key_ids),
        )
    ).all()
    found.evaluations = list(
        session.exec(
            select(Evaluation).where(
                Evaluation.org_id == org_id,
                or_(
                    col(Evaluation.session_id).in_(session_ids),
                    col(Evaluation.upload_id).in_(key_uploads),
                ),
            )
        ).all()
    )
    upload_ids = {*key_uploads, *(e.upload_id for e in found.evaluations if e.upload_id)}
    found.uploads = list(
        session.exec(select(EvaluationUpload).where(col(EvaluationUpload.id).in_(upload_ids)))
    )

    found.candidates = list(
        session.exec(
            select(Candidate).where(
                Candidate.org_id == org_id, _matches(col(Candidate.email), address)
            )
        ).all()
    )
    candidate_ids = [c.id for c in found.candidates]
    found.applications = list(
        session.exec(select(Application).where(col(Application.candidate_id).in_(candidate_ids)))
    )
    application_ids = [a.id for a in found.applications]
    found.questions = list(
        session.exec(select(Question).where(col(Question.application_id).in_(application_ids)))
    )
    found.calls = list(
        session.exec(
            select(InterviewCall).where(
                or_(
                    col(InterviewCall.candidate_id).in_(candidate_ids),
                    col(InterviewCall.application_id).in_(application_ids),
                )
            )
        ).all()
    )
    call_ids = [c.id for c in found.calls]
    found.answers = list(
        session.exec(
            select(InterviewAnswer)
            .where(col(InterviewAnswer.call_id).in_(call_ids))
            .order_by(col(InterviewAnswer.call_id), col(InterviewAnswer.question_index))
        )
    )
    job_ids = [c.interview_job_id for c in found.calls if c.interview_job_id]
    found.interview_jobs = list(
        session.exec(
            select(InterviewJob).where(
                or_(col(InterviewJob.call_id).in_(call_ids), col(InterviewJob.id).in_(job_ids))
            )
        ).all()
    )
    found.emails = list(
        session.exec(
            select(OutboundEmail).where(
                or_(
                    (OutboundEmail.org_id == org_id)
                    & _matches(col(OutboundEmail.to_address), address),
                    col(OutboundEmail.related_id).in_([*key_ids, *call_ids]),
                )
            )
        ).all()
    )
    return found
