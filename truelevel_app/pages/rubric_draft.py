"""A rubric being edited in the browser: its categories and criteria as the editor's fields hold
them (weights as typed), turned into the API's ``RubricCreate`` for the service to save, and a
refusal's problems put back on the fields they are about.

The rules themselves (how many categories, unique names, five level descriptors, positive
weights) are the shared model's; nothing here repeats them."""

from __future__ import annotations

from typing import Any, TypedDict

from pydantic import ValidationError

from backend.models.assessments import RubricCreate
from truelevel_app.validation import located_errors

LEVELS = ("1", "2", "3", "4", "5")
# The labels a refusal's words use, by the field the problem is on.
RUBRIC_LABELS = {
    "name": "Name",
    "description": "Description",
    "weight": "Weight",
    "levels": "Level descriptor",
    "categories": "category",
    "criteria": "criterion",
}


class CriterionDraft(TypedDict):
    name: str
    description: str
    weight: str
    levels: list[str]  # descriptors of levels 1 (weakest) to 5
    name_error: str
    description_error: str
    weight_error: str
    level_errors: list[str]


class CategoryDraft(TypedDict):
    name: str
    weight: str
    criteria: list[CriterionDraft]
    name_error: str
    weight_error: str
    criteria_error: str


class RubricProblems(TypedDict):
    """What to fix that is about the rubric as a whole, not one category."""

    name: str
    description: str
    categories: str
    form: str


def weight_text(weight: Any) -> str:
    """1.0 → "1", 2.5 → "2.5": a weight as a person writes it."""
    try:
        return f"{float(weight):g}"
    except (TypeError, ValueError):
        return str(weight)


def new_criterion(name: str = "") -> CriterionDraft:
    return CriterionDraft(
        name=name,
        description="",
        weight="1",
        levels=["" for _ in LEVELS],
        name_error="",
        description_error="",
        weight_error="",
        level_errors=["" for _ in LEVELS],
    )


def new_category(name: str = "") -> CategoryDraft:
    return CategoryDraft(
        name=name,
        weight="1",
        criteria=[new_criterion()],
        name_error="",
        weight_error="",
        criteria_error="",
    )


def no_problems() -> RubricProblems:
    return RubricProblems(name="", description="", categories="", form="")


def draft_of(categories: list[dict[str, Any]]) -> list[CategoryDraft]:
    """A stored rubric's categories (the service's JSON) as the editor's fields."""
    drafts: list[CategoryDraft] = []
    for category in categories:
        draft = new_category(str(category.get("name", "")))
        draft["weight"] = weight_text(category.get("weight", 1))
        draft["criteria"] = []
        for criterion in category.get("criteria", []):
            item = new_criterion(str(criterion.get("name", "")))
            item["description"] = str(criterion.get("description", ""))
            item["weight"] = weight_text(criterion.get("weight", 1))
            levels = criterion.get("levels", {})
            item["levels"] = [str(levels.get(level, "")) for level in LEVELS]
            draft["criteria"].append(item)
        drafts.append(draft)
    return drafts


def _number(typed: str) -> float | str:
    """A weight as typed: the number, or the text itself for the model to refuse in words."""
    try:
        return float(typed.strip())
    except ValueError:
        return typed


def rubric_input(name: str, description: str, drafts: list[CategoryDraft]) -> RubricCreate:
    """The rubric the fields describe, as the service takes it; ValidationError if refused."""
    return RubricCreate.model_validate(
        {
            "name": name,
            "description": description,
            "categories": [
                {
                    "name": category["name"],
                    "weight": _number(category["weight"]),
                    "criteria": [
                        {
                            "name": criterion["name"],
                            "description": criterion["description"],
                            "weight": _number(criterion["weight"]),
                            "levels": dict(zip(LEVELS, criterion["levels"], strict=True)),
                        }
                        for criterion in category["criteria"]
                    ],
                }
                for category in drafts
            ],
        }
    )


def clear_problems(drafts: list[CategoryDraft]) -> None:
    for category in drafts:
        category["name_error"] = category["weight_error"] = category["criteria_error"] = ""
        for criterion in category["criteria"]:
            criterion["name_error"] = criterion["description_error"] = ""
            criterion["weight_error"] = ""
            criterion["level_errors"] = ["" for _ in LEVELS]


def place_problems(exc: ValidationError, drafts: list[CategoryDraft]) -> RubricProblems:
    """Put each problem of a refused rubric on its field in ``drafts`` (changed in place, the
    first problem per field kept); those about the whole rubric are returned."""
    problems = no_problems()
    for location, message in located_errors(exc, RUBRIC_LABELS):
        _place(location, message, drafts, problems)
    return problems


def _first(row: Any, key: str, message: str) -> None:
    if not row[key]:
        row[key] = message


def _place(
    location: tuple[str | int, ...],
    message: str,
    drafts: list[CategoryDraft],
    problems: RubricProblems,
) -> None:
    match location:
        case ("name" | "description" as field,):
            _first(problems, field, message)
        case ("categories", int(c), "name" | "weight" as field) if c < len(drafts):
            _first(drafts[c], f"{field}_error", message)
        case ("categories", int(c), "criteria") if c < len(drafts):
            _first(drafts[c], "criteria_error", message)
        case ("categories", int(c), "criteria", int(k), *rest) if c < len(drafts) and k < len(
            drafts[c]["criteria"]
        ):
            criterion = drafts[c]["criteria"][k]
            match rest:
                case ["levels", str(level), *_] if level in LEVELS:
                    at = LEVELS.index(level)
                    if not criterion["level_errors"][at]:
                        criterion["level_errors"][at] = message
                case ["name" | "description" | "weight" as field, *_]:
                    _first(criterion, f"{field}_error", message)
                case _:
                    _first(criterion, "name_error", message)
        case ("categories", *_):
            _first(problems, "categories", message)
        case _:
            _first(problems, "form", message)
