"""Keeping the files an evaluation's result cites, while the engine still holds the submission
(the format, and why: ``backend.services.evaluations.cited_files``).

Files are read through the engine's own walk (``walk.submission_files``): links are never
followed and skipped folders stay skipped, so only regular files inside the submission are kept.
Secrets the engine's scanner finds in a kept file are masked as the report's excerpts mask them.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from backend.models.evaluation_result import AutomatedResult
from backend.services.errors import InvalidInput
from backend.services.evaluations.cited_files import (
    MAX_VIEWER_BYTES,
    Withheld,
    cited_key,
    is_binary,
    submission_path,
    write_snapshot,
)
from backend.services.storage import get_storage
from workers.evaluation.code import secrets
from workers.evaluation.code.walk import SubmissionFile, submission_files

log = logging.getLogger(__name__)


def cited_paths(result: dict[str, Any]) -> list[str]:
    """Every file the result's file evidence names (observations and risk flags), once each,
    as a relative path inside the submission; names that could not be one are left out."""
    parsed = AutomatedResult.model_validate(result)
    evidence = [e for c in parsed.rubric_scores for o in c.observations for e in o.evidence]
    evidence += [e for flag in parsed.risk_flags for e in flag.evidence]
    paths: set[str] = set()
    for item in evidence:
        if item.shown_kind != "file" or not item.file:
            continue
        try:
            paths.add(submission_path(item.file))
        except InvalidInput:
            continue
    return sorted(paths)


def _masked(file: SubmissionFile, text: str) -> str:
    for finding in secrets.scan_files([file]).findings:
        text = text.replace(finding.value, secrets.mask(finding.value))
    return text


def snapshot(root: Path, result: dict[str, Any]) -> bytes | None:
    """The zip of the cited files of the submission at ``root``; None when nothing is cited."""
    wanted = cited_paths(result)
    if not wanted:
        return None
    cited = set(wanted)
    by_path = {f.relative: f for f in submission_files(root) if f.relative in cited}
    kept: dict[str, bytes] = {}
    withheld: dict[str, Withheld] = {}
    for path in wanted:
        file = by_path.get(path)
        if file is None:
            withheld[path] = Withheld.missing
            continue
        if file.size > MAX_VIEWER_BYTES:
            withheld[path] = Withheld.too_large
            continue
        data = file.path.read_bytes()
        if is_binary(data):
            withheld[path] = Withheld.binary
            continue
        kept[path] = _masked(file, data.decode("utf-8", errors="replace")).encode()
    return write_snapshot(kept, withheld)


def keep_cited_files(evaluation_id: str, root: Path, result: dict[str, Any]) -> bool:
    """Store the snapshot of the evaluation's cited files; False (logged) when it could not be:
    the result still counts, the viewer then says the files are not kept."""
    try:
        content = snapshot(root, result)
        if content is not None:
            get_storage().put_bytes(cited_key(evaluation_id), content)
        return content is not None
    except Exception:
        log.exception("evaluation %s: keeping the cited files failed", evaluation_id)
        return False
