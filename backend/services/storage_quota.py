"""Quotas of stored bytes: an upload may not bring its organisation's total past
``TRUELEVEL_ORG_STORAGE_QUOTA_MB``, nor its candidate key's past ``TRUELEVEL_KEY_UPLOAD_QUOTA_MB``
(0: no quota).

Every upload (a zip, a recording, a transcript, a browser-interview answer, a resume) is
``reserve``d once its size is known and before it is stored: in one short transaction of its
own, the subjects' totals (``StorageUsage``) grow by a guarded ``UPDATE … WHERE used_bytes +
:size <= :quota`` and the object's row (``StoredObject``) is written. A guarded update is atomic
on PostgreSQL (the second of two parallel updates of one row waits for the first and re-checks
the condition on the row it left) and on SQLite (one writer at a time), so two uploads can never
both take the last free bytes. A refused upload raises ``StorageQuotaExceeded`` (413) before
anything is stored or charged.

The store gives the bytes back: ``storage.get_storage()`` is ``MeteredStorage``, whose deletes
(``release``) remove the objects' rows and lower the totals, whoever deletes (retention sweeps,
spent zips, erasure, a refused upload's ``discard``). An object stored again under the same key
(a new take of an answer) counts once, at its new size.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy import case, func, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from backend.db import one_writer_at_a_time, session_scope
from backend.models.base import utcnow
from backend.models.storage_usage import StorageUsage, StoredObject
from backend.services.errors import DomainError
from backend.settings import get_settings

log = logging.getLogger(__name__)

MB = 1024 * 1024


class Kind(StrEnum):
    zip = "zip"
    recording = "recording"
    transcript = "transcript"
    answer = "answer"
    resume = "resume"


class StorageQuotaExceeded(DomainError):
    """413: the upload would bring its organisation or candidate key past its quota."""

    status_code = 413
    code = "storage_quota_exceeded"


def org_subject(org_id: str) -> str:
    return f"org:{org_id}"


def key_subject(candidate_key_id: str) -> str:
    return f"key:{candidate_key_id}"


def _quotas(org_id: str, candidate_key_id: str | None) -> list[tuple[str, str, int]]:
    """(subject, scope, quota in bytes; 0 for none) of an upload."""
    settings = get_settings()
    out = [(org_subject(org_id), "organisation", settings.org_storage_quota_mb * MB)]
    if candidate_key_id is not None:
        out.append(
            (key_subject(candidate_key_id), "candidate_key", settings.key_upload_quota_mb * MB)
        )
    return out


def _ensure_rows(session: Session, subjects: Iterable[str]) -> None:
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    for subject in subjects:
        session.execute(
            insert(StorageUsage.__table__)
            .values(subject=subject, used_bytes=0)
            .on_conflict_do_nothing(index_elements=["subject"])
        )


def _refusal(scope: str, used: int, size: int, quota: int) -> StorageQuotaExceeded:
    whose = "this candidate key's uploads" if scope == "candidate_key" else "this organisation"
    free = max(0, quota - used)
    return StorageQuotaExceeded(
        f"Storage quota reached: {whose} may keep {quota / MB:.0f} MB of files and "
        f"{used / MB:.1f} MB are stored; this file needs {size / MB:.1f} MB "
        f"({free / MB:.1f} MB free). Delete files or ask the administrator for a larger quota.",
        scope=scope,
        used_bytes=used,
        quota_bytes=quota,
        size_bytes=size,
    )


def reserve(
    *, org_id: str, key: str, size: int, kind: Kind, candidate_key_id: str | None = None
) -> None:
    """Count ``size`` bytes stored under ``key`` for the organisation (and the candidate key),
    or raise ``StorageQuotaExceeded`` having counted nothing. Call it before storing the object;
    a failure after it is undone by deleting the object (``storage.discard``)."""
    with session_scope() as session, one_writer_at_a_time(session):
        earlier = session.get(StoredObject, key)  # a new take under the same key
        delta = size - (earlier.size if earlier is not None else 0)
        quotas = _quotas(org_id, candidate_key_id)
        _ensure_rows(session, [subject for subject, _, _ in quotas])
        for subject, scope, quota in quotas:
            used = col(StorageUsage.used_bytes)
            grow = update(StorageUsage).where(col(StorageUsage.subject) == subject)
            if quota and delta > 0:
                grow = grow.where(used + delta <= quota)
            if session.execute(grow.values(used_bytes=used + delta)).rowcount == 0:
                now_used = session.get(StorageUsage, subject)
                session.rollback()
                raise _refusal(scope, now_used.used_bytes if now_used else 0, size, quota)
        if earlier is None:
            session.add(
                StoredObject(
                    key=key,
                    org_id=org_id,
                    candidate_key_id=candidate_key_id,
                    kind=kind.value,
                    size=size,
                )
            )
        else:
            earlier.size, earlier.stored_at = size, utcnow()
            session.add(earlier)
        session.commit()


def release(*, key: str | None = None, prefix: str | None = None) -> int:
    """Forget the objects stored under ``key`` or under ``prefix/`` and give their bytes back to
    their subjects; how many there were. Called by the store's deletes."""
    with session_scope() as session, one_writer_at_a_time(session):
        query = select(StoredObject)
        if key is not None:
            query = query.where(col(StoredObject.key) == key)
        elif prefix is not None:
            query = query.where(col(StoredObject.key).startswith(prefix.rstrip("/") + "/"))
        else:
            raise ValueError("release needs a key or a prefix")
        rows = list(session.exec(query))
        if not rows:
            return 0
        freed: dict[str, int] = {}
        for row in rows:
            subjects = [org_subject(row.org_id)]
            if row.candidate_key_id is not None:
                subjects.append(key_subject(row.candidate_key_id))
            for subject in subjects:
                freed[subject] = freed.get(subject, 0) + row.size
            session.delete(row)
        for subject, size in freed.items():
            used = col(StorageUsage.used_bytes)
            session.execute(
                update(StorageUsage)
                .where(col(StorageUsage.subject) == subject)
                .values(used_bytes=case((used > size, used - size), else_=0))
            )
        session.commit()
        return len(rows)


def used_bytes(
    session: Session, *, org_id: str | None = None, candidate_key_id: str | None = None
) -> int:
    """The stored bytes counted for an organisation or a candidate key."""
    subject = org_subject(org_id) if org_id is not None else key_subject(candidate_key_id or "")
    row = session.get(StorageUsage, subject)
    return row.used_bytes if row is not None else 0


class KindUsage(BaseModel):
    kind: str
    files: int
    bytes: int
    oldest_at: datetime | None


class OrgUsage(BaseModel):
    org_id: str
    used_bytes: int
    quota_bytes: int  # 0: no quota


def usage_by_kind(session: Session) -> list[KindUsage]:
    """Files and bytes stored of each kind, with the oldest one's time."""
    rows = session.exec(
        select(
            StoredObject.kind,
            func.count(),
            func.coalesce(func.sum(StoredObject.size), 0),
            func.min(StoredObject.stored_at),
        ).group_by(StoredObject.kind)
    )
    return [
        KindUsage(kind=kind, files=files, bytes=int(total), oldest_at=_aware(oldest))
        for kind, files, total, oldest in rows
    ]


def usage_by_org(session: Session) -> list[OrgUsage]:
    """Each organisation's stored bytes against its quota, largest first."""
    quota = get_settings().org_storage_quota_mb * MB
    rows = session.exec(
        select(StorageUsage.subject, StorageUsage.used_bytes)
        .where(col(StorageUsage.subject).startswith("org:"))
        .order_by(col(StorageUsage.used_bytes).desc())
    )
    return [
        OrgUsage(org_id=subject.removeprefix("org:"), used_bytes=used, quota_bytes=quota)
        for subject, used in rows
    ]


def _aware(value: datetime | None) -> datetime | None:
    from datetime import UTC

    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _retention_days(kind: str) -> int:
    """The installation's retention of a kind of upload in days (0: kept)."""
    settings = get_settings()
    return {
        Kind.zip.value: settings.upload_retention_days,
        Kind.recording.value: settings.recording_retention_days,
        Kind.answer.value: settings.answer_retention_days,
        Kind.resume.value: settings.resume_retention_days,
    }.get(kind, 0)


def _size_text(size: int) -> str:
    return f"{size / MB:.1f} MB" if size >= MB / 10 else f"{size / 1024:.0f} KB"


def storage_lines(session: Session, *, org_id: str | None = None) -> list[str]:
    """The ops status's storage lines: bytes stored of each kind, the oldest file's age against
    its retention, and (``org_id``: for that organisation's admins) its quota use."""
    now = utcnow()
    kinds = usage_by_kind(session)
    lines = []
    for usage in kinds:
        age = (now - usage.oldest_at).days if usage.oldest_at else 0
        kept = _retention_days(usage.kind)
        limit = f"retention {kept} days" if kept else "kept until deleted"
        lines.append(
            f"{usage.kind}: {usage.files} files, {_size_text(usage.bytes)}; oldest {age} days "
            f"({limit})"
        )
    if not kinds:
        lines.append("No uploads stored.")
    if org_id is not None:
        quota = get_settings().org_storage_quota_mb * MB
        used = used_bytes(session, org_id=org_id)
        of = f"of {_size_text(quota)} ({100 * used / quota:.0f}%)" if quota else "(no quota)"
        lines.append(f"Your organisation: {_size_text(used)} {of}")
    return lines
