"""The correctness judge: each answer against its own question's key points and misconceptions.

No natural-language-inference or cross-encoder model ships inside a registry package that this
project can install (the candidates checked are in the assessment's report note), so the default
judge is the fallback the product allows, and says so in every report (``JUDGE``):

1. The answer's sentences (fillers removed, at least ``MIN_WORDS`` words) are embedded with the
   sentence model, as are the guide's key points and misconceptions.
2. A sentence **contradicts** the guide when it is at least ``MISCONCEPTION_MIN`` similar to a
   misconception and closer to it than to every key point (by ``MISCONCEPTION_MARGIN``): on-topic
   but false. A sentence that admits a gap ("I'm not sure what happens if…") contradicts nothing.
3. A key point is **stated** by the closest non-contradicting sentence: in full at
   ``POINT_FULL`` or more, half at ``POINT_MIN`` or more. Coverage is the share of key points
   stated.
4. An answer whose sentences are closer to another bank question's key points than to its own
   (by ``OTHER_MARGIN``) answers **another question**.
5. Score: by coverage (``COVERAGE_SCORES``), one less per contradicting sentence and at most
   ``CONTRADICTION_CAPS`` (3 with one, 2 with more); contradictions that outweigh what was
   stated make it **wrong** (1); another question's answer is 1; a keyword list or a vague
   answer is at most ``WEAK_CAP``.

Every judgement cites, per key point, the sentence that stated it (or that it was missed) and
the sentence that matched a misconception. Cosines are rounded to 4 decimals, ties go to the
earlier sentence, so the same answer gets the same judgement byte for byte.

A judge that uses a real NLI/cross-encoder or instruct model implements ``Judge`` and reports its
own ``info``; the assessment's confidence follows ``info["kind"]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import numpy as np

from workers.interviews.assessment.answer_style import Style, admits_gap, strip_fillers, style
from workers.interviews.assessment.embeddings import cosine
from workers.interviews.assessment.guides import QuestionGuide
from workers.interviews.assessment.similarity import SupportsEmbed, embed_known
from workers.interviews.assessment.transcript import Question, Unit

JUDGE_VERSION = "keypoint-similarity-1"
MIN_WORDS = 4
POINT_MIN = 0.5
POINT_FULL = 0.62
MISCONCEPTION_MIN = 0.5
MISCONCEPTION_MARGIN = 0.02
# A stated misconception leaves an answer partly correct at best; two leave it weak.
CONTRADICTION_CAPS: tuple[int, ...] = (3, 2)
OTHER_MARGIN = 0.05
WEAK_CAP = 2
COVERAGE_SCORES: tuple[tuple[int, float], ...] = ((5, 0.8), (4, 0.6), (3, 0.34), (2, 0.01))

Verdict = Literal[
    "correct",
    "partly_correct",
    "missed",
    "wrong",
    "vague",
    "keyword_list",
    "other_question",
    "unanswered",
]


@dataclass(frozen=True)
class PointMatch:
    point: str
    similarity: float
    credit: float  # 1 stated, 0.5 partly, 0 missed
    sentence: Unit | None


@dataclass(frozen=True)
class Contradiction:
    misconception: str
    similarity: float
    sentence: Unit


@dataclass(frozen=True)
class AnswerJudgement:
    question: Question
    guide: QuestionGuide
    score: int
    verdict: Verdict
    coverage: float
    points: tuple[PointMatch, ...]
    contradictions: tuple[Contradiction, ...]
    style: Style
    other_question: str | None = None

    @property
    def weak(self) -> bool:
        return self.verdict in ("vague", "keyword_list", "other_question", "unanswered")

    def report(self) -> dict[str, Any]:
        """The judgement as the report shows it: question, score, verdict and citations."""
        return {
            "question": self.question.text,
            "question_start": round(self.question.start, 2),
            "matched_question": self.guide.text,
            "score": self.score,
            "verdict": self.verdict,
            "coverage": round(self.coverage, 2),
            "key_points": [
                {
                    "key_point": p.point,
                    "status": "stated" if p.credit >= 1 else "partly" if p.credit else "missed",
                    "similarity": round(p.similarity, 2),
                    "quote": p.sentence.quote() if p.sentence and p.credit else None,
                }
                for p in self.points
            ],
            "misconceptions": [
                {
                    "misconception": c.misconception,
                    "similarity": round(c.similarity, 2),
                    "quote": c.sentence.quote(),
                }
                for c in self.contradictions
            ],
            "answers_other_question": self.other_question,
        }


class Judge(Protocol):
    """Judges answers against their guides; ``info`` names the judge for the report."""

    @property
    def info(self) -> dict[str, Any]: ...

    def judge(
        self, question: Question, guide: QuestionGuide, bank: Sequence[QuestionGuide]
    ) -> AnswerJudgement: ...


@dataclass(frozen=True)
class EmbeddingJudge:
    """The default judge: key points and misconceptions by sentence similarity."""

    embedder: SupportsEmbed
    model_name: str = "all-MiniLM-L6-v2"

    @property
    def info(self) -> dict[str, Any]:
        return {
            "name": "key points and misconceptions by sentence similarity",
            "kind": "embedding",
            "model": self.model_name,
            "version": JUDGE_VERSION,
        }

    def judge(
        self, question: Question, guide: QuestionGuide, bank: Sequence[QuestionGuide]
    ) -> AnswerJudgement:
        shape = style(question.answer_text)
        units = [
            Unit(u.start, u.end, u.speaker, clean)
            for u in question.answer
            if len((clean := strip_fillers(u.text)).split()) >= MIN_WORDS
        ]
        if not units:
            verdict: Verdict = "unanswered" if not question.answer else "vague"
            return AnswerJudgement(
                question, guide, 1, verdict, 0.0,
                tuple(PointMatch(p, 0.0, 0.0, None) for p in guide.key_points), (), shape,
            )  # fmt: skip
        vectors = self.embedder.embed([u.text for u in units])
        own = cosine(vectors, embed_known(self.embedder, guide.key_points))
        wrong = self._misconception_rows(guide, vectors)
        points = tuple(_point_matches(guide, own, units, wrong))
        contradictions = _contradictions(guide, own, units, wrong)
        covered = round(sum(p.credit for p in points) / len(points), 4)
        other = self._other_question(guide, bank, vectors, own)

        score = next((s for s, t in COVERAGE_SCORES if covered >= t), 1)
        stated = sum(1 for p in points if p.credit)
        verdict = "correct" if score >= 4 else "partly_correct" if score >= 2 else "missed"
        if contradictions:
            cap = CONTRADICTION_CAPS[min(len(contradictions), len(CONTRADICTION_CAPS)) - 1]
            score = max(1, min(score - len(contradictions), cap))
            verdict = "correct" if score >= 4 else "partly_correct" if score >= 2 else "missed"
            if len(contradictions) >= stated:
                verdict, score = "wrong", 1
        if other is not None and verdict != "wrong":
            verdict, score = "other_question", 1
        elif shape.keyword_list:
            verdict, score = "keyword_list", min(score, WEAK_CAP)
        elif shape.hedged and score <= 3:
            verdict, score = "vague", min(score, WEAK_CAP)
        return AnswerJudgement(
            question, guide, score, verdict, covered, points, contradictions, shape, other
        )

    def _misconception_rows(self, guide: QuestionGuide, vectors: np.ndarray) -> np.ndarray:
        if not guide.misconceptions:
            return np.full((len(vectors), 1), -1.0)
        return cosine(vectors, embed_known(self.embedder, guide.misconceptions))

    def _other_question(
        self,
        guide: QuestionGuide,
        bank: Sequence[QuestionGuide],
        vectors: np.ndarray,
        own: np.ndarray,
    ) -> str | None:
        """The bank question whose key points the answer states better than its own, if any."""
        own_fit = _fit(own)
        best: tuple[float, str] | None = None
        for other in bank:
            if other.text == guide.text:
                continue
            fit = _fit(cosine(vectors, embed_known(self.embedder, other.key_points)))
            better = fit >= POINT_MIN and fit > own_fit + OTHER_MARGIN
            if better and (best is None or fit > best[0]):
                best = (fit, other.text)
        return best[1] if best else None


def _fit(similarity: np.ndarray) -> float:
    """How well the sentences state a question's key points: the mean over key points of the
    best sentence's cosine."""
    return round(float(similarity.max(axis=0).mean()), 4)


def _contradicting(own: np.ndarray, misconceptions: np.ndarray, units: Sequence[Unit]) -> list[int]:
    """Sentences closer to a misconception than to every key point; an admitted gap ("I'm not
    sure what happens if…") states nothing either way."""
    best_point = own.max(axis=1)
    best_misconception = misconceptions.max(axis=1)
    return [
        i
        for i in range(len(own))
        if not admits_gap(units[i].text)
        and best_misconception[i] >= MISCONCEPTION_MIN
        and best_misconception[i] > best_point[i] + MISCONCEPTION_MARGIN
    ]


def _contradictions(
    guide: QuestionGuide, own: np.ndarray, units: Sequence[Unit], misconceptions: np.ndarray
) -> list[Contradiction]:
    found = []
    for i in _contradicting(own, misconceptions, units):
        j = int(np.argmax(misconceptions[i]))
        found.append(Contradiction(guide.misconceptions[j], float(misconceptions[i, j]), units[i]))
    return found


def _point_matches(
    guide: QuestionGuide, own: np.ndarray, units: Sequence[Unit], misconceptions: np.ndarray
) -> list[PointMatch]:
    excluded = set(_contradicting(own, misconceptions, units))
    matches = []
    for j, point in enumerate(guide.key_points):
        candidates = [i for i in range(len(units)) if i not in excluded]
        if not candidates:
            matches.append(PointMatch(point, 0.0, 0.0, None))
            continue
        i = max(candidates, key=lambda k: (float(own[k, j]), -k))
        value = float(own[i, j])
        credit = 1.0 if value >= POINT_FULL else 0.5 if value >= POINT_MIN else 0.0
        matches.append(PointMatch(point, value, credit, units[i]))
    return matches
