"""Recognised words put back into the job's spelling of its technical terms.

The small speech model hears a term it rarely saw as the common words that sound like it
("post-gorex QL" for PostgreSQL, "cube an eighties" for Kubernetes), even with the job's terms in
its prompt. After recognition, every run of one to `MAX_WORDS` words is compared with each term of
the job's vocabulary, by spelling (edit similarity of the letters) and by sound (edit similarity
of their Metaphone keys, a term's capitals also read out as letters: "SQL" as "es cue el"). A run
is replaced by the term only when both agree closely (`similarity` ≥ `THRESHOLD`), when a single
word is not an ordinary English word ("radius" never becomes Redis), and when the run neither
starts nor ends with a function word. Each replaced word keeps what was heard (`Word.heard`), so a
quoted piece of evidence can always be traced to the recognition.

The thresholds were set on the unit examples and the tuning split of
``bench.interview_validity`` (never on its held-out split); see ``bench.job_vocabulary``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache

import jellyfish
from rapidfuzz import fuzz

from backend.services.pipeline.job_vocabulary import is_ordinary
from backend.services.pipeline.skills import known_names
from workers.speech.transcription import Segment, Transcript, Word

MAX_WORDS = 4
THRESHOLD = 84.0  # mean of the spelling and sound similarities, 0-100
EVERYDAY_THRESHOLD = 90.0  # for a run of ordinary words only
MIN_SPELLING = 60.0  # the letters must still look alike
SOUND_THRESHOLD = 90.0  # several words whose sound is this close are the term, if spelt alike
MIN_SOUND_KEY = 5  # ... and their Metaphone key is this long at least
MIN_TERM_LETTERS = 4  # shorter terms ("Go", "AWS") are only ever matched exactly
# Ordinary words of this many letters or fewer never start or end a replaced run.
FUNCTION_WORDS = frozenset(
    "a an the and or but of to in on at by for with from as is are was were be been it its "
    "this that these those i you we they he she me us him her them my our your their so if then "
    "than like just "
    "um uh do does did not no yes".split()
)
LETTER_NAMES = {
    "A": "ay", "B": "bee", "C": "see", "D": "dee", "E": "ee", "F": "ef", "G": "gee",
    "H": "aitch", "I": "eye", "J": "jay", "K": "kay", "L": "el", "M": "em", "N": "en", "O": "oh",
    "P": "pee", "Q": "cue", "R": "ar", "S": "es", "T": "tee", "U": "you", "V": "vee",
    "W": "doubleyou", "X": "ex", "Y": "why", "Z": "zee",
}  # fmt: skip


@dataclass(frozen=True)
class _Term:
    text: str
    letters: str  # lower-case letters and digits, as written
    sounds: tuple[str, ...]  # Metaphone keys of the ways it may be said


@dataclass(frozen=True)
class Match:
    """Words ``start``..``end`` (exclusive) of a run heard as ``heard`` are the term ``term``."""

    start: int
    end: int
    heard: str
    term: str
    similarity: float


def correct_transcript(transcript: Transcript, vocabulary: Sequence[str]) -> Transcript:
    """The transcript with each segment's words corrected (`correct_segment`)."""
    terms = _terms(tuple(vocabulary))
    if not terms:
        return transcript
    return replace(transcript, segments=tuple(_corrected(s, terms) for s in transcript.segments))


def correct_segment(segment: Segment, vocabulary: Sequence[str]) -> Segment:
    """The segment with runs of words that are a misheard term replaced by the term: one word
    spanning the run, its ``heard`` the words as recognised. Its text is then its words."""
    return _corrected(segment, _terms(tuple(vocabulary)))


def find_terms(words: Sequence[str], vocabulary: Sequence[str]) -> list[Match]:
    """The runs of `words` to replace by a term, in order, none overlapping."""
    return _matches(list(words), _terms(tuple(vocabulary)))


def correct_text(text: str, vocabulary: Sequence[str]) -> tuple[str, list[Match]]:
    """`text` (split on spaces) with its misheard terms replaced, and what was replaced."""
    words = text.split()
    matches = find_terms(words, vocabulary)
    out: list[str] = []
    position = 0
    for match in matches:
        out.extend(words[position : match.start])
        out.append(match.term + _trailing(words[match.end - 1]))
        position = match.end
    out.extend(words[position:])
    return " ".join(out), matches


def _corrected(segment: Segment, terms: tuple[_Term, ...]) -> Segment:
    if not terms or not segment.words:
        return segment
    words = list(segment.words)
    matches = _matches([w.text for w in words], terms)
    if not matches:
        return segment
    out: list[Word] = []
    position = 0
    for match in matches:
        out.extend(words[position : match.start])
        run = words[match.start : match.end]
        out.append(
            Word(
                start=run[0].start,
                end=run[-1].end,
                text=match.term + _trailing(run[-1].text),
                probability=min(w.probability for w in run),
                heard=" ".join(w.text for w in run),
            )
        )
        position = match.end
    out.extend(words[position:])
    return replace(segment, words=tuple(out), text=" ".join(w.text for w in out))


def _matches(words: list[str], terms: tuple[_Term, ...]) -> list[Match]:
    if not terms:
        return []
    exact = {term.letters for term in terms}
    candidates: list[Match] = []
    for start in range(len(words)):
        for end in range(start + 1, min(start + MAX_WORDS, len(words)) + 1):
            match = _best(words[start:end], start, terms, exact)
            if match is not None:
                candidates.append(match)
    # The closest runs first, shorter before longer at a tie; no word is replaced twice.
    candidates.sort(key=lambda m: (-m.similarity, m.end - m.start, m.start))
    taken: set[int] = set()
    chosen = []
    for match in candidates:
        span = set(range(match.start, match.end))
        if span & taken:
            continue
        taken |= span
        chosen.append(match)
    return sorted(chosen, key=lambda m: m.start)


def _best(run: list[str], start: int, terms: tuple[_Term, ...], exact: set[str]) -> Match | None:
    cores = [_core(word) for word in run]
    if not all(cores):
        return None
    letters = "".join(cores)
    if not letters.isascii():
        return None
    single = len(run) == 1
    if single and letters in exact:
        return None  # already the term, as written or in another case
    if cores[0] in FUNCTION_WORDS or cores[-1] in FUNCTION_WORDS:
        return None
    if not single and any(core in exact for core in cores):
        return None  # a run holding a term already right ("AbortController, Edge")
    if single and (is_ordinary(cores[0]) or cores[0] in _known_names()):
        return None  # an ordinary word, or another name of a technology ("Postgres")
    # Several ordinary words ("read us") need a closer likeness, and no function word inside.
    everyday = not single and all(is_ordinary(c) or c in FUNCTION_WORDS for c in cores)
    if everyday and any(core in FUNCTION_WORDS for core in cores):
        return None
    threshold = EVERYDAY_THRESHOLD if everyday else THRESHOLD
    sound = jellyfish.metaphone(letters).lower()
    best: Match | None = None
    for term in terms:
        if letters == term.letters:
            if [c.lower() for c in cores] == term.text.lower().split():
                continue  # the term's own words, only in another case: nothing misheard
            similarity = 100.0  # a term split into words: "Postgre SQL", "Pg Bouncer"
        elif len(term.letters) < MIN_TERM_LETTERS or not _comparable(letters, term.letters):
            continue
        else:
            spelling = fuzz.ratio(letters, term.letters)
            if spelling < MIN_SPELLING:
                spelling = max(
                    [spelling] + [fuzz.ratio(letters, s) for s in _spoken_letters(term.text) if s]
                )
            if spelling < MIN_SPELLING:
                continue
            sounds_like = max(fuzz.ratio(sound, s) for s in term.sounds)
            similarity = (spelling + sounds_like) / 2
            if not single and sounds_like >= SOUND_THRESHOLD and len(sound) >= MIN_SOUND_KEY:
                # Several words that together sound like the term ("cube an eighties").
                similarity = max(similarity, THRESHOLD)
        if similarity >= threshold and (best is None or similarity > best.similarity):
            best = Match(start, start + len(run), " ".join(run), term.text, round(similarity, 1))
    return best


def _comparable(letters: str, term: str) -> bool:
    """Lengths that a mishearing of the term could have."""
    return 0.6 * len(term) <= len(letters) <= 1.6 * len(term)


@cache
def _terms(vocabulary: tuple[str, ...]) -> tuple[_Term, ...]:
    terms = []
    seen = set()
    for text in vocabulary:
        text = text.strip()
        letters = _letters(text)
        if not letters or letters in seen or not letters.isascii():
            continue
        seen.add(letters)
        spoken = {letters, *_spoken_letters(text)}
        sounds = tuple(sorted({jellyfish.metaphone(s).lower() for s in spoken if s}))
        terms.append(_Term(text, letters, sounds))
    return tuple(terms)


def _spoken_letters(text: str) -> tuple[str, ...]:
    """The term with its runs of capitals read out as letters ("PostgreSQL": "postgreescueel"),
    or nothing when it has no such run of two or more."""
    runs = re.findall(r"[A-Z]{2,}(?![a-z])", text)
    if not runs:
        return ()
    spoken = re.sub(
        r"[A-Z]{2,}(?![a-z])", lambda m: "".join(LETTER_NAMES[c] for c in m.group()), text
    )
    return (_letters(spoken),)


def _letters(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _core(word: str) -> str:
    """A recognised word's letters, without punctuation or a possessive."""
    return _letters(re.sub(r"'s$", "", word.strip().strip('.,!?;:"()')))


def _trailing(word: str) -> str:
    """The punctuation the last word of a run ends with, to keep after the term."""
    match = re.search(r"[.,!?;:]+$", word)
    return match.group() if match else ""


@cache
def _known_names() -> frozenset[str]:
    return known_names()
