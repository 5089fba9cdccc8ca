"""Compare: 2–6 candidates of one assessment side by side (``/assessments/{id}/compare?ids=a,b``).

Candidates are the columns, the rubric's categories the rows, under header rows for the overall
score, the cohort percentile, the level, the verdict and the risk flags; the best value of each
row is marked. The numbers come from ``backend.services.evaluations.comparison``.
"""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from backend.db import session_scope
from backend.services.errors import DomainError
from backend.services.evaluations.comparison import (
    MAX_COMPARED,
    ComparedCandidate,
    Comparison,
    compare_evaluations,
)
from truelevel_app.components.details import detail_frame
from truelevel_app.components.feedback import error_callout
from truelevel_app.components.layout import app_shell, page_header
from truelevel_app.state import SIGNIN_ROUTE, AuthState

DASH = "—"
SEVERITY_COLOURS = {"high": "red", "medium": "orange", "low": "gray"}


class FlagView(TypedDict):
    code: str
    severity: str
    colour: str


class CandidateColumn(TypedDict):
    id: str
    name: str
    email: str
    report_url: str
    overall: str
    overall_best: bool
    percentile: str
    percentile_best: bool
    level: str
    level_source: str
    verdict: str
    verdict_source: str
    flags: list[FlagView]


class ScoreCell(TypedDict):
    text: str
    best: bool


class CategoryLine(TypedDict):
    category: str
    max_score: str
    cells: list[ScoreCell]


def _number(value: float | int | None) -> str:
    if value is None:
        return DASH
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _ordinal(value: int) -> str:
    suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    return f"{value}{suffix}"


def _word(value: str | None) -> str:
    return value.replace("_", " ").capitalize() if value else DASH


def _column(c: ComparedCandidate, cohort_size: int) -> CandidateColumn:
    percentile = DASH
    if c.percentile is not None:
        percentile = f"{_ordinal(c.percentile)} · rank {c.rank} of {cohort_size}"
    elif c.rank is not None:
        percentile = f"rank {c.rank} of {cohort_size}"
    return CandidateColumn(
        id=c.evaluation_id,
        name=c.name,
        email=c.email or "",
        report_url=c.report_url,
        overall=DASH if c.overall_score is None else f"{_number(c.overall_score)}%",
        overall_best=c.best_overall,
        percentile=percentile,
        percentile_best=c.best_percentile,
        level=_word(c.level),
        level_source=c.level_source or "",
        verdict=_word(c.verdict),
        verdict_source=c.verdict_source or "",
        flags=[
            FlagView(
                code=f.code.replace("_", " "),
                severity=f.severity,
                colour=SEVERITY_COLOURS.get(f.severity, "gray"),
            )
            for f in c.risk_flags
        ],
    )


def _lines(comparison: Comparison) -> list[CategoryLine]:
    return [
        CategoryLine(
            category=row.category,
            max_score="" if row.max_score is None else f"of {_number(row.max_score)}",
            cells=[ScoreCell(text=_number(s.score), best=s.best) for s in row.scores],
        )
        for row in comparison.categories
    ]


class CompareState(AuthState):
    title: str = ""
    cohort_size: int = 0
    candidates: rx.Field[list[CandidateColumn]] = rx.field(default_factory=list)
    lines: rx.Field[list[CategoryLine]] = rx.field(default_factory=list)
    loading: bool = True
    error: str = ""

    def _current_id(self) -> str:
        return str(getattr(self, "assessment_id", "") or "")

    @rx.var
    def back_href(self) -> str:
        return f"/assessments/{self._current_id()}"

    @rx.event
    def load(self):
        member = self._resolve_member()
        if member is None:
            return rx.redirect(SIGNIN_ROUTE, replace=True)
        self.loading = True
        self.error = self.title = ""
        self.candidates, self.lines, self.cohort_size = [], [], 0
        raw = self.router.url.query_parameters.get("ids", "")
        ids = [part for part in str(raw).split(",") if part.strip()][: MAX_COMPARED + 1]
        try:
            with session_scope() as session:
                comparison = compare_evaluations(
                    session,
                    org_id=member.org_id,
                    assessment_id=self._current_id(),
                    evaluation_ids=ids,
                )
            self.title = comparison.assessment_title
            self.cohort_size = comparison.cohort_size
            self.candidates = [_column(c, comparison.cohort_size) for c in comparison.candidates]
            self.lines = _lines(comparison)
        except DomainError as exc:
            self.error = exc.message
        except Exception:
            self.error = "The comparison could not be loaded. Try again in a moment."
        self.loading = False
        return None


# -- view ----------------------------------------------------------------------------------------


def _sticky() -> dict:
    """The label column stays put while the candidates scroll sideways (narrower on a phone)."""
    return {
        "position": "sticky",
        "left": "0",
        "z_index": "1",
        "background": "var(--color-panel-solid)",
        "min_width": rx.breakpoints(initial="6.5rem", sm="9rem"),
    }


def _label(text: str, hint: rx.Var | str = "") -> rx.Component:
    return rx.table.row_header_cell(
        rx.vstack(
            rx.text(text, weight="medium", size="2"),
            rx.cond(hint != "", rx.text(hint, size="1", color_scheme="gray")),
            spacing="0",
        ),
        **_sticky(),
    )


def _best_mark(best: rx.Var[bool]) -> rx.Component:
    return rx.cond(
        best,
        rx.badge(rx.icon("trophy", size=12), "Best", color_scheme="green", size="1"),
    )


def _value(text: rx.Var[str], best: rx.Var[bool], class_name: str) -> rx.Component:
    return rx.hstack(
        rx.text(
            text,
            weight=rx.cond(best, "bold", "regular"),
            class_name=rx.cond(best, f"{class_name} best", class_name),
        ),
        _best_mark(best),
        spacing="2",
        align="center",
        wrap="wrap",
    )


def _source(source: rx.Var[str]) -> rx.Component:
    return rx.cond(
        source == "final",
        rx.badge("final", color_scheme="green", variant="outline", size="1"),
        rx.cond(
            source == "automated",
            rx.badge("automated", color_scheme="gray", variant="outline", size="1"),
        ),
    )


def _head_cell(c) -> rx.Component:
    return rx.table.column_header_cell(
        rx.vstack(
            rx.link(c["name"], href=c["report_url"], weight="bold", class_name="compare-name"),
            rx.cond(c["email"] != "", rx.text(c["email"], size="1", color_scheme="gray")),
            spacing="0",
        ),
        min_width=rx.breakpoints(initial="8rem", sm="10rem"),
        class_name="compare-candidate",
    )


def _header_row(label: str, render, row_id: str) -> rx.Component:
    return rx.table.row(
        _label(label),
        rx.foreach(CompareState.candidates, lambda c: rx.table.cell(render(c))),
        id=row_id,
    )


def _flags(c) -> rx.Component:
    return rx.cond(
        c["flags"].length() > 0,  # type: ignore[attr-defined]
        rx.flex(
            rx.foreach(
                c["flags"],
                lambda f: rx.badge(
                    f["code"],
                    " · ",
                    f["severity"],
                    color_scheme=f["colour"],
                    variant="soft",
                    size="1",
                    class_name="compare-flag",
                ),
            ),
            gap="1",
            wrap="wrap",
        ),
        rx.text("None", color_scheme="gray", size="2"),
    )


def _category_row(line) -> rx.Component:
    return rx.table.row(
        _label(line["category"], line["max_score"]),
        rx.foreach(
            line["cells"], lambda cell: rx.table.cell(_value(cell["text"], cell["best"], "score"))
        ),
        class_name="compare-category-row",
    )


def _section_row(text: str) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.text(text, size="1", weight="bold", color_scheme="gray"),
            col_span=MAX_COMPARED + 1,
            style={"background": "var(--gray-a2)"},
        ),
    )


def _table() -> rx.Component:
    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell("Candidate", **_sticky()),
                    rx.foreach(CompareState.candidates, _head_cell),
                )
            ),
            rx.table.body(
                _header_row(
                    "Overall score",
                    lambda c: _value(c["overall"], c["overall_best"], "overall"),
                    "compare-overall",
                ),
                _header_row(
                    "Cohort percentile",
                    lambda c: _value(c["percentile"], c["percentile_best"], "percentile"),
                    "compare-percentile",
                ),
                _header_row(
                    "Level",
                    lambda c: rx.hstack(
                        rx.text(c["level"]), _source(c["level_source"]), spacing="2", wrap="wrap"
                    ),
                    "compare-level",
                ),
                _header_row(
                    "Verdict",
                    lambda c: rx.hstack(
                        rx.text(c["verdict"], weight="medium"),
                        _source(c["verdict_source"]),
                        spacing="2",
                        wrap="wrap",
                    ),
                    "compare-verdict",
                ),
                _header_row("Risk flags", _flags, "compare-flags"),
                _section_row("SCORES BY CATEGORY (after reviewer adjustments)"),
                rx.foreach(CompareState.lines, _category_row),
            ),
            variant="surface",
            size="2",
            width="100%",
            id="compare-table",
        ),
        width="100%",
        overflow_x="auto",
        id="compare-scroll",
    )


def _details() -> rx.Component:
    return rx.fragment(
        page_header("Compare candidates", ""),
        error_callout(CompareState.error, id="compare-error"),
        rx.cond(
            CompareState.candidates.length() > 0,  # type: ignore[attr-defined]
            rx.vstack(_summary(), _table(), spacing="3", width="100%"),
        ),
    )


def _summary() -> rx.Component:
    return rx.text(
        CompareState.title,
        " · cohort of ",
        CompareState.cohort_size,
        " scored ",
        rx.cond(CompareState.cohort_size == 1, "submission", "submissions"),
        ". Percentile: the share of the cohort's other candidates scoring lower.",
        size="2",
        color_scheme="gray",
        id="compare-summary",
    )


@rx.page(
    route="/assessments/[assessment_id]/compare",
    title="Compare candidates · truelevel",
    on_load=CompareState.load,
)
def assessment_compare_page() -> rx.Component:
    return app_shell(
        detail_frame(
            back_label="Back to the assessment",
            back_href=CompareState.back_href,  # type: ignore[arg-type]
            not_found=rx.Var.create(False),
            not_found_title="",
            not_found_text="",
            not_found_id="compare-not-found",
            loading=CompareState.loading,
            details=_details(),
        ),
    )
