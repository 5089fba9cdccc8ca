"""Members and roles: admins manage people and keys; viewers only look."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.flows import (
    PASSWORD,
    add_member,
    copied_invite_link,
    invite_member,
    set_password,
    sign_in,
    sign_up,
    unique_email,
)


def test_admin_invites_a_member_who_chooses_a_password_and_the_last_admin_is_kept(
    page: Page, new_context
):
    sign_up(page)
    email = unique_email("rev")
    row = invite_member(page, email=email, role="reviewer", name="Rhea Reviewer")
    # Mail is off (the default): the page says so, and the admin copies the link instead.
    expect(page.locator("#members-notice")).to_contain_text("Email is not set up")
    expect(row.locator(".status")).to_have_text("Invited")
    expect(row.locator(".invite")).to_contain_text("not emailed: copy the link")
    link = copied_invite_link(row)
    assert "/set-password?token=" in link

    # Inviting someone who is already a member is refused with a reason.
    form = page.locator("#invite-member-form")
    form.locator("input[name=email]").fill(email)
    form.get_by_role("button", name="Send invite").click()
    expect(page.locator("#invite-member-error")).to_contain_text("already a member")

    # The member opens the link in their own browser; a weak password is refused.
    rhea = new_context().new_page()
    set_password(rhea, link, "short")
    expect(rhea.locator("#set-password-error")).to_contain_text("at least 12 characters")
    expect(rhea.get_by_role("heading", name=re.compile("^Join "))).to_be_visible()
    set_password(rhea, link, PASSWORD)
    expect(rhea).to_have_url(re.compile(r"/dashboard/?$"))
    expect(rhea.locator("#member-role")).to_have_text("Reviewer")
    # The link worked once; the admin sees them as active.
    again = new_context().new_page()
    again.goto(link)
    expect(again.locator("#link-gone")).to_contain_text("expired or was already used")
    page.reload()
    expect(row.locator(".status")).to_have_text("Active")
    expect(row.locator(".copy-member-invite")).to_have_count(0)
    expect(row.get_by_role("combobox")).to_have_text("reviewer")

    # The only admin cannot demote themselves.
    me = page.locator(".member-row", has_text="you")
    me.get_by_role("combobox").click()
    page.get_by_role("option", name="viewer", exact=True).click()
    expect(page.get_by_text("An organisation keeps at least one admin.")).to_be_visible()
    expect(me.get_by_role("combobox")).to_have_text("admin")

    # Promote the reviewer, then the first admin may step down to reviewer.
    row.get_by_role("combobox").click()
    page.get_by_role("option", name="admin", exact=True).click()
    expect(page.locator("#members-notice")).to_contain_text("is now admin")
    me.get_by_role("combobox").click()
    page.get_by_role("option", name="reviewer", exact=True).click()
    expect(page.locator("#member-role")).to_have_text("Reviewer")
    # No longer an admin: the management controls are gone at once.
    expect(page.locator("#add-member")).to_have_count(0)
    expect(page.locator(".deactivate-member")).to_have_count(0)


def test_viewer_sees_no_admin_actions_and_loses_access_when_deactivated(page: Page, new_context):
    sign_up(page)
    viewer_email = unique_email("viewer")
    add_member(page, email=viewer_email, role="viewer", name="Vic Viewer")

    viewer = new_context().new_page()
    sign_in(viewer, viewer_email)
    expect(viewer).to_have_url(re.compile(r"/dashboard/?$"))
    expect(viewer.locator("#member-role")).to_have_text("Viewer")

    viewer.goto("/members")
    expect(viewer.locator(".member-row")).to_have_count(2)
    expect(viewer.locator("#add-member")).to_have_count(0)
    expect(viewer.locator(".deactivate-member")).to_have_count(0)
    expect(viewer.locator("#members-table").get_by_role("combobox")).to_have_count(0)

    viewer.goto("/api-keys")
    expect(viewer.locator("#api-keys-table, .empty-state").first).to_be_visible()
    expect(viewer.locator("#create-api-key")).to_have_count(0)
    expect(viewer.locator(".revoke-key")).to_have_count(0)

    viewer.goto("/jobs")
    expect(viewer.get_by_text("No jobs yet")).to_be_visible()
    expect(viewer.locator("#new-job")).to_have_count(0)
    viewer.goto("/assessments")
    expect(viewer.get_by_text("No assessments yet")).to_be_visible()
    expect(viewer.locator("#new-assessment")).to_have_count(0)

    # The admin deactivates the viewer; the viewer's next page load signs them out.
    page.goto("/members")
    page.locator(".member-row", has_text=viewer_email).locator(".deactivate-member").click()
    page.locator("#confirm-deactivate").click()
    expect(page.locator(".member-row", has_text=viewer_email)).to_contain_text("Deactivated")
    viewer.goto("/dashboard")
    expect(viewer).to_have_url(re.compile(r"/signin/?$"))
    sign_in(viewer, viewer_email)
    expect(viewer.locator("#signin-error")).to_have_text("Email or password is incorrect.")
