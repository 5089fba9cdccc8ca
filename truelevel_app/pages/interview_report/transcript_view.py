"""The recording and its speaker-labelled transcript; clicking a line plays from there
(``assets/report_player.js``)."""

from __future__ import annotations

import reflex as rx

from truelevel_app.pages.interview_report.state import J, S


def _transcript_line(line) -> rx.Component:
    candidate = line["role"] == "candidate"
    return rx.hstack(
        rx.text(
            line["clock"],
            size="1",
            color_scheme="gray",
            font_family="var(--code-font-family)",
            min_width="3.5rem",
            padding_top="2px",
        ),
        rx.badge(
            line["role_label"],
            variant="soft",
            color_scheme=rx.cond(candidate, "indigo", "gray"),
            min_width="6.5rem",
            class_name="transcript-role",
        ),
        rx.text(line["text"], size="2", class_name="transcript-text"),
        custom_attrs={
            "data-seek": line["start"],
            "data-start": line["start"],
            "data-end": line["end"],
            "data-role": line["role"],
        },
        cursor="pointer",
        padding="0.35rem 0.5rem",
        border_radius="var(--radius-2)",
        _hover={"background": rx.color("gray", 3)},
        align="start",
        spacing="3",
        width="100%",
        class_name="transcript-line",
        title="Play from here",
    )


def _player() -> rx.Component:
    return rx.match(
        J["audio"],
        (
            "available",
            rx.el.audio(
                src=J["audio_url"],
                controls=True,
                preload="metadata",
                id="interview-audio",
                style={"width": "100%"},
            ),
        ),
        (
            "separate",
            rx.callout(
                "A browser interview has one recording per answer: play each one under "
                "Answers, beside its transcript.",
                icon="info",
                color_scheme="gray",
                size="1",
                width="100%",
                id="recording-unavailable",
            ),
        ),
        rx.callout(
            rx.cond(
                J["audio_deleted"] != "",
                J["audio_deleted"],
                "Recording deleted after processing (retention).",
            )
            + " The transcript keeps its times.",
            icon="archive-x",
            color_scheme="gray",
            size="1",
            width="100%",
            id="recording-deleted",
        ),
    )


def transcript_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Recording and transcript", size="4"),
            _player(),
            rx.cond(
                J["audio"] == "available",
                rx.text(
                    "Click a line or a quote to play from there.", size="1", color_scheme="gray"
                ),
            ),
            rx.scroll_area(
                rx.vstack(rx.foreach(S.transcript, _transcript_line), spacing="0", width="100%"),
                max_height="28rem",
                type="auto",
                scrollbars="vertical",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="transcript",
    )
