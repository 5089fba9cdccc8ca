"""The candidate profile in the browser: a recruiter opens a person from the candidates list,
reads their take-home and interview on one timeline, follows the evaluation to its report and
comes back by the report's link to the profile. An address the organisation knows nothing about
shows an empty state; signed out, the page sends the visitor to sign in.

The person's rows are written straight into the app's database by a subprocess in the app's
environment (``app.call`` with ``tests.profile_rows``). Screenshots of the profile at desktop
(1440×900) and phone (390×844) sizes are saved under test-results/ for a reviewer.
"""

from __future__ import annotations

import re
import sys
import uuid
from urllib.parse import quote

from playwright.sync_api import Page, expect

from tests.e2e.flows import sign_up
from tests.e2e.server import REPO_ROOT, RunningApp

SCREENSHOTS = REPO_ROOT / "test-results"
NAME = "Grace Hopper"


def test_a_recruiter_opens_a_profile_from_the_list_and_follows_it_to_the_report(
    page: Page, app: RunningApp, new_context
):
    account = sign_up(page)
    email = f"grace.{uuid.uuid4().hex[:6]}@example.com"
    key = f"TL-{uuid.uuid4().hex[:4].upper()}-{uuid.uuid4().hex[:4].upper()}"
    ids = app.call(
        "tests.profile_rows:seed_for_member",
        member_email=account.email,
        email=email,
        name=NAME,
        key=key,
    )

    page.goto("/candidates")
    row = page.locator(".candidate-row", has_text=key)
    row.locator(".profile-link").click()
    expect(page).to_have_url(re.compile(r"/candidates/profile\?email="))
    expect(page.locator("#profile-name")).to_have_text(NAME)
    expect(page.locator("#profile-email")).to_have_text(email)
    expect(page.locator("#profile-assessments")).to_contain_text("1")
    expect(page.locator("#profile-interviews")).to_contain_text("1")
    expect(page.locator("#profile-verdict")).to_contain_text("Proceed")

    events = page.locator(".timeline-event")
    expect(events).to_have_count(10)
    expect(events.first).to_have_attribute("data-kind", "interview_reviewed")
    expect(events.last).to_have_attribute("data-kind", "invited")
    evaluated = page.locator(".timeline-event[data-kind=evaluated]")
    expect(evaluated).to_contain_text("Take-home evaluated: hold")
    expect(evaluated).to_contain_text("Score 70%")
    reviewed = page.locator(".timeline-event[data-kind=reviewed]")
    expect(reviewed).to_contain_text("Proceed")
    expect(reviewed).to_contain_text("Senior")
    expect(page.locator(".timeline-event[data-kind=application_created]")).to_contain_text(
        "Applied to Staff Backend Engineer"
    )

    SCREENSHOTS.mkdir(exist_ok=True)
    for width, height in ((1440, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        expect(page.locator("#profile-timeline")).to_be_visible()
        path = SCREENSHOTS / f"candidate-profile-{width}x{height}.png"
        page.screenshot(path=str(path), full_page=True)
        print(f"screenshot: {path}", file=sys.stderr)
    # On the phone the sidebar gives way to a menu with the same links.
    expect(page.get_by_role("link", name="Dashboard")).to_be_hidden()
    page.get_by_role("button", name="Menu").click()
    expect(page.get_by_role("menuitem", name="Candidates")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("menuitem", name="Candidates")).to_have_count(0)
    page.set_viewport_size({"width": 1280, "height": 900})

    # The evaluation's step leads to its report, headed by the person, which links back.
    evaluated.locator(".timeline-link").click()
    expect(page).to_have_url(re.compile(rf"/evaluations/{ids['evaluation_id']}/?$"))
    expect(page.locator("#candidate-name")).to_have_text(NAME)
    page.locator("#profile-link").click()
    expect(page).to_have_url(
        re.compile(rf"/candidates/profile\?email={re.escape(quote(email, safe='@'))}")
    )
    expect(page.locator("#profile-name")).to_have_text(NAME)

    # The interview's step leads to the interview report.
    page.locator(".timeline-event[data-kind=interview_reviewed] .timeline-link").click()
    expect(page).to_have_url(re.compile(rf"/interviews/{ids['interview_job_id']}/?$"))

    # Nobody with that address in this organisation: an empty state, not an error.
    page.goto(f"/candidates/profile?email={quote('nobody-here@example.com')}")
    expect(page.locator("#profile-empty")).to_be_visible()
    expect(page.locator(".timeline-event")).to_have_count(0)
    page.goto("/candidates/profile?email=not-an-address")
    expect(page.locator("#profile-empty")).to_be_visible()

    # Signed out, the profile is not shown.
    stranger = new_context().new_page()
    stranger.goto(f"/candidates/profile?email={quote(email)}")
    expect(stranger).to_have_url(re.compile(r"/signin/?$"))
