"""Conversation metrics from a speaker-labelled transcript, and who the interviewer is.

Everything here is arithmetic on segment times and text: no model is involved, so the numbers are
exactly reproducible and can be explained to a recruiter ("the candidate spoke 64% of the time").
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Mapping, Sequence
from typing import Any

from workers.interviews.assessment.transcript import questions_asked
from workers.speech.speaker_timeline import SpeakerTurn
from workers.speech.transcription import Segment

UNKNOWN_SPEAKER = "UNKNOWN"  # segments without a speaker label are counted under this name
# A turn that starts at least this long before the other speaker's turn ended is an interruption;
# shorter overlaps are ordinary back-channel timing ("mm-hm" as the other finishes).
INTERRUPTION_OVERLAP_S = 0.3
# Pauses shorter than this do not end a monologue.
MONOLOGUE_GAP_S = 2.0
# "like" is left out: as a filler it cannot be told from the verb or preposition by text alone.
FILLER_PHRASES = ("you know", "i mean", "kind of", "sort of")
FILLER_WORDS = frozenset({"um", "umm", "uh", "uhh", "er", "erm", "ah", "hmm", "mm"})
# Requests are questions however they are punctuated ("Tell me about yourself.").
REQUEST_OPENINGS = re.compile(r"^(can you|could you|would you|tell me|walk me through)\b")
# A wh-word opens a question only when the recogniser left the sentence unpunctuated: with a
# full stop it is usually an answer ("When the caller is slow." / "What I did was...").
WH_OPENINGS = re.compile(r"^(what|why|how|when|where|which|who|whom|whose)\b")
_SENTENCE = re.compile(r"[^.?!]+[.?!]*")


def _speaker(segment: Segment) -> str:
    return segment.speaker or UNKNOWN_SPEAKER


def _ordered(segments: Sequence[Segment]) -> list[Segment]:
    return sorted(segments, key=lambda s: (s.start, s.end))


def _turns(segments: Sequence[Segment]) -> list[list[Segment]]:
    """Runs of consecutive segments by the same speaker, in time order."""
    turns: list[list[Segment]] = []
    for segment in _ordered(segments):
        if turns and _speaker(turns[-1][-1]) == _speaker(segment):
            turns[-1].append(segment)
        else:
            turns.append([segment])
    return turns


def _words(text: str) -> list[str]:
    """Lower-case words without punctuation (apostrophes kept: "don't" is one word)."""
    return re.findall(r"[a-z0-9']+", text.lower())


def _word_count(segment: Segment) -> int:
    return len(segment.words) if segment.words else len(_words(segment.text))


def count_fillers(text: str) -> int:
    """Filler words and phrases in `text` ("um", "uh", "you know", "sort of", ...)."""
    words = _words(text)
    count = sum(word in FILLER_WORDS for word in words)
    joined = f" {' '.join(words)} "
    return count + sum(joined.count(f" {phrase} ") for phrase in FILLER_PHRASES)


def count_questions(text: str) -> int:
    """Sentences that end with "?", open with a request ("could you", "tell me"), or open with a
    wh-word and have no closing punctuation: how ``assign_roles`` tells who interviews. The
    questions a speaker asked, as reports give them, are ``questions_asked``."""
    count = 0
    for sentence in _SENTENCE.findall(text):
        stripped = sentence.strip()
        opening = " ".join(_words(stripped))
        if not opening:
            continue
        unpunctuated = stripped[-1] not in ".!?"
        if (
            stripped.endswith("?")
            or REQUEST_OPENINGS.match(opening)
            or (unpunctuated and WH_OPENINGS.match(opening))
        ):
            count += 1
    return count


def talk_seconds(
    segments: Sequence[Segment], turns: Sequence[SpeakerTurn] = ()
) -> dict[str, float]:
    """Seconds each speaker of `segments` talks: from the speaker `turns` when there are any
    (a speaker the transcript never names is left out), else from the segments' spans."""
    talk = {_speaker(s): 0.0 for s in _ordered(segments)}
    spans = (
        [(t.start, t.end, t.speaker) for t in turns]
        if turns
        else [(s.start, s.end, _speaker(s)) for s in segments]
    )
    for start, end, speaker in spans:
        if speaker in talk:
            talk[speaker] += max(0.0, end - start)
    return talk


def _union_length(spans: Sequence[Segment | SpeakerTurn], duration: float) -> float:
    """Seconds of [0, duration] covered by at least one segment or turn."""
    covered, reach = 0.0, 0.0
    for segment in sorted(spans, key=lambda s: (s.start, s.end)):
        start, end = max(segment.start, reach, 0.0), min(segment.end, duration)
        if end > start:
            covered += end - start
        reach = max(reach, min(segment.end, duration))
    return covered


def conversation_metrics(
    segments: Sequence[Segment], *, duration: float, turns: Sequence[SpeakerTurn] = ()
) -> dict[str, Any]:
    """The result's "metrics" block for speaker-labelled `segments` of a `duration`-second call.

    `turns`, when given, is the diarization's speaker timeline (the speech actually heard, with
    the same speaker names): talk time, and so talk_ratio, speaking_rate_wpm and silence_ratio,
    are then measured on it rather than on the segments, which leave out short replies and run
    on through pauses (``talk_seconds``).

    Per-speaker values are keyed by speaker in order of first appearance:
    - talk_ratio: share of all talk time (3 decimals; overlapping speech counts for both);
    - interruptions: turns that start at least INTERRUPTION_OVERLAP_S before the previous
      speaker's turn ended (seen when segments overlap, as they do per channel in stereo);
    - speaking_rate_wpm: words per minute of the speaker's own talk time (1 decimal);
    - longest_monologue_s: longest run of the speaker's consecutive segments, pauses under
      MONOLOGUE_GAP_S included (seconds, 1 decimal);
    - filler_rate: fillers per 100 words (2 decimals);
    - silence_ratio: share of `duration` in which nobody speaks (3 decimals);
    - question_count: questions asked (``questions_asked``, the count the assessment's summary
      gives for the interviewer): turns that ask something, a closing "any questions?" left out;
    - turns: speaker changes + 1 (0 without speech).
    """
    ordered = _ordered(segments)
    speakers = list(dict.fromkeys(_speaker(s) for s in ordered))
    talk = dict.fromkeys(speakers, 0.0)
    words = dict.fromkeys(speakers, 0)
    fillers = dict.fromkeys(speakers, 0)
    talk.update(talk_seconds(ordered, turns))
    for segment in ordered:
        words[_speaker(segment)] += _word_count(segment)
        fillers[_speaker(segment)] += count_fillers(segment.text)
    total_talk = sum(talk.values())
    spoken: Sequence[Segment | SpeakerTurn] = turns or ordered

    turns = _turns(ordered)
    interruptions = sum(
        # The epsilon keeps an overlap of exactly 0.3 s (5.0 - 4.7 in floats) an interruption.
        max(s.end for s in previous) - current[0].start >= INTERRUPTION_OVERLAP_S - 1e-9
        for previous, current in itertools.pairwise(turns)
    )
    questions = questions_asked([dataclasses.replace(s, speaker=_speaker(s)) for s in ordered])

    return {
        "talk_ratio": {
            speaker: round(talk[speaker] / total_talk, 3) if total_talk else 0.0
            for speaker in speakers
        },
        "interruptions": interruptions,
        "speaking_rate_wpm": {
            speaker: round(words[speaker] / (talk[speaker] / 60), 1) if talk[speaker] else 0.0
            for speaker in speakers
        },
        "longest_monologue_s": _longest_monologues(ordered, speakers),
        "filler_rate": {
            speaker: round(100 * fillers[speaker] / words[speaker], 2) if words[speaker] else 0.0
            for speaker in speakers
        },
        "silence_ratio": (
            round(max(0.0, 1 - _union_length(spoken, duration) / duration), 3)
            if duration > 0
            else 0.0
        ),
        "question_count": questions,
        "turns": len(turns),
    }


def _longest_monologues(ordered: Sequence[Segment], speakers: Sequence[str]) -> dict[str, float]:
    """Per speaker, the longest stretch of their consecutive segments with short pauses only."""
    longest = dict.fromkeys(speakers, 0.0)
    run: list[Segment] = []
    for segment in [*ordered, None]:
        continues = (
            segment is not None
            and run
            and _speaker(segment) == _speaker(run[-1])
            and segment.start - max(s.end for s in run) < MONOLOGUE_GAP_S
        )
        if run and not continues:
            speaker = _speaker(run[0])
            length = max(s.end for s in run) - run[0].start
            longest[speaker] = round(max(longest[speaker], length), 1)
            run = []
        if segment is not None:
            run.append(segment)
    return longest


def assign_roles(
    segments: Sequence[Segment], *, known: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Role per speaker: "interviewer" or "candidate", in order of first appearance.

    The interviewer is the speaker who asks the most questions (ties: who speaks first); every
    other speaker is a candidate. Roles in `known` (e.g. from the call's channel layout) win; when
    they already name an interviewer, nobody else becomes one. A recording with one voice is
    the candidate's (an answer recorded on its own), unless `known` says otherwise.
    """
    known = dict(known or {})
    ordered = _ordered(segments)
    speakers = list(dict.fromkeys(_speaker(s) for s in ordered))
    questions = dict.fromkeys(speakers, 0)
    for turn in _turns(ordered):
        questions[_speaker(turn[0])] += count_questions(" ".join(s.text for s in turn))

    roles = {speaker: known.get(speaker, "candidate") for speaker in speakers}
    open_speakers = [speaker for speaker in speakers if speaker not in known]
    if len(speakers) > 1 and open_speakers and "interviewer" not in known.values():
        # max() keeps the first of equals, and speakers are in order of first appearance.
        interviewer = max(open_speakers, key=lambda speaker: questions[speaker])
        roles[interviewer] = "interviewer"
    return roles
