"""``backend.cli billing``: status, grant-credits and set-plan, with no Stripe configured, run as
an admin runs them; the credits they grant are what the interview API then charges."""

from __future__ import annotations

from tests.api.billing.helpers import billing_cli, billing_json
from tests.api.interviews.conftest import mount_interviews
from tests.api.interviews.helpers import accepted


def test_status_of_an_organisation_without_billing_is_off_and_unlimited(org):
    status = billing_json("status", "--org", org.org_id)
    assert status["billing"] == "off"
    assert status["status"] == "none"
    assert status["credits_remaining"] is None
    assert status["assessment_quota"] is None


def test_set_plan_turns_billing_on_with_the_plan_quota_and_credits(org):
    out = billing_json("set-plan", "--org", org.org_id, "--plan", "starter")
    assert out["billing"] == "on"
    assert (out["plan"], out["status"]) == ("starter", "active")
    assert (out["assessment_quota"], out["included_credits"]) == (10, 120)
    assert out["credits_remaining"] == 120
    assert out["assessments_used"] == 0
    assert out["period_start"] < out["period_end"]
    # Changing plans mid-period keeps the period and grants nothing again.
    again = billing_json("set-plan", "--org", org.org_id, "--plan", "team", "--quota", "7")
    assert (again["plan"], again["assessment_quota"]) == ("team", 7)
    assert again["credits_remaining"] == 120
    assert again["period_start"] == out["period_start"]


def test_a_trial_ends_after_its_days(org):
    out = billing_json(
        "set-plan", "--org", org.org_id, "--plan", "team", "--status", "trialing",
        "--trial-days", "5", "--credits", "0",
    )  # fmt: skip
    assert out["status"] == "trialing"
    assert out["trial_end"] > out["period_start"]
    assert out["credits_remaining"] == 0


def test_granted_credits_are_charged_by_the_interview_api(org, api_app):
    from fastapi.testclient import TestClient

    billing_json("set-plan", "--org", org.org_id, "--plan", "custom", "--credits", "2")
    granted = billing_json(
        "grant-credits", "--org", org.org_id, "--amount", "5", "--reason", "goodwill"
    )
    assert granted == {"org": org.org_id, "granted": 5, "credits_remaining": 7}
    with TestClient(mount_interviews(api_app)) as client:
        body = accepted(client, org)
    assert (body["credits_charged"], body["credits_remaining"]) == (1, 6)
    assert billing_json("status", "--org", org.org_id)["credits_remaining"] == 6


def test_with_stripe_on_credits_can_be_granted_before_any_subscription(org, stripe_on):
    granted = billing_json(
        "grant-credits", "--org", org.org_id, "--amount", "30", "--reason", "pilot"
    )
    assert granted["credits_remaining"] == 30
    status = billing_json("status", "--org", org.org_id)
    assert (status["billing"], status["status"], status["credits_remaining"]) == ("on", "none", 30)


def test_errors_are_one_line_without_a_traceback(org):
    refused = billing_cli(
        "grant-credits", "--org", org.org_id, "--amount", "5", "--reason", "x", check=False
    )
    assert refused.returncode == 2
    assert refused.stderr.startswith("error: This organisation is unlimited")
    assert "Traceback" not in refused.stderr
    unknown = billing_cli("status", "--org", "no-such-org", check=False)
    assert (unknown.returncode, unknown.stderr) == (2, "error: Organisation not found.\n")
    bad = billing_cli(
        "set-plan", "--org", org.org_id, "--plan", "team", "--trial-days", "3", check=False
    )
    assert bad.returncode == 2
    assert "--trial-days" in bad.stderr
