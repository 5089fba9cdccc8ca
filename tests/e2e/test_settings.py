"""Settings page: an admin changes the organisation's retention, invite mail and default target
level, is told on the fields what is wrong (a bad reply-to address, more days than the
installation keeps), sees the values saved after a reload, and a new assessment's form starts
at the new default level. The shared app sends no mail, which the page says."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.flows import sign_up, viewer_without_admin_link


def test_admin_changes_the_three_settings_and_sees_them_saved(page: Page, new_context):
    sign_up(page)
    page.get_by_label("Main").get_by_role("link", name="Settings", exact=True).click()
    expect(page.get_by_role("heading", name="Settings")).to_be_visible()
    expect(page.locator("#mail-off")).to_contain_text("Mail is off")
    expect(page.locator("#mail-off")).to_contain_text("Copy link")
    # The installation keeps browser answers 90 days (the default): the ceiling is shown.
    expect(page.locator(".retention-ceiling").nth(1)).to_have_text("90 days")

    page.locator("#answer-retention").select_option("days")
    page.locator("#answer-retention-days").fill("120")
    page.locator("#recording-retention").select_option("after_processing")
    page.locator("#mail-sender-name").fill("Acme Hiring")
    page.locator("#mail-reply-to").fill("jobs at acme")
    page.locator("#default-target-level").select_option("senior")
    page.locator("#save-settings").click()

    expect(page.locator("#mail_reply_to-error")).to_have_text(
        "Enter an email address, such as ada@example.com."
    )
    expect(page.locator("#mail-reply-to")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#answer_retention_days-error")).to_have_text(
        "Enter a number of at most 90."
    )
    expect(page.locator("#settings-notice")).to_have_count(0)

    page.locator("#mail-reply-to").fill("jobs@acme.example")
    page.locator("#answer-retention-days").fill("14")
    page.locator("#save-settings").click()
    expect(page.locator("#settings-notice")).to_have_text("Settings saved.")
    expect(page.locator(".field-error")).to_have_count(0)

    page.locator("#send-test-email").click()
    expect(page.locator("#test-email-error")).to_contain_text("Mail is off")

    page.reload()
    expect(page.locator("#answer-retention")).to_have_value("days")
    expect(page.locator("#answer-retention-days")).to_have_value("14")
    expect(page.locator("#answer-retention-now")).to_have_text(
        "Now: Deleted 14 days after processing."
    )
    expect(page.locator("#recording-retention")).to_have_value("after_processing")
    expect(page.locator("#mail-sender-name")).to_have_value("Acme Hiring")
    expect(page.locator("#mail-reply-to")).to_have_value("jobs@acme.example")
    expect(page.locator("#default-target-level")).to_have_value("senior")
    expect(page.locator("#settings-saved-line")).to_contain_text("Last saved")

    page.goto("/assessments")
    page.locator("#new-assessment").click()
    expect(page.locator("#target-level")).to_have_text("senior")

    viewer = viewer_without_admin_link(page, new_context, link="Settings")
    viewer.goto("/settings")
    expect(viewer.locator("#settings-not-allowed")).to_have_text(
        "Only admins can see and change the organisation's settings."
    )
    expect(viewer.locator("#settings-form")).to_have_count(0)
