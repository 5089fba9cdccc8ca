"""The rubric editor's fields: a stored rubric becomes fields and back unchanged, and a refused
edit puts each problem, in words, on the field it is about."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from backend.services.rubrics import default_rubric_categories
from truelevel_app.pages.rubric_draft import draft_of, place_problems, rubric_input
from truelevel_app.pages.rubric_editor import category_shares


def test_the_default_rubric_survives_the_round_trip_through_the_fields():
    categories = default_rubric_categories()
    data = rubric_input("Backend", "", draft_of(categories))
    assert [c.model_dump() for c in data.categories] == categories


def test_each_problem_lands_on_its_field():
    drafts = draft_of(default_rubric_categories())
    drafts[0]["weight"] = "0"
    drafts[1]["weight"] = "heavy"
    drafts[1]["criteria"][0]["levels"][2] = "  "
    drafts[1]["criteria"][1]["name"] = ""
    with pytest.raises(ValidationError) as refused:
        rubric_input("", "", drafts)

    problems = place_problems(refused.value, drafts)
    assert problems["name"] == "Enter the name."
    assert drafts[0]["weight_error"] == "Enter a number greater than 0."
    assert drafts[1]["weight_error"] == "Enter a number, such as 1 or 2.5."
    assert drafts[1]["criteria"][0]["level_errors"] == [
        "",
        "",
        "Enter the level descriptor.",
        "",
        "",
    ]
    assert drafts[1]["criteria"][1]["name_error"] == "Enter the name."
    assert drafts[3]["name_error"] == drafts[3]["weight_error"] == ""


def test_two_categories_of_one_name_are_refused_above_the_categories():
    drafts = draft_of(default_rubric_categories())
    drafts[2]["name"] = drafts[3]["name"].upper()
    with pytest.raises(ValidationError) as refused:
        rubric_input("Backend", "", drafts)
    problems = place_problems(refused.value, drafts)
    assert problems["categories"] == "Category names must be unique within a rubric."


def test_no_categories_asks_for_one():
    with pytest.raises(ValidationError) as refused:
        rubric_input("Backend", "", [])
    assert place_problems(refused.value, [])["categories"] == "Add at least 1 category."


def test_shares_are_the_weights_proportions():
    assert category_shares(["1", "1", "2"]) == ["25%", "25%", "50%"]
    assert category_shares(["3", "x", "0"]) == ["100%", "", ""]
