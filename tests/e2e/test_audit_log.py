"""The audit log and the candidate data export in the browser: an admin exports a candidate's
data from the profile page (a zip whose person.json holds the candidate's email), creates an API
key, and finds both on the Audit log page, filtered by action; the export is listed by the
candidate's id, never their email. A viewer has neither the export button nor the audit log.
"""

from __future__ import annotations

import json
import re
import uuid
import zipfile
from urllib.parse import quote

from playwright.sync_api import Page, expect

from tests.e2e.flows import create_api_key, sign_up, viewer_without_admin_link
from tests.e2e.server import RunningApp


def test_an_admin_exports_a_candidates_data_and_finds_it_in_the_audit_log(
    page: Page, app: RunningApp, new_context
):
    account = sign_up(page)
    email = f"grace.{uuid.uuid4().hex[:6]}@example.com"
    key = f"TL-{uuid.uuid4().hex[:4].upper()}-{uuid.uuid4().hex[:4].upper()}"
    app.call(
        "tests.profile_rows:seed_for_member",
        member_email=account.email,
        email=email,
        name="Grace Hopper",
        key=key,
    )

    page.goto(f"/candidates/profile?email={quote(email, safe='@')}")
    expect(page.locator("#profile-email")).to_have_text(email)
    with page.expect_download() as download:
        page.locator("#export-candidate-data").click()
    assert download.value.suggested_filename == "person-export.zip"
    with zipfile.ZipFile(download.value.path()) as archive:
        person = json.loads(archive.read("person.json"))
    assert email in json.dumps(person)

    create_api_key(page, name="Audited integration", scope="evaluations")

    page.get_by_label("Main").get_by_role("link", name="Audit log", exact=True).click()
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    rows = page.locator(".audit-row")
    exported = rows.filter(has_text="person export")
    expect(exported).to_have_count(1)
    expect(exported).to_contain_text("Exported")
    expect(exported).to_contain_text("Candidate")
    expect(exported).to_contain_text(account.email)  # who did it
    expect(rows.filter(has_text="API key created")).to_have_count(1)
    viewed = rows.filter(has_text="profile page")  # opening the profile is recorded too
    expect(viewed).to_have_count(1)
    expect(viewed).to_contain_text("Viewed")
    expect(page.locator("#audit-table")).not_to_contain_text(email)  # ids, never the person

    page.locator("#filter-action").click()
    page.get_by_role("option", name="Changed", exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]action=changed"))
    expect(rows.filter(has_text="API key created")).to_have_count(1)
    expect(rows.filter(has_text="person export")).to_have_count(0)

    viewer = viewer_without_admin_link(page, new_context, link="Audit log")
    viewer.goto(f"/candidates/profile?email={quote(email, safe='@')}")
    expect(viewer.locator("#profile-email")).to_have_text(email)
    expect(viewer.locator("#export-candidate-data")).to_have_count(0)
    viewer.goto("/audit")
    expect(viewer.locator("#audit-not-allowed")).to_have_text("Only admins can read the audit log.")
    expect(viewer.locator("#audit-table")).to_have_count(0)
