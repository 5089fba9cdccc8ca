"""Turn a rejected form into words a person can act on: one message per field, shown under that
field (``components.forms``)."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

# A rule of the shared models that names no field, in the API's camelCase words: the form field
# it is about, and what the form says instead (the web form has no issue library to pick from).
_RULES: dict[str, tuple[str, str]] = {
    "taskBrief is required when no issueId is given": (
        "task_brief",
        "Write a task brief: what the candidate builds and how it is judged.",
    ),
}


def form_name(field: str) -> str:
    """A model field's name (snake_case or its camelCase alias) as the form's input names it."""
    return re.sub(r"(?<!^)([A-Z])", r"_\1", field).lower()


def _bound(value: Any) -> str:
    """A limit as people write it: 0.0 → "0", 1000 → "1000"."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def _plain(error: dict[str, Any], label: str) -> str:
    """One pydantic error as a sentence about the field ``label``."""
    kind = str(error.get("type", ""))
    context = error.get("ctx") or {}
    message = str(error.get("msg", "")).removeprefix("Value error, ").rstrip(".")
    if message in _RULES:
        return _RULES[message][1]
    noun = label.lower() if label else "a value"
    if kind in {"missing", "string_too_short"}:
        return f"Enter the {noun}." if label else "This is required."
    if kind == "too_short":  # a list
        return f"Add at least {context.get('min_length')} {label.lower() or 'item'}."
    if kind == "too_long":  # a list: named by its label ("12 key points"), else items
        return f"Keep it to {context.get('max_length')} {label.lower() or 'items'} or fewer."
    if kind == "string_too_long":
        return f"Keep it to {context.get('max_length')} characters or fewer."
    if kind.startswith("url_") or " url" in f" {message.lower()}":
        return "Enter a full web address, such as https://git.example.com/team/repo.git."
    if "email" in message.lower():
        return "Enter an email address, such as ada@example.com."
    if kind in {"int_parsing", "int_from_float", "int_type"}:
        return "Enter a whole number."
    if kind in {"float_parsing", "float_type", "finite_number"}:
        return "Enter a number, such as 1 or 2.5."
    if kind == "greater_than":
        return f"Enter a number greater than {_bound(context.get('gt'))}."
    if kind == "greater_than_equal":
        return f"Enter a number of at least {_bound(context.get('ge'))}."
    if kind in {"less_than", "less_than_equal"}:
        return f"Enter a number of at most {_bound(context.get('le', context.get('lt')))}."
    return (message[:1].upper() + message[1:] + ".") if message else "Check this value."


def field_errors(exc: ValidationError, labels: dict[str, str]) -> dict[str, str]:
    """``{form field name: what to fix}`` (the first problem of each field; ``""`` for a
    problem that names no field). ``labels`` maps field names (snake_case or the camelCase
    alias) to the form's labels."""
    found: dict[str, str] = {}
    for error in exc.errors():
        location = [str(p) for p in error.get("loc", ()) if not isinstance(p, int)]
        field = location[0] if location else ""
        rule = _RULES.get(str(error.get("msg", "")).removeprefix("Value error, "))
        name = rule[0] if rule else form_name(field) if field in labels else ""
        found.setdefault(name, _plain(error, labels.get(field, "")))
    return found


def located_errors(
    exc: ValidationError, labels: dict[str, str]
) -> list[tuple[tuple[str | int, ...], str]]:
    """Every problem of a form with repeated parts (a rubric's categories and criteria) with
    its whole location, list positions included, and what to fix; the words name the field by
    the last part of the location found in ``labels``."""
    found: list[tuple[tuple[str | int, ...], str]] = []
    for error in exc.errors():
        location = tuple(error.get("loc", ()))
        named = [p for p in location if isinstance(p, str) and p in labels]
        found.append((location, _plain(error, labels[named[-1]] if named else "")))
    return found
