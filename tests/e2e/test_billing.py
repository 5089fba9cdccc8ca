"""The Billing page: an admin sees billing off, then the plan, quota use and credits that the
admin command line set up; a viewer is not shown it."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import httpx
from playwright.sync_api import Page, expect
from sqlmodel import select

from tests.e2e.flows import create_assessment, sign_up, viewer_without_admin_link
from tests.e2e.server import REPO_ROOT, RunningApp


def org_of(*, member_email: str) -> str:
    """The organisation of a member (run in the app's environment by ``app.call``)."""
    from backend.db import session_scope
    from backend.models import Member

    with session_scope() as session:
        return session.exec(select(Member).where(Member.email == member_email)).one().org_id


def cli(app: RunningApp, *args: str) -> dict:
    """``python -m backend.cli ARGS`` on the app's database; the JSON it prints."""
    done = subprocess.run(
        [sys.executable, "-m", "backend.cli", *args],
        cwd=REPO_ROOT,
        env=app.env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return json.loads(done.stdout)


def test_admin_sees_plan_quota_and_credits_and_a_viewer_does_not(
    page: Page, new_context, app: RunningApp
):
    account = sign_up(page)
    page.get_by_role("link", name="Billing", exact=True).click()
    expect(page).to_have_url(re.compile(r"/billing/?$"))
    expect(page.locator("#billing-off")).to_contain_text("everything is unlimited")
    org_id = app.call("tests.e2e.test_billing:org_of", member_email=account.email)
    expect(page.locator("#set-plan-command")).to_have_text(
        f"python -m backend.cli billing set-plan --org {org_id} --plan starter"
    )
    expect(page.locator("#billing-credits")).to_have_text("unlimited")

    cli(app, "billing", "set-plan", "--org", org_id, "--plan", "starter", "--quota", "5")
    cli(app, "billing", "grant-credits", "--org", org_id, "--amount", "30", "--reason", "welcome")
    # One assessment made through the REST API counts against the period's quota.
    key = cli(app, "create-api-key", "--org", org_id, "--scope", "all")["api_key"]
    made = httpx.post(
        f"{app.base_url}/api/v1/assessments",
        json={"title": "Backend take-home", "role": "Engineer", "taskBrief": "Build an API."},
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    )
    assert made.status_code == 201, made.text

    page.goto("/billing")
    expect(page.locator("#billing-plan")).to_have_text("starter")
    expect(page.locator("#billing-status")).to_have_text("Active")
    expect(page.locator("#billing-usage")).to_have_text("1 of 5 used")
    expect(page.locator("#billing-credits")).to_have_text("150")  # 120 with the plan + 30
    expect(page.locator("#billing-off")).to_have_count(0)
    first = page.locator(".ledger-row").first
    expect(first).to_contain_text("+30")
    expect(first).to_contain_text("welcome")
    expect(page.locator(".ledger-row").nth(1)).to_contain_text("Included with the plan")
    # Stripe is not configured here: nothing to buy.
    expect(page.locator(".choose-plan")).to_have_count(0)
    expect(page.locator("#manage-billing")).to_have_count(0)

    viewer = viewer_without_admin_link(page, new_context, link="Billing")
    viewer.goto("/billing")
    expect(viewer.locator("#billing-not-allowed")).to_have_text(
        "Only admins can see and manage billing."
    )
    expect(viewer.locator("#billing-plan")).to_have_count(0)
    expect(viewer.locator("#billing-credits")).to_have_count(0)


def test_the_web_app_keeps_to_the_quota_and_opens_again_after_an_upgrade(
    page: Page, app: RunningApp
):
    account = sign_up(page)
    org_id = app.call("tests.e2e.test_billing:org_of", member_email=account.email)
    cli(app, "billing", "set-plan", "--org", org_id, "--plan", "starter", "--quota", "1")
    create_assessment(page, title="First take-home", role="Backend Engineer", brief="Build it.")

    # The month's one assessment is used: the dialog says so, and nothing is created.
    page.goto("/assessments")
    page.locator("#new-assessment").click()
    form = page.locator("#create-assessment-form")
    form.locator("input[name=title]").fill("Second take-home")
    form.locator("input[name=role]").fill("Backend Engineer")
    form.locator("textarea[name=task_brief]").fill("Build it again.")
    form.get_by_role("button", name="Create assessment").click()
    expect(form).to_contain_text("monthly assessment quota has been reached")
    expect(page).to_have_url(re.compile(r"/assessments/?$"))

    cli(app, "billing", "set-plan", "--org", org_id, "--plan", "team", "--quota", "5")
    form.get_by_role("button", name="Create assessment").click()
    expect(page).to_have_url(re.compile(r"/assessments/[0-9a-f-]{36}/?$"))
    expect(page.get_by_role("heading", name="Second take-home")).to_be_visible()
