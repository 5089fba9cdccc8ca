"""The one adapter to the optional OpenAI-compatible chat model
(``TRUELEVEL_QUESTION_LLM_BASE_URL``, e.g. ``http://localhost:11434/v1``, with
``TRUELEVEL_QUESTION_LLM_API_KEY`` and ``TRUELEVEL_QUESTION_LLM_MODEL``).

It phrases generated interview questions (``backend.services.pipeline.question_llm``) and
rephrases an interview assessment's prose (``workers.interviews.assessment.wording``). Each caller
keeps its own prompt, the checks on the answer and its fallback; here is only the call itself:
one POST to ``{base_url}/chat/completions`` and the first choice's message text, and
``answer_json`` to find the JSON the prompt asked for in that text. Every way the call can fail
(unreachable, timeout, a bad status, an answer that is not a completion) is one
``ChatModelError``, so a caller has one thing to catch before it falls back.
"""

from __future__ import annotations

import json
import re
from typing import Any, overload

import httpx

TIMEOUT_SECONDS = 20.0
# From the first opening to the last closing bracket: models wrap the JSON they were asked for
# in prose or a code fence.
_JSON_SPANS = {list: re.compile(r"\[.*\]", re.S), dict: re.compile(r"\{.*\}", re.S)}


class ChatModelError(Exception):
    """The chat model could not be asked, or did not answer with a completion."""


def complete(
    *,
    base_url: str,
    api_key: str,
    model: str,
    system: str,
    user: str,
    temperature: float,
    transport: httpx.BaseTransport | None = None,
) -> str:
    """The model's answer to one system and one user message. ``api_key`` empty: no
    ``Authorization`` header (local servers such as Ollama need none). Raises
    ``ChatModelError``."""
    url = base_url.rstrip("/") + "/chat/completions"
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    body = {
        "model": model,
        "temperature": temperature,
        "messages": [
            {"role": "system", "content": system},
            {"role": "user", "content": user},
        ],
    }
    try:
        with httpx.Client(timeout=TIMEOUT_SECONDS, transport=transport) as client:
            response = client.post(url, json=body, headers=headers)
            response.raise_for_status()
            content = response.json()["choices"][0]["message"]["content"]
    # httpx.InvalidURL is not an HTTPError; ValueError is a body that is not JSON; LookupError
    # and TypeError are JSON that is not a completion.
    except (httpx.HTTPError, httpx.InvalidURL, ValueError, LookupError, TypeError) as exc:
        raise ChatModelError(f"chat model at {url}: {exc}") from exc
    if not isinstance(content, str):
        raise ChatModelError(f"chat model at {url}: the answer has no text")
    return content


@overload
def answer_json(content: Any, kind: type[list[Any]]) -> list[Any] | None: ...
@overload
def answer_json(content: Any, kind: type[dict[str, Any]]) -> dict[str, Any] | None: ...
def answer_json(content: Any, kind: type[list[Any]] | type[dict[str, Any]]) -> Any:
    """The JSON array (``kind=list``) or object (``kind=dict``) in a model's answer, or None
    when the answer holds none that parses."""
    if not isinstance(content, str):
        return None
    match = _JSON_SPANS[kind].search(content)
    if not match:
        return None
    try:
        value = json.loads(match.group(0))
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, kind) else None
