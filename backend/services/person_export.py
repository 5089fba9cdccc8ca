"""A person's data as one zip, for an access request (``python -m backend.cli export-candidate``
and ``GET /api/v1/candidates/export``).

The zip holds ``person.json`` (``PersonExport``: the rows ``person_records.find_person`` finds,
each as a typed copy of its table without secrets or internal plumbing) and, under ``files/``,
every stored object of the person still kept: zips, recordings, browser-interview answers,
resumes. A file deleted by retention is listed with ``included: false``.

Left out: the candidate keys and interview link tokens (credentials: blanked wherever they
occur, in an evaluation's ``candidate_ref`` and the emails' text too), storage paths, lease and
callback columns, questions' answer guides (the organisation's marking notes), and every row of
anyone else.
"""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import PurePosixPath
from typing import IO, Any

from pydantic import BaseModel, ConfigDict, Field, create_model
from sqlmodel import Session, SQLModel

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
from backend.models.base import utcnow
from backend.models.interviews import InterviewSource
from backend.services.errors import NotFound
from backend.services.organisations import get_organisation
from backend.services.person_records import FileKind, PersonRecords, find_person
from backend.services.storage import ObjectMissing, get_storage

FORMAT = "truelevel-person-export/1"
REDACTED = "[redacted]"
_LEASE = {"priority", "attempts", "lease_owner", "lease_expires_at"}


def _exported(table: type[SQLModel], *, leave_out: set[str]) -> type[BaseModel]:
    """A pydantic model with the table's columns except ``leave_out``."""
    fields: dict[str, Any] = {
        name: (info.annotation, None)
        for name, info in table.model_fields.items()
        if name not in leave_out
    }
    return create_model(  # type: ignore[call-overload]
        f"Exported{table.__name__}", __config__=ConfigDict(from_attributes=True), **fields
    )


ExportedCandidateKey = _exported(CandidateKey, leave_out={"key"})
ExportedAtsOrder = _exported(
    AtsTestOrder, leave_out={"sealed_partner_key", "notice_url", "notice_last_error"}
)
ExportedSession = _exported(CandidateSession, leave_out=set())
ExportedSessionEvent = _exported(SessionEvent, leave_out=set())
ExportedUpload = _exported(EvaluationUpload, leave_out={"path"})
ExportedEvaluation = _exported(
    Evaluation,
    leave_out=_LEASE
    | {"callback_url", "callback_state", "callback_attempts", "callback_next_at"}
    | {"callback_last_error", "result_revision", "overall_score"},
)
ExportedCandidate = _exported(Candidate, leave_out={"resume_path"})
ExportedApplication = _exported(Application, leave_out={"resume_path"})
ExportedQuestion = _exported(Question, leave_out={"key_points", "misconceptions", "levels"})
ExportedCall = _exported(InterviewCall, leave_out={"token"})
ExportedAnswer = _exported(InterviewAnswer, leave_out={"path"})
ExportedInterviewJob = _exported(InterviewJob, leave_out=_LEASE | {"input_path"})
ExportedEmail = _exported(OutboundEmail, leave_out={"last_error"})


class ExportedFile(BaseModel):
    """A stored object of the person: ``name`` inside the zip, or not included (deleted, by
    retention on ``deleted_at`` when known)."""

    kind: FileKind
    row_id: str
    name: str | None = None
    size: int | None = None
    included: bool
    deleted_at: datetime | None = None


def _retention_deletions(person: PersonRecords) -> dict[str, datetime]:
    """Row id -> when retention deleted its file: resumes, recordings and (through their
    interview job) a browser interview's answers."""
    deleted = {
        row.id: row.resume_deleted_at
        for row in (*person.candidates, *person.applications)
        if row.resume_deleted_at is not None
    }
    by_call = {j.call_id: j.input_deleted_at for j in person.interview_jobs if j.call_id}
    for job in person.interview_jobs:
        if job.input_deleted_at is not None and job.source == InterviewSource.upload.value:
            deleted[job.id] = job.input_deleted_at
    for answer in person.answers:
        if (when := by_call.get(answer.call_id)) is not None:
            deleted[answer.id] = when
    return deleted


def _kept_elsewhere(person: PersonRecords, listed: list[ExportedFile]) -> list[ExportedFile]:
    """The files retention deleted whose rows no longer name a key (resumes, recordings)."""
    named = {f.row_id for f in listed}
    kinds = {
        **{row.id: FileKind.resume for row in (*person.candidates, *person.applications)},
        **{job.id: FileKind.recording for job in person.interview_jobs},
    }
    return [
        ExportedFile(kind=kinds[row_id], row_id=row_id, included=False, deleted_at=when)
        for row_id, when in _retention_deletions(person).items()
        if row_id not in named and row_id in kinds
    ]


class PersonExport(BaseModel):
    """``person.json``."""

    format: str = FORMAT
    exported_at: datetime
    org_id: str
    email: str
    candidate_keys: list[ExportedCandidateKey]  # type: ignore[valid-type]
    ats_orders: list[ExportedAtsOrder]  # type: ignore[valid-type]
    sessions: list[ExportedSession]  # type: ignore[valid-type]
    session_events: list[ExportedSessionEvent]  # type: ignore[valid-type]
    uploads: list[ExportedUpload]  # type: ignore[valid-type]
    evaluations: list[ExportedEvaluation]  # type: ignore[valid-type]
    candidates: list[ExportedCandidate]  # type: ignore[valid-type]
    applications: list[ExportedApplication]  # type: ignore[valid-type]
    questions: list[ExportedQuestion]  # type: ignore[valid-type]
    calls: list[ExportedCall]  # type: ignore[valid-type]
    answers: list[ExportedAnswer]  # type: ignore[valid-type]
    interview_jobs: list[ExportedInterviewJob]  # type: ignore[valid-type]
    emails: list[ExportedEmail]  # type: ignore[valid-type]
    files: list[ExportedFile]


ROW_KINDS = (
    "candidate_keys",
    "ats_orders",
    "sessions",
    "session_events",
    "uploads",
    "evaluations",
    "candidates",
    "applications",
    "questions",
    "calls",
    "answers",
    "interview_jobs",
    "emails",
)


class ExportSummary(BaseModel):
    """What an export wrote (the CLI prints it)."""

    org_id: str
    rows: dict[str, int]
    files_included: int
    files_deleted: int
    # The id the audit log names the person by (``PersonRecords.subject_id``); not printed.
    subject_id: str = Field(default="", exclude=True)


def _redacted(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text


def _secrets(person: PersonRecords) -> list[str]:
    """The person's credentials: candidate keys (also an evaluation's ``candidate_ref``) and
    interview link tokens (also in the emails' text)."""
    found = [*(k.key for k in person.candidate_keys), *(c.token for c in person.calls)]
    return [secret for secret in found if secret]


def person_export(person: PersonRecords, files: list[ExportedFile]) -> PersonExport:
    def rows(model: type[BaseModel], items: list[Any]) -> list[Any]:
        return [model.model_validate(item) for item in items]

    return PersonExport(
        exported_at=utcnow(),
        org_id=person.org_id,
        email=person.email,
        candidate_keys=rows(ExportedCandidateKey, person.candidate_keys),
        ats_orders=rows(ExportedAtsOrder, person.ats_orders),
        sessions=rows(ExportedSession, person.sessions),
        session_events=rows(ExportedSessionEvent, person.session_events),
        uploads=rows(ExportedUpload, person.uploads),
        evaluations=rows(ExportedEvaluation, person.evaluations),
        candidates=rows(ExportedCandidate, person.candidates),
        applications=rows(ExportedApplication, person.applications),
        questions=rows(ExportedQuestion, person.questions),
        calls=rows(ExportedCall, person.calls),
        answers=rows(ExportedAnswer, person.answers),
        interview_jobs=rows(ExportedInterviewJob, person.interview_jobs),
        emails=rows(ExportedEmail, person.emails),
        files=files,
    )


def _archive_name(kind: FileKind, row_id: str, key: str) -> str:
    suffix = PurePosixPath(key).suffix
    return f"files/{kind.value}s/{row_id}{suffix}"


def write_person_zip(session: Session, *, org_id: str, email: str, out: IO[bytes]) -> ExportSummary:
    """Write the person's zip to ``out``; ``NotFound`` when the organisation holds nothing
    about them (``InvalidInput`` for a malformed address, ``NotFound`` for an unknown
    organisation)."""
    get_organisation(session, org_id=org_id)
    person = find_person(session, org_id=org_id, email=email)
    if not person.found:
        raise NotFound("This organisation holds no data about that email.", code="person_not_found")
    store = get_storage()
    listed: list[ExportedFile] = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in person.files():
            name = _archive_name(item.kind, item.row_id, item.key)
            try:
                with store.open(item.key) as stream, archive.open(name, "w") as target:
                    size = 0
                    while chunk := stream.read(1024 * 1024):
                        target.write(chunk)
                        size += len(chunk)
            except ObjectMissing:
                when = _retention_deletions(person).get(item.row_id)
                listed.append(
                    ExportedFile(
                        kind=item.kind, row_id=item.row_id, included=False, deleted_at=when
                    )
                )
                continue
            listed.append(
                ExportedFile(
                    kind=item.kind, row_id=item.row_id, name=name, size=size, included=True
                )
            )
        listed += _kept_elsewhere(person, listed)
        export = person_export(person, listed)
        text = _redacted(export.model_dump_json(indent=2), _secrets(person))
        archive.writestr("person.json", text)
    session.rollback()  # read only: end the transaction
    counts = {name: len(getattr(person, name)) for name in ROW_KINDS}
    return ExportSummary(
        org_id=org_id,
        rows={name: n for name, n in sorted(counts.items()) if n},
        files_included=sum(f.included for f in listed),
        files_deleted=sum(not f.included for f in listed),
        subject_id=person.subject_id,
    )
