"""The question bank an interview is judged against, read from the hiring pipeline (seed 003).

- A browser interview (a call) asked its job's questions: the call's questions, in the order
  asked, then the job's other questions (so an answer to another question is recognised).
- An uploaded recording (seed 004) names only a role: the job-level questions of the
  organisation's jobs with that title. The assessment matches each question the interviewer
  asked to the closest of them (``guides.match``); with none, it falls back to the competency
  texts.

Only questions that carry key points are returned; each as the assessment reads it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from backend.models import InterviewCall
from backend.models.pipeline import Job, Question

MAX_BANK = 200


def _guide(question: Question) -> dict[str, Any]:
    return {
        "id": question.id,
        "question_text": question.question_text,
        "category": question.category,
        "key_points": list(question.key_points or ()),
        "misconceptions": list(question.misconceptions or ()),
        "levels": dict(question.levels or {}),
    }


def question_bank(
    session: Session, *, org_id: str, role_title: str, call_id: str | None = None
) -> list[dict[str, Any]]:
    """The questions with key points this interview can be judged against (see above)."""
    asked: list[str] = []
    job_ids: list[str] = []
    call = session.get(InterviewCall, call_id) if call_id else None
    if call is not None and call.org_id == org_id:
        asked = [str(q.get("id")) for q in call.questions if q.get("id")]
        job_ids = [call.job_id]
    else:
        title = " ".join((role_title or "").split()).lower()
        if title:
            job_ids = list(
                session.exec(
                    select(Job.id).where(
                        Job.org_id == org_id, func.lower(func.trim(Job.title)) == title
                    )
                ).all()
            )
    rows: list[Question] = []
    if asked:
        by_id = {
            q.id: q
            for q in session.exec(
                select(Question).where(Question.org_id == org_id, col(Question.id).in_(asked))
            ).all()
        }
        rows.extend(by_id[i] for i in asked if i in by_id)
    if job_ids:
        rows.extend(
            session.exec(
                select(Question)
                .where(
                    Question.org_id == org_id,
                    col(Question.job_id).in_(job_ids),
                    col(Question.application_id).is_(None),
                )
                .order_by(col(Question.job_id), col(Question.position), col(Question.id))
                .limit(MAX_BANK)
            ).all()
        )
    seen: set[str] = set()
    bank = []
    for question in rows:
        if question.id in seen or not question.key_points:
            continue
        seen.add(question.id)
        bank.append(_guide(question))
    return bank[:MAX_BANK]
