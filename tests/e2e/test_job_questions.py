"""A job's interview question bank on its page: generated questions come with the key points
answers are scored against; a recruiter edits, deletes, reorders and adds questions, and the
pipeline API reads what they left. A viewer reads the bank without any way to change it.
Screenshots at desktop (1440×900) and phone (390×844) sizes go under test-results/."""

from __future__ import annotations

import sys

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.flows import create_api_key, sign_up, viewer_without_admin_link
from tests.e2e.server import REPO_ROOT

SCREENSHOTS = REPO_ROOT / "test-results"
NEW_KEY_POINTS = [
    "Reads the plan with EXPLAIN ANALYZE before changing anything",
    "Adds an index that matches the query's filter and sort",
]


def _pipeline_api(page: Page, base_url: str) -> httpx.Client:
    key = create_api_key(page, name="ATS", scope="pipeline")
    return httpx.Client(
        base_url=f"{base_url}/api/v1", headers={"Authorization": f"Bearer {key}"}, timeout=30
    )


def _create_job(api: httpx.Client) -> str:
    response = api.post(
        "/jobs",
        json={
            "title": "Senior Backend Engineer",
            "desc": "Build Python services on PostgreSQL and Kafka; own their APIs. "
            "Five years of backend experience.",
            "industry": "Software",
            "state_name": "Berlin",
            "country": "Germany",
            "recruiter_name": "Rita Recruiter",
            "recruiter_email": "rita@example.com",
            "recruiter_work_phone_no": "+49 30 0000",
            "status": "Active",
            "source_id": "ats-questions-1",
        },
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _api_questions(api: httpx.Client, job_id: str) -> list[dict]:
    response = api.get(f"/jobs/{job_id}/questions", params={"size": 100})
    assert response.status_code == 200, response.text
    return response.json()["items"]


def test_a_recruiter_generates_edits_deletes_and_reorders_a_job_s_questions(new_context, app):
    page = new_context().new_page()
    sign_up(page)
    api = _pipeline_api(page, app.base_url)
    job_id = _create_job(api)

    page.goto(f"/jobs/{job_id}")
    expect(page.get_by_text("No questions yet")).to_be_visible()
    expect(page.locator("#questions-scoring")).to_contain_text(
        "scores each answer against its question's key points"
    )
    page.locator("#generate-questions").click()
    expect(page.locator("#questions-notice")).to_contain_text("Generated")
    expect(page.locator("#questions-notice")).to_contain_text("from the built-in templates")
    expect(page.locator("#questions-notice")).to_contain_text("with key points")
    questions = page.locator("#questions .question")
    expect(questions.first).to_be_visible()
    count = questions.count()
    assert count >= 5
    # Generated questions come with what a good answer contains.
    first = questions.first
    expect(first.locator(".key-points li").first).to_be_visible()
    expect(first).to_contain_text("answers are scored against these")
    before = _api_questions(api, job_id)
    assert before[0]["key_points"]
    # Those the generator has no key points for say that their answers are not judged.
    unguided = sum(1 for q in before if not q["key_points"])
    expect(page.locator(".no-key-points")).to_have_count(unguided)
    edited_id, deleted_id = before[0]["id"], before[1]["id"]
    deleted_text = before[1]["question_text"]

    # Edit the first question's key points: the form holds what it has now, one per line.
    first.locator(".edit-question").click()
    form = page.locator("#question-form")
    key_points = form.locator("textarea[name=key_points]")
    expect(key_points).to_have_value("\n".join(before[0]["key_points"]))
    expect(form.locator("textarea[name=question_text]")).to_have_value(before[0]["question_text"])
    key_points.fill(NEW_KEY_POINTS[0] + "\n" + "x" * 501)  # one point too long
    form.get_by_role("button", name="Save question").click()
    expect(page.locator("#key_points-error")).to_have_text("Keep it to 500 characters or fewer.")
    expect(key_points).to_have_attribute("aria-invalid", "true")
    key_points.fill("\n".join(NEW_KEY_POINTS) + "\n\n")  # blank lines are dropped
    form.get_by_role("button", name="Save question").click()
    expect(form).to_have_count(0)
    expect(page.locator("#questions-notice")).to_have_text("Question saved.")
    expect(first.locator(".key-points li")).to_have_text(NEW_KEY_POINTS)

    # Delete the second one, after confirming.
    questions.nth(1).locator(".delete-question").click()
    expect(page.get_by_role("alertdialog")).to_contain_text(deleted_text)
    page.locator("#confirm-delete-question").click()
    expect(questions).to_have_count(count - 1)
    expect(page.locator("#questions")).not_to_contain_text(deleted_text)

    # Move the edited one down a place: interviews ask it second now.
    expect(first.locator(".move-up")).to_be_disabled()
    first.locator(".move-down").click()
    expect(questions.nth(1).locator(".key-points li")).to_have_text(NEW_KEY_POINTS)

    # Add one by hand: with no key points it says it will not be judged.
    page.locator("#add-question").click()
    form.locator("textarea[name=question_text]").fill("Why do you want to work with us?")
    form.get_by_role("button", name="Save question").click()
    expect(page.locator("#questions-notice")).to_have_text("Question added.")
    expect(questions.last).to_contain_text("Why do you want to work with us?")
    expect(questions.last.locator(".no-key-points")).to_be_visible()

    # Generating again would replace the generated questions (and their edits): asked first.
    page.locator("#generate-questions").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Replace the generated questions?")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)

    # The pipeline API reads what the recruiter left.
    after = _api_questions(api, job_id)
    assert [q["id"] for q in after].index(edited_id) == 1
    edited = next(q for q in after if q["id"] == edited_id)
    assert edited["key_points"] == NEW_KEY_POINTS
    assert deleted_id not in {q["id"] for q in after}
    assert after[-1]["question_text"] == "Why do you want to work with us?"
    assert after[-1]["key_points"] == []

    SCREENSHOTS.mkdir(exist_ok=True)
    for width, height in ((1440, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        expect(page.locator("#question-bank")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        path = SCREENSHOTS / f"job-questions-{width}x{height}.png"
        page.screenshot(path=str(path), full_page=True)
        print(f"screenshot: {path}", file=sys.stderr)

    # A viewer reads the questions and their key points, and cannot change them.
    page.set_viewport_size({"width": 1280, "height": 900})
    viewer = viewer_without_admin_link(page, new_context, link="Webhooks")
    viewer.goto(f"/jobs/{job_id}")
    viewer_questions = viewer.locator("#questions .question")
    expect(viewer_questions).to_have_count(len(after))
    expect(viewer_questions.nth(1).locator(".key-points li")).to_have_text(NEW_KEY_POINTS)
    for control in ("#generate-questions", "#add-question", ".edit-question", ".delete-question"):
        expect(viewer.locator(control)).to_have_count(0)
