"""Rubrics: the list of the organisation's rubrics (latest versions) and the page that starts a
new one from truelevel's default categories. One rubric's page, with its versions and editor, is
``rubric_page``."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx
from sqlmodel import Session

from backend.db import session_scope
from backend.models.assessments import Rubric, RubricCreate
from backend.services.rubrics import (
    create_rubric,
    default_rubric_categories,
    list_rubrics,
    rubric_uses,
)
from truelevel_app.components.feedback import error_callout
from truelevel_app.components.layout import app_shell, page_header
from truelevel_app.components.tables import data_table
from truelevel_app.display import when
from truelevel_app.pages.rubric_draft import draft_of
from truelevel_app.pages.rubric_editor import RubricEditorState, rubric_editor
from truelevel_app.state import SIGNIN_ROUTE, AuthState, role_can

RUBRICS_ROUTE = "/rubrics"
NEW_RUBRIC_ROUTE = "/rubrics/new"
KEEP_VERSION = "Each save makes a new version; assessments keep the version they were created with."


class UseLink(TypedDict):
    assessment_id: str
    title: str
    version: int


class RubricRow(TypedDict):
    id: str
    name: str
    version: int
    categories: int
    updated: str
    is_default: bool
    uses: list[UseLink]


def _rubric_row(rubric: Rubric, uses: list[UseLink]) -> RubricRow:
    return RubricRow(
        id=rubric.id,
        name=rubric.name,
        version=rubric.version,
        categories=len(rubric.categories),
        updated=when(rubric.created_at),  # a version's row is written when it is saved
        is_default=rubric.is_default,
        uses=uses,
    )


def use_links(session: Session, org_id: str, family_ids: list[str]) -> dict[str, list[UseLink]]:
    """The assessments using each rubric family, as links naming their version."""
    return {
        family: [
            UseLink(assessment_id=u.assessment_id, title=u.title, version=u.version) for u in uses
        ]
        for family, uses in rubric_uses(session, org_id=org_id, family_ids=family_ids).items()
    }


class RubricsState(AuthState):
    rows: rx.Field[list[RubricRow]] = rx.field(default_factory=list)
    loading: bool = True
    error: str = ""

    @rx.event
    def load(self):
        member = self._resolve_member()
        if member is None:
            return rx.redirect(SIGNIN_ROUTE, replace=True)
        self.error = ""
        try:
            with session_scope() as session:
                rubrics = list_rubrics(session, org_id=member.org_id)
                uses = use_links(session, member.org_id, [r.family_id for r in rubrics])
                self.rows = [_rubric_row(r, uses.get(r.family_id, [])) for r in rubrics]
        except Exception:
            self.error = "The rubrics could not be loaded. Try again in a moment."
        self.loading = False
        return None


class NewRubricState(RubricEditorState, AuthState):
    """A rubric not saved yet: truelevel's default categories to edit; Save makes version 1."""

    may_edit: bool = False

    def _save_rubric(self, session: Session, org_id: str, data: RubricCreate) -> Rubric:
        return create_rubric(session, org_id=org_id, data=data)

    @rx.event
    def load(self):
        member = self._resolve_member()
        if member is None:
            return rx.redirect(SIGNIN_ROUTE, replace=True)
        self.may_edit = role_can(member.role, "edit")
        self._start_draft("", "", draft_of(default_rubric_categories()))
        return None

    @rx.event
    def cancel(self):
        return rx.redirect(RUBRICS_ROUTE)


# -- list page ---------------------------------------------------------------------------------


def _use_link(use) -> rx.Component:
    return rx.link(
        use["title"],
        " (v",
        use["version"],
        ")",
        href="/assessments/" + use["assessment_id"].to(str),
        size="2",
        class_name="rubric-use",
    )


def _rubric_row_view(row) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.hstack(
                rx.link(row["name"], href=RUBRICS_ROUTE + "/" + row["id"].to(str), weight="medium"),
                rx.cond(row["is_default"], rx.badge("default", variant="soft", size="1")),
                spacing="2",
                align="center",
            )
        ),
        rx.table.cell("v", row["version"], class_name="rubric-version"),
        rx.table.cell(row["categories"]),
        rx.table.cell(row["updated"], white_space="nowrap"),
        rx.table.cell(
            rx.cond(
                row["uses"].length() > 0,  # type: ignore[attr-defined]
                rx.flex(rx.foreach(row["uses"], _use_link), wrap="wrap", gap="1 3"),
                rx.text("No assessments yet", size="2", color_scheme="gray"),
            )
        ),
        class_name="rubric-row",
    )


@rx.page(route=RUBRICS_ROUTE, title="Rubrics · truelevel", on_load=RubricsState.load)
def rubrics_page() -> rx.Component:
    return app_shell(
        page_header(
            "Rubrics",
            "Weighted categories and level descriptors that take-homes are scored against. "
            + KEEP_VERSION,
            rx.cond(
                AuthState.can_edit,
                rx.button(
                    rx.icon("plus", size=16),
                    "New rubric",
                    on_click=rx.redirect(NEW_RUBRIC_ROUTE),
                    id="new-rubric",
                ),
            ),
        ),
        data_table(
            columns=["Name", "Version", "Categories", "Updated", "Used by"],
            rows=RubricsState.rows,
            render_row=_rubric_row_view,
            loading=RubricsState.loading,
            error=RubricsState.error,
            empty_title="No rubrics yet — create one to score take-homes your way",
            empty_hint="Until then, evaluations use truelevel's default rubric.",
            empty_icon="list-checks",
            table_id="rubrics-table",
        ),
    )


# -- new rubric --------------------------------------------------------------------------------


@rx.page(route=NEW_RUBRIC_ROUTE, title="New rubric · truelevel", on_load=NewRubricState.load)
def new_rubric_page() -> rx.Component:
    return app_shell(
        rx.link(
            rx.hstack(rx.icon("arrow-left", size=14), "All rubrics", align="center"),
            href=RUBRICS_ROUTE,
            size="2",
        ),
        page_header(
            "New rubric",
            "It starts with truelevel's default categories: rename, reweigh, remove or add.",
        ),
        rx.cond(
            NewRubricState.may_edit,
            rubric_editor(
                NewRubricState,
                submit_label="Create rubric",
                note="Saving creates version 1; " + KEEP_VERSION[0].lower() + KEEP_VERSION[1:],
                on_cancel=NewRubricState.cancel,
            ),
            error_callout(
                "Viewers cannot create rubrics. Ask an admin for the reviewer role.",
                id="rubric-read-only",
            ),
        ),
    )
