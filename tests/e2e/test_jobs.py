"""Jobs: the empty list, the create form with its validation, the job page."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.flows import create_api_key, sign_up


def test_create_a_job_and_open_it(page: Page):
    sign_up(page)
    page.goto("/jobs")
    expect(page.get_by_text("No jobs yet — create your first job")).to_be_visible()

    page.locator("#new-job").click()
    form = page.locator("#create-job-form")
    form.locator("input[name=title]").fill("Senior Backend Engineer")
    form.locator("textarea[name=desc]").fill(
        "Design and build Python services on PostgreSQL and Kubernetes.\nOwn the API."
    )
    form.locator("input[name=industry]").fill("Software")
    form.locator("input[name=city]").fill("Lisbon")
    form.locator("input[name=state_name]").fill("Lisbon District")
    form.locator("input[name=country]").fill("Portugal")
    form.locator("input[name=recruiter_name]").fill("Rita Recruiter")
    form.locator("input[name=recruiter_email]").fill("rita@example")  # no dot: refused
    form.locator("input[name=recruiter_work_phone_no]").fill("+351 21 000 0000")
    form.locator("input[name=source_id]").fill("ats-job-42")
    form.get_by_role("button", name="Create job").click()
    # Said on the field, in plain words; nothing at the top of the form.
    expect(page.locator("#recruiter_email-error")).to_have_text(
        "Enter an email address, such as ada@example.com."
    )
    expect(form.locator("input[name=recruiter_email]")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#job-error")).to_have_count(0)

    form.locator("input[name=recruiter_email]").fill("rita@example.com")
    form.get_by_role("button", name="Create job").click()
    expect(page).to_have_url(re.compile(r"/jobs/[0-9a-f-]{36}/?$"))
    expect(page.get_by_role("heading", name="Senior Backend Engineer")).to_be_visible()
    expect(page.locator("#job-description")).to_contain_text("Own the API.")
    expect(page.get_by_text("Lisbon, Lisbon District, Portugal")).to_be_visible()
    expect(page.get_by_text("ats-job-42")).to_be_visible()
    expect(page.get_by_text("No applications yet")).to_be_visible()

    page.get_by_role("link", name="All jobs").click()
    row = page.locator(".job-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Senior Backend Engineer")
    expect(row).to_contain_text("Active")
    expect(page.locator(".page-indicator")).to_have_text("Page 1 of 1")

    # The same source id twice is refused with the pipeline's message.
    page.locator("#new-job").click()
    for name, value in {
        "title": "Copy",
        "industry": "Software",
        "state_name": "Lisbon District",
        "country": "Portugal",
        "recruiter_name": "Rita",
        "recruiter_email": "rita@example.com",
        "recruiter_work_phone_no": "1",
        "source_id": "ats-job-42",
    }.items():
        form.locator(f"input[name={name}]").fill(value)
    form.locator("textarea[name=desc]").fill("Again.")
    form.get_by_role("button", name="Create job").click()
    expect(page.locator("#job-error")).to_contain_text("already exists")


def _pipeline_api(page: Page, base_url: str) -> httpx.Client:
    """An integrator's client, with a pipeline key made on the API keys page."""
    key = create_api_key(page, name="ATS", scope="pipeline")
    return httpx.Client(
        base_url=f"{base_url}/api/v1", headers={"Authorization": f"Bearer {key}"}, timeout=30
    )


def _job_body(title: str, source_id: str, desc: str = "Build and run Python services.") -> dict:
    return {
        "title": title,
        "desc": desc,
        "industry": "Fintech",
        "state_name": "Bavaria",
        "country": "Germany",
        "recruiter_name": "Rita Recruiter",
        "recruiter_email": "rita@example.com",
        "recruiter_work_phone_no": "+49 89 000",
        "status": "Active",
        "source_id": source_id,
    }


def test_job_list_pages_on_the_server(page: Page, app):
    sign_up(page)
    api = _pipeline_api(page, app.base_url)
    for number in range(1, 23):
        response = api.post("/jobs", json=_job_body(f"Job {number:02d}", f"ats-{number}"))
        assert response.status_code == 201, response.text

    page.goto("/jobs")
    rows = page.locator(".job-row")
    expect(page.locator(".page-indicator")).to_have_text("Page 1 of 2")
    expect(rows).to_have_count(20)
    expect(rows.first).to_contain_text("Job 22")  # newest first
    expect(page.locator(".page-previous")).to_be_disabled()

    page.locator(".page-next").click()
    expect(page.locator(".page-indicator")).to_have_text("Page 2 of 2")
    expect(rows).to_have_count(2)
    expect(rows.last).to_contain_text("Job 01")
    expect(page.locator(".page-next")).to_be_disabled()
    expect(page.get_by_text("22 jobs")).to_be_visible()

    page.locator(".page-previous").click()
    expect(page.locator(".page-indicator")).to_have_text("Page 1 of 2")


def test_job_page_generates_questions_and_lists_applications(page: Page, app):
    sign_up(page)
    # An integrator's ATS creates the job, a candidate and an application over REST.
    api = _pipeline_api(page, app.base_url)
    job = api.post(
        "/jobs",
        json=_job_body(
            "Senior Data Engineer",
            "ats-job-7",
            desc="Build batch and streaming pipelines in Python with Spark and Kafka. "
            "Five years of experience with data platforms.",
        ),
    )
    assert job.status_code == 201, job.text
    job_id = job.json()["id"]
    candidate = api.post(
        "/candidates",
        json={
            "first_name": "Grace",
            "last_name": "Hopper",
            "email": "grace@example.com",
            "phone_no": "+1 555 0100",
            "source": "ATS",
            "source_id": "ats-cand-1",
        },
    )
    assert candidate.status_code == 201, candidate.text
    application = api.post(
        "/applications",
        json={
            "candidate_id": candidate.json()["id"],
            "job_id": job_id,
            "source_application_status": "Applied",
            "application_stage": "screening",
        },
    )
    assert application.status_code == 201, application.text

    page.goto(f"/jobs/{job_id}")
    expect(page.get_by_role("heading", name="Senior Data Engineer")).to_be_visible()
    row = page.locator(".application-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Grace Hopper")
    expect(row).to_contain_text("screening")
    expect(row).to_contain_text("Applied")

    expect(page.get_by_text("No questions yet")).to_be_visible()
    page.locator("#generate-questions").click()
    expect(page.locator("#questions-notice")).to_contain_text("Generated")
    questions = page.locator("#questions .question")
    expect(questions.first).to_be_visible()
    assert questions.count() >= 5
    expect(questions.first).to_contain_text("generated")

    # The ATS moves the application on while the page is open: the row follows, no reload.
    moved = api.patch(
        f"/applications/{application.json()['id']}",
        json={"source_application_status": "Interviewing", "application_stage": "onsite"},
    )
    assert moved.status_code == 200, moved.text
    expect(row).to_contain_text("onsite")
    expect(row).to_contain_text("Interviewing")
