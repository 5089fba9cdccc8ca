"""Screening questions: per job, or per application of that job."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, or_
from sqlmodel import Session, col, delete, select

from backend.models.base import utcnow
from backend.models.pipeline import (
    Application,
    ApplicationQuestionItem,
    Question,
    QuestionCreate,
    QuestionUpdate,
)
from backend.services.errors import NotFound
from backend.services.ownership import find_owned, get_owned
from backend.services.pagination import DEFAULT_PAGE, DEFAULT_PAGE_SIZE, Page, paginate
from backend.services.pipeline.errors import Unprocessable
from backend.services.pipeline.jobs import get_job


@dataclass(frozen=True)
class NewQuestion:
    """A question about to be saved (from a template, a model or a request)."""

    question_text: str
    source_id: str | None = None
    category: str | None = None
    # What a good answer contains (see backend.models.pipeline.AnswerGuideFields).
    key_points: tuple[str, ...] = ()
    misconceptions: tuple[str, ...] = ()
    levels: dict[str, str] = field(default_factory=dict)


# The order questions are asked and listed in (ties, as after a regeneration, by age).
_ORDER = (col(Question.position), col(Question.created_at), col(Question.id))


def list_questions(
    session: Session,
    *,
    org_id: str,
    job_id: str,
    application_id: str | None = None,
    page: int = DEFAULT_PAGE,
    size: int = DEFAULT_PAGE_SIZE,
) -> Page[Question]:
    """The job's own questions, plus those of ``application_id`` when given, in order."""
    get_job(session, org_id=org_id, job_id=job_id)
    statement = select(Question).where(Question.org_id == org_id, Question.job_id == job_id)
    if application_id is not None:
        _application_of_job(session, org_id=org_id, job_id=job_id, application_id=application_id)
        statement = statement.where(
            or_(
                col(Question.application_id).is_(None),
                col(Question.application_id) == application_id,
            )
        )
    else:
        statement = statement.where(col(Question.application_id).is_(None))
    statement = statement.order_by(col(Question.application_id).is_not(None), *_ORDER)
    return paginate(session, statement, page=page, size=size)


def application_questions(session: Session, *, org_id: str, application_id: str) -> list[Question]:
    """The questions attached to one application, in order."""
    return list(
        session.exec(
            select(Question)
            .where(Question.org_id == org_id, Question.application_id == application_id)
            .order_by(*_ORDER)
        ).all()
    )


def create_question(
    session: Session, *, org_id: str, job_id: str, data: QuestionCreate
) -> Question:
    """Add a question to the job, or to one of its applications when ``application_id`` is
    set (422 when that application is for another job)."""
    get_job(session, org_id=org_id, job_id=job_id)
    if data.application_id:
        _application_of_job(
            session, org_id=org_id, job_id=job_id, application_id=data.application_id
        )
    question = Question(
        org_id=org_id,
        job_id=job_id,
        application_id=data.application_id or None,
        question_text=data.question_text,
        source_id=data.source_id,
        key_points=list(data.key_points),
        misconceptions=list(data.misconceptions),
        levels=dict(data.levels),
        position=_next_position(session, job_id=job_id, application_id=data.application_id),
    )
    session.add(question)
    session.commit()
    session.refresh(question)
    return question


def get_question(session: Session, *, org_id: str, job_id: str, question_id: str) -> Question:
    """The question of this job, or NotFound."""
    question = find_owned(session, Question, question_id, org_id=org_id)
    if question is None or question.job_id != job_id:
        get_job(session, org_id=org_id, job_id=job_id)  # a missing job is reported as such
        raise NotFound(f"Question {question_id} not found.", code="question_not_found")
    return question


def update_question(
    session: Session, *, org_id: str, job_id: str, question_id: str, data: QuestionUpdate
) -> Question:
    """Apply the fields sent; ``application_id`` null moves the question back to the job."""
    question = get_question(session, org_id=org_id, job_id=job_id, question_id=question_id)
    changes = data.changes()
    if changes.get("application_id"):
        _application_of_job(
            session, org_id=org_id, job_id=job_id, application_id=changes["application_id"]
        )
    if not changes:
        return question
    for name, value in changes.items():
        # JSON columns are replaced, never mutated in place, so the change is seen.
        setattr(question, name, list(value) if isinstance(value, list) else value)
    question.updated_at = utcnow()
    session.add(question)
    session.commit()
    session.refresh(question)
    return question


def move_question(
    session: Session, *, org_id: str, job_id: str, question_id: str, by: int
) -> list[Question]:
    """Move one question ``by`` places (-1: one up, 1: one down) among its siblings (the
    job's own questions, or those of its application), which interviews ask in this order;
    at either end it stays. The siblings are numbered 0, 1, … afresh and returned in order."""
    question = get_question(session, org_id=org_id, job_id=job_id, question_id=question_id)
    siblings = list(
        session.exec(
            select(Question)
            .where(
                Question.org_id == org_id,
                Question.job_id == job_id,
                _same_owner(question.application_id),
            )
            .order_by(*_ORDER)
        ).all()
    )
    index = next(i for i, row in enumerate(siblings) if row.id == question.id)
    target = min(max(index + by, 0), len(siblings) - 1)
    siblings.insert(target, siblings.pop(index))
    for position, row in enumerate(siblings):
        if row.position != position:
            row.position = position
            session.add(row)
    session.commit()
    for row in siblings:
        session.refresh(row)
    return siblings


def delete_question(session: Session, *, org_id: str, job_id: str, question_id: str) -> None:
    """Remove one question of the job."""
    question = get_question(session, org_id=org_id, job_id=job_id, question_id=question_id)
    session.delete(question)
    session.commit()


def add_application_questions(
    session: Session,
    *,
    application: Application,
    items: Sequence[ApplicationQuestionItem],
) -> list[Question]:
    """Attach questions to an application (added to the session, not committed)."""
    start = _next_position(session, job_id=application.job_id, application_id=application.id)
    questions = [
        Question(
            org_id=application.org_id,
            job_id=application.job_id,
            application_id=application.id,
            question_text=item.question_text,
            source_id=item.source_id,
            key_points=list(item.key_points),
            misconceptions=list(item.misconceptions),
            levels=dict(item.levels),
            position=start + offset,
        )
        for offset, item in enumerate(items)
    ]
    session.add_all(questions)
    return questions


def replace_generated_questions(
    session: Session, *, org_id: str, job_id: str, items: Sequence[NewQuestion]
) -> list[Question]:
    """Swap the job's previously generated questions for ``items`` (questions written by
    people are kept), and commit."""
    session.exec(
        delete(Question).where(
            col(Question.org_id) == org_id,
            col(Question.job_id) == job_id,
            col(Question.application_id).is_(None),
            col(Question.generated).is_(True),
        )
    )
    start = _next_position(session, job_id=job_id, application_id=None)
    questions = [
        Question(
            org_id=org_id,
            job_id=job_id,
            question_text=item.question_text,
            source_id=item.source_id,
            category=item.category,
            key_points=list(item.key_points),
            misconceptions=list(item.misconceptions),
            levels=dict(item.levels),
            generated=True,
            position=start + offset,
        )
        for offset, item in enumerate(items)
    ]
    session.add_all(questions)
    session.commit()
    for question in questions:
        session.refresh(question)
    return questions


def _application_of_job(
    session: Session, *, org_id: str, job_id: str, application_id: str
) -> Application:
    application = get_owned(
        session,
        Application,
        application_id,
        org_id=org_id,
        message=f"Application {application_id} not found.",
        code="application_not_found",
    )
    if application.job_id != job_id:
        raise Unprocessable(
            f"Application {application_id} is for another job.",
            field="application_id",
            code="application_job_mismatch",
        )
    return application


def _same_owner(application_id: str | None):
    """Questions of the same application, or the job's own ones when ``application_id`` is
    None or empty."""
    if application_id:
        return col(Question.application_id) == application_id
    return col(Question.application_id).is_(None)


def _next_position(session: Session, *, job_id: str, application_id: str | None) -> int:
    statement = select(func.max(Question.position)).where(
        Question.job_id == job_id, _same_owner(application_id)
    )
    current = session.exec(statement).one()
    return 0 if current is None else int(current) + 1
