"""The one adapter to an optional OpenAI-compatible chat model that phrases interview
questions (``TRUELEVEL_QUESTION_LLM_BASE_URL``, e.g. ``http://localhost:11434/v1``).

It never raises: any network error, bad status or unusable answer returns None and the caller
falls back to the built-in templates."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import httpx

from backend.models.pipeline import LEN_QUESTION
from backend.services.pipeline.questions import NewQuestion

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 20.0
MIN_QUESTIONS = 5
MAX_QUESTIONS = 10
_DESC_LIMIT = 6000
_CATEGORIES = {"technical", "system_design", "behavioural", "problem_solving", "role"}
_JSON_ARRAY = re.compile(r"\[.*\]", re.S)

_SYSTEM_PROMPT = (
    "You write interview questions for technical hiring. Answer with a JSON array only, no "
    "prose. Each element is an object with 'category' (one of technical, system_design, "
    "behavioural, problem_solving, role) and 'question' (one question, at most 400 "
    "characters). Every question must name at least one concrete skill of the job. No "
    "duplicates. Ask system design questions only for senior, staff or lead roles."
)


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
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    body = {
        "model": model,
        "temperature": 0.2,
        "messages": [
            {"role": "system", "content": _SYSTEM_PROMPT},
            {"role": "user", "content": user_prompt},
        ],
    }
    url = base_url.rstrip("/") + "/chat/completions"
    try:
        with httpx.Client(timeout=TIMEOUT_SECONDS, transport=transport) as client:
            response = client.post(url, json=body, headers=headers)
            response.raise_for_status()
            content = response.json()["choices"][0]["message"]["content"]
        return parse_questions(content, count=count)
    except Exception as exc:  # any failure means: use the templates
        log.warning("question model at %s failed, using templates: %s", url, exc)
        return None


def parse_questions(content: Any, *, count: int) -> list[NewQuestion] | None:
    """The questions in a model's answer, or None when fewer than five are usable."""
    if not isinstance(content, str):
        return None
    match = _JSON_ARRAY.search(content)
    if not match:
        return None
    try:
        items = json.loads(match.group(0))
    except json.JSONDecodeError:
        return None
    if not isinstance(items, list):
        return None
    questions: list[NewQuestion] = []
    seen: set[str] = set()
    for item in items:
        if isinstance(item, str):
            text, category = item, None
        elif isinstance(item, dict):
            text, category = item.get("question"), item.get("category")
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
        category = category if category in _CATEGORIES else None
        questions.append(NewQuestion(question_text=text, category=category))
        if len(questions) == count:
            break
    return questions if len(questions) >= MIN_QUESTIONS else None
