"""A zip of thousands of nested folders fails with its reason and leaves nothing behind (issue 14:
a 12 KB zip of 3,000 nested folders ended in ``engine_error: OSError`` and left 8 MB and 2,030
folders in the temporary folder on every attempt)."""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from pathlib import Path

import pytest

from backend.db import session_scope
from backend.models.evaluations import EvaluationCreate
from backend.services.evaluations import queries, submission
from backend.settings import get_settings
from tests.helpers import make_org
from workers.evaluation.code import intake
from workers.evaluation.pipeline import run_evaluation
from workers.evaluation.scratch import remove_tree, scratch_folder


def _nested_zip(depth: int) -> bytes:
    """One small file under ``depth`` nested folders."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a/" * depth + "deep.py", "print('deep')\n")
    return buffer.getvalue()


@pytest.fixture()
def private_tmp(tmp_path, monkeypatch):
    """The system temporary folder, private to this test (other processes share /tmp)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _evaluate(zip_bytes: bytes) -> dict:
    org = make_org("Deep zips")
    with session_scope() as session:
        upload = submission.save_upload(session, org_id=org.org_id, stream=io.BytesIO(zip_bytes))
        data = EvaluationCreate.model_validate(
            {
                "candidate_ref": "CAND-DEEP",
                "target_role": "Zip engineer",
                "target_level": "junior",
                "artefact": {"type": "zip_upload", "upload_id": upload.id},
            }
        )
        evaluation_id = submission.submit_evaluation(session, org_id=org.org_id, data=data).id
    assert run_evaluation(evaluation_id) == "failed"
    with session_scope() as session:
        evaluation = queries.get_evaluation(session, org_id=org.org_id, evaluation_id=evaluation_id)
        return queries.evaluation_view(evaluation).model_dump(mode="json")


def test_3000_nested_folders_fail_as_too_deep_and_the_temp_folder_does_not_grow(private_tmp):
    archive = _nested_zip(3000)
    assert 10_000 < len(archive) < 14_000  # the reported 12 KB
    for _ in range(2):  # every attempt, not only the first
        view = _evaluate(archive)
        assert view["failure"]["code"] == "zip_too_deep"
        assert "3000 deep" in view["failure"]["reason"]
        assert "64" in view["failure"]["reason"]
        assert list(private_tmp.iterdir()) == []


def test_the_depth_limit_is_a_setting(tmp_path, monkeypatch):
    zip_path = tmp_path / "nested.zip"
    zip_path.write_bytes(_nested_zip(64))
    root = intake.unpack_zip(zip_path, tmp_path / "at-limit")
    assert (root.joinpath(*["a"] * 63) / "deep.py").is_file()

    zip_path.write_bytes(_nested_zip(65))
    with pytest.raises(intake.IntakeRefused) as refused:
        intake.unpack_zip(zip_path, tmp_path / "over-limit")
    assert refused.value.code == "zip_too_deep"

    monkeypatch.setenv("TRUELEVEL_EVALUATION_MAX_ZIP_DEPTH", "100")
    get_settings.cache_clear()
    try:
        intake.unpack_zip(zip_path, tmp_path / "raised-limit")
    finally:
        get_settings.cache_clear()


def _deep_tree(top: Path, depth: int) -> None:
    """``depth`` nested folders under ``top``, a file in each (made relative to the folder above,
    since the full path soon gets longer than a path may be)."""
    flags = os.O_RDONLY | os.O_DIRECTORY
    fd = os.open(top, flags)
    try:
        for _ in range(depth):
            os.mkdir("a", dir_fd=fd)
            os.close(os.open("f.py", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd))
            below = os.open("a", flags, dir_fd=fd)
            os.close(fd)
            fd = below
    finally:
        os.close(fd)


def test_a_tree_deeper_than_a_path_can_name_is_still_removed(private_tmp):
    with scratch_folder() as scratch:
        _deep_tree(scratch, 3000)  # 6,000 characters deep, past the recursion limit too
    assert list(private_tmp.iterdir()) == []

    _deep_tree(private_tmp, 2500)
    remove_tree(private_tmp / "a")
    assert [p.name for p in private_tmp.iterdir()] == ["f.py"]
