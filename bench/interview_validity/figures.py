"""The figures the benchmark prints: AUC (Mann-Whitney, ties ½) and the transcript changes that
speech recognition makes from one take to the next (``jitter``), which must not move a score."""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bench.interview_validity.corpus import Candidate

Turns = list[tuple[str, str]]

FILLERS: frozenset[str] = frozenset({"um", "uh", "er", "erm", "like", "basically", "well"})
# Near-homophones a speech model confuses from one take to the next (either way round).
HOMOPHONES: tuple[tuple[str, str], ...] = (
    ("their", "there"),
    ("then", "than"),
    ("its", "it's"),
    ("to", "too"),
    ("your", "you're"),
    ("where", "were"),
    ("right", "write"),
    ("for", "four"),
    ("new", "knew"),
    ("one", "won"),
    ("some", "sum"),
    ("which", "witch"),
    ("by", "buy"),
    ("no", "know"),
    ("cache", "cash"),
    ("queue", "cue"),
    ("site", "sight"),
    ("whole", "hole"),
    ("would", "wood"),
    ("wait", "weight"),
)
_SWAP = {a: b for a, b in HOMOPHONES} | {b: a for a, b in HOMOPHONES}


def auc(good: Sequence[float], bad: Sequence[float]) -> float | None:
    """Probability that a good item outscores a bad one, ties counting ½ (None: a group empty)."""
    if not good or not bad:
        return None
    wins = 0.0
    for g in good:
        for b in bad:
            wins += 1.0 if g > b else 0.5 if g == b else 0.0
    return round(wins / (len(good) * len(bad)), 3)


def perturbations(text: str) -> dict[str, str]:
    """One answer's small changes, each a variant: a filler inserted or removed, a word's case
    changed, a repeated word (a stutter), a comma dropped or a full stop made a comma, one word
    replaced by a near-homophone."""
    words = text.split()
    out: dict[str, str] = {}
    if len(words) > 4:
        out["filler_added"] = " ".join([*words[:3], "um,", *words[3:]])
        cased = list(words)
        cased[4] = cased[4].upper() if cased[4].islower() else cased[4].lower()
        out["case"] = " ".join(cased)
        out["stutter"] = " ".join([*words[:2], words[1], *words[2:]])
    filler = next((i for i, w in enumerate(words) if _bare(w) in FILLERS), None)
    if filler is not None:
        out["filler_removed"] = " ".join(words[:filler] + words[filler + 1 :])
    if "," in text:
        out["comma"] = re.sub(r",", "", text, count=1)
    if re.search(r"\.\s+\w", text):
        out["full_stop"] = re.sub(r"\.(\s+)(\w)", lambda m: f",{m[1]}{m[2].lower()}", text, count=1)
    homophone = next((i for i, w in enumerate(words) if _bare(w) in _SWAP), None)
    if homophone is not None:
        word = words[homophone]
        swapped = _SWAP[_bare(word)]
        if word[:1].isupper():
            swapped = swapped[:1].upper() + swapped[1:]
        trail = re.search(r"[^\w']*$", word)
        out["homophone"] = " ".join(
            [*words[:homophone], swapped + (trail[0] if trail else ""), *words[homophone + 1 :]]
        )
    return out


def jitter(turns: Turns, speaker: str) -> dict[str, Turns]:
    """The interview's variants as another take of speech recognition would give them: every
    answer of ``speaker`` changed the same way (``perturbations``), or segment boundaries moved:
    each answer split in two segments at its middle word (``split``), or its first word heard
    as the end of the question before it (``boundary``)."""
    answers = [i for i, (who, _) in enumerate(turns) if who == speaker]
    variants: dict[str, Turns] = {}
    names = sorted({n for i in answers for n in perturbations(turns[i][1])})
    for name in names:
        variants[name] = [
            (who, perturbations(text).get(name, text) if who == speaker else text)
            for who, text in turns
        ]
    split: Turns = []
    for who, text in turns:
        words = text.split()
        if who == speaker and len(words) >= 8:
            half = len(words) // 2
            split += [(who, " ".join(words[:half])), (who, " ".join(words[half:]))]
        else:
            split.append((who, text))
    variants["split"] = split
    moved = list(turns)
    for i in answers:
        words = moved[i][1].split()
        if i == 0 or moved[i - 1][0] == speaker or len(words) < 6:
            continue
        moved[i - 1] = (moved[i - 1][0], f"{moved[i - 1][1]} {words[0]}")
        moved[i] = (speaker, " ".join(words[1:]))
    variants["boundary"] = moved
    return variants


def _bare(word: str) -> str:
    return re.sub(r"[^\w']", "", word).lower()


def mean_score(assessment: dict[str, Any]) -> float:
    """A report's mean competency score (0.0 when it scores nothing)."""
    scores = [s["score"] for s in assessment["scores"].values() if s.get("score") is not None]
    return round(sum(scores) / len(scores), 3) if scores else 0.0


def score_figures(people: Sequence[Candidate], reports: dict[str, dict[str, Any]]) -> dict:
    """AUCs, mean scores, advance shares and depth caps of the candidates' assessments.

    A candidate whose assessment is not scored (one voice heard, roles unclear: ``scored`` is
    False) is left out of every AUC, mean and maximum, and counted in ``not_scored``; it has no
    recommendation, so it never counts as an advance (the shares keep every candidate of the
    group in the denominator)."""
    scored = [p for p in people if reports[p.name].get("scored", True)]
    good = [p for p in scored if p.group == "good"]
    bad = [p for p in scored if p.group == "bad"]
    figures: dict[str, Any] = {
        "scored": len(scored),
        "not_scored": sorted(p.name for p in people if p not in scored),
    }
    figures["overall_auc"] = auc(
        [mean_score(reports[p.name]) for p in good], [mean_score(reports[p.name]) for p in bad]
    )
    keys = sorted({k for p in scored for k in reports[p.name]["scores"]})
    # A competency left unscored (not enough evidence: score None) is left out of its AUC;
    # None when no candidate of a group has it scored.
    figures["competency_auc"] = {
        key: auc(
            [s for p in good if (s := reports[p.name]["scores"][key]["score"]) is not None],
            [s for p in bad if (s := reports[p.name]["scores"][key]["score"]) is not None],
        )
        for key in keys
    }
    by_kind: dict[str, list[float]] = defaultdict(list)
    for p in scored:
        by_kind[p.name.rsplit("/", 1)[1]].append(mean_score(reports[p.name]))
    figures["mean_score_by_profile"] = {k: round(statistics.mean(v), 2) for k, v in by_kind.items()}
    for group in ("bad", "good"):
        members = [p for p in people if p.group == group]
        advanced = sum(reports[p.name].get("recommendation") == "advance" for p in members)
        figures[f"advance_share_{group}"] = round(advanced / len(members), 3) if members else None
    weak = [p for p in scored if set(p.kinds) <= {"vague", "keywords"}]
    figures["max_depth_keyword_or_vague_candidate"] = max(
        (reports[p.name]["scores"]["technical_depth"]["score"] for p in weak), default=None
    )
    answer_scores: dict[str, list[float]] = defaultdict(list)
    for p in scored:
        for kind, judged in zip(p.kinds, reports[p.name].get("answers") or [], strict=False):
            answer_scores[kind].append(judged["score"])
    if answer_scores:
        figures["answer_auc_correct_vs_bad"] = auc(
            answer_scores["correct"],
            [s for k in ("wrong", "vague", "keywords", "other_question") for s in answer_scores[k]],
        )
        figures["max_answer_score_keyword_or_vague"] = max(
            answer_scores["keywords"] + answer_scores["vague"], default=None
        )
        figures["mean_answer_score_by_kind"] = {
            k: round(statistics.mean(v), 2) for k, v in sorted(answer_scores.items()) if v
        }
    return figures
