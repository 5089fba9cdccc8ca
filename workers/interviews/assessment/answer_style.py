"""The shape of an answer, apart from its content: a bare list of terms, or vague talk.

A **keyword list** names many technical nouns and says nothing about them: few function words
(articles, pronouns, auxiliaries, prepositions, conjunctions) and many list separators. Spoken
English runs at roughly 40–50% function words; a list of terms at under 10%.
A **vague** answer commits to nothing checkable: generic hedges ("it depends", "best practices",
"case by case") and no concrete detail. Both are weak whatever their topic, so the judge caps
them (``judge.WEAK_CAP``).

Fillers are removed before anything is measured or embedded (``strip_fillers``), so an inserted
"um" changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KEYWORD_LIST_MAX_FUNCTION_SHARE = 0.2
KEYWORD_LIST_MIN_TERMS = 5
VAGUE_MIN_HEDGES = 2

FUNCTION_WORDS = frozenset(
    """
    a an the this that these those it its it's i i'm i'd i'll i've we we'd we're you you'd
    they them their he she his her my our your me us there here what which who whom whose when
    where why how is are was were be been being am do does did doing have has had having will
    would can could should shall may might must not no nor and or but so if then than because
    as of at by for from in into on onto to with without about after before over under up down
    out off again also just only very too more most much many some any all each every both
    either neither one own same such until while though although since once whether yes
    """.split()
)
_FILLERS = re.compile(
    r"(?:^|(?<=[\s,.]))(?:um+|uh+|uhm+|erm+|er|ah+|hmm+|mm+)(?:[,.]|(?=\s|$))"
    r"|\byou know,|\bi mean,|(?:^|(?<=,))\s*like,",
    re.I,
)
_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9'+#\-]*")
_HEDGES = re.compile(
    r"\b(?:it (?:really |kind of )?depends|depends on|best practices?|case by case|"
    r"(?:lots|a lot|number) of (?:factors|things|ways|techniques)|pros and cons|"
    r"whatever (?:fits|makes sense|works)|the right (?:tools?|approach)|"
    r"(?:recommended|established) (?:approach|patterns?|way)|no one right answer|"
    r"(?:big|important|powerful|classic|core|well-known) (?:topic|tool|concept|part|thing|risks?)|"
    r"be (?:careful|thoughtful)|keep (?:it )?in mind|makes sense|have good|good (?:monitoring|"
    r"experience|frameworks)|(?:handle|configure|design) (?:it |them )?(?:properly|correctly)|"
    r"in (?:general|practice)|generally|usually|various|stuff|things like that|"
    r"follow (?:the |whatever )|depending on|one of those|it'?s about)\b",
    re.I,
)


_GAP = re.compile(
    r"\b(?:i(?:'m| am) not (?:totally |really |entirely )?sure|not sure|i don'?t (?:know|remember)|"
    r"i haven'?t (?:really )?(?:thought|had to|done|looked)|no idea|i can'?t remember|"
    r"i'?d (?:have to )?(?:figure|look) (?:that|it) out|i don'?t remember)\b",
    re.I,
)


def admits_gap(text: str) -> bool:
    """The sentence says the candidate does not know or has not done something."""
    return bool(_GAP.search(text))


_REPEAT = re.compile(r"\b(\w+)(?:\s+\1\b)+", re.I)


def strip_fillers(text: str) -> str:
    """The text without filler words and stutters ("the the" → "the"), spaces collapsed: what
    is embedded, so that disfluencies move no similarity."""
    return _REPEAT.sub(r"\1", " ".join(_FILLERS.sub(" ", text).split()))


@dataclass(frozen=True)
class Style:
    words: int
    function_share: float
    separators: int
    hedges: int

    @property
    def keyword_list(self) -> bool:
        return (
            self.function_share <= KEYWORD_LIST_MAX_FUNCTION_SHARE
            and self.separators + 1 >= KEYWORD_LIST_MIN_TERMS
        )

    @property
    def hedged(self) -> bool:
        return self.hedges >= VAGUE_MIN_HEDGES


def style(text: str) -> Style:
    """Function-word share (rounded to 2 decimals), list separators and hedges of a text."""
    clean = strip_fillers(text)
    tokens = [t.lower() for t in _TOKEN.findall(clean)]
    function = sum(1 for t in tokens if t in FUNCTION_WORDS)
    return Style(
        words=len(tokens),
        function_share=round(function / len(tokens), 2) if tokens else 0.0,
        separators=clean.count(",") + clean.count(";"),
        hedges=len(_HEDGES.findall(clean)),
    )
