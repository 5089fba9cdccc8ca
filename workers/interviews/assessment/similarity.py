"""Sentence similarity between the candidate's words and texts the assessment knows (competency
exemplars, key points, misconceptions), with the fixed texts embedded once per embedder.

A unit's *evidence* for a competency is its best cosine to a positive text, less how much more it
resembles a negative text (``max(0, negative - positive)``), so "I don't know how it worked" does
not count as technical depth just for mentioning how something worked; where concreteness matters
(``SPECIFIC_FAMILIES``) a sentence's similarity counts in full only with two concrete details and
at 60% with none (``signals.specificity_weight``). *Coverage* = ``(best + mean of the top TOP_K)
/ 2`` over the units' evidence, missing units counting 0; it maps to a base score by
``COVERAGE_THRESHOLDS``. All cosines are rounded to 4 decimals (``embeddings.cosine``).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from workers.interviews.assessment.answer_style import strip_fillers
from workers.interviews.assessment.competencies import Competency, Family
from workers.interviews.assessment.embeddings import cosine
from workers.interviews.assessment.signals import specificity_weight
from workers.interviews.assessment.transcript import Unit

MIN_SCORE = 1
TOP_K = 3
# Coverage at or above each threshold gives that base score (checked from 5 down).
COVERAGE_THRESHOLDS: tuple[tuple[int, float], ...] = ((5, 0.45), (4, 0.36), (3, 0.27), (2, 0.18))
# Where concreteness means numbers, technologies and reasons (None: custom categories without a
# known family, which are mostly technical); ownership or motivation is concrete in other ways.
SPECIFIC_FAMILIES: frozenset[Family | None] = frozenset({"depth", "problem_solving", None})


class SupportsEmbed(Protocol):
    """What the assessment needs of an embedder (``embeddings.Embedder`` is one)."""

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


_text_cache: weakref.WeakKeyDictionary[Any, dict[str, np.ndarray]] = weakref.WeakKeyDictionary()
_cache_lock = threading.Lock()
MAX_CACHED_TEXTS = 20_000


def embed_known(embedder: SupportsEmbed, texts: Sequence[str]) -> np.ndarray:
    """Texts that recur across interviews (competency exemplars, a bank's key points), embedded
    once per embedder (an embedder that cannot be weakly referenced is asked every time)."""
    if not texts:
        return np.zeros((0, 1), dtype=np.float32)
    with _cache_lock:
        try:
            cache = _text_cache.setdefault(embedder, {})
        except TypeError:
            cache = {}
        if len(cache) > MAX_CACHED_TEXTS:
            cache.clear()
        missing = [t for t in dict.fromkeys(texts) if t not in cache]
        if missing:
            for text, vector in zip(missing, embedder.embed(missing), strict=True):
                cache[text] = vector
        return np.stack([cache[t] for t in texts])


def evidence(
    embedder: SupportsEmbed, competencies: Sequence[Competency], units: Sequence[Unit]
) -> dict[str, np.ndarray]:
    """Per competency, each unit's evidence (see the module docstring), rounded to 4 decimals."""
    if not units:
        return {c.key: np.zeros(0) for c in competencies}
    unit_vectors = embedder.embed([strip_fillers(u.text) for u in units])
    specificity = np.array([specificity_weight(u.text) for u in units])
    out: dict[str, np.ndarray] = {}
    for competency in competencies:
        positive = cosine(unit_vectors, embed_known(embedder, competency.positive)).max(axis=1)
        if competency.negative:
            negative = cosine(unit_vectors, embed_known(embedder, competency.negative)).max(1)
        else:
            negative = np.full(len(units), -1.0)
        weight = (
            specificity
            if competency.family in SPECIFIC_FAMILIES
            else np.ones(len(units), dtype=np.float64)
        )
        penalty = np.maximum(0.0, negative - positive)
        out[competency.key] = np.round(positive * weight - penalty, 4)
    return out


def ranked(values: np.ndarray, units: Sequence[Unit]) -> list[int]:
    """Unit indices by evidence (highest first), ties by time then text."""
    return sorted(
        range(len(units)), key=lambda i: (-float(values[i]), units[i].start, units[i].text)
    )


def coverage(values: np.ndarray) -> float:
    """``(best + mean of the top TOP_K) / 2``, missing units counting 0, never below 0."""
    top = sorted((max(0.0, float(v)) for v in values), reverse=True)[:TOP_K]
    if not top:
        return 0.0
    padded = top + [0.0] * (TOP_K - len(top))
    return round((top[0] + sum(padded) / TOP_K) / 2, 4)


def base_score(value: float) -> int:
    """The score a coverage gives before signals (``COVERAGE_THRESHOLDS``)."""
    for score, threshold in COVERAGE_THRESHOLDS:
        if value >= threshold:
            return score
    return MIN_SCORE
