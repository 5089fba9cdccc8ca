"""The "Answers" card of a browser interview's report: each question with a player for the
candidate's recorded answer and what was transcribed of it. The audio comes from the
authenticated answer route (``backend.api.interview_media``), so only signed-in members of the
organisation hear it; once retention deleted the answers, each one says so where its player was
(``backend.services.interviews.answer_playback``)."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from backend.services.interviews.answer_playback import AnswerPlayback


class AnswerView(TypedDict):
    number: int  # from 1
    question: str
    transcript: str
    duration: str
    audio_url: str  # "" when the answer cannot be played
    unavailable: str  # why not ("Answers deleted on <date> (retention).")


def _clock(seconds: float | None) -> str:
    if not seconds:
        return ""
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def answer_views(playbacks: list[AnswerPlayback]) -> list[AnswerView]:
    return [
        AnswerView(
            number=p.index + 1,
            question=p.question,
            transcript=p.transcript,
            duration=_clock(p.duration_s),
            audio_url=p.audio_url or "",
            unavailable=p.unavailable or "",
        )
        for p in playbacks
    ]


def _answer(answer) -> rx.Component:
    player = rx.cond(
        answer["audio_url"] != "",
        rx.el.audio(
            src=answer["audio_url"],
            controls=True,
            preload="metadata",
            class_name="answer-audio",
            style={"width": "100%", "max_width": "28rem"},
            aria_label="Answer " + answer["number"].to(str),
        ),
        rx.callout(
            answer["unavailable"],
            icon="archive-x",
            color_scheme="gray",
            size="1",
            class_name="answer-unavailable",
        ),
    )
    return rx.vstack(
        rx.hstack(
            rx.badge("Question " + answer["number"].to(str), variant="soft", size="1"),
            rx.text(answer["question"], size="2", weight="medium", class_name="answer-question"),
            rx.spacer(),
            rx.text(answer["duration"], size="1", color_scheme="gray"),
            align="start",
            spacing="2",
            width="100%",
        ),
        player,
        rx.text(
            rx.cond(answer["transcript"] != "", answer["transcript"], "Nothing was transcribed."),
            size="2",
            color_scheme="gray",
            class_name="answer-transcript",
        ),
        spacing="2",
        width="100%",
        padding_y="0.5rem",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        class_name="interview-answer",
        custom_attrs={"data-answer": answer["number"]},
    )


def answers_card(answers) -> rx.Component:
    """One row per question; shown only for a browser interview (``answers`` not empty)."""
    return rx.cond(
        answers.length() > 0,
        rx.card(
            rx.vstack(
                rx.heading("Answers", size="4"),
                rx.text(
                    "Each answer as the candidate recorded it, with its transcript.",
                    size="1",
                    color_scheme="gray",
                ),
                rx.foreach(answers, _answer),
                spacing="2",
                width="100%",
            ),
            width="100%",
            id="answers",
        ),
    )
