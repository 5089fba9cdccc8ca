"""The dashboard's funnels: how far the candidates of one assessment or job got (a bar per step,
the one shown chosen in a selector), and per assessment and job how long the review takes and
how many of the decided pass (a table of the figures and a chart of the times to review).

The figures come from ``backend.services.funnel``; this module turns them into what the page
shows (``FunnelView``), holds the choice (``FunnelState``, mixed into the dashboard's live state)
and lays them out in one column on a phone, two side by side on a wide screen."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from backend.services.funnel import Funnels, FunnelStep, ReviewFigures
from truelevel_app.components.charts import bar_chart
from truelevel_app.components.feedback import empty_state


class StepBar(TypedDict):
    step: str
    candidates: int


class FunnelView(TypedDict):
    """One assessment's or job's funnel and review figures, in words."""

    key: str  # "assessment:<id>" or "job:<id>": the selector's value
    option: str  # "Assessment · Queue service": the selector's text
    kind: str  # "Assessment" or "Job"
    title: str
    href: str
    steps: list[StepBar]
    reached: int  # candidates at the fullest step: 0 means nothing to chart yet
    median_hours: float  # 0 while nobody is decided (``decided`` says which)
    decided: int
    time_to_review: str  # "4 h", or "No decision yet"
    pass_rate: str  # "67 % (2 of 3)", or "No decision yet"
    past_sla: str  # "1", or "No SLA" (interviews)


NO_DECISION = "No decision yet"


def hours_text(hours: float) -> str:
    """``4 h``, ``2.5 h``; two days and more in days: ``3.1 days``."""
    if hours >= 48:
        return f"{hours / 24:.1f} days"
    return f"{round(hours, 1):g} h"


def _view(
    kind: str, item_id: str, title: str, href: str, steps: list[FunnelStep], review: ReviewFigures
) -> FunnelView:
    rate = review.pass_rate
    return FunnelView(
        key=f"{kind.lower()}:{item_id}",
        option=f"{kind} · {title}",
        kind=kind,
        title=title,
        href=href,
        steps=[StepBar(step=s.label, candidates=s.count) for s in steps],
        reached=max((s.count for s in steps), default=0),
        median_hours=review.median_hours or 0.0,
        decided=review.decided,
        time_to_review=(
            hours_text(review.median_hours) if review.median_hours is not None else NO_DECISION
        ),
        pass_rate=(
            f"{rate:.0%} ({review.passed} of {review.decided})".replace("%", " %")
            if rate is not None
            else NO_DECISION
        ),
        past_sla="No SLA" if review.overdue is None else str(review.overdue),
    )


def funnel_views(funnels: Funnels) -> list[FunnelView]:
    """The assessments first, then the jobs, each newest first."""
    return [
        _view(
            "Assessment",
            row.assessment_id,
            row.title,
            f"/assessments/{row.assessment_id}",
            row.steps(),
            row.review,
        )
        for row in funnels.assessments
    ] + [
        _view("Job", row.job_id, row.title, f"/jobs/{row.job_id}", row.steps(), row.review)
        for row in funnels.jobs
    ]


class FunnelState(rx.State, mixin=True):
    """The funnels shown and which one the chart shows (kept across live refreshes)."""

    funnels: rx.Field[list[FunnelView]] = rx.field(default_factory=list)
    chosen_funnel: str = ""

    def _show_funnels(self, funnels: Funnels) -> None:
        self.funnels = funnel_views(funnels)
        keys = [view["key"] for view in self.funnels]
        if self.chosen_funnel not in keys:
            self.chosen_funnel = keys[0] if keys else ""

    @rx.event
    def choose_funnel(self, key: str):
        self.chosen_funnel = key

    def _chosen(self) -> FunnelView | None:
        return next((v for v in self.funnels if v["key"] == self.chosen_funnel), None)

    @rx.var
    def chosen_steps(self) -> list[StepBar]:
        chosen = self._chosen()
        return list(chosen["steps"]) if chosen else []

    @rx.var
    def chosen_title(self) -> str:
        chosen = self._chosen()
        return chosen["title"] if chosen else ""

    @rx.var
    def chosen_reached(self) -> int:
        chosen = self._chosen()
        return chosen["reached"] if chosen else 0

    @rx.var
    def chosen_summary(self) -> str:
        """The chart in words, for a screen reader: "Queue service: Invited 3, Started 2, …"."""
        chosen = self._chosen()
        if chosen is None:
            return ""
        steps = ", ".join(f"{s['step']} {s['candidates']}" for s in chosen["steps"])
        return f"{chosen['title']}: {steps}"

    @rx.var
    def review_times(self) -> list[dict[str, str | float]]:
        """Median hours to review of each assessment or job with a decided candidate."""
        return [
            {"name": view["title"], "hours": view["median_hours"]}
            for view in self.funnels
            if view["decided"]
        ]


def _card(title: str, *children: rx.Component, id: str) -> rx.Component:
    return rx.card(
        rx.vstack(rx.heading(title, size="3"), *children, spacing="3", width="100%"),
        width="100%",
        id=id,
    )


def funnel_chart(state: type[FunnelState]) -> rx.Component:
    """The chosen assessment's or job's steps as bars, with the counts also in plain text."""
    selector = rx.select.root(
        rx.select.trigger(aria_label="Assessment or job", id="funnel-choice", width="100%"),
        rx.select.content(
            rx.foreach(state.funnels, lambda v: rx.select.item(v["option"], value=v["key"]))
        ),
        value=state.chosen_funnel,
        on_change=state.choose_funnel,
    )
    steps = rx.flex(
        rx.foreach(
            state.chosen_steps,
            lambda s: rx.text(
                s["step"],
                " ",
                rx.text.strong(s["candidates"]),
                size="2",
                color_scheme="gray",
                class_name="funnel-step",
            ),
        ),
        wrap="wrap",
        spacing="3",
        id="funnel-steps",
    )
    chart = rx.box(
        bar_chart(
            state.chosen_steps,
            value_key="candidates",
            label_key="step",
            unit="Candidates",
            id="funnel-chart",
            horizontal=True,
            label_width=104,
            height=230,
        ),
        role="img",
        aria_label=state.chosen_summary,
        width="100%",
    )
    return _card(
        "Funnel",
        selector,
        rx.cond(
            state.chosen_reached > 0,
            chart,
            rx.text(
                "No candidate has reached any step of ",
                state.chosen_title,
                " yet.",
                size="2",
                color_scheme="gray",
                id="funnel-nobody",
            ),
        ),
        steps,
        id="funnel",
    )


def _figures_row(view: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.link(view["title"], href=view["href"]),
            rx.text(view["kind"], size="1", color_scheme="gray"),
        ),
        rx.table.cell(view["time_to_review"], class_name="time-to-review"),
        rx.table.cell(view["pass_rate"], class_name="pass-rate"),
        rx.table.cell(view["past_sla"], class_name="past-sla"),
        class_name="review-figures-row",
    )


def review_figures(state: type[FunnelState]) -> rx.Component:
    """Per assessment and job: median time to review, pass rate, and those past the SLA; then
    the times to review as bars."""
    table = rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *[
                        rx.table.column_header_cell(name)
                        for name in ("Assessment or job", "Time to review", "Passed", "Past SLA")
                    ]
                )
            ),
            rx.table.body(rx.foreach(state.funnels, _figures_row)),
            variant="surface",
            size="1",
            width="100%",
            id="review-figures",
        ),
        overflow_x="auto",
        width="100%",
    )
    chart = rx.cond(
        state.review_times.length() > 0,  # type: ignore[attr-defined]
        bar_chart(
            state.review_times,
            value_key="hours",
            label_key="name",
            unit="Median hours to review",
            id="time-to-review-chart",
            horizontal=True,
            label_width=110,
            height=200,
        ),
        rx.text(
            "No candidate has a reviewer's decision yet, so there is no time to review to show.",
            size="2",
            color_scheme="gray",
            id="time-to-review-none",
        ),
    )
    return _card(
        "Review",
        rx.text(
            "Time to review: the median from submission to the reviewer's decision. "
            "Passed: of the candidates decided, those the reviewer let proceed.",
            size="1",
            color_scheme="gray",
        ),
        table,
        chart,
        id="review",
    )


def funnel_section(state: type[FunnelState]) -> rx.Component:
    return rx.vstack(
        rx.heading("Candidates per assessment and job", size="4"),
        rx.cond(
            state.funnels.length() > 0,  # type: ignore[attr-defined]
            rx.grid(
                funnel_chart(state),
                review_figures(state),
                columns=rx.breakpoints(initial="1", lg="2"),
                spacing="4",
                width="100%",
            ),
            rx.card(
                empty_state(
                    "No assessments or jobs yet",
                    "Create an assessment or a job; its candidates' progress shows here.",
                ),
                width="100%",
            ),
        ),
        spacing="3",
        width="100%",
    )
