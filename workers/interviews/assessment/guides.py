"""What a good answer to a question contains, and which guide belongs to which asked question.

A guide is a question of the job's question bank with its ``key_points`` (what a correct,
specific answer states), ``misconceptions`` (common wrong claims, and contradictions of the key
points) and ``levels`` (descriptors by score). The assessment receives the bank as plain mappings
(``question_text`` or ``text``; the API's question shape and a browser interview's questions both
fit); a question asked in the transcript is matched to the bank question it is closest to, when
that is at least ``MATCH_MIN`` cosine, so an uploaded recording whose interviewer rephrased a
bank question still finds its guide. A question without a match or without key points has no
guide: its answer counts only towards the competency texts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from workers.interviews.assessment.embeddings import cosine
from workers.interviews.assessment.similarity import SupportsEmbed, embed_known

MATCH_MIN = 0.6


@dataclass(frozen=True)
class QuestionGuide:
    text: str
    key_points: tuple[str, ...]
    misconceptions: tuple[str, ...] = ()
    levels: tuple[tuple[str, str], ...] = ()
    id: str | None = None
    category: str | None = None


def _texts(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    out: dict[str, None] = {}
    for item in value or ():
        text = " ".join(str(item).split())
        if text:
            out.setdefault(text, None)
    return tuple(out)


def guides_from(bank: Sequence[Mapping[str, Any]] | None) -> tuple[QuestionGuide, ...]:
    """The bank's questions that say what a good answer contains (others are left out)."""
    guides: list[QuestionGuide] = []
    for item in bank or ():
        text = " ".join(str(item.get("question_text") or item.get("text") or "").split())
        key_points = _texts(item.get("key_points"))
        if not text or not key_points:
            continue
        levels = item.get("levels") or {}
        guides.append(
            QuestionGuide(
                text=text,
                key_points=key_points,
                misconceptions=_texts(item.get("misconceptions")),
                levels=tuple(
                    sorted((str(k), " ".join(str(v).split())) for k, v in levels.items() if v)
                )
                if isinstance(levels, Mapping)
                else (),
                id=str(item["id"]) if item.get("id") is not None else None,
                category=str(item["category"]) if item.get("category") else None,
            )
        )
    return tuple(guides)


def match(
    asked: Sequence[str], guides: Sequence[QuestionGuide], embedder: SupportsEmbed
) -> list[QuestionGuide | None]:
    """For each asked question, the closest guide at ``MATCH_MIN`` or above (the earlier guide on
    a tie), else None."""
    if not asked or not guides:
        return [None] * len(asked)
    bank = embed_known(embedder, [g.text for g in guides])
    similarity = cosine(embedder.embed(list(asked)), bank)
    matched: list[QuestionGuide | None] = []
    for row in similarity:
        best = int(np.argmax(row))  # first maximum: the earlier guide
        matched.append(guides[best] if float(row[best]) >= MATCH_MIN else None)
    return matched
