"""Similarity between submissions of the same assessment, by winnowing (Schleimer, Wilkerson and
Aiken, "Winnowing: local algorithms for document fingerprinting", SIGMOD 2003).

Each source file is normalised (comments and all whitespace removed, lower-cased; string literals
kept), every run of ``k`` characters is hashed, and in every window of ``window`` consecutive
hashes the smallest one is kept (the rightmost on ties). Any passage shared by two submissions that
is at least ``window + k - 1`` normalised characters long is then guaranteed to share a
fingerprint, and passages shorter than ``k`` are ignored as noise. Because whitespace and comments
are dropped, re-indenting, re-wrapping or re-commenting a copy does not hide it; renaming a few
variables only breaks the k-grams around each renamed occurrence.

Code that every submission received (the assessment's starter repository) is excluded: a
fingerprint is dropped when its k-gram occurs *anywhere* in the starter code (every k-gram, not
only the starter's own winnowed ones, since winnowing picks different minima in a different
context).

Hashes are the first 8 bytes of BLAKE2b masked to 63 bits: stable across processes and machines
(unlike ``hash()``) and small enough for a signed BIGINT column and for JSON.
"""

from __future__ import annotations

import hashlib
import re
from collections import deque
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath

from workers.evaluation.code.evidence import AnalyserReport, Evidence, RiskFlag
from workers.evaluation.code.walk import submission_files

REPORT_NAME = "similarity"
DEFAULT_THRESHOLD = 0.5
_MASK_63 = (1 << 63) - 1
# Generated or minified files this large say nothing about the candidate's own work.
_MAX_FILE_BYTES = 512 * 1024
# Comment syntax per extension: "hash" (#), "c" (// and /* */), "both" (PHP).
_COMMENT_STYLE = {
    ".py": "hash",
    ".rb": "hash",
    ".sh": "hash",
    ".bash": "hash",
    ".js": "c",
    ".jsx": "c",
    ".mjs": "c",
    ".cjs": "c",
    ".ts": "c",
    ".tsx": "c",
    ".java": "c",
    ".go": "c",
    ".kt": "c",
    ".kts": "c",
    ".scala": "c",
    ".swift": "c",
    ".rs": "c",
    ".c": "c",
    ".h": "c",
    ".cc": "c",
    ".cpp": "c",
    ".hpp": "c",
    ".cs": "c",
    ".php": "both",
}
# String literals are matched first so that "#" or "//" inside a string (a URL, a format string)
# is not taken for a comment. Triple-quoted strings before single-quoted ones.
_PY_STRING = r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\''
_C_STRING = r'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|`(?:\\.|[^`\\])*`'
_HASH_COMMENT = r"#[^\n]*"
_C_COMMENT = r"//[^\n]*|/\*[\s\S]*?\*/"
_SCANNERS = {
    "hash": re.compile(f"(?P<s>{_PY_STRING})|(?P<c>{_HASH_COMMENT})"),
    "c": re.compile(f"(?P<s>{_C_STRING})|(?P<c>{_C_COMMENT})"),
    "both": re.compile(f"(?P<s>{_C_STRING})|(?P<c>{_C_COMMENT}|{_HASH_COMMENT})"),
}
_WHITESPACE = re.compile(r"\s+")


def fingerprints(
    root: Path, *, starter: Path | None = None, k: int = 25, window: int = 40
) -> list[int]:
    """The winnowed fingerprints of the source files under ``root``, sorted and unique, without
    those whose k-gram also occurs in the ``starter`` folder (the code every candidate received).

    Files are fingerprinted one by one, so the result does not depend on file order or names.
    """
    if k < 1 or window < 1:
        raise ValueError("k and window must be positive")
    selected: set[int] = set()
    for text in _normalised_sources(root):
        selected.update(_winnow(_kgram_hashes(text, k), window))
    if starter is not None and selected:
        shared: set[int] = set()
        for text in _normalised_sources(starter):
            shared.update(_kgram_hashes(text, k))
        selected -= shared
    return sorted(selected)


def compare(
    own: list[int], others: Mapping[str, list[int]], *, threshold: float = DEFAULT_THRESHOLD
) -> AnalyserReport:
    """The "similarity" report of one submission against the other submissions of the same
    assessment (``others``: evaluation id → its fingerprints).

    Overlap with another submission is the share of *this* submission's fingerprints found in it
    (0 when this submission has none), so a copy that adds its own code on top still shows how
    much of it was taken. Every submission whose overlap reaches ``threshold`` gets a high-severity
    ``similar_submission`` flag naming it, closest first.
    """
    own_set = set(own)
    overlaps: list[tuple[float, str, int]] = []
    for evaluation_id in sorted(others):
        shared = len(own_set & set(others[evaluation_id])) if own_set else 0
        share = shared / len(own_set) if own_set else 0.0
        overlaps.append((share, evaluation_id, shared))
    # Closest first; ties by evaluation id so the order never depends on the mapping's order.
    overlaps.sort(key=lambda item: (-item[0], item[1]))
    similar = [item for item in overlaps if own_set and item[0] >= threshold]
    report = AnalyserReport(
        name=REPORT_NAME,
        signals={
            "max_overlap": round(overlaps[0][0], 3) if overlaps else 0.0,
            "similar_submissions": len(similar),
            "compared_submissions": len(overlaps),
            "fingerprints": len(own_set),
        },
    )
    for share, evaluation_id, shared in similar:
        percent = _percent(share)
        report.risk_flags.append(
            RiskFlag(
                code="similar_submission",
                severity="high",
                message=(
                    f"{percent}% of this submission's code fingerprints also occur in "
                    f"evaluation {evaluation_id}."
                ),
                evidence=(
                    Evidence(
                        kind="metric",
                        excerpt=(
                            f"{shared} of {len(own_set)} fingerprints shared with evaluation "
                            f"{evaluation_id} ({percent}%; threshold {_percent(threshold)}%)"
                        ),
                    ),
                ),
            )
        )
    return report


# --- helpers --------------------------------------------------------------------------------


def _percent(share: float) -> int:
    """A share as a whole percentage, rounded half up (no banker's rounding in a message)."""
    return int(share * 100 + 0.5)


def _normalised_sources(root: Path) -> Iterator[str]:
    """The normalised text of every source file the analysers' walk finds under ``root`` (on
    top of it: only files with a known comment syntax, and none over ``_MAX_FILE_BYTES``)."""
    for file in submission_files(root):
        style = _COMMENT_STYLE.get(PurePosixPath(file.relative).suffix.lower())
        if style is None or file.size > _MAX_FILE_BYTES:
            continue
        text = file.path.read_bytes().decode("utf-8", errors="replace")
        normalised = normalise(text, style=style)
        if normalised:
            yield normalised


def normalise(text: str, *, style: str = "c") -> str:
    """Source text without comments and whitespace, lower-cased (``style``: "hash", "c" or
    "both", the comment syntax of the language)."""
    scanner = _SCANNERS[style]
    without_comments = scanner.sub(lambda m: m.group("s") or "", text)
    return _WHITESPACE.sub("", without_comments).lower()


def _stable_hash(gram: str) -> int:
    digest = hashlib.blake2b(gram.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") & _MASK_63


def _kgram_hashes(text: str, k: int) -> list[int]:
    """The hash of every k-gram of ``text`` in order; a text shorter than ``k`` is one gram (a
    tiny file still counts when it is copied whole)."""
    if len(text) <= k:
        return [_stable_hash(text)]
    return [_stable_hash(text[i : i + k]) for i in range(len(text) - k + 1)]


def _winnow(hashes: list[int], window: int) -> set[int]:
    """The minimum of every window of ``window`` consecutive hashes (rightmost on ties, as in the
    paper's robust winnowing); fewer hashes than a window give their minimum."""
    if not hashes:
        return set()
    if len(hashes) <= window:
        return {min(hashes)}
    chosen: set[int] = set()
    # A monotonic deque of indices makes this O(n) instead of O(n * window).
    candidates: deque[int] = deque()
    for i, value in enumerate(hashes):
        # Pop larger-or-equal values so that the rightmost minimum wins on ties.
        while candidates and hashes[candidates[-1]] >= value:
            candidates.pop()
        candidates.append(i)
        if candidates[0] <= i - window:
            candidates.popleft()
        if i >= window - 1:
            chosen.add(hashes[candidates[0]])
    return chosen
