"""Taking evaluations in: zip uploads, the submission itself and its SLA-derived estimate."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, BinaryIO
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import Engine, insert
from sqlmodel import Session

from backend.db import get_engine, one_writer_at_a_time
from backend.models.assessments import CandidateKey
from backend.models.base import utcnow
from backend.models.evaluations import (
    SLA_HOURS,
    CallbackState,
    Evaluation,
    EvaluationCreate,
    EvaluationStage,
    EvaluationStatus,
    EvaluationUpload,
    RepoArtefact,
    SubmittedEvaluation,
    new_evaluation_id,
    new_upload_id,
)
from backend.services import storage_quota
from backend.services.errors import Conflict, InvalidInput, PayloadTooLarge, conflict_on_duplicate
from backend.services.evaluations.submission_writer import GroupedWriter
from backend.services.storage import discard, get_storage, stored_key
from backend.services.storage.spool import spool_file
from backend.services.stored_files import store_stream
from backend.settings import get_settings

log = logging.getLogger(__name__)

_INSERT = insert(Evaluation.__table__)  # the other columns take their defaults

# Local file headers start "PK\x03\x04"; an empty archive is only the end record "PK\x05\x06".
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


def max_zip_bytes() -> int:
    """The largest zip taken in (``TRUELEVEL_EVALUATION_MAX_ZIP_MB``)."""
    return get_settings().evaluation_max_zip_mb * 1024 * 1024


def zip_too_large() -> PayloadTooLarge:
    """The 413 for a zip over ``max_zip_bytes()``, whether declared or counted."""
    mb = get_settings().evaluation_max_zip_mb
    return PayloadTooLarge(f"The zip is larger than {mb} MB.", limit_mb=mb)


def require_started_session(session: Session, *, candidate_key_id: str) -> None:
    """A candidate key uploads only once it started its session (``POST /sessions/redeem``):
    a key handed out but never redeemed may not store files (409 ``session_not_started``).
    Checked before the body is read, so a refused upload costs no disk or bandwidth."""
    key = session.get(CandidateKey, candidate_key_id)
    if key is None or key.redeemed_at is None:
        raise Conflict(
            "Start your session (POST /sessions/redeem) before uploading a zip.",
            code="session_not_started",
        )


def upload_key(upload_id: str) -> str:
    """Where an uploaded zip is kept (``storage``) until the engine unpacks it."""
    return f"uploads/evaluations/{upload_id}.zip"


def estimated_completion(created_at: datetime, sla_tier: str) -> datetime:
    """Seed 000's turnaround promise: created + 24 h (standard), 12 h (priority), 2 h (express)."""
    return created_at + timedelta(hours=SLA_HOURS[sla_tier])


def strip_credentials(url: str) -> str:
    """The URL without a password or token in it (``https://user:token@host/x`` → ``https://
    host/x``); the ssh user of ``ssh://git@host/x`` and scp-style ``git@host:x`` stays."""
    parts = urlsplit(url)
    if not parts.scheme or "@" not in parts.netloc:
        return url
    userinfo, _, hostport = parts.netloc.rpartition("@")
    if parts.scheme.lower() == "ssh" and ":" not in userinfo:
        return url
    return urlunsplit(parts._replace(netloc=hostport))


@dataclass(frozen=True)
class StoredUpload:
    """A zip copied to the store (``store_upload``), not yet recorded (``record_upload``)."""

    id: str
    key: str
    size: int
    sha256: str


def save_upload(
    session: Session, *, org_id: str, stream: BinaryIO, candidate_key_id: str | None = None
) -> EvaluationUpload:
    """Copy a zip from ``stream`` to the store and record it (``store_upload``, then
    ``record_upload``)."""
    stored = store_upload(stream, org_id=org_id, candidate_key_id=candidate_key_id)
    return record_upload(session, stored, org_id=org_id, candidate_key_id=candidate_key_id)


def store_upload(
    stream: BinaryIO, *, org_id: str, candidate_key_id: str | None = None
) -> StoredUpload:
    """Copy a zip from ``stream`` to the store in chunks, refusing more than
    ``evaluation_max_zip_mb`` (413), anything that does not start like a zip (400) and a zip
    over the organisation's or the candidate key's storage quota (413
    ``storage_quota_exceeded``). Holds no request session: the API copies without one
    (``backend.api.admission``); the quota is taken on a short connection of its own."""
    upload_id = new_upload_id()
    key = upload_key(upload_id)
    with spool_file(".zip") as path:
        stored = store_stream(
            stream,
            path,
            max_bytes=max_zip_bytes(),
            too_large=zip_too_large,
            on_first_chunk=_require_zip_header,
            empty=lambda: InvalidInput("The file is empty.", code="not_a_zip"),
        )
        storage_quota.reserve(
            org_id=org_id,
            key=key,
            size=stored.size,
            kind=storage_quota.Kind.zip,
            candidate_key_id=candidate_key_id,
        )
        try:
            get_storage().put_file(key, path)
        except BaseException:
            discard(key)  # gives the reserved bytes back
            raise
    return StoredUpload(id=upload_id, key=key, size=stored.size, sha256=stored.sha256)


def record_upload(
    session: Session, stored: StoredUpload, *, org_id: str, candidate_key_id: str | None = None
) -> EvaluationUpload:
    """The upload's row, which keeps its storage key; the stored zip is discarded when the row
    cannot be committed."""
    upload = EvaluationUpload(
        id=stored.id,
        org_id=org_id,
        candidate_key_id=candidate_key_id,
        path=stored.key,
        size=stored.size,
        sha256=stored.sha256,
    )
    session.add(upload)
    try:
        session.commit()
    except BaseException:
        discard(stored.key)
        raise
    session.refresh(upload)
    return upload


def _require_zip_header(chunk: bytes) -> None:
    if chunk[:4] not in ZIP_MAGIC:
        raise InvalidInput("The file is not a zip archive.", code="not_a_zip")


def usable_upload(
    session: Session, *, org_id: str, upload_id: str, candidate_key_id: str | None = None
) -> EvaluationUpload:
    """The upload an evaluation may name: the organisation's own, and a candidate's own when a
    candidate submits. Unknown (or foreign) ids are a 400 ``unknown_upload`` since the id
    is part of the request body, not the path."""
    upload = session.get(EvaluationUpload, upload_id)
    if (
        upload is None
        or upload.org_id != org_id
        or (candidate_key_id is not None and upload.candidate_key_id != candidate_key_id)
    ):
        raise InvalidInput(f"Unknown upload_id {upload_id[:64]!r}.", code="unknown_upload")
    if not get_storage().exists(stored_key(upload.path)):  # swept (``upload_retention``)
        raise InvalidInput(
            "This upload was deleted (evaluated already, or never used within the retention "
            "period): upload the zip again.",
            code="upload_expired",
        )
    return upload


def submit_evaluation(
    session: Session,
    *,
    org_id: str,
    data: EvaluationCreate,
    assessment_id: str | None = None,
    session_id: str | None = None,
    submitted_late: bool = False,
    candidate_key_id: str | None = None,
    rubric_id: str | None = None,
) -> SubmittedEvaluation:
    """Record a new evaluation (status pending, stage queued) in ``session``'s transaction,
    commit it and hand it to the queue with its SLA tier's priority, after the commit so the
    worker always finds the row."""
    upload_id = usable_upload_id(
        session, org_id=org_id, data=data, candidate_key_id=candidate_key_id
    )
    submitted, values = _new_row(
        org_id=org_id,
        data=data,
        upload_id=upload_id,
        assessment_id=assessment_id,
        session_id=session_id,
        submitted_late=submitted_late,
        rubric_id=rubric_id,
    )
    with one_writer_at_a_time(session), _duplicate_session(session):
        session.connection().execute(_INSERT, values)
        session.commit()
    _hand_to_queue(submitted.id, submitted.priority)
    return submitted


async def accept_evaluation(
    *, org_id: str, data: EvaluationCreate, upload_id: str | None, alone: bool = False
) -> SubmittedEvaluation:
    """The API's submission (``POST /evaluations``): the same row as ``submit_evaluation``,
    written by this process's submission writer together with the others that arrive meanwhile
    (``submission_writer``), then handed to the queue. ``upload_id`` is the checked upload of a
    zip artefact (``usable_upload_id``), else None. ``alone``: no other request is being answered
    (``GroupedWriter.write``)."""
    submitted, values = _new_row(org_id=org_id, data=data, upload_id=upload_id)
    await _submission_writer().write(values, alone=alone)
    return submitted


_writers: dict[Engine, GroupedWriter] = {}


def _submission_writer() -> GroupedWriter:
    engine = get_engine()
    writer = _writers.get(engine)
    if writer is None:
        writer = _writers.setdefault(
            engine,
            GroupedWriter(engine, _INSERT, after=_hand_rows_to_queue, name="submission-writer"),
        )
    return writer


def _hand_rows_to_queue(rows: Sequence[dict[str, Any]]) -> None:
    for row in rows:
        _hand_to_queue(row["id"], row["priority"])


def usable_upload_id(
    session: Session, *, org_id: str, data: EvaluationCreate, candidate_key_id: str | None = None
) -> str | None:
    """The upload a submission's zip artefact names, once checked as the caller's and unused;
    None for a repository."""
    artefact = data.artefact
    if isinstance(artefact, RepoArtefact):
        return None
    return usable_upload(
        session, org_id=org_id, upload_id=artefact.upload_id, candidate_key_id=candidate_key_id
    ).id


def _duplicate_session(session: Session) -> AbstractContextManager[None]:
    return conflict_on_duplicate(
        session,
        message="This candidate session already has a submission.",
        code="already_submitted",
    )


def _new_row(
    *,
    org_id: str,
    data: EvaluationCreate,
    upload_id: str | None,
    assessment_id: str | None = None,
    session_id: str | None = None,
    submitted_late: bool = False,
    rubric_id: str | None = None,
) -> tuple[SubmittedEvaluation, dict[str, Any]]:
    """The new evaluation as answered, and the values its INSERT writes (the other columns
    take their defaults). Core: the ORM's object and flush would cost three times the insert."""
    from backend.services import dispatch

    artefact = data.artefact
    now = utcnow()
    submitted = SubmittedEvaluation(
        id=new_evaluation_id(),
        org_id=org_id,
        status=EvaluationStatus.pending.value,
        candidate_ref=data.candidate_ref,
        target_role=data.target_role,
        target_level=data.target_level,
        sla_tier=data.sla_tier,
        created_at=now,
        estimated_completion=estimated_completion(now, data.sla_tier),
        assessment_id=assessment_id,
        session_id=session_id,
        submitted_late=submitted_late,
        priority=dispatch.priority_for(sla_tier=data.sla_tier),
    )
    values = {
        **submitted.model_dump(),
        "artefact_type": artefact.type,
        "artefact_url": strip_credentials(artefact.url)
        if isinstance(artefact, RepoArtefact)
        else None,
        "upload_id": upload_id,
        "callback_url": data.callback_url,
        "callback_state": CallbackState.none.value,
        "rubric_id": rubric_id,
        "stage": EvaluationStage.queued.value,
        "stage_started_at": now,
    }
    return submitted, values


def _hand_to_queue(evaluation_id: str, priority: int) -> None:
    from backend.services import dispatch

    try:
        dispatch.enqueue_evaluation(evaluation_id, priority)
    except Exception:  # the row is durable; a worker sweep picks up what was not enqueued
        log.exception("enqueueing evaluation %s failed", evaluation_id)
