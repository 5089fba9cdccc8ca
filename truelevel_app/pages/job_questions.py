"""A job's interview question bank on its page (``/jobs/[job_id]``): the questions in the order
interviews ask them, each with what a good answer contains (the key points the interview
assessment scores answers against, common misconceptions, level descriptors); add, edit,
delete and reorder them, or generate them from the job (the same generator as
``POST /jobs/{job_id}/questions/generate``). Every change goes through the services the API
uses (``backend.services.pipeline.questions`` and ``question_generation``).

The job page's state takes :class:`JobQuestionsState` as a mixin; it provides ``_authorise``
and ``_current_id``, and its ``_reload`` calls :meth:`JobQuestionsState._read_questions`.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from typing import Any, TypedDict

import reflex as rx
from pydantic import ValidationError
from sqlmodel import Session

from backend.db import session_scope
from backend.models.pipeline import Question, QuestionCreate, QuestionUpdate
from backend.services.errors import DomainError
from backend.services.pipeline import questions as bank
from backend.services.pipeline.question_generation import generate_questions
from truelevel_app.components.dialogs import confirm_dialog, form_dialog
from truelevel_app.components.feedback import error_callout, success_callout
from truelevel_app.components.forms import field_error, text_area, text_field
from truelevel_app.state import AuthState
from truelevel_app.validation import field_errors

QUESTIONS_SHOWN = 100
READ_ONLY = "Viewers cannot change questions. Ask an admin for the reviewer role."
LEVEL_KEYS = ("1", "2", "3", "4", "5")
LEVEL_LABELS = {
    "1": "Level 1 (weakest)",
    "2": "Level 2",
    "3": "Level 3",
    "4": "Level 4",
    "5": "Level 5 (strongest)",
}
QUESTION_LABELS = {
    "question_text": "Question",
    "key_points": "Key points",
    "misconceptions": "Misconceptions",
    "levels": "Level descriptors",
}
SOURCES = {"llm": "by the configured language model", "templates": "from the built-in templates"}


class LevelRow(TypedDict):
    level: str
    text: str


class QuestionRow(TypedDict):
    id: str
    number: int
    text: str
    category: str
    generated: bool
    key_points: list[str]
    misconceptions: list[str]
    levels: list[LevelRow]
    first: bool
    last: bool


def question_rows(questions: list[Question]) -> list[QuestionRow]:
    """The job's questions as the page shows them, in the order interviews ask them."""
    return [
        QuestionRow(
            id=q.id,
            number=index + 1,
            text=q.question_text,
            category=(q.category or "").replace("_", " "),
            generated=q.generated,
            key_points=list(q.key_points or ()),
            misconceptions=list(q.misconceptions or ()),
            levels=[
                LevelRow(level=key, text=text) for key, text in sorted((q.levels or {}).items())
            ],
            first=index == 0,
            last=index == len(questions) - 1,
        )
        for index, q in enumerate(questions)
    ]


def _lines(value: Any) -> list[str]:
    return [line.strip() for line in str(value or "").splitlines() if line.strip()]


def answer_guide_values(form_data: Mapping[str, Any]) -> dict[str, Any]:
    """The question form as the pipeline's question shapes take it: key points and
    misconceptions one per line (blank lines dropped), level descriptors left empty omitted."""
    levels = {key: str(form_data.get(f"level_{key}") or "").strip() for key in LEVEL_KEYS}
    return {
        "question_text": str(form_data.get("question_text") or "").strip(),
        "key_points": _lines(form_data.get("key_points")),
        "misconceptions": _lines(form_data.get("misconceptions")),
        "levels": {key: text for key, text in levels.items() if text},
    }


def _empty_levels() -> dict[str, str]:
    return dict.fromkeys(LEVEL_KEYS, "")


class JobQuestionsState(rx.State, mixin=True):
    """The question bank of the job page: its rows, the question form, delete and generate."""

    questions: rx.Field[list[QuestionRow]] = rx.field(default_factory=list)
    generated_count: int = 0
    questions_error: str = ""
    questions_notice: str = ""
    generating: bool = False
    confirm_generate: bool = False
    moving: str = ""  # the question being moved
    # The question form: "" for a new question, else the id of the one edited.
    show_question: bool = False
    saving_question: bool = False
    draft_id: str = ""
    draft_text: str = ""
    draft_key_points: str = ""
    draft_misconceptions: str = ""
    draft_levels: rx.Field[dict[str, str]] = rx.field(default_factory=_empty_levels)
    question_form_error: str = ""
    question_field_errors: rx.Field[dict[str, str]] = rx.field(default_factory=dict)
    # The question a recruiter asked to delete, waiting for the confirmation.
    delete_id: str = ""
    delete_text: str = ""

    def _read_questions(self, session: Session, org_id: str) -> None:
        job_id = self._current_id()  # type: ignore[attr-defined]
        page = bank.list_questions(session, org_id=org_id, job_id=job_id, size=QUESTIONS_SHOWN)
        self.questions = question_rows(list(page.items))
        self.generated_count = sum(1 for row in self.questions if row["generated"])

    def _reload_questions(self, org_id: str) -> None:
        with session_scope() as session:
            self._read_questions(session, org_id)

    def _clear_questions_notices(self) -> None:
        self.questions_error = self.questions_notice = ""
        self.generating = self.confirm_generate = self.show_question = False
        self.saving_question = False
        self.moving = self.delete_id = self.delete_text = ""

    def _editor(self):
        """The member who may change questions, or None with the reason shown."""
        self.questions_error = self.questions_notice = ""
        member = self._authorise("edit")  # type: ignore[attr-defined]
        if member is None:
            self.questions_error = READ_ONLY
        return member

    def _open_form(self, row: QuestionRow | None) -> None:
        self.question_form_error = ""
        self.question_field_errors = {}
        self.draft_id = row["id"] if row else ""
        self.draft_text = row["text"] if row else ""
        self.draft_key_points = "\n".join(row["key_points"]) if row else ""
        self.draft_misconceptions = "\n".join(row["misconceptions"]) if row else ""
        levels = {item["level"]: item["text"] for item in row["levels"]} if row else {}
        self.draft_levels = _empty_levels() | levels
        self.show_question = True

    # -- the question form -------------------------------------------------------------------

    @rx.event
    def open_new_question(self):
        self._open_form(None)

    @rx.event
    def open_edit_question(self, question_id: str):
        row = next((r for r in self.questions if r["id"] == question_id), None)
        if row is None:
            self.questions_error = "That question is no longer there."
            return
        self._open_form(row)

    @rx.event
    def close_question(self):
        self.show_question = False

    @rx.event
    def save_question(self, form_data: dict[str, Any]):
        self.question_form_error = ""
        self.question_field_errors = {}
        member = self._authorise("edit")  # type: ignore[attr-defined]
        if member is None:
            self.question_form_error = READ_ONLY
            return
        values = answer_guide_values(form_data)
        try:
            if self.draft_id:
                data: QuestionCreate | QuestionUpdate = QuestionUpdate.model_validate(values)
            else:  # the pipeline asks for an ATS id: questions written here get one
                data = QuestionCreate.model_validate(
                    values | {"source_id": f"web-{uuid.uuid4().hex[:12]}"}
                )
        except ValidationError as exc:
            errors = field_errors(exc, QUESTION_LABELS)
            self.question_form_error = errors.pop("", "")
            self.question_field_errors = errors
            return
        self.saving_question = True
        yield
        job_id = self._current_id()  # type: ignore[attr-defined]
        try:
            with session_scope() as session:
                if isinstance(data, QuestionUpdate):
                    bank.update_question(
                        session,
                        org_id=member.org_id,
                        job_id=job_id,
                        question_id=self.draft_id,
                        data=data,
                    )
                else:
                    bank.create_question(session, org_id=member.org_id, job_id=job_id, data=data)
                self._read_questions(session, member.org_id)
        except DomainError as exc:
            self.question_form_error = exc.message
            return
        finally:
            self.saving_question = False
        self.show_question = False
        self.questions_error = ""
        self.questions_notice = "Question saved." if self.draft_id else "Question added."

    # -- order and removal -------------------------------------------------------------------

    @rx.event
    def move_question(self, question_id: str, by: int):
        member = self._editor()
        if member is None:
            return
        self.moving = question_id
        yield
        try:
            with session_scope() as session:
                bank.move_question(
                    session,
                    org_id=member.org_id,
                    job_id=self._current_id(),  # type: ignore[attr-defined]
                    question_id=question_id,
                    by=by,
                )
                self._read_questions(session, member.org_id)
        except DomainError as exc:
            self.questions_error = exc.message
        finally:
            self.moving = ""

    @rx.event
    def ask_delete_question(self, question_id: str):
        row = next((r for r in self.questions if r["id"] == question_id), None)
        self.delete_id = question_id if row else ""
        self.delete_text = row["text"] if row else ""

    @rx.event
    def cancel_delete_question(self):
        self.delete_id = self.delete_text = ""

    @rx.event
    def delete_question(self):
        question_id, self.delete_id = self.delete_id, ""
        member = self._editor()
        if member is None or not question_id:
            return
        try:
            with session_scope() as session:
                bank.delete_question(
                    session,
                    org_id=member.org_id,
                    job_id=self._current_id(),  # type: ignore[attr-defined]
                    question_id=question_id,
                )
                self._read_questions(session, member.org_id)
        except DomainError as exc:
            self.questions_error = exc.message
            return
        self.questions_notice = "Question deleted."

    # -- generation --------------------------------------------------------------------------

    @rx.event
    def ask_generate(self):
        """Generating replaces the generated questions (edits included): ask first when the
        job has some."""
        if self.generated_count:
            self.confirm_generate = True
            return None
        return type(self).generate

    @rx.event
    def cancel_generate(self):
        self.confirm_generate = False

    @rx.event
    async def generate(self):
        self.confirm_generate = False
        member = self._editor()
        if member is None:
            return
        self.generating = True
        yield
        job_id = self._current_id()  # type: ignore[attr-defined]

        def work() -> str:
            with session_scope() as session:
                made = generate_questions(session, org_id=member.org_id, job_id=job_id)
                skills = ", ".join(made.skills[:5])
                guided = sum(1 for q in made.questions if q.key_points)
                source = SOURCES.get(made.source, made.source)
                return (
                    f"Generated {len(made.questions)} questions for a {made.level} {made.role} "
                    "role" + (f" ({skills})" if skills else "") + f" {source}; "
                    f"{guided} of them with key points, which answers are scored against."
                )

        try:
            # With a language model configured this waits on the network: keep the event
            # loop free meanwhile.
            self.questions_notice = await asyncio.to_thread(work)
            self._reload_questions(member.org_id)
        except DomainError as exc:
            self.questions_error = exc.message
        finally:
            self.generating = False


# -- views ---------------------------------------------------------------------------------------


def _point_list(items, *, empty: str, class_name: str) -> rx.Component:
    return rx.cond(
        items.length() > 0,
        rx.el.ul(
            rx.foreach(items, lambda text: rx.el.li(rx.text(text, size="2"))),
            class_name=class_name,
            style={"padding_left": "1.1rem", "margin": "0", "list_style_type": "disc"},
        ),
        rx.text(empty, size="2", color_scheme="gray", class_name=class_name),
    )


def _guide_block(title: str, hint: str, body: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.text(title, size="1", weight="bold", color_scheme="gray", text_transform="uppercase"),
        rx.text(hint, size="1", color_scheme="gray"),
        body,
        spacing="1",
        width="100%",
        min_width="0",
    )


def _level_view(item) -> rx.Component:
    return rx.hstack(
        rx.badge(item["level"], variant="surface", size="1", min_width="1.5rem"),
        rx.text(item["text"], size="2"),
        spacing="2",
        align="start",
    )


def _action(icon: str, label: str, **props) -> rx.Component:
    return rx.icon_button(
        rx.icon(icon, size=14),
        size="1",
        variant="ghost",
        aria_label=label,
        title=label,
        **props,
    )


def _actions(row, state: type[JobQuestionsState]) -> rx.Component:
    return rx.cond(
        AuthState.can_edit,
        rx.hstack(
            _action(
                "arrow-up",
                "Move up",
                disabled=row["first"] | (state.moving != ""),
                on_click=state.move_question(row["id"], -1),
                class_name="move-up",
            ),
            _action(
                "arrow-down",
                "Move down",
                disabled=row["last"] | (state.moving != ""),
                on_click=state.move_question(row["id"], 1),
                class_name="move-down",
            ),
            _action(
                "pencil",
                "Edit question",
                on_click=state.open_edit_question(row["id"]),
                class_name="edit-question",
            ),
            _action(
                "trash-2",
                "Delete question",
                color_scheme="red",
                on_click=state.ask_delete_question(row["id"]),
                class_name="delete-question",
            ),
            spacing="3",
            align="center",
            flex_shrink="0",
        ),
    )


def _question_view(row, state: type[JobQuestionsState]) -> rx.Component:
    return rx.el.li(
        rx.vstack(
            rx.flex(
                rx.hstack(
                    rx.text(row["number"], ".", weight="bold", size="2", flex_shrink="0"),
                    rx.text(row["text"], size="2", weight="medium", class_name="question-text"),
                    spacing="2",
                    align="start",
                    # Side by side with the badges on a wide screen, above them on a phone.
                    flex="1 1 18rem",
                    min_width="0",
                ),
                rx.hstack(
                    rx.cond(
                        row["category"] != "",
                        rx.badge(row["category"], variant="soft", size="1"),
                    ),
                    rx.cond(row["generated"], rx.badge("generated", variant="outline", size="1")),
                    _actions(row, state),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                gap="2",
                justify="between",
                align="start",
                wrap="wrap",
                width="100%",
            ),
            rx.cond(
                row["key_points"].length() == 0,
                rx.callout(
                    "No key points: answers to this question are not judged for correctness. "
                    "Edit it to add what a good answer states.",
                    icon="info",
                    color_scheme="amber",
                    size="1",
                    width="100%",
                    class_name="no-key-points",
                ),
            ),
            rx.grid(
                _guide_block(
                    "Key points",
                    "What a good answer states; answers are scored against these.",
                    _point_list(row["key_points"], empty="None yet.", class_name="key-points"),
                ),
                _guide_block(
                    "Misconceptions",
                    "Wrong claims; an answer stating one counts as wrong.",
                    _point_list(
                        row["misconceptions"], empty="None listed.", class_name="misconceptions"
                    ),
                ),
                _guide_block(
                    "Level descriptors",
                    "What an answer at each level (1 to 5) looks like.",
                    rx.cond(
                        row["levels"].length() > 0,
                        rx.vstack(
                            rx.foreach(row["levels"], _level_view),
                            spacing="1",
                            class_name="levels",
                        ),
                        rx.text("None given.", size="2", color_scheme="gray", class_name="levels"),
                    ),
                ),
                columns={"initial": "1", "md": "3"},
                spacing="4",
                width="100%",
            ),
            spacing="2",
            width="100%",
        ),
        class_name="question",
        custom_attrs={"data-question": row["id"]},
        style={"padding": "0.85rem 0", "border_bottom": f"1px solid {rx.color('gray', 4)}"},
    )


def _question_dialog(state: type[JobQuestionsState]) -> rx.Component:
    errors = state.question_field_errors
    return form_dialog(
        text_area(
            "Question *",
            "question_text",
            rows="3",
            required=True,
            default_value=state.draft_text,
            errors=errors,
            placeholder="How would you make a slow PostgreSQL query fast?",
        ),
        text_area(
            "Key points, one per line",
            "key_points",
            rows="5",
            default_value=state.draft_key_points,
            errors=errors,
            hint="What a correct, specific answer states. The interview assessment scores each "
            "answer against these; without any, answers are not judged for correctness.",
        ),
        text_area(
            "Misconceptions, one per line",
            "misconceptions",
            rows="3",
            default_value=state.draft_misconceptions,
            errors=errors,
            hint="Common wrong claims: an answer closer to one of these than to a key point "
            "counts as wrong.",
        ),
        rx.vstack(
            rx.text("Level descriptors", size="2", weight="medium"),
            rx.text(
                "Optional: what an answer at each level looks like.", size="1", color_scheme="gray"
            ),
            *[
                text_field(
                    LEVEL_LABELS[key],
                    f"level_{key}",
                    default_value=state.draft_levels[key],
                    aria_invalid=errors.get("levels", "").to(str) != "",
                )
                for key in LEVEL_KEYS
            ],
            field_error(errors.get("levels", "").to(str), id="levels-error"),
            spacing="2",
            width="100%",
        ),
        open=state.show_question,
        title=rx.cond(state.draft_id != "", "Edit question", "Add question"),  # type: ignore[arg-type]
        description="Interviews ask the job's questions in order; the assessment judges each "
        "answer against its own question's key points and misconceptions.",
        error=state.question_form_error,
        error_id="question-form-error",
        submit_label="Save question",
        submitting=state.saving_question,
        on_submit=state.save_question,
        on_cancel=state.close_question,
        form_id="question-form",
        max_width="40rem",
    )


def _delete_dialog(state: type[JobQuestionsState]) -> rx.Component:
    return confirm_dialog(
        open=state.delete_id != "",
        title="Delete question",
        description=rx.fragment(
            "Delete ",
            rx.text.strong(state.delete_text),
            " with its key points? Interviews started from now on no longer ask it.",
        ),
        confirm_label="Delete question",
        on_confirm=state.delete_question,
        on_cancel=state.cancel_delete_question,
        confirm_id="confirm-delete-question",
    )


def _generate_dialog(state: type[JobQuestionsState]) -> rx.Component:
    return confirm_dialog(
        open=state.confirm_generate,
        title="Replace the generated questions?",
        description=rx.fragment(
            "Generating again replaces this job's ",
            rx.text.strong(state.generated_count, " generated questions"),
            ", edits to them included. Questions added by hand stay.",
        ),
        confirm_label="Generate again",
        on_confirm=state.generate,
        on_cancel=state.cancel_generate,
        confirm_id="confirm-generate-questions",
    )


def questions_section(state: type[JobQuestionsState]) -> rx.Component:
    """The job's question bank: its questions with their answer guides, and its actions."""
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.vstack(
                    rx.heading("Interview questions", size="3"),
                    rx.text(
                        "Interviews ask these in order. The interview assessment scores each "
                        "answer against its question's key points and marks answers that "
                        "state a misconception as wrong.",
                        size="2",
                        color_scheme="gray",
                        id="questions-scoring",
                    ),
                    spacing="1",
                    flex="1",
                    min_width="16rem",
                ),
                rx.cond(
                    AuthState.can_edit,
                    rx.hstack(
                        rx.button(
                            rx.icon("plus", size=14),
                            "Add question",
                            size="2",
                            variant="soft",
                            on_click=state.open_new_question,
                            id="add-question",
                        ),
                        rx.button(
                            rx.icon("sparkles", size=14),
                            "Generate questions",
                            size="2",
                            variant="soft",
                            loading=state.generating,
                            on_click=state.ask_generate,
                            id="generate-questions",
                        ),
                        spacing="2",
                        wrap="wrap",
                    ),
                ),
                gap="3",
                align="start",
                justify="between",
                wrap="wrap",
                width="100%",
            ),
            error_callout(state.questions_error, id="questions-error"),
            success_callout(state.questions_notice, id="questions-notice"),
            rx.cond(
                state.questions.length() > 0,
                rx.el.ol(
                    rx.foreach(state.questions, lambda row: _question_view(row, state)),
                    style={"list_style": "none", "padding": "0", "margin": "0", "width": "100%"},
                    id="questions",
                ),
                rx.text(
                    "No questions yet — generate them from the job description with their key "
                    "points, or add your own.",
                    size="2",
                    color_scheme="gray",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="question-bank",
    )


def question_dialogs(state: type[JobQuestionsState]) -> rx.Component:
    return rx.fragment(_question_dialog(state), _delete_dialog(state), _generate_dialog(state))
