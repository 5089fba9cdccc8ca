"""API keys: created with a scope, shown once, revocable."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.flows import sign_up


def test_api_key_is_shown_once_and_can_be_revoked(page: Page):
    sign_up(page)
    page.goto("/api-keys")
    expect(page.get_by_text("No API keys yet")).to_be_visible()

    form = page.locator("#create-api-key-form")
    form.locator("input[name=name]").fill("ATS sync")
    form.get_by_role("combobox").click()
    page.get_by_role("option", name="pipeline", exact=True).click()
    form.get_by_role("button", name="Create key").click()

    shown = page.locator("#new-api-key")
    expect(shown).to_have_text(re.compile(r"^tl_sk_pipeline_[0-9a-f]{32}$"))
    raw = shown.inner_text()
    expect(page.locator("#new-api-key-callout")).to_contain_text("shown only once")
    expect(page.locator("#curl-example")).to_contain_text(f"Bearer {raw}")
    page.locator("#copy-api-key").click()
    assert page.evaluate("navigator.clipboard.readText()") == raw

    row = page.locator(".api-key-row", has_text="ATS sync")
    expect(row).to_contain_text("pipeline")
    expect(row).to_contain_text(raw[:15])
    expect(row).to_contain_text("never")
    expect(row).to_contain_text("Active")

    # Once dismissed, and after any reload, the key is gone for good.
    page.locator("#dismiss-api-key").click()
    expect(page.locator("#new-api-key")).to_have_count(0)
    page.reload()
    expect(page.locator(".api-key-row")).to_have_count(1)
    assert raw not in page.content()
    expect(page.locator("#curl-example")).to_contain_text("$TRUELEVEL_API_KEY")

    row.locator(".revoke-key").click()
    expect(row).to_contain_text("Revoked")
    expect(row.locator(".revoke-key")).to_have_count(0)
    expect(page.locator("#api-keys-notice")).to_contain_text("was revoked")
