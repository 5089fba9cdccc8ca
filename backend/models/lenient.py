"""Lenient reading of the results the workers store as JSON (``Evaluation.automated_result``,
``InterviewJob.result``) for the pages that show them: a part that does not fit is read as
empty or left out, never fails the whole report. One home for those coercions, shared by
``evaluation_result`` and ``interview_result``.

- ``LENIENT``: the models' configuration; unknown keys are ignored.
- ``Text`` ("" for None), ``StrippedText`` (trimmed), ``SpacedText`` (runs of whitespace as one).
- ``OptionalNumber`` (None unless a real number; a bool is not one), ``NumberOrZero``.
- ``ItemsOf(Model)``: the items of a list that fit ``Model``; the rest, and a non-list, left out.
- ``DictOrEmpty``: a nested model given something other than a mapping reads as its defaults.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

LENIENT = ConfigDict(extra="ignore")


def valid_items(model: type[BaseModel], items: Any) -> list[Any]:
    """The items of a list that fit ``model``; the rest (and a non-list) are left out."""
    kept = []
    for item in items if isinstance(items, list) else []:
        try:
            kept.append(model.model_validate(item))
        except ValidationError:
            continue
    return kept


def _number_or(default: float | None):
    def coerce(value: Any) -> Any:
        real = isinstance(value, int | float) and not isinstance(value, bool)
        return value if real else default

    return coerce


def ItemsOf(model: type[BaseModel]) -> BeforeValidator:
    """A list field's validator: the items that fit ``model`` (``valid_items``)."""
    return BeforeValidator(lambda items: valid_items(model, items))


Text = Annotated[str, BeforeValidator(lambda value: str(value or ""))]
StrippedText = Annotated[str, BeforeValidator(lambda value: str(value or "").strip())]
SpacedText = Annotated[str, BeforeValidator(lambda value: " ".join(str(value or "").split()))]
OptionalNumber = Annotated[float | None, BeforeValidator(_number_or(None))]
NumberOrZero = Annotated[float, BeforeValidator(_number_or(0.0))]
DictOrEmpty = BeforeValidator(lambda value: value if isinstance(value, dict) else {})
