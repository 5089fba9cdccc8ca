"""The code viewer's service: the files an evaluation cites, kept by the worker from a real
submission folder (with a link out of it, a binary file and a committed key), read back for the
evaluation's organisation only, on the data folder and on a real S3-compatible server."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest

from backend.db import session_scope
from backend.models.base import utcnow
from backend.models.evaluations import Evaluation
from backend.services.errors import InvalidInput, NotFound
from backend.services.evaluations.cited_files import (
    MAX_VIEWER_BYTES,
    CitedFile,
    FileUnavailable,
    cited_key,
    read_cited_file,
)
from backend.services.storage import get_storage
from backend.settings import get_settings
from tests.helpers import make_org
from tests.s3_server import running_s3_server
from workers.evaluation.cited_snapshot import keep_cited_files

AWS_KEY = "AKIAQ7ZCXR2MPLW4TJ8N"
HANDLERS = (
    "".join(f"# line {n}\n" for n in range(1, 12))
    + (
        "def create_order(request):\n"
        "    order = Order.from_request(request)\n"
        "    order.save()\n"
        "    return order\n"
    )
    + "".join(f"# line {n}\n" for n in range(16, 31))
)


def _file(path: str, line: int | None = None, end_line: int | None = None) -> dict:
    return {"kind": "file", "file": path, "line": line, "end_line": end_line}


RESULT = {
    "recommendation": "hire",
    "rubric_scores": [
        {
            "category": "Code Quality",
            "score": 3,
            "observations": [
                {
                    "text": "Handlers keep validation apart from persistence.",
                    "polarity": 1,
                    "evidence": [
                        _file("app/handlers.py", 12, 15),
                        _file("assets/logo.png"),
                        _file("app/leak.py", 1),
                        _file("data/big.txt"),
                        _file("../../etc/passwd", 1),  # an engine never cites this; skipped
                    ],
                }
            ],
        }
    ],
    "risk_flags": [
        {
            "code": "committed_secret",
            "severity": "high",
            "message": "An AWS key is committed.",
            "evidence": [_file("config/settings.py", 2)],
        }
    ],
}


@pytest.fixture(scope="module")
def s3():
    with running_s3_server() as server:
        yield server


@pytest.fixture(params=["local", "s3"])
def store(request):
    """The installation's store: its data folder, or a fresh bucket on a real S3 server."""
    patch = pytest.MonkeyPatch()
    if request.param == "s3":
        s3 = request.getfixturevalue("s3")
        for name, value in s3.settings(s3.new_bucket()).items():
            patch.setenv(name, value)
    get_settings.cache_clear()
    yield get_storage()
    patch.undo()
    get_settings.cache_clear()


def _submission(root: Path, outside: Path) -> Path:
    (root / "app").mkdir(parents=True)
    (root / "app" / "handlers.py").write_text(HANDLERS)
    (root / "assets").mkdir()
    (root / "assets" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (root / "config").mkdir()
    (root / "config" / "settings.py").write_text(
        f'REGION = "eu-west-1"\nAWS_ACCESS_KEY_ID = "{AWS_KEY}"\n'
    )
    (root / "data").mkdir()
    (root / "data" / "big.txt").write_text("x" * (MAX_VIEWER_BYTES + 1))
    outside.write_text("root:x:0:0:root:/root:/bin/bash\n")
    os.symlink(outside, root / "app" / "leak.py")  # a link out of the submission
    return root


def _evaluation(org_id: str) -> str:
    with session_scope() as session:
        evaluation = Evaluation(
            org_id=org_id,
            candidate_ref="CAND-0847",
            target_role="Backend Engineer",
            target_level="senior",
            artefact_type="github_repo",
            artefact_url="https://git.example.com/cand-0847.git",
            estimated_completion=utcnow() + timedelta(hours=24),
            automated_result=RESULT,
        )
        session.add(evaluation)
        session.commit()
        return evaluation.id


@pytest.fixture()
def kept(store, tmp_path):
    """An evaluation of a fresh organisation whose cited files the worker kept."""
    org = make_org()
    evaluation_id = _evaluation(org.org_id)
    root = _submission(tmp_path / "submission", tmp_path / "passwd")
    assert keep_cited_files(evaluation_id, root, RESULT)
    return org.org_id, evaluation_id


def _read(org_id: str, evaluation_id: str, path: str) -> CitedFile:
    with session_scope() as session:
        return read_cited_file(session, org_id=org_id, evaluation_id=evaluation_id, path=path)


def test_a_cited_file_reads_back_whole_with_its_lines(kept):
    org_id, evaluation_id = kept
    cited = _read(org_id, evaluation_id, "./app//handlers.py")
    assert cited.path == "app/handlers.py"
    assert len(cited.lines) == 30
    assert cited.lines[11] == "def create_order(request):"  # line 12, as the evidence says
    assert cited.lines[14] == "    return order"


def test_a_committed_key_is_masked_in_the_kept_file(kept):
    org_id, evaluation_id = kept
    lines = _read(org_id, evaluation_id, "config/settings.py").lines
    assert lines[0] == 'REGION = "eu-west-1"'
    assert AWS_KEY not in "\n".join(lines)
    assert lines[1].startswith('AWS_ACCESS_KEY_ID = "AKIA****')


@pytest.mark.parametrize(
    "path",
    ["../../etc/passwd", "/etc/passwd", "app/../../passwd", "app\\..\\..\\passwd", "", "C:/x"],
)
def test_a_path_outside_the_submission_is_refused(kept, path):
    org_id, evaluation_id = kept
    with pytest.raises(InvalidInput) as refused:
        _read(org_id, evaluation_id, path)
    assert refused.value.code == "path_not_allowed"
    assert "is not a file of this submission" in refused.value.message


def test_a_link_out_of_the_submission_was_never_kept(kept):
    org_id, evaluation_id = kept
    with pytest.raises(FileUnavailable) as refused:
        _read(org_id, evaluation_id, "app/leak.py")
    assert refused.value.code == "file_missing"
    assert "not a regular file of the submission" in refused.value.message


def test_another_organisation_gets_not_found(kept):
    _org_id, evaluation_id = kept
    other = make_org()
    with pytest.raises(NotFound) as refused:
        _read(other.org_id, evaluation_id, "app/handlers.py")
    assert refused.value.message == "Evaluation not found."


def test_a_binary_file_is_refused_with_a_clear_message(kept):
    org_id, evaluation_id = kept
    with pytest.raises(FileUnavailable) as refused:
        _read(org_id, evaluation_id, "assets/logo.png")
    assert refused.value.code == "file_binary"
    assert refused.value.message == (
        "assets/logo.png is a binary file; the viewer shows text files only."
    )


def test_a_file_over_the_cap_is_refused(kept):
    org_id, evaluation_id = kept
    with pytest.raises(FileUnavailable) as refused:
        _read(org_id, evaluation_id, "data/big.txt")
    assert refused.value.code == "file_too_large"
    assert "larger than 512 KB" in refused.value.message


def test_a_file_the_evaluation_does_not_cite_is_missing(kept):
    org_id, evaluation_id = kept
    with pytest.raises(FileUnavailable) as refused:
        _read(org_id, evaluation_id, "app/models.py")
    assert refused.value.code == "file_not_cited"
    assert refused.value.message == "app/models.py is not one of the files this evaluation cites."


def test_files_no_longer_kept_are_said_plainly(store):
    org = make_org()
    evaluation_id = _evaluation(org.org_id)  # the engine kept nothing (an older evaluation)
    with pytest.raises(FileUnavailable) as refused:
        _read(org.org_id, evaluation_id, "app/handlers.py")
    assert refused.value.code == "files_not_kept"
    assert "no longer kept" in refused.value.message
    assert not store.exists(cited_key(evaluation_id))
