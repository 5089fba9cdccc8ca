"""Accepting an interview recording (seed 004 ``POST /recruitscreen/jobs``, the web app's upload).

Acceptance is all or nothing: the file is stored, probed and measured, its credits charged and
the job created with its first event in one transaction. On any refusal (too large, not audio,
damaged, credits exhausted) nothing is charged, no job exists and the stored file is removed.
The queue is told only after the commit (``dispatch_job``), so a worker always finds the row;
a lost message is picked up by the workers' sweep.
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
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
from backend.services.errors import DomainError, NotFound
from backend.services.interviews import credits, media
from backend.settings import get_settings

log = logging.getLogger(__name__)

_CHUNK = 1024 * 1024
ROLE_TITLE_MAX = 255
QUEUED_DETAIL = "Waiting for a worker"


class PayloadTooLarge(DomainError):
    status_code = 413
    code = "file_too_large"


class Unprocessable(DomainError):
    status_code = 422
    code = "validation_error"


def interviews_dir() -> Path:
    """Where recordings wait for the workers, one folder per job."""
    path = get_settings().ensure_data_dir() / "interviews"
    path.mkdir(parents=True, exist_ok=True)
    return path


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


def _copy_limited(stream: BinaryIO, path: Path, limit: int) -> tuple[int, str]:
    """Copy ``stream`` to ``path`` in chunks, refusing more than ``limit`` bytes (413)."""
    digest = hashlib.sha256()
    size = 0
    with path.open("wb") as out:
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            if size > limit:
                mb = limit // (1024 * 1024)
                raise PayloadTooLarge(f"The recording is larger than {mb} MB.", limit_mb=mb)
            digest.update(chunk)
            out.write(chunk)
    return size, digest.hexdigest()


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
    from backend.services import dispatch  # light: names the worker task lazily

    title = _role_title(role_title)
    if declared_duration_s is not None and not 0 < declared_duration_s < 10 * 24 * 3600:
        raise Unprocessable("duration_s must be a positive number of seconds.")
    if source not in {s.value for s in InterviewSource}:
        raise Unprocessable(f"Unknown source {source[:20]!r}.")
    org = session.get(Organization, org_id)
    if org is None:
        raise NotFound("Organisation not found.")

    job_id = new_job_id()
    folder = interviews_dir() / job_id
    name = safe_filename(filename)
    limit = get_settings().interview_max_upload_mb * 1024 * 1024
    folder.mkdir(parents=True, exist_ok=False)  # a fresh id: never another job's folder
    try:
        size, sha256 = _copy_limited(stream, folder / name, limit)
        probe = media.probe_file(folder / name)
        duration = probe.duration_s or declared_duration_s
        if duration is None:
            raise media.MediaRefused(
                "The recording's duration could not be measured; send duration_s.",
                code="unknown_duration",
            )
        needed = credits.credits_needed(duration)
        job = InterviewJob(
            id=job_id,
            org_id=org_id,
            source=source,
            call_id=call_id,
            role_title=title,
            input_path=f"interviews/{job_id}/{name}",
            input_filename=(filename or name)[:255],
            input_bytes=size,
            input_sha256=sha256,
            declared_duration_s=declared_duration_s,
            duration_s=duration,
            credits_charged=needed,
            status=InterviewJobStatus.queued.value,
            detail=QUEUED_DETAIL,
            priority=dispatch.interview_priority(
                source=source, paid=credits.balance(session, org_id=org_id) is not None
            ),
        )
        session.add(job)
        session.flush()  # the job row before its event (foreign key)
        session.add(
            InterviewJobEvent(
                job_id=job_id,
                status=InterviewJobStatus.queued.value,
                detail=QUEUED_DETAIL,
                at=job.created_at,
            )
        )
        credits.charge(session, org_id=org_id, job_id=job_id, credits=needed, commit=False)
        session.commit()
    except BaseException:
        session.rollback()
        shutil.rmtree(folder, ignore_errors=True)
        raise
    session.refresh(job)
    return job


def dispatch_job(job_id: str, priority: int | None = None) -> bool:
    """Tell the queue about an accepted job (after its commit). Never raises: the row is
    durable and the workers' sweep enqueues what was not. True when the message was sent."""
    from backend.services import dispatch

    try:
        if priority is None:
            from backend.db import session_scope

            with session_scope() as session:
                job = session.get(InterviewJob, job_id)
                if job is None:
                    return False
                priority = job.priority
        dispatch.enqueue_interview(job_id, priority)
    except Exception:
        log.exception("enqueueing interview job %s failed", job_id)
        return False
    return True
