"""Accepting an interview recording (seed 004 ``POST /recruitscreen/jobs``, the web app's upload).

Acceptance is all or nothing: the file is stored, decoded whole (``media.probe_file``) and
measured, its credits charged and the job created with its first event in one transaction. On
any refusal (too large, not audio, damaged or cut short, silent or only noise, credits
exhausted) nothing is charged, no job exists and the stored file is removed.
The queue is told only after the commit (``dispatch_job``), so a worker always finds the row;
a lost message is picked up by the workers' sweep. A browser interview's job (``call_jobs``) is
created and charged by the same ``add_charged_job``.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import BinaryIO

from sqlmodel import Session

from backend.models.interviews import (
    InterviewJob,
    InterviewJobEvent,
    InterviewJobStatus,
    InterviewSource,
    new_job_id,
)
from backend.models.organisations import Organization
from backend.services import dispatch, storage_quota
from backend.services.errors import DomainError, NotFound, PayloadTooLarge
from backend.services.interviews import credits, media
from backend.services.storage import discard, get_storage
from backend.services.storage.spool import spool_path
from backend.services.stored_files import store_stream
from backend.settings import get_settings

log = logging.getLogger(__name__)

ROLE_TITLE_MAX = 255
QUEUED_DETAIL = "Waiting for a worker"


class Unprocessable(DomainError):
    status_code = 422
    code = "validation_error"


def max_recording_bytes() -> int:
    """The largest recording taken in (``TRUELEVEL_INTERVIEW_MAX_UPLOAD_MB``)."""
    return get_settings().interview_max_upload_mb * 1024 * 1024


def recording_too_large() -> PayloadTooLarge:
    """The 413 for a recording over ``max_recording_bytes()``, whether declared or counted."""
    mb = get_settings().interview_max_upload_mb
    # Seed 004 names this 413 "file too large".
    return PayloadTooLarge(
        f"The recording is larger than {mb} MB.", code="file_too_large", limit_mb=mb
    )


def recording_key(job_id: str, name: str) -> str:
    """Where a job's recording waits for the workers (``storage``), one folder per job."""
    return f"interviews/{job_id}/{name}"


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(filename: str | None) -> str:
    """A file name safe to store: the base name only, unusual characters replaced, no leading
    dot, at most 100 characters (keeping the extension)."""
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("_", base).strip("._") or "recording"
    if len(base) > 100:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: 99 - len(ext)] + dot + ext) if dot and len(ext) <= 10 else base[:100]
    return base


def _role_title(value: str) -> str:
    title = (value or "").strip()
    if not title:
        raise Unprocessable("role_title is required: the role the interview was for.")
    if len(title) > ROLE_TITLE_MAX:
        raise Unprocessable(f"role_title is longer than {ROLE_TITLE_MAX} characters.")
    return title


def submit_recording(
    session: Session,
    *,
    org_id: str,
    stream: BinaryIO,
    filename: str | None,
    role_title: str,
    declared_duration_s: float | None = None,
    source: str = InterviewSource.upload.value,
    call_id: str | None = None,
) -> InterviewJob:
    """Store, probe and charge a recording and create its job (status ``queued``). The duration
    charged is the measured one; ``declared_duration_s`` counts only when the file carries no
    timing. Call ``dispatch_job(job.id)`` after this returns."""
    title = _role_title(role_title)
    if declared_duration_s is not None and not 0 < declared_duration_s < 10 * 24 * 3600:
        raise Unprocessable("duration_s must be a positive number of seconds.")
    if source not in {s.value for s in InterviewSource}:
        raise Unprocessable(f"Unknown source {source[:20]!r}.")
    org = session.get(Organization, org_id)
    if org is None:
        raise NotFound("Organisation not found.")

    job_id = new_job_id()
    name = safe_filename(filename)
    key = recording_key(job_id, name)  # a fresh id: never another job's recording
    path = spool_path(Path(name).suffix)
    try:
        stored = store_stream(
            stream, path, max_bytes=max_recording_bytes(), too_large=recording_too_large
        )
        longest = get_settings().interview_max_duration_minutes
        probe = media.probe_file(path, stop_after_s=longest * 60 + 1)
        duration = probe.duration_s or declared_duration_s
        if duration is None:
            raise media.MediaRefused(
                "The recording's duration could not be measured; send duration_s.",
                code="unknown_duration",
            )
        if duration > longest * 60:
            # Low-bitrate audio packs many hours into the size cap; the workers decode it whole.
            raise media.MediaRefused(
                f"The recording lasts over {duration / 60:.0f} minutes; the limit is {longest}.",
                code="recording_too_long",
                limit_minutes=longest,
            )
        if not probe.speech.has_speech:
            raise media.MediaRefused(
                probe.speech.reason(), code="no_speech", verdict=probe.speech.verdict
            )
        job = InterviewJob(
            id=job_id,
            org_id=org_id,
            source=source,
            call_id=call_id,
            role_title=title,
            input_path=key,
            input_filename=(filename or name).replace("\x00", "")[:255],  # PostgreSQL text
            input_bytes=stored.size,
            input_sha256=stored.sha256,
            declared_duration_s=declared_duration_s,
            duration_s=duration,
            detail=QUEUED_DETAIL,
        )
        # Counted before anything is charged: over the quota, nothing is.
        storage_quota.reserve(
            org_id=org_id, key=key, size=stored.size, kind=storage_quota.Kind.recording
        )
        add_charged_job(session, job=job)
        get_storage().put_file(key, path)  # stored before the row that names it exists
        session.commit()
    except BaseException:
        session.rollback()
        discard(key)
        raise
    finally:
        path.unlink(missing_ok=True)  # moved into the store, or refused
    session.refresh(job)
    return job


def add_charged_job(session: Session, *, job: InterviewJob) -> None:
    """Add a new job as ``queued``, with its first event, and charge it: the one way an interview
    job comes into being (an uploaded recording here, a browser interview in ``call_jobs``).

    The job is charged for its ``duration_s`` (``credits.credits_for``: text is free) and queued
    with its source's priority. Nothing is committed: the caller commits, and rolls back on any
    error, so a refusal (402 from the charge) leaves no job, no event and no charge behind."""
    job.status = InterviewJobStatus.queued.value
    job.credits_charged = credits.credits_for(source=job.source, duration_s=job.duration_s)
    job.priority = dispatch.interview_priority(
        source=job.source, paid=credits.balance(session, org_id=job.org_id) is not None
    )
    session.add(job)
    session.flush()  # the job row before its event (foreign key)
    session.add(
        InterviewJobEvent(job_id=job.id, status=job.status, detail=job.detail, at=job.created_at)
    )
    credits.charge(
        session, org_id=job.org_id, job_id=job.id, credits=job.credits_charged, commit=False
    )


def dispatch_job(job_id: str, priority: int | None = None, source: str | None = None) -> bool:
    """Tell the queue about an accepted job (after its commit). Never raises: the row is
    durable and the workers' sweep enqueues what was not. True when the message was sent."""
    try:
        if priority is None or source is None:
            from backend.db import session_scope

            with session_scope() as session:
                job = session.get(InterviewJob, job_id)
                if job is None:
                    return False
                priority, source = job.priority, job.source
        dispatch.enqueue_interview(job_id, priority, source=source)
    except Exception:
        log.exception("enqueueing interview job %s failed", job_id)
        return False
    return True
