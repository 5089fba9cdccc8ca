"""The rubric editor: name and description, categories with their weights, and each category's
criteria with a weight and five level descriptors. Its page state saves what it holds with
``_save_rubric`` (a new rubric, or a new version of one); refused fields say what to fix."""

from __future__ import annotations

import copy
from typing import Any

import reflex as rx
from pydantic import ValidationError
from sqlmodel import Session

from backend.db import session_scope
from backend.models.assessments import Rubric, RubricCreate
from backend.services.audit import Action, Subject
from backend.services.errors import DomainError
from truelevel_app.audit_trail import record_by
from truelevel_app.components.feedback import error_callout
from truelevel_app.components.forms import field_error
from truelevel_app.pages.rubric_draft import (
    LEVELS,
    CategoryDraft,
    RubricProblems,
    clear_problems,
    new_category,
    new_criterion,
    no_problems,
    place_problems,
    rubric_input,
)
from truelevel_app.state import SIGNIN_ROUTE

READ_ONLY = "Viewers cannot change rubrics. Ask an admin for the reviewer role."
FIX_FIELDS = "Some fields need a change before the rubric can be saved: see the red notes below."
LEVEL_NAMES = ("1 · weakest", "2", "3", "4", "5 · strongest")
CATEGORY_FIELDS = frozenset({"name", "weight"})
CRITERION_FIELDS = frozenset({"name", "description", "weight"})


def rubric_route(rubric_id: str) -> str:
    return f"/rubrics/{rubric_id}"


def category_shares(weights: list[str]) -> list[str]:
    """Each category's part of the score as the weights stand ("25%"); "" for a weight that is
    not a positive number yet. Weights are relative: only their proportions count."""
    numbers: list[float | None] = []
    for typed in weights:
        try:
            value = float(typed)
        except ValueError:
            value = None
        numbers.append(value if value is not None and value > 0 else None)
    total = sum(n for n in numbers if n is not None)
    return [f"{round(100 * n / total)}%" if n is not None and total else "" for n in numbers]


class RubricEditorState(rx.State, mixin=True):
    """The fields of the rubric being edited. The page state defines ``_save_rubric``, the
    service call that stores ``data`` (and what ``_authorise`` allows)."""

    rubric_name: str = ""
    rubric_description: str = ""
    draft: rx.Field[list[CategoryDraft]] = rx.field(default_factory=list)
    problems: rx.Field[RubricProblems] = rx.field(default_factory=no_problems)
    saving: bool = False

    @rx.var
    def shares(self) -> list[str]:
        return category_shares([category["weight"] for category in self.draft])

    def _start_draft(self, name: str, description: str, drafts: list[CategoryDraft]) -> None:
        self.rubric_name, self.rubric_description = name, description
        self.draft = drafts
        self.problems = no_problems()
        self.saving = False

    def _save_rubric(self, session: Session, org_id: str, data: RubricCreate) -> Rubric:
        raise NotImplementedError

    @rx.event
    def set_rubric_name(self, value: str):
        self.rubric_name = value

    @rx.event
    def set_rubric_description(self, value: str):
        self.rubric_description = value

    @rx.event
    def set_category_field(self, c: int, field: str, value: str):
        if field in CATEGORY_FIELDS and 0 <= c < len(self.draft):
            self.draft[c][field] = value  # type: ignore[literal-required]

    @rx.event
    def set_criterion_field(self, c: int, k: int, field: str, value: str):
        if field in CRITERION_FIELDS and 0 <= c < len(self.draft):
            criteria = self.draft[c]["criteria"]
            if 0 <= k < len(criteria):
                criteria[k][field] = value  # type: ignore[literal-required]

    @rx.event
    def set_level(self, c: int, k: int, level: int, value: str):
        if 0 <= c < len(self.draft) and 0 <= k < len(self.draft[c]["criteria"]):
            if 0 <= level < len(LEVELS):
                self.draft[c]["criteria"][k]["levels"][level] = value

    @rx.event
    def add_category(self):
        self.draft.append(new_category())

    @rx.event
    def remove_category(self, c: int):
        if 0 <= c < len(self.draft):
            self.draft.pop(c)

    @rx.event
    def add_criterion(self, c: int):
        if 0 <= c < len(self.draft):
            self.draft[c]["criteria"].append(new_criterion())

    @rx.event
    def remove_criterion(self, c: int, k: int):
        if 0 <= c < len(self.draft) and 0 <= k < len(self.draft[c]["criteria"]):
            self.draft[c]["criteria"].pop(k)

    @rx.event
    def save(self, _form: dict[str, Any]):
        """Save what the fields hold (the form's own values are in the state already)."""
        self.problems = no_problems()
        drafts = copy.deepcopy(self.draft)
        clear_problems(drafts)
        member = self._authorise("edit")  # type: ignore[attr-defined]
        if member is None:
            if self._resolve_member() is None:  # type: ignore[attr-defined]
                yield rx.redirect(SIGNIN_ROUTE, replace=True)
                return
            self.problems = RubricProblems(**{**no_problems(), "form": READ_ONLY})
            return
        try:
            data = rubric_input(self.rubric_name, self.rubric_description, drafts)
        except ValidationError as exc:
            problems = place_problems(exc, drafts)
            self.draft = drafts
            self.problems = RubricProblems(**{**problems, "form": problems["form"] or FIX_FIELDS})
            return
        self.draft = drafts
        self.saving = True
        yield
        try:
            with session_scope() as session:
                saved = self._save_rubric(session, member.org_id, data).id
            record_by(member, Action.changed, Subject.rubric, saved, "rubric saved")
        except DomainError as exc:
            self.problems = RubricProblems(**{**no_problems(), "form": exc.message})
            return
        finally:
            self.saving = False
        yield rx.redirect(rubric_route(saved))


# -- view --------------------------------------------------------------------------------------


def _marks(message: Any, error_id: Any) -> dict[str, Any]:
    return {"aria_invalid": message != "", "aria_describedby": error_id}


def _labelled(label: Any, control: rx.Component, message: Any, error_id: Any, **props):
    return rx.el.label(
        rx.vstack(
            rx.text(label, size="1", weight="medium", color_scheme="gray"),
            control,
            field_error(message, id=error_id),
            spacing="1",
            width="100%",
        ),
        **props,
    )


def _levels(state: type[RubricEditorState], criterion: Any, c: Any, k: Any) -> rx.Component:
    def level(text: Any, at: Any) -> rx.Component:
        message = criterion["level_errors"][at]
        error_id = f"level-{c}-{k}-{at}-error"
        return _labelled(
            rx.match(at, *enumerate(LEVEL_NAMES), ""),
            rx.text_area(
                value=text,
                on_change=lambda value: state.set_level(c, k, at, value),  # type: ignore[call-arg]
                rows="3",
                size="1",
                width="100%",
                placeholder="What a candidate at this level shows",
                name=f"level_{c}_{k}_{at}",
                class_name="level-descriptor",
                **_marks(message, error_id),
            ),
            message,
            error_id,
        )

    return rx.grid(
        rx.foreach(criterion["levels"], level),
        columns=rx.breakpoints(initial="1", md="5"),
        spacing="2",
        width="100%",
    )


def _criterion_editor(state: type[RubricEditorState], c: Any):
    def render(criterion: Any, k: Any) -> rx.Component:
        return rx.box(
            rx.vstack(
                rx.hstack(
                    _labelled(
                        "Criterion",
                        rx.input(
                            value=criterion["name"],
                            on_change=lambda v: state.set_criterion_field(c, k, "name", v),  # type: ignore[call-arg]
                            placeholder="e.g. Readability",
                            name=f"criterion_{c}_{k}_name",
                            class_name="criterion-name",
                            width="100%",
                            **_marks(criterion["name_error"], f"criterion-{c}-{k}-name-error"),
                        ),
                        criterion["name_error"],
                        f"criterion-{c}-{k}-name-error",
                        flex="1",
                    ),
                    _labelled(
                        "Weight",
                        rx.input(
                            value=criterion["weight"],
                            on_change=lambda v: state.set_criterion_field(c, k, "weight", v),  # type: ignore[call-arg]
                            input_mode="decimal",
                            name=f"criterion_{c}_{k}_weight",
                            class_name="criterion-weight",
                            width="100%",
                            **_marks(criterion["weight_error"], f"criterion-{c}-{k}-weight-error"),
                        ),
                        criterion["weight_error"],
                        f"criterion-{c}-{k}-weight-error",
                        width="7rem",
                    ),
                    rx.icon_button(
                        rx.icon("trash-2", size=14),
                        type="button",
                        variant="soft",
                        color_scheme="red",
                        size="1",
                        aria_label="Remove criterion",
                        title="Remove criterion",
                        on_click=state.remove_criterion(c, k),  # type: ignore[call-arg]
                        class_name="remove-criterion",
                        margin_top="1.4rem",
                    ),
                    align="start",
                    spacing="3",
                    width="100%",
                ),
                _labelled(
                    "What it looks at",
                    rx.input(
                        value=criterion["description"],
                        on_change=lambda v: state.set_criterion_field(c, k, "description", v),  # type: ignore[call-arg]
                        placeholder="e.g. Names and layout let a reviewer follow the code",
                        name=f"criterion_{c}_{k}_description",
                        class_name="criterion-description",
                        width="100%",
                    ),
                    criterion["description_error"],
                    f"criterion-{c}-{k}-description-error",
                    width="100%",
                ),
                rx.text("Level descriptors, 1 (weakest) to 5", size="1", weight="medium"),
                _levels(state, criterion, c, k),
                spacing="2",
                width="100%",
            ),
            padding="0.75rem",
            border=f"1px solid {rx.color('gray', 5)}",
            border_radius="var(--radius-3)",
            width="100%",
            class_name="criterion-editor",
        )

    return render


def _category_editor(state: type[RubricEditorState]):
    def render(category: Any, c: Any) -> rx.Component:
        return rx.card(
            rx.vstack(
                rx.hstack(
                    _labelled(
                        "Category",
                        rx.input(
                            value=category["name"],
                            on_change=lambda v: state.set_category_field(c, "name", v),  # type: ignore[call-arg]
                            placeholder="e.g. Code Quality",
                            size="3",
                            name=f"category_{c}_name",
                            class_name="category-name",
                            width="100%",
                            **_marks(category["name_error"], f"category-{c}-name-error"),
                        ),
                        category["name_error"],
                        f"category-{c}-name-error",
                        flex="1",
                    ),
                    _labelled(
                        "Weight",
                        rx.input(
                            value=category["weight"],
                            on_change=lambda v: state.set_category_field(c, "weight", v),  # type: ignore[call-arg]
                            input_mode="decimal",
                            size="3",
                            name=f"category_{c}_weight",
                            class_name="category-weight",
                            width="100%",
                            **_marks(category["weight_error"], f"category-{c}-weight-error"),
                        ),
                        category["weight_error"],
                        f"category-{c}-weight-error",
                        width="7rem",
                    ),
                    rx.vstack(
                        rx.text("Share", size="1", weight="medium", color_scheme="gray"),
                        rx.badge(state.shares[c], size="2", class_name="category-share"),
                        spacing="1",
                    ),
                    rx.button(
                        rx.icon("trash-2", size=14),
                        "Remove category",
                        type="button",
                        variant="soft",
                        color_scheme="red",
                        size="1",
                        on_click=state.remove_category(c),  # type: ignore[call-arg]
                        class_name="remove-category",
                        margin_top="1.4rem",
                    ),
                    align="start",
                    spacing="3",
                    width="100%",
                    wrap="wrap",
                ),
                field_error(category["criteria_error"], id=f"category-{c}-criteria-error"),
                rx.foreach(category["criteria"], _criterion_editor(state, c)),
                rx.button(
                    rx.icon("plus", size=14),
                    "Add criterion",
                    type="button",
                    variant="soft",
                    size="1",
                    on_click=state.add_criterion(c),  # type: ignore[call-arg]
                    class_name="add-criterion",
                ),
                spacing="3",
                width="100%",
            ),
            width="100%",
            class_name="category-editor",
        )

    return render


def rubric_editor(
    state: type[RubricEditorState], *, submit_label: Any, note: str, on_cancel: Any
) -> rx.Component:
    """The whole editor with its Save and Cancel buttons; ``note`` says what saving does."""
    problems = state.problems
    return rx.form(
        rx.vstack(
            error_callout(problems["form"], id="rubric-error"),
            rx.card(
                rx.vstack(
                    _labelled(
                        "Rubric name",
                        rx.input(
                            value=state.rubric_name,
                            on_change=state.set_rubric_name,
                            placeholder="e.g. Backend engineering",
                            size="3",
                            name="rubric_name",
                            id="rubric-name",
                            width="100%",
                            **_marks(problems["name"], "rubric-name-error"),
                        ),
                        problems["name"],
                        "rubric-name-error",
                        width="100%",
                    ),
                    _labelled(
                        "Description",
                        rx.text_area(
                            value=state.rubric_description,
                            on_change=state.set_rubric_description,
                            rows="2",
                            placeholder="When to use this rubric (optional)",
                            name="rubric_description",
                            id="rubric-description",
                            width="100%",
                            **_marks(problems["description"], "rubric-description-error"),
                        ),
                        problems["description"],
                        "rubric-description-error",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                width="100%",
            ),
            rx.callout(
                "Weights are relative: a category of weight 2 counts twice as much as one of "
                "weight 1, so they need not add up to 100. " + note,
                icon="info",
                size="1",
                width="100%",
                id="rubric-editor-note",
            ),
            rx.foreach(state.draft, _category_editor(state)),
            field_error(problems["categories"], id="rubric-categories-error"),
            rx.button(
                rx.icon("plus", size=14),
                "Add category",
                type="button",
                variant="outline",
                on_click=state.add_category,
                id="add-category",
            ),
            rx.hstack(
                rx.button(
                    "Cancel", type="button", variant="soft", color_scheme="gray", on_click=on_cancel
                ),
                rx.button(submit_label, type="submit", loading=state.saving, id="save-rubric"),
                justify="end",
                spacing="3",
                width="100%",
            ),
            spacing="4",
            width="100%",
        ),
        on_submit=state.save,
        reset_on_submit=False,
        id="rubric-editor",
        width="100%",
    )
