"""Erasing one candidate of an organisation, found by email: every row that names or describes
them is hard-deleted, with the files those rows point at, and an ``ErasureRecord`` keeps a
SHA-256 of the address (never the address or the name) and what was deleted. The audit log's
rows about the person's ids lose their subject (``audit.forget_subjects``) and an ``erased`` row
names the erasure record.

What belongs to the person is ``person_records.find_person`` (the query the export reads too);
with those rows go the evaluations' fingerprints, the interview jobs' events and the tenant
webhook deliveries about the person's applications and calls.

Rows are deleted in one transaction; stored files after it commits, so a failure never leaves
rows pointing at deleted files.
"""

from __future__ import annotations

import logging
from collections import Counter

from pydantic import BaseModel
from sqlalchemy import delete
from sqlmodel import Session, col

from backend.models import (
    Application,
    AtsTestOrder,
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
    ReportShare,
    SessionEvent,
    SpeakerRoleConfirmation,
)
from backend.models.email_addresses import normalised_email
from backend.models.tenant_webhook_deliveries import TenantWebhookDelivery
from backend.services import audit
from backend.services.evaluations.cited_files import cited_key
from backend.services.hashing import sha256_hex
from backend.services.organisations import get_organisation
from backend.services.person_records import find_person
from backend.services.storage import get_storage

log = logging.getLogger(__name__)


class ErasureResult(BaseModel):
    erasure_id: str
    org_id: str
    email_sha256: str
    deleted: dict[str, int]


def email_hash(email: str) -> str:
    """What the audit trail keeps of an address: SHA-256 of its normalised, lower-cased form."""
    return sha256_hex(normalised_email(email).casefold())


def erase_candidate(
    session: Session,
    *,
    org_id: str,
    email: str,
    requested_by: str = "",
    actor: audit.Actor | None = None,
) -> ErasureResult:
    """Erase the person; the audit log keeps that ``actor`` (the system when not given) erased
    someone, naming the erasure record, and its rows about the person lose their subject."""
    get_organisation(session, org_id=org_id)
    person = find_person(session, org_id=org_id, email=email)
    address = person.email
    deleted: Counter[str] = Counter()

    def remove(model, *conditions) -> None:
        result = session.execute(delete(model).where(*conditions))
        deleted[model.__tablename__] += result.rowcount or 0

    key_ids = [k.id for k in person.candidate_keys]
    order_ids = [o.id for o in person.ats_orders]
    session_ids = [s.id for s in person.sessions]
    evaluation_ids = [e.id for e in person.evaluations]
    upload_ids = [u.id for u in person.uploads]
    application_ids = [a.id for a in person.applications]
    candidate_ids = [c.id for c in person.candidates]
    call_ids = [c.id for c in person.calls]
    job_ids = [j.id for j in person.interview_jobs]
    files = [f.key for f in person.files()]
    prefixes = person.interview_inputs()
    row_ids = person.row_ids()
    session.expunge_all()  # the rows go below, by id

    remove(EvaluationFingerprint, col(EvaluationFingerprint.evaluation_id).in_(evaluation_ids))
    remove(ReportShare, col(ReportShare.evaluation_id).in_(evaluation_ids))
    remove(Evaluation, col(Evaluation.id).in_(evaluation_ids))
    remove(EvaluationUpload, col(EvaluationUpload.id).in_(upload_ids))
    remove(SessionEvent, col(SessionEvent.session_id).in_(session_ids))
    remove(CandidateSession, col(CandidateSession.id).in_(session_ids))
    # Tests an ATS sent: the ATS's ids and link for the person.
    remove(AtsTestOrder, col(AtsTestOrder.id).in_(order_ids))
    remove(CandidateKey, col(CandidateKey.id).in_(key_ids))
    remove(InterviewJobEvent, col(InterviewJobEvent.job_id).in_(job_ids))
    remove(SpeakerRoleConfirmation, col(SpeakerRoleConfirmation.job_id).in_(job_ids))
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
    remove(OutboundEmail, col(OutboundEmail.id).in_([m.id for m in person.emails]))
    counts = {name: n for name, n in sorted(deleted.items()) if n}
    counts["stored_files"] = len(set(files) | set(prefixes))
    record = ErasureRecord(
        org_id=org_id,
        email_sha256=email_hash(address),
        requested_by=requested_by[:255],
        deleted=counts,
    )
    session.add(record)
    audit.forget_subjects(session, org_id=org_id, subject_ids=row_ids)
    audit.record_as(
        session,
        org_id=org_id,
        actor=actor or audit.Actor.system(requested_by or audit.SYSTEM),
        action=audit.Action.erased,
        subject=audit.Subject.candidate,
        subject_id=record.id,
        detail=f"erasure record; {sum(counts.values())} rows and files deleted",
        commit=False,
    )
    session.commit()

    _delete_files(files, prefixes)
    # The cited files an engine kept (``cited_files``); most evaluations have them, older and
    # failed ones do not, so they are not counted among the stored files the rows name.
    _delete_files([cited_key(evaluation_id) for evaluation_id in evaluation_ids], [])
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
