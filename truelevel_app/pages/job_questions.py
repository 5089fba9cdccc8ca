"""A job's interview question bank on its page (``/jobs/[job_id]``): the questions in the order
interviews ask them, each with what a good answer contains (the key points the interview
assessment scores answers against, common misconceptions, level descriptors); add, edit,
delete and reorder them, or generate them from the job (the same generator as
``POST /jobs/{job_id}/questions/generate``). Every change goes through the services the API
uses (``backend.services.pipeline.questions`` and ``question_generation``).

This module holds the rows and the state; ``job_questions_view`` draws them. The job page's
state takes :class:`JobQuestionsState` as a mixin; it provides ``_authorise`` and
``_current_id``, and its ``_reload`` calls :meth:`JobQuestionsState._read_questions`.
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
from backend.models.pipeline import LEVEL_KEYS as ANSWER_LEVELS
from backend.models.pipeline import Question, QuestionCreate, QuestionUpdate
from backend.services.errors import DomainError
from backend.services.pipeline import questions as bank
from backend.services.pipeline.question_generation import generate_questions
from truelevel_app.validation import field_errors

QUESTIONS_SHOWN = 100
READ_ONLY = "Viewers cannot change questions. Ask an admin for the reviewer role."
LEVEL_KEYS = tuple(sorted(ANSWER_LEVELS))  # "1" (weakest) to "5"
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
