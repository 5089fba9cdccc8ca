"""ATS assessment-partner endpoints: a fake Greenhouse and a fake Ashby (real local HTTP
servers, ``tests.webhook_receiver``) list tests, send one to a candidate, follow the candidate
through the real key, session and submission routes, and hear when the result is ready."""

from __future__ import annotations

import base64
import io
import json
import zipfile

from sqlmodel import select

from backend.cli import main as cli_main
from backend.db import session_scope
from backend.models import AtsTestOrder, CandidateKey, OutboundEmail
from backend.services.ats import notices
from backend.services.erasure import erase_candidate
from backend.services.person_export import write_person_zip
from backend.settings import get_settings
from tests.api.assessments.helpers import create_assessment, redeem
from tests.api.evaluations.helpers import API, finish_automated
from tests.helpers import bearer, make_key, make_org
from tests.webhook_receiver import Receiver

GREENHOUSE = f"{API}/ats/greenhouse"
ASHBY = f"{API}/ats/ashby"
TAKE_HOME = "/integrations/testing_partners/take_home_tests/4711"


def _basic(api_key: str) -> str:
    return "Basic " + base64.b64encode(f"{api_key}:".encode()).decode()


def _send_test_body(assessment_id: str, url: str, email: str = "ada@example.com") -> dict:
    return {
        "partner_test_id": assessment_id,
        "candidate": {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": email,
            "phone_number": "123-456-7890",
            "greenhouse_profile_url": "https://app.greenhouse.io/people/17681532",
        },
        "url": url,
    }


def _key_of(order_id: str) -> str:
    with session_scope() as db:
        order = db.get(AtsTestOrder, order_id)
        return db.get(CandidateKey, order.candidate_key_id).key


def _order(order_id: str) -> AtsTestOrder:
    with session_scope() as db:
        order = db.get(AtsTestOrder, order_id)
        db.expunge(order)
        return order


def _deliver_notices() -> int:
    with session_scope() as db:
        return notices.deliver_due(db)


def _submit(client, key: str) -> str:
    """The candidate redeems the key and submits a repository; returns the evaluation id."""
    session_id = redeem(client, key).json()["session"]["id"]
    response = client.post(
        f"{API}/sessions/{session_id}/submission",
        json={"repoUrl": "https://github.com/candidate/orders-take-home"},
        headers=bearer(key),
    )
    assert response.status_code == 201, response.text
    return response.json()["submission"]["evaluationId"]


def test_greenhouse_lists_sends_polls_and_hears_of_the_result(client, local_urls_allowed):
    org = make_org()
    assessment = create_assessment(client, org, title="Orders API", role="Backend Engineer")
    auth = (org.api_key, "")

    assert client.get(f"{GREENHOUSE}/list_tests").status_code == 401
    assert client.get(f"{GREENHOUSE}/list_tests", auth=("tl_sk_all_nope", "")).status_code == 401
    tests = client.get(f"{GREENHOUSE}/list_tests", auth=auth).json()
    assert tests == [
        {"partner_test_id": assessment["id"], "partner_test_name": "Orders API (Backend Engineer)"}
    ]

    with Receiver(path=TAKE_HOME) as greenhouse:
        body = _send_test_body(assessment["id"], greenhouse.url)
        sent = client.post(f"{GREENHOUSE}/send_test", json=body, auth=auth)
        assert sent.status_code == 200, sent.text
        interview_id = sent.json()["partner_interview_id"]
        # Greenhouse retries after a timeout: the same test instance, no second invite.
        again = client.post(f"{GREENHOUSE}/send_test", json=body, auth=auth)
        assert again.json() == {"partner_interview_id": interview_id}
        with session_scope() as db:
            invites = db.exec(
                select(OutboundEmail).where(
                    OutboundEmail.org_id == org.org_id,
                    OutboundEmail.to_address == "ada@example.com",
                )
            ).all()
            assert len(invites) == 1 and "Orders API" in invites[0].subject

        def status() -> dict:
            response = client.get(
                f"{GREENHOUSE}/test_status",
                params={"partner_interview_id": interview_id},
                auth=auth,
            )
            assert response.status_code == 200, response.text
            return response.json()

        assert status()["partner_status"] == "sent"
        evaluation_id = _submit(client, _key_of(interview_id))
        assert status()["partner_status"] == "submitted"
        assert greenhouse.requests == []

        finish_automated(evaluation_id)  # the engine's result: 4/5 and 3/5
        assert _order(interview_id).notice_state == "pending"
        assert _deliver_notices() == 1
        (patch,) = greenhouse.requests
        assert patch["method"] == "PATCH"
        assert patch["headers"]["authorization"] == _basic(org.api_key)

        done = status()
        assert done["partner_status"] == "complete"
        assert done["partner_score"] == 70.0
        assert done["partner_profile_url"].endswith(f"/evaluations/{evaluation_id}")
        assert done["metadata"]["Recommendation"] == "proceed"
        assert done["metadata"]["Reviewed by a person"] == "not yet"
        assert all(not isinstance(v, (dict, list)) for v in done["metadata"].values())

        # A reviewer's final verdict is news too.
        path = f"{API}/evaluations/{evaluation_id}"
        assert client.post(f"{path}/claim", headers=org.headers).status_code == 200
        final = client.post(
            f"{path}/finalise", json={"recommendation": "hold"}, headers=org.headers
        )
        assert final.status_code == 200
        assert _deliver_notices() == 1
        assert len(greenhouse.requests) == 2
        reviewed = status()["metadata"]
        assert reviewed["Recommendation"] == "hold"
        assert reviewed["Reviewed by a person"] == "yes"

    other = make_org()
    response = client.get(
        f"{GREENHOUSE}/test_status",
        params={"partner_interview_id": interview_id},
        auth=(other.api_key, ""),
    )
    assert response.status_code == 404


def test_greenhouse_send_test_refuses_what_it_cannot_do(client):
    org = make_org()
    assessment = create_assessment(client, org)
    auth = (org.api_key, "")
    private = _send_test_body(assessment["id"], "http://127.0.0.1:9/take_home_tests/1")
    refused = client.post(f"{GREENHOUSE}/send_test", json=private, auth=auth)
    assert refused.status_code == 400
    assert "public addresses" in refused.json()["message"]

    public = "https://app.greenhouse.io/integrations/testing_partners/take_home_tests/1"
    unknown = client.post(
        f"{GREENHOUSE}/send_test", json=_send_test_body("nope", public), auth=auth
    )
    assert unknown.status_code == 404
    bad_email = _send_test_body(assessment["id"], public, email="not an address")
    assert client.post(f"{GREENHOUSE}/send_test", json=bad_email, auth=auth).status_code in (
        400,
        422,
    )
    # A key scoped to another product area may not send tests.
    pipeline_key = make_key(org, "pipeline")
    scoped = client.get(f"{GREENHOUSE}/list_tests", auth=(pipeline_key, ""))
    assert scoped.status_code == 403


def test_ashby_starts_cancels_and_is_updated_with_the_organisations_key(
    client, local_urls_allowed, monkeypatch
):
    org = make_org()
    assessment = create_assessment(client, org, title="Orders API", role="Backend Engineer")
    auth = (org.api_key, "")
    listed = client.post(f"{ASHBY}/assessment.list", json={}, auth=auth).json()
    assert listed["success"] is True
    assert listed["results"][0]["assessment_type_id"] == assessment["id"]

    with Receiver(path="/assessment.update") as ashby:
        monkeypatch.setenv("TRUELEVEL_ASHBY_API_URL", ashby.url.removesuffix("/assessment.update"))
        get_settings.cache_clear()
        start = {
            "assessment_type_id": assessment["id"],
            "candidate": {
                "ashby_id": "cand_789",
                "first_name": "Grace",
                "last_name": "Hopper",
                "email": "grace@example.com",
                "ashby_profile_url": "https://app.ashbyhq.com/candidates/cand_789",
            },
            "application": {"ashby_id": "app_123", "status": "Active"},
            "job": {"ashby_id": "job_1", "name": "Backend Engineer"},
        }
        started = client.post(f"{ASHBY}/assessment.start", json=start, auth=auth).json()
        assert started["success"] is True
        assessment_id = started["results"]["assessment_id"]
        again = client.post(f"{ASHBY}/assessment.start", json=start, auth=auth).json()
        assert again["results"]["assessment_id"] == assessment_id

        evaluation_id = _submit(client, _key_of(assessment_id))
        finish_automated(evaluation_id)
        # No Ashby API key yet: the notice waits (and says why) instead of being lost.
        assert _deliver_notices() == 0
        waiting = _order(assessment_id)
        assert waiting.notice_state == "pending" and "connect-ashby" in waiting.notice_last_error

        monkeypatch.setattr("sys.stdin", io.StringIO("ashby-customer-key\n"))
        cli_main(["ats", "connect-ashby", "--org", org.org_id])
        with session_scope() as db:  # due again now rather than after the backoff
            order = db.get(AtsTestOrder, assessment_id)
            order.notice_next_at = order.created_at
            db.add(order)
            db.commit()
        assert _deliver_notices() == 1
        (update,) = ashby.requests
        assert update["headers"]["authorization"] == _basic("ashby-customer-key")
        sent = json.loads(update["body"])
        assert sent["assessment_id"] == assessment_id
        assert sent["assessment_result"]["value"] == 70.0
        assert sent["assessment_profile_url"]["value"].endswith(f"/evaluations/{evaluation_id}")
        assert sent["assessment_status"]["value"] == "complete"
        assert {m["identifier"] for m in sent["metadata"]} >= {"recommendation", "seniority"}
    get_settings.cache_clear()

    # Cancelling withdraws the key: a second candidate's test is cancelled before they start.
    second = {**start, "application": {"ashby_id": "app_456"}}
    second["candidate"] = {**start["candidate"], "email": "alan@example.com", "ashby_id": "c2"}
    other_id = client.post(f"{ASHBY}/assessment.start", json=second, auth=auth).json()["results"][
        "assessment_id"
    ]
    assert other_id != assessment_id
    key = _key_of(other_id)
    cancelled = client.post(
        f"{ASHBY}/assessment.cancel", json={"assessment_id": other_id}, auth=auth
    )
    assert cancelled.json() == {"success": True, "results": None}
    assert redeem(client, key).status_code == 401


def test_a_person_sent_a_test_by_an_ats_is_exported_and_erased_with_it(client):
    org = make_org()
    assessment = create_assessment(client, org)
    public = "https://app.greenhouse.io/integrations/testing_partners/take_home_tests/77"
    body = _send_test_body(assessment["id"], public, email="lin@example.com")
    sent = client.post(f"{GREENHOUSE}/send_test", json=body, auth=(org.api_key, ""))
    order_id = sent.json()["partner_interview_id"]

    with session_scope() as db:
        archive = io.BytesIO()
        summary = write_person_zip(db, org_id=org.org_id, email="lin@example.com", out=archive)
        assert summary.rows["ats_orders"] == 1
        person = json.loads(zipfile.ZipFile(archive).read("person.json"))
        (exported,) = person["ats_orders"]
        assert exported["external_profile_url"] == "https://app.greenhouse.io/people/17681532"
        assert "sealed_partner_key" not in exported

        erased = erase_candidate(db, org_id=org.org_id, email="lin@example.com")
        assert erased.deleted["ats_test_order"] == 1
    with session_scope() as db:
        assert db.get(AtsTestOrder, order_id) is None
    status = client.get(
        f"{GREENHOUSE}/test_status",
        params={"partner_interview_id": order_id},
        auth=(org.api_key, ""),
    )
    assert status.status_code == 404
