"""A rejected form says, on each field, what to fix in the person's words (not the API's)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from backend.models.assessments import AssessmentCreate
from backend.models.pipeline import JobCreate, QuestionUpdate
from truelevel_app.pages.assessments import ASSESSMENT_LABELS
from truelevel_app.pages.job_questions import QUESTION_LABELS, answer_guide_values
from truelevel_app.pages.jobs import JOB_LABELS
from truelevel_app.validation import field_errors


def _refused(model, values: dict, labels: dict[str, str]) -> dict[str, str]:
    with pytest.raises(ValidationError) as refused:
        model.model_validate(values)
    return field_errors(refused.value, labels)


def test_an_assessment_without_a_brief_asks_for_one_on_the_brief():
    errors = _refused(
        AssessmentCreate, {"title": "Take-home", "role": "Engineer", "task_brief": ""}, {}
    )
    assert errors == {
        "task_brief": "Write a task brief: what the candidate builds and how it is judged."
    }


def test_each_field_gets_its_own_message():
    errors = _refused(
        AssessmentCreate,
        {
            "title": "",
            "role": "Engineer",
            "task_brief": "Build it.",
            "repo_url": "not a url",
            "time_limit_minutes": "soon",
        },
        ASSESSMENT_LABELS,
    )
    assert errors["title"] == "Enter the title."
    assert errors["repo_url"].startswith("Enter a full web address")
    assert errors["time_limit_minutes"] == "Enter a whole number."
    assert "" not in errors  # nothing left over for the top of the form


def test_a_job_with_a_bad_email_says_so_on_the_email_field():
    errors = _refused(
        JobCreate,
        {
            "title": "Engineer",
            "desc": "Builds things.",
            "industry": "Software",
            "state_name": "Berlin",
            "country": "Germany",
            "recruiter_name": "Ada",
            "recruiter_email": "ada-at-example",
            "recruiter_work_phone_no": "+49 30 1234",
            "source_id": "web-1",
            "status": "Active",
        },
        JOB_LABELS,
    )
    assert errors == {"recruiter_email": "Enter an email address, such as ada@example.com."}


def test_a_question_form_says_what_to_fix_on_each_of_its_fields():
    """Key points and misconceptions are entered one per line; blank lines do not count."""
    values = answer_guide_values(
        {
            "question_text": "  ",
            "key_points": "\n".join(f"Point {n}" for n in range(13)) + "\n\n",
            "misconceptions": "Indexes never slow writes\n" + "x" * 501,
            "level_1": "Names no tool",
            "level_5": "x" * 501,
        }
    )
    assert len(values["key_points"]) == 13
    assert values["levels"].keys() == {"1", "5"}

    errors = _refused(QuestionUpdate, values, QUESTION_LABELS)

    assert errors == {
        "question_text": "Enter the question.",
        "key_points": "Keep it to 12 key points or fewer.",
        "misconceptions": "Keep it to 500 characters or fewer.",
        "levels": "Keep it to 500 characters or fewer.",
    }
