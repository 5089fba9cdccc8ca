"""Erasing one candidate of an organisation, found by email: every row that names or describes
them is hard-deleted, with the files those rows point at, and an ``ErasureRecord`` keeps a
SHA-256 of the address (never the address or the name) and what was deleted.

Take-home side: the candidate keys sent to the address, their sessions and session events,
the evaluations of those sessions (and of zips those keys uploaded) with their fingerprints,
uploads and stored zips. Pipeline side: the ``Candidate`` rows with the address, their
applications and per-application questions, browser interviews (calls, answers, recordings)
and the interview jobs that assessed them. And the outbound emails to the address.

Rows are deleted in one transaction; stored files after it commits, so a failure never leaves
rows pointing at deleted files.
"""

from __future__ import annotations

import logging
from collections import Counter

from pydantic import BaseModel
from sqlalchemy import delete, func, or_
from sqlmodel import Session, col, select

from backend.models import (
    Application,
    Candidate,
    CandidateKey,
    CandidateSession,
    ErasureRecord,
    Evaluation,
    EvaluationFingerprint,
    EvaluationUpload,
    InterviewAnswer,
    InterviewCall,
    InterviewJob,
    InterviewJobEvent,
    OutboundEmail,
    Question,
    SessionEvent,
)
from backend.models.email_addresses import normalised_email
from backend.models.tenant_webhook_deliveries import TenantWebhookDelivery
from backend.services.errors import InvalidInput
from backend.services.hashing import sha256_hex
from backend.services.organisations import get_organisation
from backend.services.storage import get_storage, stored_key

log = logging.getLogger(__name__)


class ErasureResult(BaseModel):
    erasure_id: str
    org_id: str
    email_sha256: str
    deleted: dict[str, int]


def email_hash(email: str) -> str:
    """What the audit trail keeps of an address: SHA-256 of its normalised, lower-cased form."""
    return sha256_hex(normalised_email(email).casefold())


def _matches(column, email: str):
    return func.lower(func.trim(column)) == email


def erase_candidate(
    session: Session, *, org_id: str, email: str, requested_by: str = ""
) -> ErasureResult:
    get_organisation(session, org_id=org_id)
    try:
        address = normalised_email(email).casefold()
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    deleted: Counter[str] = Counter()
    files: list[str] = []

    def remove(model, *conditions) -> None:
        result = session.execute(delete(model).where(*conditions))
        deleted[model.__tablename__] += result.rowcount or 0

    # Take-home assessments.
    keys = session.exec(
        select(CandidateKey).where(
            CandidateKey.org_id == org_id, _matches(col(CandidateKey.candidate_email), address)
        )
    ).all()
    key_ids = [k.id for k in keys]
    session_ids = list(
        session.exec(
            select(CandidateSession.id).where(col(CandidateSession.candidate_key_id).in_(key_ids))
        ).all()
    )
    uploads = session.exec(
        select(EvaluationUpload).where(
            EvaluationUpload.org_id == org_id,
            col(EvaluationUpload.candidate_key_id).in_(key_ids),
        )
    ).all()
    evaluations = session.exec(
        select(Evaluation).where(
            Evaluation.org_id == org_id,
            or_(
                col(Evaluation.session_id).in_(session_ids),
                col(Evaluation.upload_id).in_([u.id for u in uploads]),
            ),
        )
    ).all()
    evaluation_ids = [e.id for e in evaluations]
    upload_ids = {u.id for u in uploads} | {e.upload_id for e in evaluations if e.upload_id}
    upload_paths = session.exec(
        select(EvaluationUpload.path).where(col(EvaluationUpload.id).in_(upload_ids))
    ).all()
    files += [stored_key(path) for path in upload_paths]

    # Recruiting pipeline and browser interviews.
    candidates = session.exec(
        select(Candidate).where(Candidate.org_id == org_id, _matches(col(Candidate.email), address))
    ).all()
    candidate_ids = [c.id for c in candidates]
    applications = session.exec(
        select(Application).where(col(Application.candidate_id).in_(candidate_ids))
    ).all()
    application_ids = [a.id for a in applications]
    calls = session.exec(
        select(InterviewCall).where(
            or_(
                col(InterviewCall.candidate_id).in_(candidate_ids),
                col(InterviewCall.application_id).in_(application_ids),
            )
        )
    ).all()
    call_ids = [c.id for c in calls]
    jobs = session.exec(
        select(InterviewJob).where(
            or_(
                col(InterviewJob.call_id).in_(call_ids),
                col(InterviewJob.id).in_([c.interview_job_id for c in calls if c.interview_job_id]),
            )
        )
    ).all()
    job_ids = [j.id for j in jobs]
    answer_paths = session.exec(
        select(InterviewAnswer.path).where(col(InterviewAnswer.call_id).in_(call_ids))
    ).all()
    files += [stored_key(path) for path in answer_paths]
    prefixes = [stored_key(j.input_path) for j in jobs if j.input_path]
    files += [
        stored_key(row.resume_path) for row in [*candidates, *applications] if row.resume_path
    ]

    remove(EvaluationFingerprint, col(EvaluationFingerprint.evaluation_id).in_(evaluation_ids))
    remove(Evaluation, col(Evaluation.id).in_(evaluation_ids))
    remove(EvaluationUpload, col(EvaluationUpload.id).in_(upload_ids))
    remove(SessionEvent, col(SessionEvent.session_id).in_(session_ids))
    remove(CandidateSession, col(CandidateSession.id).in_(session_ids))
    remove(CandidateKey, col(CandidateKey.id).in_(key_ids))
    remove(InterviewJobEvent, col(InterviewJobEvent.job_id).in_(job_ids))
    remove(InterviewAnswer, col(InterviewAnswer.call_id).in_(call_ids))
    remove(InterviewJob, col(InterviewJob.id).in_(job_ids))
    remove(InterviewCall, col(InterviewCall.id).in_(call_ids))
    # Webhook deliveries about the person's applications and calls carry their fields.
    remove(
        TenantWebhookDelivery,
        TenantWebhookDelivery.org_id == org_id,
        col(TenantWebhookDelivery.object_id).in_([*application_ids, *call_ids]),
    )
    remove(Question, col(Question.application_id).in_(application_ids))
    remove(Application, col(Application.id).in_(application_ids))
    remove(Candidate, col(Candidate.id).in_(candidate_ids))
    remove(
        OutboundEmail,
        or_(
            (OutboundEmail.org_id == org_id) & _matches(col(OutboundEmail.to_address), address),
            col(OutboundEmail.related_id).in_([*key_ids, *call_ids]),
        ),
    )
    counts = {name: n for name, n in sorted(deleted.items()) if n}
    counts["stored_files"] = len(files) + len(prefixes)
    record = ErasureRecord(
        org_id=org_id,
        email_sha256=email_hash(address),
        requested_by=requested_by[:255],
        deleted=counts,
    )
    session.add(record)
    session.commit()

    _delete_files(files, prefixes)
    return ErasureResult(
        erasure_id=record.id, org_id=org_id, email_sha256=record.email_sha256, deleted=counts
    )


def _delete_files(keys: list[str], prefixes: list[str]) -> None:
    """Objects named by key, and interview inputs: a recording's key or a call's answer prefix."""
    storage = get_storage()
    for key in keys:
        storage.delete(key)
    for prefix in prefixes:
        if storage.exists(prefix):
            storage.delete(prefix)
        else:
            storage.delete_prefix(prefix)
