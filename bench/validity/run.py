"""One evaluation through the worker's own path: the tree is zipped, unpacked by
``intake.unpack_zip`` and evaluated by ``engine.evaluate`` with the default rubric, target level
mid and the prior calibration, exactly as ``workers.evaluation.pipeline`` does for a zip upload.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backend.services.rubrics import default_rubric_categories
from bench.validity import corpus, variants
from workers.evaluation.code import engine, intake, similarity

TARGET_LEVEL = "mid"
RECOMMENDATION_RANK = {"reject": 0, "hold": 1, "proceed": 2}
SECRET_FLAG = "committed_secret"
_ZIP_DATE = (2024, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Evaluated:
    """What the figures need from one evaluated tree."""

    item: str
    variant: str  # "original" or a variant's name
    label: corpus.Label
    split: corpus.Split
    profile: float
    categories: dict[str, int]
    recommendation: str
    level: str
    confidence: int
    tests_present: bool
    tests_run: bool
    tests_ok: bool
    high_secret_flags: int
    high_flags: tuple[str, ...]
    digest: str  # sha256 of the canonical result: stability

    @property
    def strong(self) -> bool:
        return self.label == "strong"

    @property
    def right(self) -> bool:
        """Strong work proposed to proceed, anything else not; a variant that must not proceed
        (a planted key, copied work) whatever its label."""
        if self.variant in variants.MUST_NOT_PROCEED:
            return self.recommendation != "proceed"
        return (self.recommendation == "proceed") == self.strong


def zip_tree(tree: Path, dest: Path) -> Path:
    """A zip of ``tree`` with sorted entries and fixed dates, like a candidate's upload (GitHub's
    "Download ZIP": links are link entries holding their text)."""
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(tree.rglob("*")):
            info = zipfile.ZipInfo(path.relative_to(tree).as_posix(), _ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            if path.is_symlink():
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
                archive.writestr(info, os.readlink(path))
            elif path.is_file():
                archive.writestr(info, path.read_bytes())
    return dest


def evaluate_tree(tree: Path, scratch: Path, others: dict[str, list[int]]) -> dict[str, Any]:
    """The stored result for ``tree`` uploaded as a zip."""
    upload = zip_tree(tree, scratch / "upload.zip")
    root = intake.unpack_zip(upload, scratch / "submission")
    context = engine.SubmissionContext(
        target_level=TARGET_LEVEL,
        rubric_categories=default_rubric_categories(),
        others=others,
    )
    return engine.evaluate(root, context).result


def evaluate_item(item: corpus.Item, variant: variants.Variant | None) -> Evaluated:
    """Rebuild ``item``, apply ``variant`` (None: the original) and evaluate it."""
    with tempfile.TemporaryDirectory(prefix="truelevel-validity-") as folder:
        scratch = Path(folder)
        original = scratch / "original"
        corpus.materialise(item, original)
        others: dict[str, list[int]] = {}
        tree = original
        if variant is not None:
            tree = scratch / "variant"
            shutil.copytree(original, tree, symlinks=True)
            variant.edit(tree)
            if variant.copy_of_original:
                others = {"earlier-submission": similarity.fingerprints(original)}
        result = evaluate_tree(tree, scratch, others)
    return summarise(item, variant.name if variant else "original", result)


def summarise(item: corpus.Item, variant: str, result: dict[str, Any]) -> Evaluated:
    tests = result["signals"].get("tests", {})
    flags = result["risk_flags"]
    return Evaluated(
        item=item.name,
        variant=variant,
        label=item.label,
        split=item.split,
        profile=float(result["calibration"]["profile"]),
        categories={s["category"]: int(s["score"]) for s in result["rubric_scores"]},
        recommendation=result["recommendation"],
        level=result["calibrated_seniority"],
        confidence=int(result["confidence_score"]),
        tests_present=bool(tests.get("tests_present")),
        tests_run=bool(tests.get("tests_run")),
        tests_ok=bool(tests.get("tests_run_ok")),
        high_secret_flags=sum(
            1 for f in flags if f["code"] == SECRET_FLAG and f["severity"] == "high"
        ),
        high_flags=tuple(sorted({f["code"] for f in flags if f["severity"] == "high"})),
        digest=hashlib.sha256(engine.canonical_json(result).encode()).hexdigest(),
    )
