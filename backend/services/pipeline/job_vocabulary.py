"""The technical terms an interview is likely to use, so transcription spells them right.

Whisper, the bundled tiny.en above all, turns words it has rarely seen into common ones
("post-gorex QL" for PostgreSQL). The job already names its technologies: in the interview's role
title, and for a browser interview in the job posting and the questions asked. They are found with
the same skill vocabulary that reads job descriptions (`skills.extract_skills`), so a term is
written the way the job writes it.
"""

from __future__ import annotations

from sqlmodel import Session

from backend.models.interviews import InterviewCall
from backend.models.pipeline import Job
from backend.services.pipeline.skills import extract_skills

MAX_TERMS = 40


def interview_vocabulary(
    session: Session, *, role_title: str, call_id: str | None = None
) -> tuple[str, ...]:
    """The technical skills named by the interview's role, its job posting and its questions,
    most relevant first (at most `MAX_TERMS`)."""
    title, texts = role_title or "", []
    call = session.get(InterviewCall, call_id) if call_id else None
    if call is not None:
        job = session.get(Job, call.job_id)
        if job is not None:
            title = f"{title}\n{job.title}"
            texts.append(job.desc or "")
        texts.extend(str(question.get("text", "")) for question in call.questions)
    skills = extract_skills(title, "\n".join(texts))
    return tuple(skill.name for skill in skills if skill.technical)[:MAX_TERMS]
