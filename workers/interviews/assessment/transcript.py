"""A speaker-labelled transcript as the assessment reads it: clean segments, who is the candidate,
the candidate's sentences (evidence units) and the interviewer's questions with their answers.

A question is an interviewer turn with a question mark or whose last sentence is a request
("Tell me about…") or opens like a question without a full stop ("How did…"); an interviewer's
segments form one turn unless ``NO_ANSWER_GAP_S`` of silence separates them (room the candidate
left unused).

``questions_asked`` is the one count of questions asked, per speaker: the report's summary says
how many the interviewer asked, the metrics block (``workers.speech.metrics``) lists every
speaker's, and both read it, so the two always agree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

# Silence after an interviewer's segment long enough that the candidate could have answered.
NO_ANSWER_GAP_S = 2.0
# A sentence this short before a question opens the turn ("Thanks for joining.", "Next one.");
# a longer one sets the question up ("Consumers reading from Kafka are falling behind.").
OPENER_MAX_WORDS = 4

_QUESTION_START = re.compile(
    r"^(?:can|could|would|will|do|does|did|have|has|how|what|why|when|where|which|who|"
    r"is|are|tell me|walk me|talk me|describe|explain|give me)\b",
    re.I,
)
# Requests are questions however they are punctuated.
_REQUEST_START = re.compile(
    r"^(?:can you|could you|would you|will you|tell me|walk me|talk me|describe|explain|"
    r"give me)\b",
    re.I,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# A closing "any questions for us?" expects no answer about the candidate's competencies.
_CLOSING_QUESTION = re.compile(
    r"\bany (?:other |more )?questions\b|\bquestions for (?:me|us)\b", re.I
)


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    speaker: str
    role: str | None
    text: str
    words: tuple[tuple[float, float, str], ...]


@dataclass(frozen=True)
class Unit:
    """A candidate sentence with its time span and speaker."""

    start: float
    end: float
    speaker: str
    text: str

    @property
    def words(self) -> int:
        return len(self.text.split())

    def quote(self) -> dict[str, Any]:
        return {
            "start": round(self.start, 2),
            "end": round(self.end, 2),
            "speaker": self.speaker,
            "text": self.text,
        }


@dataclass(frozen=True)
class Question:
    """An interviewer question and the candidate's answer to it (no units: none)."""

    start: float
    end: float
    text: str
    answer: tuple[Unit, ...]

    @property
    def answer_text(self) -> str:
        return " ".join(u.text for u in self.answer)

    @property
    def answer_words(self) -> int:
        return sum(u.words for u in self.answer)


def clean_segments(transcript: Sequence[Mapping[str, Any]]) -> list[Segment]:
    """Segments with text, in time order (ties by speaker, then text: a stable order)."""
    segments: list[Segment] = []
    for item in transcript:
        text = " ".join(str(item.get("text") or "").split())
        if not text:
            continue
        words = tuple(
            (float(w.get("start", 0.0)), float(w.get("end", 0.0)), str(w.get("text", "")))
            for w in item.get("words") or ()
            if isinstance(w, Mapping)
        )
        segments.append(
            Segment(
                start=float(item.get("start", 0.0)),
                end=float(item.get("end", item.get("start", 0.0))),
                speaker=str(item.get("speaker") or "SPEAKER_00"),
                role=item.get("role"),
                text=text,
                words=words,
            )
        )
    segments.sort(key=lambda s: (s.start, s.end, s.speaker, s.text))
    return segments


def speaker_roles(segments: Sequence[Segment], roles: Mapping[str, str]) -> dict[str, str]:
    """Each speaker's role: the ``roles`` mapping, else the segments' own ``role``."""
    role_of = {str(k): str(v) for k, v in (roles or {}).items()}
    for segment in segments:
        if segment.speaker not in role_of and segment.role:
            role_of[segment.speaker] = str(segment.role)
    return role_of


def candidate_speakers(segments: Sequence[Segment], role_of: Mapping[str, str]) -> frozenset[str]:
    """The candidate's speakers: those marked candidate, else everyone not marked interviewer,
    else (a one-speaker recording of the interviewer only) nobody."""
    speakers = {s.speaker for s in segments}
    marked = {s for s in speakers if role_of.get(s) == "candidate"}
    if marked:
        return frozenset(marked)
    return frozenset(s for s in speakers if role_of.get(s) != "interviewer")


def sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


def segment_units(segment: Segment) -> list[Unit]:
    """A segment's sentences, timed by their words when the words line up with the text one to
    one, else by the segment."""
    units: list[Unit] = []
    tokens_before = 0
    aligned = len(segment.words) == len(segment.text.split())
    for sentence in sentences(segment.text):
        n = len(sentence.split())
        if aligned and n:
            first, last = segment.words[tokens_before], segment.words[tokens_before + n - 1]
            start, end = first[0], last[1]
        else:
            start, end = segment.start, segment.end
        units.append(Unit(start, end, segment.speaker, sentence))
        tokens_before += n
    return units


def turn_units(parts: Sequence[Segment]) -> list[Unit]:
    """The sentences of one speaker's consecutive segments read as one text, so where speech
    recognition happened to cut its segments (mid-sentence, one take to the next) does not
    change the sentences; timed by their words when every segment's words line up with its
    text, else segment by segment."""
    if len(parts) <= 1 or not all(len(p.words) == len(p.text.split()) for p in parts):
        return [u for p in parts for u in segment_units(p)]
    joined = Segment(
        start=parts[0].start,
        end=parts[-1].end,
        speaker=parts[0].speaker,
        role=parts[0].role,
        text=" ".join(p.text for p in parts),
        words=tuple(w for p in parts for w in p.words),
    )
    return segment_units(joined)


def candidate_units(segments: Sequence[Segment], candidates: frozenset[str]) -> list[Unit]:
    """The candidate's sentences, each run of their consecutive segments read as one text."""
    units: list[Unit] = []
    run: list[Segment] = []
    for segment in [*segments, None]:
        if segment is not None and run and segment.speaker == run[-1].speaker:
            run.append(segment)
            continue
        if run and run[0].speaker in candidates:
            units.extend(turn_units(run))
        run = [segment] if segment is not None else []
    return units


def is_question(text: str) -> bool:
    """A turn asks something when it has a question mark, or its last sentence is a request
    ("Tell me about…", "Could you…", however punctuated) or opens like a question and has no
    full stop (speech recognition may drop the "?"; "When the caller is slow." answers)."""
    if "?" in text:
        return True
    parts = sentences(text)
    if not parts:
        return False
    last = parts[-1]
    if _REQUEST_START.match(last):
        return True
    return bool(_QUESTION_START.match(last)) and last[-1] not in ".!"


class Spoken(Protocol):
    """A timed line of speech by one speaker (this module's ``Segment``, or speech
    recognition's with its speaker set)."""

    @property
    def start(self) -> float: ...
    @property
    def end(self) -> float: ...
    @property
    def speaker(self) -> str: ...
    @property
    def text(self) -> str: ...


Spoke = TypeVar("Spoke", bound=Spoken)


def _turns(segments: Sequence[Spoke]) -> list[tuple[str, float, float, list[Spoke]]]:
    """Consecutive segments of one speaker form a turn, unless the silence between them left
    the other side room to answer: then the next segment is a turn of its own."""
    turns: list[tuple[str, float, float, list[Spoke]]] = []
    for segment in segments:
        if (
            turns
            and turns[-1][0] == segment.speaker
            and segment.start - turns[-1][2] < NO_ANSWER_GAP_S
        ):
            speaker, start, _, parts = turns[-1]
            turns[-1] = (speaker, start, segment.end, [*parts, segment])
        else:
            turns.append((segment.speaker, segment.start, segment.end, [segment]))
    return turns


def is_closing(question: str) -> bool:
    """A closing "any questions for us?": asked, but not about the candidate's work."""
    return bool(_CLOSING_QUESTION.search(question))


def questions_asked(segments: Sequence[Spoken]) -> dict[str, int]:
    """The questions each speaker asked, in order of first appearance: their turns that ask
    something (``is_question``; two questions in one breath are one, answered together), less
    a closing "any questions for us?". ``segments`` in time order."""
    asked = dict.fromkeys((s.speaker for s in segments), 0)
    for speaker, _, _, parts in _turns(segments):
        text = " ".join(p.text for p in parts)
        if is_question(text) and not is_closing(question_text(text)):
            asked[speaker] += 1
    return asked


def questions(
    segments: Sequence[Segment], role_of: Mapping[str, str], candidates: frozenset[str]
) -> list[Question]:
    """Interviewer turns that ask something (a closing "any questions for us?" included, so
    the reply to it is not read as the previous answer), each with the candidate's sentences
    until the next."""
    turns = _turns(segments)
    found: list[Question] = []
    current: tuple[float, float, str] | None = None
    answer: list[Unit] = []

    def close() -> None:
        if current is not None:
            found.append(Question(*current, tuple(answer)))

    for speaker, start, end, parts in turns:
        text = " ".join(p.text for p in parts)
        if speaker in candidates:
            if current is not None:
                answer.extend(turn_units(parts))
        elif role_of.get(speaker) == "interviewer" and is_question(text):
            close()
            current, answer = (start, end, question_text(text)), []
    close()
    return found


def question_text(turn: str) -> str:
    """The sentences of a turn from the first that asks something, with the sentences that set
    it up but without a short opener before them ("Thanks. Can you…?" → "Can you…?"; "Next one.
    A nightly job has doubled in runtime. How do you find out why?" keeps the nightly job), so a
    red flag quotes the question itself and a scenario question still finds its guide."""
    parts = sentences(turn)
    for i, sentence in enumerate(parts):
        if "?" in sentence or _QUESTION_START.match(sentence):
            start = i
            while start > 0 and len(parts[start - 1].split()) > OPENER_MAX_WORDS:
                start -= 1
            return " ".join(parts[start:])
    return turn
