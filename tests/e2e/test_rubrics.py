"""Rubrics in the browser: a recruiter creates one from the default categories (a refused weight
and an empty descriptor are pointed out on their fields), an assessment is made with version 1,
the recruiter edits the rubric into version 2, and both versions stay readable, the assessment
still on version 1. A viewer reads but cannot edit."""

from __future__ import annotations

import re
import sys

from playwright.sync_api import Page, expect

from tests.e2e.flows import add_member, create_assessment, sign_in, sign_up, unique_email
from tests.e2e.server import REPO_ROOT, RunningApp

SCREENSHOTS = REPO_ROOT / "test-results"
RUBRIC = re.compile(r"/rubrics/[0-9a-f-]{36}/?$")


def _screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"rubrics-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}", file=sys.stderr)


def _category_names(page: Page) -> list[str]:
    return page.locator(".category-title").all_inner_texts()


def test_create_a_rubric_edit_it_into_version_2_and_read_both(
    page: Page, new_context, app: RunningApp
):
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_up(page)
    page.get_by_label("Main").get_by_role("link", name="Rubrics").click()
    expect(page.get_by_text("No rubrics yet")).to_be_visible()

    page.locator("#new-rubric").click()
    expect(page).to_have_url(re.compile(r"/rubrics/new/?$"))
    editor = page.locator("#rubric-editor")
    expect(editor.locator(".category-editor")).to_have_count(5)  # the default categories
    editor.locator("input[name=rubric_name]").fill("Backend engineering")
    editor.locator("input[name=category_0_weight]").fill("0")
    editor.locator("textarea[name=level_1_0_2]").fill("")
    editor.locator("#save-rubric").click()
    expect(page.locator("#rubric-error")).to_contain_text("Some fields need a change")
    expect(page.locator("#category-0-weight-error")).to_have_text("Enter a number greater than 0.")
    expect(page.locator("#level-1-0-2-error")).to_have_text("Enter the level descriptor.")
    expect(editor.locator("input[name=category_0_weight]")).to_have_attribute(
        "aria-invalid", "true"
    )
    _screenshot(page, "editor-errors")

    # Fixed; Security removed, Code Quality renamed and counting double.
    editor.locator("input[name=category_0_weight]").fill("2")
    editor.locator("textarea[name=level_1_0_2]").fill("Solves the main task; edge cases fail.")
    editor.locator("input[name=category_0_name]").fill("Code craft")
    expect(editor.locator(".category-share").first).to_have_text("33%")  # 2 of 1+1+1+1+2
    editor.locator(".remove-category").nth(4).click()
    expect(editor.locator(".category-editor")).to_have_count(4)
    editor.locator("#save-rubric").click()

    expect(page).to_have_url(RUBRIC)
    version_1 = page.url.rsplit("/", 1)[-1]
    expect(page.locator("#rubric-version")).to_have_text("Version 1")
    expect(page.locator(".category-title")).to_have_count(4)
    assert _category_names(page) == [
        "Code craft",
        "Technical Depth",
        "Reasoning and Trade-offs",
        "Testing",
    ]
    expect(page.locator(".category-view").first).to_contain_text("40% of the score")

    # An assessment is made with version 1, chosen in its form; it keeps it.
    create_assessment(
        page,
        title="Payments API",
        role="Backend Engineer",
        brief="Build it",
        rubric="Backend engineering · version 1",
    )
    page.goto(f"/rubrics/{version_1}")
    expect(page.locator(".rubric-use")).to_contain_text("Payments API")

    # Edit into version 2: a category added with one criterion, Testing renamed.
    page.locator("#edit-rubric").click()
    editor = page.locator("#rubric-editor")
    expect(page.locator("#save-rubric")).to_have_text("Save as version 2")
    editor.locator("input[name=category_3_name]").fill("Testing and Security")
    page.locator("#add-category").click()
    expect(editor.locator(".category-editor")).to_have_count(5)
    editor.locator("input[name=category_4_name]").fill("Communication")
    editor.locator("input[name=criterion_4_0_name]").fill("Written notes")
    for level in range(5):
        editor.locator(f"textarea[name=level_4_0_{level}]").fill(f"Notes at level {level + 1}")
    page.locator("#save-rubric").click()

    expect(page).not_to_have_url(re.compile(rf"/rubrics/{version_1}/?$"))  # the new version's
    expect(page).to_have_url(RUBRIC)
    expect(page.locator("#rubric-version")).to_have_text("Version 2")
    expect(page.locator(".category-title")).to_have_count(5)
    assert _category_names(page)[3:] == ["Testing and Security", "Communication"]
    expect(page.locator("#edit-rubric")).to_be_visible()
    versions = page.locator("#rubric-versions .version-row")
    expect(versions).to_have_count(2)
    expect(versions.nth(0)).to_contain_text("Version 2 (shown)")
    expect(versions.nth(1)).to_contain_text("Version 1")
    expect(versions.nth(1)).to_contain_text("4")  # categories
    expect(page.locator(".rubric-use")).to_contain_text("version 1")
    expect(page.locator("#keeps-version-note")).to_contain_text(
        "Assessments keep the version they were created with"
    )
    _screenshot(page, "version-2")

    # Version 1 is still there, read-only, as the assessment uses it.
    versions.nth(1).get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/rubrics/{version_1}/?$"))
    expect(page.locator("#rubric-version")).to_have_text("Version 1")
    expect(page.locator("#old-version-notice")).to_contain_text("an earlier version")
    expect(page.locator("#edit-rubric")).to_have_count(0)
    expect(page.locator(".category-title")).to_have_count(4)
    _screenshot(page, "version-1")
    page.locator("#latest-version-link").click()
    expect(page.locator("#rubric-version")).to_have_text("Version 2")

    page.goto("/rubrics")
    row = page.locator(".rubric-row", has_text="Backend engineering")
    expect(row.locator(".rubric-version")).to_have_text("v2")
    expect(row).to_contain_text("Payments API (v1)")
    _screenshot(page, "list")

    # A viewer reads the rubric but has nothing to edit it with.
    viewer_email = unique_email("viewer")
    add_member(page, email=viewer_email, role="viewer")
    viewer = new_context().new_page()
    sign_in(viewer, viewer_email)
    expect(viewer.locator("#member-role")).to_have_text("Viewer")
    viewer.goto("/rubrics")
    expect(viewer.locator(".rubric-row")).to_have_count(1)
    expect(viewer.locator("#new-rubric")).to_have_count(0)
    viewer.locator(".rubric-row").get_by_role("link", name="Backend engineering").click()
    expect(viewer.locator("#rubric-version")).to_have_text("Version 2")
    expect(viewer.locator("#edit-rubric")).to_have_count(0)
    viewer.goto("/rubrics/new")
    expect(viewer.locator("#rubric-read-only")).to_contain_text("Viewers cannot create rubrics")
    expect(viewer.locator("#rubric-editor")).to_have_count(0)
