"""The candidate's files an evaluation's evidence cites, kept so a reviewer can read a cited line
in its file (the report's code viewer).

Only the engine ever holds a whole submission, in a scratch folder: a repository is cloned and an
uploaded zip is deleted once the engine is done with it (``upload_retention``). So when the
engine finishes, the worker keeps the files the result cites, and only those, in one zip per
evaluation under ``cited_key(evaluation_id)`` in the installation's store (local folder or
S3-compatible): ``files/<path>`` for each file it kept, and ``withheld.json`` naming the cited
files it did not keep and why (binary, too large for the viewer). Committed secrets are masked in
the kept text the way the report's excerpts mask them. The zip goes when the person is erased
(``erasure``).

``read_cited_file`` answers the viewer: the organisation's evaluation, a relative path inside the
submission (never absolute, never ``..``, looked up by name, so nothing outside the zip can be
named), a text file under ``MAX_VIEWER_BYTES``. Each refusal is a ``DomainError`` whose message
a reviewer can read; an evaluation whose files were never kept (evaluated before files were kept,
or a failed one) or are gone says so plainly.
"""

from __future__ import annotations

import io
import json
import zipfile
from enum import StrEnum
from pathlib import PurePosixPath

from pydantic import BaseModel
from sqlmodel import Session

from backend.services.errors import DomainError, InvalidInput
from backend.services.evaluations.queries import get_evaluation
from backend.services.storage import ObjectMissing, get_storage

CITED_PREFIX = "evaluations/cited"
FILES_FOLDER = "files/"
WITHHELD_NAME = "withheld.json"
# What one file may weigh to be shown (and kept): beyond it a page of text is no longer a
# reading aid. The whole zip is capped too, so one evaluation never keeps much.
MAX_VIEWER_BYTES = 512 * 1024
MAX_SNAPSHOT_BYTES = 8 * 1024 * 1024
_SNIFF_BYTES = 8192


class Withheld(StrEnum):
    """Why a cited file was not kept."""

    binary = "binary"
    too_large = "too_large"
    missing = "missing"  # not a regular file of the submission (a link, a skipped folder)


class CitedFile(BaseModel):
    """One kept file of the candidate's submission, as text split into lines."""

    evaluation_id: str
    path: str  # relative to the submission root, forward slashes
    lines: list[str]


class FileUnavailable(DomainError):
    """The file exists in the citation but cannot be shown (binary, too large, not kept)."""

    status_code = 404
    code = "file_unavailable"


FILES_NOT_KEPT = (
    "The candidate's files are no longer kept for this evaluation (it was evaluated before "
    "truelevel kept cited files, or they were deleted). The excerpt the engine cited is below."
)


def cited_key(evaluation_id: str) -> str:
    """The storage key of an evaluation's kept files."""
    return f"{CITED_PREFIX}/{evaluation_id}.zip"


def submission_path(path: str) -> str:
    """``path`` as a relative POSIX path inside a submission, or ``InvalidInput``: absolute
    paths, ``..``, backslashes and NUL are refused, ``./a//b`` reads as ``a/b``."""
    raw = (path or "").strip()
    parts = [part for part in raw.split("/") if part not in ("", ".")]
    if (
        not parts
        or raw.startswith("/")
        or "\\" in raw
        or "\x00" in raw
        or ".." in parts
        or (len(parts[0]) > 1 and parts[0][1] == ":")
    ):
        raise InvalidInput(
            f"{raw[:200]!r} is not a file of this submission.", code="path_not_allowed"
        )
    return PurePosixPath(*parts).as_posix()


def is_binary(data: bytes) -> bool:
    """The test the engine's walk uses: a NUL byte near the start."""
    return b"\0" in data[:_SNIFF_BYTES]


def _withheld_message(path: str, reason: str) -> str:
    if reason == Withheld.binary:
        return f"{path} is a binary file; the viewer shows text files only."
    if reason == Withheld.too_large:
        return (
            f"{path} is larger than {MAX_VIEWER_BYTES // 1024} KB; the viewer shows smaller files."
        )
    return f"{path} is not a regular file of the submission (a link or a skipped folder)."


def read_cited_file(session: Session, *, org_id: str, evaluation_id: str, path: str) -> CitedFile:
    """The text of ``path`` in the evaluation's kept files. ``NotFound`` for an evaluation of
    another organisation; ``InvalidInput`` (path_not_allowed) for a path outside the submission;
    ``FileUnavailable`` for a file not kept (files_not_kept, file_not_cited), binary, or too
    large."""
    evaluation = get_evaluation(session, org_id=org_id, evaluation_id=evaluation_id)
    evaluation_id = evaluation.id
    wanted = submission_path(path)
    try:
        with get_storage().open(cited_key(evaluation_id)) as stream:
            content = stream.read(MAX_SNAPSHOT_BYTES + 1)
    except ObjectMissing:
        raise FileUnavailable(FILES_NOT_KEPT, code="files_not_kept") from None
    if len(content) > MAX_SNAPSHOT_BYTES:
        raise FileUnavailable(FILES_NOT_KEPT, code="files_not_kept")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            withheld = _withheld(archive)
            if wanted in withheld:
                raise FileUnavailable(
                    _withheld_message(wanted, withheld[wanted]), code=f"file_{withheld[wanted]}"
                )
            try:
                info = archive.getinfo(FILES_FOLDER + wanted)
            except KeyError:
                raise FileUnavailable(
                    f"{wanted} is not one of the files this evaluation cites.",
                    code="file_not_cited",
                ) from None
            if info.file_size > MAX_VIEWER_BYTES:
                raise FileUnavailable(
                    _withheld_message(wanted, Withheld.too_large), code="file_too_large"
                )
            data = archive.read(info)
    except zipfile.BadZipFile:
        raise FileUnavailable(FILES_NOT_KEPT, code="files_not_kept") from None
    if is_binary(data):
        raise FileUnavailable(_withheld_message(wanted, Withheld.binary), code="file_binary")
    text = data.decode("utf-8", errors="replace")
    return CitedFile(evaluation_id=evaluation_id, path=wanted, lines=text.splitlines())


def _withheld(archive: zipfile.ZipFile) -> dict[str, str]:
    try:
        raw = json.loads(archive.read(WITHHELD_NAME))
    except (KeyError, ValueError):
        return {}
    return {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}


def write_snapshot(files: dict[str, bytes], withheld: dict[str, Withheld]) -> bytes:
    """The zip ``read_cited_file`` reads: ``files`` (path → text bytes) and why the others
    were withheld. Files beyond ``MAX_SNAPSHOT_BYTES`` in all are withheld as too large."""
    out = io.BytesIO()
    total = 0
    withheld = dict(withheld)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, data in sorted(files.items()):
            if total + len(data) > MAX_SNAPSHOT_BYTES // 2:  # deflated, it stays well under
                withheld[path] = Withheld.too_large
                continue
            total += len(data)
            archive.writestr(FILES_FOLDER + submission_path(path), data)
        archive.writestr(
            WITHHELD_NAME, json.dumps({k: v.value for k, v in sorted(withheld.items())})
        )
    return out.getvalue()
