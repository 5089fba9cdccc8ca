"""Charts for reports: labelled bars, a distribution with one bucket marked, score bars and the
rounded track they and the live meters share. Presentation only."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import Var


def bar_chart(
    data: Var[list[dict]],
    *,
    value_key: str,
    label_key: str,
    unit: str = "",
    id: str,
    max_value: int | None = None,
    height: int = 220,
    horizontal: bool = False,
    label_width: int = 170,
) -> rx.Component:
    """One bar per row of ``data``, its value labelled at the bar's end. ``horizontal`` lays the
    bars out left to right with the labels in a column of ``label_width`` pixels, which reads
    better when the labels are long (rubric category names)."""
    domain = [0, max_value] if max_value is not None else [0, "auto"]
    if horizontal:
        axes = [
            rx.recharts.x_axis(
                type_="number",
                domain=domain,
                allow_decimals=False,
                tick_count=(max_value + 1) if max_value is not None else 5,
            ),
            rx.recharts.y_axis(
                data_key=label_key, type_="category", width=label_width, tick_line=False
            ),
        ]
        grid = rx.recharts.cartesian_grid(stroke_dasharray="3 3", horizontal=False)
        radius, label_position, margin = [0, 4, 4, 0], "right", {"right": 28}
    else:
        axes = [
            rx.recharts.x_axis(data_key=label_key, tick_line=False),
            rx.recharts.y_axis(
                domain=domain, allow_decimals=False, width=32 if max_value is not None else 40
            ),
        ]
        grid = rx.recharts.cartesian_grid(stroke_dasharray="3 3", vertical=False)
        radius, label_position, margin = [4, 4, 0, 0], "top", {"right": 8}
    return rx.box(
        rx.recharts.bar_chart(
            grid,
            *axes,
            rx.recharts.graphing_tooltip(),
            rx.recharts.bar(
                rx.recharts.label_list(data_key=value_key, position=label_position),
                data_key=value_key,
                fill=rx.color("accent", 9),
                name=unit or value_key,
                is_animation_active=False,
                radius=radius,
            ),
            data=data,
            layout="vertical" if horizontal else "horizontal",
            width="100%",
            height=height,
            margin={"top": 20, "left": 0, "bottom": 0, **margin},
        ),
        width="100%",
        id=id,
    )


def distribution_chart(
    data: Var[list[dict]],
    *,
    label_key: str,
    others_key: str,
    marked_key: str,
    others_name: str,
    marked_name: str,
    id: str,
    height: int = 200,
) -> rx.Component:
    """A histogram: per bucket, ``others_key`` counts in gray and ``marked_key`` (the one being
    compared) stacked on top in the accent colour, with a legend naming both."""
    return rx.box(
        rx.recharts.bar_chart(
            rx.recharts.cartesian_grid(stroke_dasharray="3 3", vertical=False),
            # Every bucket labelled, slanted so that ten labels fit a half-width card.
            rx.recharts.x_axis(
                data_key=label_key,
                tick_line=False,
                interval=0,
                angle=-35,
                text_anchor="end",
                height=44,
                tick={"fontSize": 11},
            ),
            rx.recharts.y_axis(allow_decimals=False, width=32),
            rx.recharts.graphing_tooltip(),
            rx.recharts.legend(vertical_align="top", height=28),
            rx.recharts.bar(
                data_key=others_key,
                stack_id="cohort",
                fill=rx.color("gray", 8),
                name=others_name,
                is_animation_active=False,
            ),
            rx.recharts.bar(
                data_key=marked_key,
                stack_id="cohort",
                fill=rx.color("accent", 9),
                name=marked_name,
                is_animation_active=False,
                radius=[4, 4, 0, 0],
            ),
            data=data,
            width="100%",
            height=height,
            margin={"top": 8, "right": 8, "left": 0, "bottom": 0},
        ),
        width="100%",
        id=id,
    )


def bar_track(
    fill_width: Var[str] | str,
    *,
    colour: Var[str] | str,
    height: str,
    width: str = "100%",
    fill: dict[str, Any] | None = None,
    **props: Any,
) -> rx.Component:
    """A rounded gray track filled ``fill_width`` (a CSS width) in ``colour``: a score's bar, a
    microphone's level, an upload's progress. ``fill`` adds props to the fill (such as the id a
    script sets its width by); ``props`` go to the track."""
    return rx.box(
        rx.box(height="100%", width=fill_width, background=colour, **(fill or {})),
        height=height,
        width=width,
        background=rx.color("gray", 4),
        border_radius="999px",
        overflow="hidden",
        **props,
    )


def score_bar(score: Var[int], max_score: Var[int] | int = 5) -> rx.Component:
    """A small "4 / 5" bar for one rubric score."""
    percent = (score * 100) // max_score  # type: ignore[operator]
    return rx.hstack(
        bar_track(
            percent.to_string() + "%",  # type: ignore[attr-defined]
            colour=rx.color("accent", 9),
            height="8px",
            width="8rem",
            fill={"border_radius": "999px"},
        ),
        rx.text(score, " / ", max_score, size="2", weight="medium", class_name="score"),
        align="center",
        spacing="2",
    )
