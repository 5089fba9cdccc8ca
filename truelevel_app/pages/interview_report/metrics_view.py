"""The conversation's measurements as charts and figures."""

from __future__ import annotations

from typing import Any

import reflex as rx

from truelevel_app.components.charts import bar_chart
from truelevel_app.components.details import figure, figures
from truelevel_app.components.feedback import unless_empty
from truelevel_app.pages.interview_report.state import S


def _chart(title: str, data, *, unit: str, id: str, empty: Any = "Not measured.") -> rx.Component:
    return rx.vstack(
        rx.text(title, size="2", weight="medium"),
        unless_empty(
            data,
            bar_chart(
                data,
                value_key="value",
                label_key="label",
                unit=unit,
                horizontal=True,
                label_width=110,
                height=110,
                id=id,
            ),
            empty,
        ),
        spacing="1",
        width="100%",
    )


def metrics_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Conversation", size="4"),
            rx.grid(
                _chart("Talk ratio (% of speech)", S.talk_ratio, unit="%", id="talk-ratio-chart"),
                _chart(
                    "Speaking rate (words per minute)",
                    S.speaking_rate,
                    unit="wpm",
                    id="speaking-rate-chart",
                ),
                _chart("Longest monologue (seconds)", S.monologue, unit="s", id="monologue-chart"),
                _chart(
                    "Fillers (per 100 words)",
                    S.filler_rate,
                    unit="per 100",
                    id="filler-chart",
                    empty=rx.cond(S.no_fillers, "No fillers.", "Not measured."),
                ),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="4",
                width="100%",
            ),
            figures(
                S.facts,
                lambda f: figure(
                    f["label"], f["value"], size="2", weight="medium", class_name="metric-fact"
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="metrics",
    )
