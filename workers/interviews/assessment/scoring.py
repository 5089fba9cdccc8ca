"""Competency scores 1..5 and the recommendation: one home for how a score is reached.

- **Content competencies** (technical depth, problem solving, and custom categories without a
  known family) are scored from the answers judged against their questions (``judge``) when the
  interview has any: the mean of the judged answers' scores; problem solving then takes the
  problem-solving rules and never exceeds the best judged answer. Topicality and fluency are not
  correctness: a keyword list, a vague answer or the answer to another question scores at most 2
  however many technologies it names. Without judged answers they fall back to the competency
  texts (``similarity``), adjusted by the measured signals (``signals.RULES``).
- **Other competencies** (communication, ownership and collaboration, role fit) are the
  competency-text similarity adjusted by the signals; communication also loses a point when most
  judged answers missed their question. Ownership and collaboration and role fit are scored only
  when a question asked about them (``probes``); otherwise they are **not scored** (score None,
  "not enough evidence") and left out of the mean, the minimum and the recommendation.

Points are rounded ties down (a 3.5 is a 3 until a reviewer says otherwise), clamped to 1..5 and
capped (a candidate who said fewer than ``signals.MIN_CANDIDATE_WORDS`` words scores at most 2).

Recommendation (always a proposal for a recruiter to confirm): ``advance`` needs a weighted mean
of at least ``ADVANCE_MEAN``, no competency below 2, no unanswered question **and evidence of
correct answers**: at least ``ADVANCE_MIN_CORRECT_SHARE`` of the judged answers correct (4 or 5)
and none wrong. An interview with no judged answer cannot show correctness, so it is at most
``hold``. ``reject`` when the mean is below ``REJECT_MEAN``. With judged answers the mean and
the minimum are taken over the competencies the questions probed (``probed``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from workers.evaluation import rules
from workers.interviews.assessment.competencies import Competency, Family
from workers.interviews.assessment.judge import AnswerJudgement
from workers.interviews.assessment.probes import ASKED_ONLY, CATEGORY_FAMILY
from workers.interviews.assessment.signals import RULES, Signals
from workers.interviews.assessment.similarity import base_score, coverage, ranked
from workers.interviews.assessment.transcript import Unit

MIN_SCORE, MAX_SCORE = 1, 5
CONTENT_FAMILIES: frozenset[Family | None] = frozenset({"depth", "problem_solving", None})
QUOTE_MIN_EVIDENCE = 0.25  # a quote below this is not cited as support (the best one always is)
MAX_QUOTES = 3
ADVANCE_MEAN = 3.5
REJECT_MEAN = 2.0
ADVANCE_MIN_CORRECT_SHARE = 0.5
CORRECT_MIN_SCORE = 4

Recommendation = Literal["advance", "hold", "reject"]


@dataclass(frozen=True)
class CompetencyScore:
    competency: Competency
    score: int | None  # None: not scored, not enough evidence (``probes.ASKED_ONLY``)
    basis: Literal["answers", "similarity", "not_asked"]
    covered: float  # similarity coverage, or the judged answers' mean score
    base: int
    notes: tuple[str, ...]
    quotes: tuple[dict[str, Any], ...]


def score(
    competency: Competency,
    values: np.ndarray,
    units: Sequence[Unit],
    signals: Signals,
    judged: Sequence[AnswerJudgement],
    *,
    asked: frozenset[Family],
) -> CompetencyScore:
    """One competency's score (see the module docstring); ``asked``: the families of
    ``probes.ASKED_ONLY`` that a question asked about (``probes.asked_families``)."""
    if competency.family in ASKED_ONLY and competency.family not in asked:
        return CompetencyScore(
            competency=competency,
            score=None,
            basis="not_asked",
            covered=coverage(values),
            base=base_score(coverage(values)),
            notes=(),
            quotes=(),
        )
    content = competency.family in CONTENT_FAMILIES and bool(judged)
    if content:
        covered = round(sum(j.score for j in judged) / len(judged), 3)
        base = _round(covered)
        points = covered
    else:
        covered = coverage(values)
        base = base_score(covered)
        points = float(base)
    caps: list[int] = []
    notes: list[str] = []
    for rule in RULES:
        if rule.family is not None and rule.family != competency.family:
            continue
        if content and rule.family == "depth":
            continue  # depth is what the answers were judged to state, not how many terms
        value = signals.value(rule.signal)
        if value is None or not rules.holds(float(value), rule.op, rule.threshold):
            continue
        points += rule.points
        if rule.cap is not None:
            caps.append(rule.cap)
        effect = f"{rule.points:+g}" if rule.points else f"score at most {rule.cap}"
        shown = signals.value(rule.shown) if rule.shown else value
        text = rule.text.format(value=_shown(shown, rule.percent)).rstrip(".")
        notes.append(f"{text} ({effect})")
    value = min(max(_round(points), MIN_SCORE), MAX_SCORE)
    if content:
        value = min(value, max(j.score for j in judged))
    if caps:
        value = min(value, *caps)
    return CompetencyScore(
        competency=competency,
        score=value,
        basis="answers" if content else "similarity",
        covered=covered,
        base=base,
        notes=tuple(notes),
        quotes=_quotes(values, units, judged if content else ()),
    )


def _round(points: float) -> int:
    """Ties round down: a 3.5 is a 3 until a reviewer says otherwise."""
    return math.ceil(round(points, 6) - 0.5)


def _quotes(
    values: np.ndarray, units: Sequence[Unit], judged: Sequence[AnswerJudgement]
) -> tuple[dict[str, Any], ...]:
    if judged:  # the sentences that stated a key point or a misconception, by time
        cited = {
            (p.sentence.start, p.sentence.text): p.sentence
            for j in judged
            for p in j.points
            if p.sentence is not None and p.credit
        }
        cited |= {(c.sentence.start, c.sentence.text): c.sentence for j in judged
                  for c in j.contradictions}  # fmt: skip
        chosen = [cited[k] for k in sorted(cited)][:MAX_QUOTES]
        if chosen:
            return tuple(u.quote() for u in chosen)
    order = ranked(values, units)
    picked = [i for i in order if float(values[i]) >= QUOTE_MIN_EVIDENCE][:MAX_QUOTES]
    if not picked and order:  # the closest the candidate came, so a reader can judge
        picked = order[:1]
    return tuple(units[i].quote() for i in sorted(picked, key=lambda i: (units[i].start, i)))


def weighted_mean(results: Sequence[CompetencyScore]) -> float:
    if not results:
        return float(MIN_SCORE)
    total = sum(r.competency.weight for r in results)
    if total <= 0:
        return round(sum(r.score for r in results) / len(results), 3)
    return round(sum(r.competency.weight * r.score for r in results) / total, 3)


def correct_share(judged: Sequence[AnswerJudgement]) -> float | None:
    if not judged:
        return None
    return round(sum(1 for j in judged if j.score >= CORRECT_MIN_SCORE) / len(judged), 3)


def probed(
    results: Sequence[CompetencyScore], judged: Sequence[AnswerJudgement]
) -> list[CompetencyScore]:
    """The competencies the interview's judged questions probed (with communication, which every
    answer shows), so that a technical screen is not held back by, say, role fit it never asked
    about; without judged answers, all of them."""
    if not judged:
        return list(results)
    families: set[Family | None] = {"communication", *CONTENT_FAMILIES}
    families |= {CATEGORY_FAMILY[j.guide.category] for j in judged
                 if j.guide.category in CATEGORY_FAMILY}  # fmt: skip
    return [r for r in results if r.competency.family in families]


def recommend(
    mean: float,
    results: Sequence[CompetencyScore],
    signals: Signals,
    judged: Sequence[AnswerJudgement],
) -> Recommendation:
    """``mean`` and ``results``: those of the probed competencies (``probed``)."""
    if mean < REJECT_MEAN:
        return "reject"
    share = correct_share(judged)
    evidence = (
        share is not None
        and share >= ADVANCE_MIN_CORRECT_SHARE
        and not any(j.verdict == "wrong" for j in judged)
    )
    if (
        evidence
        and mean >= ADVANCE_MEAN
        and min(r.score for r in results) >= 2
        and not signals.unanswered
    ):
        return "advance"
    return "hold"


def _shown(value: float | int, percent: bool) -> str:
    if percent:
        return f"{float(value):.0%}"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
