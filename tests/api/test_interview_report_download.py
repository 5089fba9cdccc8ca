"""The interview report's "Download PDF": only for a signed-in member of the interview's
organisation; another organisation's interview is a 404, like one that does not exist."""

from __future__ import annotations

from backend.db import session_scope
from backend.models import Member
from backend.models.interviews import InterviewJob
from backend.services.organisations import start_web_session
from tests.helpers import OrgHandle, make_org

WEB = "/api/v1/web/interviews"
RESULT = {
    "assessment": {
        "recommendation": "advance",
        "scored": True,
        "confidence": 0.6,
        "scores": {"communication": {"score": 3, "rationale": "Clear.", "quotes": []}},
        "red_flags": [],
    }
}


def _completed_interview(org: OrgHandle) -> str:
    with session_scope() as session:
        job = InterviewJob(
            org_id=org.org_id, role_title="Data Engineer", status="completed", result=RESULT
        )
        session.add(job)
        session.commit()
        return job.id


def _sign_in(client, org: OrgHandle) -> None:
    with session_scope() as session:
        token = start_web_session(session, member=session.get(Member, org.admin_id))
    client.cookies.set("tl_session", token)


def test_a_member_downloads_the_pdf_and_another_organisation_gets_404(client):
    org, other = make_org(), make_org()
    job_id = _completed_interview(org)
    url = f"{WEB}/{job_id}/report.pdf"

    assert client.get(url).status_code == 401  # signed out

    _sign_in(client, org)
    answer = client.get(url)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["cache-control"] == "private, no-store"
    assert f'filename="{job_id}-interview-report.pdf"' in answer.headers["content-disposition"]
    assert answer.content.startswith(b"%PDF") and b"Data Engineer" in answer.content

    _sign_in(client, other)
    refused = client.get(url)
    missing = client.get(f"{WEB}/no-such-job/report.pdf")
    assert refused.status_code == missing.status_code == 404
    assert (
        refused.json()
        == missing.json()
        == {
            "error": "job_not_found",
            "message": "No such job.",
        }
    )
