"""How the job page draws its interview question bank (``job_questions`` holds its rows and
state): each question with its answer guide (key points, misconceptions, level descriptors),
the actions of members who may edit, and the question form, delete and generate dialogs."""

from __future__ import annotations

import reflex as rx

from truelevel_app.components.dialogs import confirm_dialog, form_dialog
from truelevel_app.components.feedback import error_callout, success_callout
from truelevel_app.components.forms import field_error, text_area, text_field
from truelevel_app.pages.job_questions import LEVEL_KEYS, LEVEL_LABELS, JobQuestionsState
from truelevel_app.state import AuthState


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
