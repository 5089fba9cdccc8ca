"""The rubric scores as a chart (with the reviewer's adjustments) and where the candidate's
overall score stands in the cohort."""

from __future__ import annotations

import reflex as rx

from truelevel_app.components.charts import bar_chart, distribution_chart
from truelevel_app.pages.evaluation_report.state import S


def scores_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Rubric scores", size="3"),
            bar_chart(
                S.scores,
                value_key="score",
                label_key="category",
                unit="score",
                max_value=5,
                horizontal=True,
                height=230,
                id="rubric-chart",
            ),
            rx.cond(
                S.adjustments.length() > 0,
                rx.text(
                    "Adjusted by the reviewer: ",
                    rx.foreach(
                        S.adjustments,
                        lambda a: rx.text.span(
                            a["category"], " ", a["automated"], " → ", a["score"], "; "
                        ),
                    ),
                    size="1",
                    color_scheme="gray",
                    id="adjusted-scores",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def cohort_card() -> rx.Component:
    cohort = S.cohort
    return rx.card(
        rx.vstack(
            rx.heading("Cohort position", size="3"),
            rx.cond(
                cohort["available"],
                rx.vstack(
                    rx.text(
                        "Overall score ",
                        rx.text.strong(cohort["score"], id="cohort-score"),
                        " / 100, rank ",
                        rx.text.strong(cohort["rank"], id="cohort-rank"),
                        " in ",
                        cohort["group_label"],
                        size="2",
                    ),
                    distribution_chart(
                        S.cohort_buckets,
                        label_key="label",
                        others_key="others",
                        marked_key="candidate",
                        others_name="Other candidates",
                        marked_name="This candidate",
                        id="cohort-chart",
                    ),
                    spacing="2",
                    width="100%",
                ),
                rx.text("No score to compare yet.", size="2", color_scheme="gray"),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="cohort",
    )
