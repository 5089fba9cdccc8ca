"""The figures the benchmark prints: AUC (Mann-Whitney, ties ½) and perturbation flips."""

from __future__ import annotations

import re
from collections.abc import Sequence


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
    """Small transcript changes that must not move a score: a filler inserted, a word's case
    changed, a repeated word (a stutter), a comma dropped."""
    words = text.split()
    out: dict[str, str] = {}
    if len(words) > 4:
        out["filler"] = " ".join([*words[:3], "um,", *words[3:]])
        cased = list(words)
        cased[4] = cased[4].upper() if cased[4].islower() else cased[4].lower()
        out["case"] = " ".join(cased)
        out["stutter"] = " ".join([*words[:2], words[1], *words[2:]])
    if "," in text:
        out["comma"] = re.sub(r",", "", text, count=1)
    return out
