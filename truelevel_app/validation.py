"""Turn a rejected form into one sentence a person can act on."""

from __future__ import annotations

from pydantic import ValidationError


def validation_message(exc: ValidationError, labels: dict[str, str]) -> str:
    """``"Title: this field is required. Recruiter email: must be an email address."``

    ``labels`` maps field names (snake_case or the camelCase alias) to the form's labels."""
    parts: list[str] = []
    for error in exc.errors():
        location = [str(p) for p in error.get("loc", ()) if not isinstance(p, int)]
        field = location[0] if location else ""
        label = labels.get(field, field.replace("_", " ").capitalize())
        message = str(error.get("msg", "is not valid"))
        message = message.removeprefix("Value error, ").rstrip(".")
        if error.get("type") in {"missing", "string_too_short"}:
            message = "this field is required"
        parts.append(f"{label}: {message}." if label else f"{message}.")
    return " ".join(dict.fromkeys(parts)) or "Check the form and try again."
