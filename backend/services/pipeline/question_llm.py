"""Interview questions phrased by the optional OpenAI-compatible chat model
(``TRUELEVEL_QUESTION_LLM_BASE_URL``, called through ``backend.services.llm_adapter``): the
prompt, and the checks an answer must pass before its questions are used.

It never raises: any network error, bad status or unusable answer returns None and the caller
falls back to the built-in templates."""

from __future__ import annotations

import logging
from typing import Any

import httpx

from backend.models.pipeline import LEN_ANSWER_POINT, LEN_QUESTION
from backend.services import llm_adapter
from backend.services.pipeline.questions import NewQuestion

log = logging.getLogger(__name__)

MIN_QUESTIONS = 5
MAX_QUESTIONS = 10
_DESC_LIMIT = 6000
_CATEGORIES = {"technical", "system_design", "behavioural", "problem_solving", "role"}

_SYSTEM_PROMPT = (
    "You write interview questions for technical hiring. Answer with a JSON array only, no "
    "prose. Each element is an object with 'category' (one of technical, system_design, "
    "behavioural, problem_solving, role) and 'question' (one question, at most 400 "
    "characters). Every question must name at least one concrete skill of the job. No "
    "duplicates. Ask system design questions only for senior, staff or lead roles. Every "
    "question, of every category, also has 'key_points' (2 to 4 short sentences, each stated "
    "as a correct answer would state it) and 'misconceptions' (1 to 3 short sentences, each a "
    "common wrong claim stated as a wrong answer would state it). For a behavioural question "
    "the key points are the parts of a good answer (a concrete situation, what the candidate "
    "personally did, the result with evidence, what they learnt) and the misconceptions are "
    "typical weak answers (blaming others, describing the team's work without the candidate's "
    "own part)."
)
MAX_POINTS = 6


def ask_for_questions(
    *,
    base_url: str,
    api_key: str,
    model: str,
    title: str,
    desc: str,
    level: str,
    skills: list[str],
    count: int,
    transport: httpx.BaseTransport | None = None,
) -> list[NewQuestion] | None:
    """Ask the model for ``count`` questions (clamped to 5–10); None when anything fails."""
    count = max(MIN_QUESTIONS, min(MAX_QUESTIONS, count))
    user_prompt = (
        f"Job title: {title}\nLevel: {level}\n"
        f"Skills: {', '.join(skills) if skills else 'none detected'}\n"
        f"Description:\n{desc[:_DESC_LIMIT]}\n\n"
        f"Write {count} interview questions for this job."
    )
    try:
        content = llm_adapter.complete(
            base_url=base_url,
            api_key=api_key,
            model=model,
            system=_SYSTEM_PROMPT,
            user=user_prompt,
            temperature=0.2,
            transport=transport,
        )
    except llm_adapter.ChatModelError as exc:  # any failure means: use the templates
        log.warning("question model failed, using templates: %s", exc)
        return None
    return parse_questions(content, count=count)


def parse_questions(content: Any, *, count: int) -> list[NewQuestion] | None:
    """The questions in a model's answer, or None when fewer than five are usable."""
    items = llm_adapter.answer_json(content, list)
    if items is None:
        return None
    questions: list[NewQuestion] = []
    seen: set[str] = set()
    for item in items:
        key_points: tuple[str, ...] = ()
        misconceptions: tuple[str, ...] = ()
        if isinstance(item, str):
            text, category = item, None
        elif isinstance(item, dict):
            text, category = item.get("question"), item.get("category")
            key_points = _sentences(item.get("key_points"))
            misconceptions = _sentences(item.get("misconceptions"))
        else:
            continue
        if not isinstance(text, str) or not text.strip():
            continue
        # The model's text goes to the database: no NUL (PostgreSQL refuses it).
        text = " ".join(text.replace("\x00", " ").split())[:LEN_QUESTION]
        key = text.lower()
        if key in seen:
            continue
        seen.add(key)
        if isinstance(category, list | dict):  # not the format asked for: use the templates
            return None
        category = category if category in _CATEGORIES else None
        questions.append(
            NewQuestion(
                question_text=text,
                category=category,
                key_points=key_points,
                misconceptions=misconceptions if key_points else (),
            )
        )
        if len(questions) == count:
            break
    return questions if len(questions) >= MIN_QUESTIONS else None


def _sentences(value: Any) -> tuple[str, ...]:
    """Up to ``MAX_POINTS`` cleaned sentences from a model's list (anything else: none)."""
    if not isinstance(value, list):
        return ()
    out: list[str] = []
    for item in value:
        if isinstance(item, str) and item.strip():
            text = " ".join(item.replace("\x00", " ").split())[:LEN_ANSWER_POINT]
            if text not in out:
                out.append(text)
    return tuple(out[:MAX_POINTS])
