"""Conversation metrics and roles on hand-built transcripts, where every number is known."""

from __future__ import annotations

import pytest

from workers.speech.metrics import (
    assign_roles,
    conversation_metrics,
    count_fillers,
    count_questions,
    talk_seconds,
)
from workers.speech.speaker_timeline import SpeakerTurn
from workers.speech.transcription import Segment

METRIC_KEYS = {
    "talk_ratio",
    "interruptions",
    "speaking_rate_wpm",
    "longest_monologue_s",
    "filler_rate",
    "silence_ratio",
    "question_count",
    "turns",
}


def _seg(speaker: str | None, start: float, end: float, text: str) -> Segment:
    return Segment(start, end, text, (), -0.2, 0.01, speaker)


# A 60 s call: A asks, B answers; B's "Oh." starts 1 s before A's question ends.
CALL = [
    _seg("A", 0.0, 2.0, "Hi, thanks for coming."),
    _seg("A", 2.5, 5.0, "What did you build last year?"),
    _seg("B", 6.0, 16.0, "Um, I built a billing service, you know, for invoices and refunds."),
    _seg("B", 17.0, 20.0, "It sort of grew from one team to three."),
    _seg("A", 21.0, 23.0, "Sorry, how many users?"),
    _seg("B", 22.0, 22.2, "Oh."),
    _seg("B", 25.0, 39.0, "About two million users, and uh the load doubled every year."),
    _seg("A", 39.1, 40.0, "Tell me more about the load"),
]


def test_metrics_block_has_exactly_the_result_schema_keys():
    assert set(conversation_metrics(CALL, duration=60.0)) == METRIC_KEYS


def test_talk_ratio_is_each_speakers_share_of_talk_time():
    metrics = conversation_metrics(CALL, duration=60.0)
    # A: 2 + 2.5 + 2 + 0.9 = 7.4 s; B: 10 + 3 + 0.2 + 14 = 27.2 s; total 34.6 s.
    assert metrics["talk_ratio"] == {"A": round(7.4 / 34.6, 3), "B": round(27.2 / 34.6, 3)}
    assert list(metrics["talk_ratio"]) == ["A", "B"]  # order of first appearance


def test_an_overlapping_turn_is_an_interruption_and_a_touching_one_is_not():
    metrics = conversation_metrics(CALL, duration=60.0)
    # A at 21.0 starts after B's turn ended at 20.0; B's "Oh." at 22.0 starts 1.0 s before
    # A's question ends at 23.0: one interruption.
    # A at 39.1 after B ends at 39.0: a quick reply, not an interruption.
    assert metrics["interruptions"] == 1
    overlap = [_seg("A", 0, 5, "I was saying"), _seg("B", 4.8, 8, "Right")]  # 0.2 s: no
    assert conversation_metrics(overlap, duration=8)["interruptions"] == 0
    overlap = [_seg("A", 0, 5, "I was saying"), _seg("B", 4.7, 8, "Right")]  # 0.3 s: yes
    assert conversation_metrics(overlap, duration=8)["interruptions"] == 1


def test_longest_monologue_bridges_short_pauses_only():
    metrics = conversation_metrics(CALL, duration=60.0)
    # B: 6-16 and 17-20 (1 s pause) are one 14 s monologue; 25-39 alone is 14 s as well.
    # A: 0-2 and 2.5-5 make 5 s.
    assert metrics["longest_monologue_s"] == {"A": 5.0, "B": 14.0}
    long_pause = [_seg("B", 0, 10, "one"), _seg("B", 12.0, 20, "two")]  # 2 s gap splits
    assert conversation_metrics(long_pause, duration=20)["longest_monologue_s"] == {"B": 10.0}
    short_pause = [_seg("B", 0, 10, "one"), _seg("B", 11.9, 20, "two")]
    assert conversation_metrics(short_pause, duration=20)["longest_monologue_s"] == {"B": 20.0}


def test_filler_rate_counts_fillers_per_hundred_words():
    metrics = conversation_metrics(CALL, duration=60.0)
    # B says 12 + 9 + 1 + 11 = 33 words with "um", "you know", "sort of", "uh": 4 fillers.
    assert metrics["filler_rate"] == {"A": 0.0, "B": round(100 * 4 / 33, 2)}
    assert count_fillers("I mean, it was kind of, erm, hmm, like fine") == 4  # "like" not counted


def test_silence_ratio_is_the_time_nobody_speaks():
    metrics = conversation_metrics(CALL, duration=60.0)
    # Speech covers 0-2, 2.5-5, 6-16, 17-20, 21-23 (and 22-22.2 inside it), 25-39, 39.1-40:
    # 34.4 s of 60 s.
    assert metrics["silence_ratio"] == round(1 - 34.4 / 60, 3)
    assert conversation_metrics([], duration=30.0)["silence_ratio"] == 1.0


def test_questions_turns_and_speaking_rate():
    metrics = conversation_metrics(CALL, duration=60.0)
    # A: "What did you build...?", "how many users?", and "Tell me more..." without a "?".
    assert metrics["question_count"] == {"A": 3, "B": 0}
    assert metrics["turns"] == 5  # A, B, A, B ("Oh." and the answer after it), A
    # A: 4 + 6 + 4 + 6 = 20 words in 7.4 s.
    assert metrics["speaking_rate_wpm"]["A"] == round(20 / (7.4 / 60), 1)


def test_a_question_split_across_segments_counts_once():
    segments = [_seg("A", 0, 1, "What would you"), _seg("A", 1, 2, "change about it?")]
    assert conversation_metrics(segments, duration=2)["question_count"] == {"A": 1}
    assert count_questions("Could you walk me through it. I liked it. Why? Fine.") == 2
    # A wh-word with a full stop is an answer; without punctuation it is a question.
    assert count_questions("When the caller is slow. Tell me about yourself.") == 1
    assert count_questions("how would you scale it") == 1


def test_no_speech_gives_empty_metrics():
    metrics = conversation_metrics([], duration=0.0)
    assert metrics == {
        "talk_ratio": {},
        "interruptions": 0,
        "speaking_rate_wpm": {},
        "longest_monologue_s": {},
        "filler_rate": {},
        "silence_ratio": 0.0,
        "question_count": {},
        "turns": 0,
    }


def test_the_speaker_asking_most_questions_is_the_interviewer():
    assert assign_roles(CALL) == {"A": "interviewer", "B": "candidate"}
    # The candidate speaks first here; questions still decide.
    late = [_seg("B", 0, 3, "Hello, I'm ready."), *CALL]
    assert assign_roles(late) == {"B": "candidate", "A": "interviewer"}


def test_role_ties_go_to_whoever_speaks_first():
    segments = [_seg("X", 0, 2, "Hello there."), _seg("Y", 3, 5, "Hi.")]
    assert assign_roles(segments) == {"X": "interviewer", "Y": "candidate"}


@pytest.mark.parametrize(
    ("known", "expected"),
    [
        ({"B": "interviewer"}, {"A": "candidate", "B": "interviewer"}),
        ({"A": "candidate"}, {"A": "candidate", "B": "interviewer"}),
    ],
)
def test_known_roles_win(known, expected):
    assert assign_roles(CALL, known=known) == expected


def test_a_single_voice_is_the_candidate():
    assert assign_roles([_seg("SPEAKER_00", 0, 5, "What I did was rewrite it.")]) == {
        "SPEAKER_00": "candidate"
    }
    assert assign_roles([]) == {}


def test_talk_time_comes_from_the_speaker_timeline_when_there_is_one():
    # The transcript's segments run on through pauses; the timeline holds only the speech heard
    # (and the "Mm-hm" the transcript left out). Talk time, rates and silence follow it.
    segments = [_seg("A", 0.0, 10.0, "Tell me about the outage."), _seg("B", 10.0, 30.0, "Sure.")]
    turns = [
        SpeakerTurn(0.0, 4.0, "A"),
        SpeakerTurn(10.0, 16.0, "B"),
        SpeakerTurn(17.0, 19.0, "A"),
        SpeakerTurn(20.0, 28.0, "B"),
        SpeakerTurn(30.0, 31.0, "C"),  # a voice the transcript never names: no one's talk
    ]
    by_segments = conversation_metrics(segments, duration=40.0)
    by_turns = conversation_metrics(segments, duration=40.0, turns=turns)
    assert by_segments["talk_ratio"] == {"A": pytest.approx(1 / 3, abs=1e-3), "B": 0.667}
    assert by_turns["talk_ratio"] == {"A": 0.3, "B": 0.7}
    assert by_turns["speaking_rate_wpm"]["B"] == pytest.approx(1 / (14 / 60), abs=0.05)
    assert by_segments["silence_ratio"] == 0.25
    assert by_turns["silence_ratio"] == pytest.approx(1 - 21 / 40, abs=1e-3)  # C was heard
    assert talk_seconds(segments, turns) == {"A": 6.0, "B": 14.0}
    assert talk_seconds(segments) == {"A": 10.0, "B": 20.0}
