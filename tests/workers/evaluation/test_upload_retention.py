"""Uploaded zips are deleted by the minute sweep once nothing reads them again (issue 14: uploaded
zips were never deleted)."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from sqlmodel import col, update

from backend.db import session_scope
from backend.models.base import utcnow
from backend.models.evaluations import Evaluation, EvaluationCreate, EvaluationUpload
from backend.services.errors import InvalidInput
from backend.services.evaluations import submission
from backend.services.evaluations.upload_retention import delete_spent_uploads
from backend.services.storage import get_storage, stored_key
from tests.helpers import make_org
from workers import tasks
from workers.evaluation.pipeline import run_evaluation


@pytest.fixture(scope="module")
def org():
    return make_org("Upload retention")


def _zip(files: dict[str, str]) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    buffer.seek(0)
    return buffer


def _upload(org, files: dict[str, str] | None = None) -> tuple[str, str]:
    """(upload id, storage key) of a new zip upload."""
    with session_scope() as session:
        upload = submission.save_upload(
            session, org_id=org.org_id, stream=_zip(files or {"app/main.py": "print(1)\n"})
        )
        return upload.id, stored_key(upload.path)


def _submit(org, upload_id: str) -> str:
    data = EvaluationCreate.model_validate(
        {
            "candidate_ref": "CAND-RETENTION",
            "target_role": "Zip engineer",
            "target_level": "junior",
            "artefact": {"type": "zip_upload", "upload_id": upload_id},
        }
    )
    with session_scope() as session:
        return submission.submit_evaluation(session, org_id=org.org_id, data=data).id


def _stored(key: str) -> bool:
    return get_storage().exists(key)


def test_a_zip_is_kept_while_queued_and_deleted_by_the_sweep_once_its_evaluation_failed(org):
    upload_id, key = _upload(org, {"../../etc/cron.d/evil": "* * * * * root sh\n"})
    evaluation_id = _submit(org, upload_id)

    tasks.minute_sweep()  # the minute sweep; queued: the engine still needs it
    assert _stored(key)

    assert run_evaluation(evaluation_id) == "failed"
    assert _stored(key)  # the sweep deletes, not the pipeline
    tasks.minute_sweep()
    assert not _stored(key)

    # A later submission naming the swept upload is told so at once, not failed in the engine.
    with pytest.raises(InvalidInput) as refused:
        _submit(org, upload_id)
    assert refused.value.code == "upload_expired"


def test_a_zip_awaiting_review_is_deleted_the_reviewer_reads_the_stored_result(org):
    upload_id, key = _upload(org)
    evaluation_id = _submit(org, upload_id)
    with session_scope() as session:
        session.exec(
            update(Evaluation)
            .where(col(Evaluation.id) == evaluation_id)
            .values(stage="awaiting_review")
        )
        session.commit()
    with session_scope() as session:
        swept = delete_spent_uploads(session)
    assert swept.evaluated >= 1
    assert not _stored(key)


def test_an_unused_zip_is_kept_for_the_retention_period_then_deleted(org, monkeypatch):
    monkeypatch.setenv("TRUELEVEL_UPLOAD_RETENTION_DAYS", "30")
    from backend.settings import get_settings

    get_settings.cache_clear()
    try:
        upload_id, key = _upload(org)
        with session_scope() as session:
            created = session.get(EvaluationUpload, upload_id).created_at
            delete_spent_uploads(session, now=created + timedelta(days=29, hours=23))
        assert _stored(key)
        with session_scope() as session:
            swept = delete_spent_uploads(session, now=created + timedelta(days=30, minutes=1))
        assert swept.unused >= 1
        assert not _stored(key)
    finally:
        get_settings.cache_clear()


def test_an_object_without_an_upload_row_is_left_alone(org):
    key = f"uploads/evaluations/upl-{'f' * 20}.zip"
    get_storage().put_bytes(key, b"PK\x05\x06" + b"\x00" * 18)
    with session_scope() as session:
        delete_spent_uploads(session, now=utcnow() + timedelta(days=365))
    assert _stored(key)
    get_storage().delete(key)


def test_once_the_zip_is_swept_the_files_the_result_cites_still_open(org):
    """The engine keeps the files its evidence cites (``cited_snapshot``): the report's code
    viewer opens them after the zip itself is gone."""
    from backend.services.evaluations.cited_files import read_cited_file
    from workers.evaluation.cited_snapshot import cited_paths

    handlers = "def create_order(request):\n    order = dict(request)\n    return request\n"
    upload_id, key = _upload(org, {"app/handlers.py": handlers, "README.md": "# Orders\n"})
    evaluation_id = _submit(org, upload_id)
    assert run_evaluation(evaluation_id) == "awaiting_review"
    tasks.minute_sweep()
    assert not _stored(key)

    with session_scope() as session:
        result = session.get(Evaluation, evaluation_id).automated_result
    cited = cited_paths(result)
    assert cited, "the engine cites at least one file of the submission"
    files = {"app/handlers.py": handlers, "README.md": "# Orders\n"}
    with session_scope() as session:
        for path in cited:
            kept = read_cited_file(
                session, org_id=org.org_id, evaluation_id=evaluation_id, path=path
            )
            assert "\n".join(kept.lines) + "\n" == files[path]
