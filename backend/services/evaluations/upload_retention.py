"""Uploaded zips are deleted once nothing will read them again (the minute sweep calls
``delete_spent_uploads``).

Only the engine reads a zip: the pipeline unpacks it into a scratch folder while the evaluation
is with the engine (``ENGINE_STAGES``); the review screens, the report and the exports read the
stored result, never the archive (the code viewer reads the few files the result cites, which
the worker keeps apart: ``cited_files``). So a zip is spent:

- as soon as every evaluation naming it has left the engine (awaiting review, in review,
  finalised or failed): a reviewer still has everything they need;
- ``TRUELEVEL_UPLOAD_RETENTION_DAYS`` (30) after the upload when no evaluation named it (the
  candidate or integrator never submitted it).

The store itself records what is left: the sweep walks the keys under ``uploads/evaluations/``,
so its work shrinks as zips go, and a zip that is gone is never looked at again. An object with
no upload row yet is left alone (its upload may be committing right now).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import PurePosixPath

from pydantic import BaseModel
from sqlmodel import Session, col, select

from backend.models.base import utcnow
from backend.models.evaluations import ENGINE_STAGES, Evaluation, EvaluationUpload
from backend.services.storage import get_storage, stored_key
from backend.settings import get_settings

UPLOADS_PREFIX = "uploads/evaluations"
BATCH = 500  # upload ids looked up per query

_ENGINE_STAGE_VALUES = frozenset(stage.value for stage in ENGINE_STAGES)


class SweptUploads(BaseModel):
    """What one sweep deleted: zips whose evaluations are done with them, and zips never named
    by an evaluation within the retention period."""

    evaluated: int = 0
    unused: int = 0

    @property
    def total(self) -> int:
        return self.evaluated + self.unused


def _stored_zips() -> dict[str, str]:
    """Upload id -> key of every zip still stored."""
    stored: dict[str, str] = {}
    for key in get_storage().keys(UPLOADS_PREFIX):
        path = PurePosixPath(key)
        if path.suffix == ".zip":
            stored[path.stem] = key
    return stored


def _stages_by_upload(session: Session, upload_ids: list[str]) -> dict[str, set[str]]:
    rows = session.exec(
        select(Evaluation.upload_id, Evaluation.stage).where(
            col(Evaluation.upload_id).in_(upload_ids)
        )
    ).all()
    stages: dict[str, set[str]] = defaultdict(set)
    for upload_id, stage in rows:
        stages[str(upload_id)].add(stage)
    return stages


def spent_reason(
    upload: EvaluationUpload, stages: set[str], *, unused_before: datetime
) -> str | None:
    """``evaluated``, ``unused`` or None (still needed): the rule in the module docstring."""
    if stages:
        return None if stages & _ENGINE_STAGE_VALUES else "evaluated"
    return "unused" if upload.created_at <= unused_before else None


def delete_spent_uploads(session: Session, *, now: datetime | None = None) -> SweptUploads:
    """Delete every stored zip that is spent, through the storage interface."""
    store = get_storage()
    unused_before = (now or utcnow()) - timedelta(days=get_settings().upload_retention_days)
    stored = _stored_zips()
    swept = SweptUploads()
    ids = sorted(stored)
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        uploads = session.exec(
            select(EvaluationUpload).where(col(EvaluationUpload.id).in_(batch))
        ).all()
        stages = _stages_by_upload(session, batch)
        for upload in uploads:
            reason = spent_reason(upload, stages.get(upload.id, set()), unused_before=unused_before)
            key = stored[upload.id]
            if reason is None or stored_key(upload.path) != key:
                continue
            store.delete(key)
            setattr(swept, reason, getattr(swept, reason) + 1)
    session.rollback()  # read only: end the transaction
    return swept
