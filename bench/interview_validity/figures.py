"""The figures the benchmark prints: AUC (Mann-Whitney, ties ½) and the transcript changes that
speech recognition makes from one take to the next (``jitter``), which must not move a score."""

from __future__ import annotations

import re
from collections.abc import Sequence

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
