"""The technical terms an interview is likely to use, so transcription spells them right.

Whisper, the bundled tiny.en above all, turns words it has rarely seen into common ones
("post-gorex QL" for PostgreSQL). The job already names its technologies: in the interview's role
title, the job posting, and the questions with what a good answer contains (key points,
misconceptions, level descriptors). Two kinds of term are taken from them, written the way the
job writes them: the skills that the job-description reader knows (`skills.extract_skills`), and
words that are spelled like code or a product, which no skill list can hold in full: inner
capitals (PgBouncer, setTimeout), acronyms that are not ordinary words (TCP, XSS), and names with
a digit, a dot or an underscore inside (max_connections, Node.js).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any

from sqlmodel import Session

from backend.models.interviews import InterviewCall
from backend.models.pipeline import Job
from backend.services.pipeline.skills import extract_skills

MAX_TERMS = 40
# Words spelled like a technology: an inner capital, an acronym (optionally plural), or a name
# joined by a dot, underscore or digit. Trailing sentence punctuation is not part of it.
_TERM = re.compile(
    r"(?<![\w.])(?:"
    r"[A-Za-z][a-z0-9]*[A-Z][A-Za-z0-9]*(?:\.[A-Za-z]+)*"  # PgBouncer, setTimeout, Promise.then
    r"|[A-Z][A-Z0-9]{1,7}s?"  # TCP, CSRF, S3, APIs
    r"|[A-Za-z]+(?:[._][A-Za-z0-9]+)+"  # max_connections, Node.js
    r")(?![\w])"
)
# The parts of a question the vocabulary is read from.
QUESTION_FIELDS = ("text", "key_points", "misconceptions", "levels")


def interview_vocabulary(
    session: Session,
    *,
    role_title: str,
    call_id: str | None = None,
    questions: Sequence[Mapping[str, Any]] = (),
) -> tuple[str, ...]:
    """The technical terms named by the interview's role, its job posting (a browser interview)
    and its questions (the call's, and `questions`: the job's question bank)."""
    title, posting = role_title or "", ""
    asked: list[Mapping[str, Any]] = list(questions)
    call = session.get(InterviewCall, call_id) if call_id else None
    if call is not None:
        job = session.get(Job, call.job_id)
        if job is not None:
            title, posting = f"{title}\n{job.title}", job.desc or ""
        asked = [*call.questions, *asked]
    return job_vocabulary(title, posting, asked)


def job_vocabulary(
    title: str, posting: str = "", questions: Sequence[Mapping[str, Any]] = ()
) -> tuple[str, ...]:
    """Skills first (most relevant first), then code-like terms in order of appearance; at most
    `MAX_TERMS`, each once whatever its case."""
    text = "\n".join([posting, *(question_text(q) for q in questions)])
    skills = [skill.name for skill in extract_skills(title, text) if skill.technical]
    terms = dict.fromkeys(term.lower() for term in skills)
    out = list(skills)
    for term in code_like_terms(f"{title}\n{text}"):
        if term.lower() not in terms:
            terms[term.lower()] = None
            out.append(term)
    return tuple(out[:MAX_TERMS])


def question_text(question: Mapping[str, Any]) -> str:
    """A question and what a good answer contains, as one text."""
    parts: list[str] = []
    for field in QUESTION_FIELDS:
        value = question.get(field)
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, Mapping):
            parts.extend(str(v) for v in value.values())
        elif isinstance(value, Iterable):
            parts.extend(str(v) for v in value)
    return "\n".join(parts)


def code_like_terms(text: str) -> list[str]:
    """Words of `text` spelled like code or a product name, in order, each once; an all-capital
    word that is an ordinary word in capitals ("SELECT", "NOT") is left out."""
    found: dict[str, str] = {}
    for match in _TERM.finditer(text):
        term = match.group()
        if term.isupper() and is_ordinary(term.lower()):
            continue
        found.setdefault(term.lower(), term)
    return list(found.values())


def is_ordinary(word: str) -> bool:
    """Whether the lower-case `word`, or its singular, is an ordinary English word."""
    return word in ordinary_words() or (word.endswith("s") and word[:-1] in ordinary_words())


@cache
def ordinary_words() -> frozenset[str]:
    """Ordinary English words, lower case: the English Wikipedia and US film and television
    frequency lists that zxcvbn ships (30,000 and 19,160 words)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["english_wikipedia"]) | frozenset(
        FREQUENCY_LISTS["us_tv_and_film"]
    )
