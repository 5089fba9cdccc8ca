"""One version of a rubric: its categories with weights, criteria and level descriptors, the
assessments that use the rubric (each with the version it keeps), the version history, and, on
the latest version, the editor whose Save adds the next version (as PUT /rubrics/{id} does).
Earlier versions are shown read-only."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx
from sqlmodel import Session

from backend.db import session_scope
from backend.models.assessments import Rubric, RubricCreate, RubricUpdate
from backend.services.errors import NotFound
from backend.services.rubrics import get_rubric, rubric_versions, update_rubric
from truelevel_app.components.details import detail_frame
from truelevel_app.components.feedback import error_callout, unless_empty
from truelevel_app.components.layout import app_shell, page_header
from truelevel_app.components.tables import data_table
from truelevel_app.display import when
from truelevel_app.pages.rubric_draft import LEVELS, draft_of, weight_text
from truelevel_app.pages.rubric_editor import (
    RubricEditorState,
    category_shares,
    rubric_editor,
)
from truelevel_app.pages.rubrics import RUBRICS_ROUTE, UseLink, use_links
from truelevel_app.state import SIGNIN_ROUTE, AuthState

LEVEL_HEADINGS = ("1 · weakest", "2", "3", "4", "5 · strongest")


class CriterionView(TypedDict):
    name: str
    description: str
    weight: str
    levels: list[str]


class CategoryView(TypedDict):
    name: str
    weight: str
    share: str
    criteria: list[CriterionView]


class RubricView(TypedDict):
    id: str
    name: str
    description: str
    version: int
    is_latest: bool
    saved: str
    categories: list[CategoryView]


class VersionRow(TypedDict):
    id: str
    version: int
    saved: str
    categories: int
    assessments: int
    shown: bool  # the version this page shows


def _empty_rubric() -> RubricView:
    return RubricView(
        id="", name="", description="", version=0, is_latest=False, saved="", categories=[]
    )


def _rubric_view(rubric: Rubric) -> RubricView:
    shares = category_shares([weight_text(c.get("weight", 1)) for c in rubric.categories])
    return RubricView(
        id=rubric.id,
        name=rubric.name,
        description=rubric.description,
        version=rubric.version,
        is_latest=rubric.is_latest,
        saved=when(rubric.created_at),
        categories=[
            CategoryView(
                name=str(category.get("name", "")),
                weight=weight_text(category.get("weight", 1)),
                share=share,
                criteria=[
                    CriterionView(
                        name=str(criterion.get("name", "")),
                        description=str(criterion.get("description", "")),
                        weight=weight_text(criterion.get("weight", 1)),
                        levels=[str(criterion.get("levels", {}).get(n, "")) for n in LEVELS],
                    )
                    for criterion in category.get("criteria", [])
                ],
            )
            for category, share in zip(rubric.categories, shares, strict=True)
        ],
    )


class RubricPageState(RubricEditorState, AuthState):
    rubric: rx.Field[RubricView] = rx.field(default_factory=_empty_rubric)
    versions: rx.Field[list[VersionRow]] = rx.field(default_factory=list)
    uses: rx.Field[list[UseLink]] = rx.field(default_factory=list)
    latest_id: str = ""
    latest_version: int = 0
    editing: bool = False
    loading: bool = True
    not_found: bool = False
    error: str = ""

    @rx.var
    def save_label(self) -> str:
        return f"Save as version {self.latest_version + 1}"

    def _current_id(self) -> str:
        # The [rubric_id] segment of the route (a var Reflex adds to the root state).
        return str(getattr(self, "rubric_id", "") or "")

    def _save_rubric(self, session: Session, org_id: str, data: RubricCreate) -> Rubric:
        update = RubricUpdate.model_validate(data.model_dump())
        return update_rubric(
            session,
            org_id=org_id,
            rubric_id=self._current_id(),
            data=update,
            editing_version=self.latest_version,
        )

    def _read(self, org_id: str) -> None:
        with session_scope() as session:
            rubric = get_rubric(session, org_id=org_id, rubric_id=self._current_id())
            versions = rubric_versions(session, org_id=org_id, family_id=rubric.family_id)
            uses = use_links(session, org_id, [rubric.family_id]).get(rubric.family_id, [])
            self.rubric = _rubric_view(rubric)
            self.uses = uses
            self.latest_id, self.latest_version = versions[0].id, versions[0].version
            self.versions = [
                VersionRow(
                    id=v.id,
                    version=v.version,
                    saved=when(v.created_at),
                    categories=len(v.categories),
                    assessments=sum(1 for u in uses if u["version"] == v.version),
                    shown=v.id == rubric.id,
                )
                for v in versions
            ]
            self._start_draft(rubric.name, rubric.description, draft_of(rubric.categories))

    @rx.event
    def load(self):
        member = self._resolve_member()
        if member is None:
            return rx.redirect(SIGNIN_ROUTE, replace=True)
        self.loading, self.not_found, self.error, self.editing = True, False, "", False
        self.rubric = _empty_rubric()
        try:
            self._read(member.org_id)
        except NotFound:
            self.not_found = True
        except Exception:
            self.error = "The rubric could not be loaded. Try again in a moment."
        self.loading = False
        return None

    @rx.event
    def start_editing(self):
        if self.rubric["is_latest"] and self._authorise("edit") is not None:
            self.editing = True

    @rx.event
    def stop_editing(self):
        """Cancel: the fields go back to the saved version."""
        self.editing = False
        member = self._resolve_member()
        if member is None:
            return rx.redirect(SIGNIN_ROUTE, replace=True)
        try:
            self._read(member.org_id)
        except Exception:
            self.error = "The rubric could not be loaded. Try again in a moment."
        return None


# -- view --------------------------------------------------------------------------------------


def _criterion_view(criterion) -> rx.Component:
    def level(text, at) -> rx.Component:
        return rx.box(
            rx.text(rx.match(at, *enumerate(LEVEL_HEADINGS), ""), size="1", weight="bold"),
            rx.text(text, size="2", class_name="level-text"),
            padding="0.5rem",
            background=rx.color("gray", 2),
            border_radius="var(--radius-2)",
        )

    return rx.vstack(
        rx.hstack(
            rx.text(criterion["name"], weight="medium", class_name="criterion-title"),
            rx.badge("weight ", criterion["weight"], variant="outline", size="1"),
            spacing="2",
            align="center",
        ),
        rx.cond(
            criterion["description"] != "",
            rx.text(criterion["description"], size="2", color_scheme="gray"),
        ),
        rx.grid(
            rx.foreach(criterion["levels"], level),
            columns=rx.breakpoints(initial="1", md="5"),
            spacing="2",
            width="100%",
        ),
        spacing="2",
        width="100%",
        class_name="criterion-view",
    )


def _category_view(category) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(category["name"], size="4", class_name="category-title"),
                rx.spacer(),
                rx.badge("weight ", category["weight"], variant="soft", class_name="category-w"),
                rx.badge(category["share"], " of the score", variant="surface"),
                align="center",
                spacing="2",
                width="100%",
            ),
            rx.foreach(category["criteria"], _criterion_view),
            spacing="4",
            width="100%",
        ),
        width="100%",
        class_name="category-view",
    )


def _version_row(row) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.cond(
                row["shown"],
                rx.text("Version ", row["version"], " (shown)", weight="medium"),
                rx.link("Version ", row["version"], href=RUBRICS_ROUTE + "/" + row["id"].to(str)),
            )
        ),
        rx.table.cell(row["saved"], white_space="nowrap"),
        rx.table.cell(row["categories"]),
        rx.table.cell(row["assessments"]),
        class_name="version-row",
    )


def _use_item(use) -> rx.Component:
    return rx.hstack(
        rx.link(use["title"], href="/assessments/" + use["assessment_id"].to(str)),
        rx.badge("version ", use["version"], variant="soft", size="1"),
        spacing="2",
        align="center",
        class_name="rubric-use",
    )


def _history() -> rx.Component:
    state = RubricPageState
    return rx.grid(
        rx.card(
            rx.vstack(
                rx.heading("Used by", size="3"),
                rx.text(
                    "Assessments keep the version they were created with: a new version is used "
                    "only by assessments created after it.",
                    size="1",
                    color_scheme="gray",
                    id="keeps-version-note",
                ),
                unless_empty(
                    state.uses,
                    rx.vstack(rx.foreach(state.uses, _use_item), spacing="2"),
                    "No assessment uses this rubric yet.",
                ),
                spacing="3",
            ),
            width="100%",
        ),
        rx.vstack(
            rx.heading("Version history", size="3"),
            data_table(
                columns=["Version", "Saved", "Categories", "Assessments"],
                rows=state.versions,
                render_row=_version_row,
                loading=state.loading,
                error=state.error,
                empty_title="No versions",
                table_id="rubric-versions",
            ),
            spacing="2",
            width="100%",
        ),
        columns=rx.breakpoints(initial="1", md="2fr 3fr"),
        spacing="4",
        width="100%",
    )


def _details() -> rx.Component:
    state = RubricPageState
    rubric = state.rubric
    return rx.fragment(
        page_header(
            rubric["name"],
            "",
            rx.badge("Version ", rubric["version"], size="2", id="rubric-version"),
            rx.cond(
                AuthState.can_edit & rubric["is_latest"] & ~state.editing,
                rx.button(
                    rx.icon("pencil", size=14),
                    "Edit",
                    on_click=state.start_editing,
                    id="edit-rubric",
                ),
            ),
        ),
        error_callout(state.error),
        rx.cond(
            ~rubric["is_latest"],
            rx.callout(
                rx.text(
                    "This is version ",
                    rubric["version"],
                    ", an earlier version, shown read-only. The latest is ",
                    rx.link(
                        "version ",
                        state.latest_version,
                        href=RUBRICS_ROUTE + "/" + state.latest_id,
                        id="latest-version-link",
                    ),
                    ".",
                ),
                icon="history",
                color_scheme="orange",
                size="1",
                width="100%",
                id="old-version-notice",
            ),
        ),
        rx.cond(
            state.editing,
            rubric_editor(
                state,
                submit_label=state.save_label,
                note="Saving creates a new version; assessments keep the version they were "
                "created with.",
                on_cancel=state.stop_editing,
            ),
            rx.vstack(
                rx.cond(
                    rubric["description"] != "",
                    rx.text(rubric["description"], color_scheme="gray", size="2"),
                ),
                rx.text("Saved ", rubric["saved"], size="1", color_scheme="gray"),
                _history(),
                rx.foreach(rubric["categories"], _category_view),
                spacing="4",
                width="100%",
            ),
        ),
    )


@rx.page(
    route=RUBRICS_ROUTE + "/[rubric_id]", title="Rubric · truelevel", on_load=RubricPageState.load
)
def rubric_page() -> rx.Component:
    return app_shell(
        detail_frame(
            back_label="All rubrics",
            back_href=RUBRICS_ROUTE,
            not_found=RubricPageState.not_found,
            not_found_title="Rubric not found",
            not_found_text="It may belong to another organisation, or the link is wrong.",
            not_found_id="rubric-not-found",
            loading=RubricPageState.loading & (RubricPageState.rubric["id"] == ""),
            details=_details(),
        ),
    )
