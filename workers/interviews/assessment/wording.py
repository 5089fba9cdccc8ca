"""Optional rephrasing of an interview assessment's prose by an OpenAI-compatible chat model
(the same endpoint that phrases interview questions: ``TRUELEVEL_QUESTION_LLM_BASE_URL``, called
through ``backend.services.llm_adapter``).

Only ``summary`` and ``submittal_note`` are ever sent or replaced; scores, rationales, quotes,
flags and the recommendation never leave the deterministic engine. A rephrasing is kept only if
it passes checks a reviewer would make: both texts present and of a sensible length, no number
that the original did not contain (no invented scores or figures), no recommendation word the
original did not use, and no word about personal characteristics that the original did not
contain. Anything else (no endpoint configured, a network error, a bad status, an unusable
answer) keeps the deterministic text, so the report never depends on the model being up.
"""

from __future__ import annotations

import copy
import json
import logging
import re
from typing import Any

import httpx

from backend.services import llm_adapter
from backend.settings import Settings, get_settings

log = logging.getLogger(__name__)

FIELDS = ("summary", "submittal_note")
MAX_CHARS = 1500
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_RECOMMENDATIONS = ("advance", "hold", "reject")
# Words that would bring a personal characteristic into a hiring note. A rephrasing that adds
# one is refused outright rather than edited.
_PERSONAL = re.compile(
    r"\b(?:he|she|him|his|her|hers|man|woman|male|female|gender|age|aged|old|young|older|"
    r"younger|race|racial|ethnic\w*|religio\w*|nationality|native|accent|married|pregnan\w*|"
    r"disab\w*|health|family|children|citizenship)\b",
    re.I,
)

_SYSTEM_PROMPT = (
    "You edit short texts of an interview report for a recruitment agency. Rephrase each text "
    "so it reads naturally and professionally for a client. Keep every fact and every number "
    "exactly as given; add nothing; never mention personal characteristics (age, gender, "
    "origin, health, family, accent). Keep the submittal note to 3-5 sentences. Answer with a "
    'JSON object only: {"summary": "...", "submittal_note": "..."}.'
)


def refine_wording(
    assessment: dict[str, Any],
    *,
    role_title: str = "",
    settings: Settings | None = None,
    transport: httpx.BaseTransport | None = None,
) -> dict[str, Any]:
    """The assessment with ``summary`` and ``submittal_note`` rephrased by the configured model,
    or an unchanged copy when no endpoint is configured or the rephrasing fails or is refused.
    ``role_title`` is context for the model only."""
    settings = settings or get_settings()
    refined = copy.deepcopy(assessment)
    if not settings.question_llm_base_url:
        return refined
    texts = {field: str(assessment.get(field) or "") for field in FIELDS}
    if not all(texts.values()):
        return refined
    answer = ask_for_wording(
        base_url=settings.question_llm_base_url,
        api_key=settings.question_llm_api_key,
        model=settings.question_llm_model,
        texts=texts,
        role_title=role_title,
        transport=transport,
    )
    if answer is not None:
        refined.update(answer)
    return refined


def ask_for_wording(
    *,
    base_url: str,
    api_key: str,
    model: str,
    texts: dict[str, str],
    role_title: str = "",
    transport: httpx.BaseTransport | None = None,
) -> dict[str, str] | None:
    """Ask the model to rephrase ``texts`` (summary, submittal_note); None when anything fails."""
    try:
        content = llm_adapter.complete(
            base_url=base_url,
            api_key=api_key,
            model=model,
            system=_SYSTEM_PROMPT,
            user=_user_prompt(texts, role_title),
            temperature=0,
            transport=transport,
        )
    except llm_adapter.ChatModelError as exc:  # any failure means: keep the deterministic text
        log.warning("wording model failed, keeping the built-in text: %s", exc)
        return None
    return parse_wording(content, original=texts)


def parse_wording(content: Any, *, original: dict[str, str]) -> dict[str, str] | None:
    """The rephrased texts in a model's answer, or None when they fail a check (see the module
    docstring)."""
    data = llm_adapter.answer_json(content, dict)
    if data is None:
        return None
    result: dict[str, str] = {}
    for field in FIELDS:
        text = data.get(field)
        if not isinstance(text, str):
            return None
        # The text goes to the database and the client: no NUL, single spaces.
        text = " ".join(text.replace("\x00", " ").split())
        before = original[field]
        if not text or len(text) > MAX_CHARS or len(text) > 3 * len(before) + 200:
            return None
        if not set(_NUMBER.findall(text)) <= set(_NUMBER.findall(before)):
            return None
        if _words(text, _RECOMMENDATIONS) - _words(before, _RECOMMENDATIONS):
            return None
        if {m.lower() for m in _PERSONAL.findall(text)} - {
            m.lower() for m in _PERSONAL.findall(before)
        }:
            return None
        result[field] = text
    return result


def _user_prompt(texts: dict[str, str], role_title: str) -> str:
    role = " ".join(role_title.split())[:200]
    context = f"Role: {role}\n" if role else ""
    return f"{context}Texts to rephrase:\n{json.dumps(texts, ensure_ascii=False)}"


def _words(text: str, vocabulary: tuple[str, ...]) -> set[str]:
    lowered = text.lower()
    return {word for word in vocabulary if re.search(rf"\b{word}\b", lowered)}
