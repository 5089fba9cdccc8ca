"""Greenhouse's Assessment Partner contract (developers.greenhouse.io/assessment.html).

Greenhouse calls three endpoints with HTTP Basic (an organisation API key as the username):

- ``GET list_tests``: ``[{"partner_test_id", "partner_test_name"}]``: the live assessments.
- ``POST send_test`` with ``{"partner_test_id", "candidate": {first_name, last_name, email,
  …}, "url"}``: the candidate gets a key and its invite; the answer is
  ``{"partner_interview_id"}``. ``url`` names the test instance: a retried request with the
  same ``url`` gets the same id and sends no second invite.
- ``GET test_status?partner_interview_id=…``: ``{"partner_status", "partner_profile_url",
  "partner_score", "metadata"}``; ``partner_status`` is ``complete`` once the evaluation has a
  result (the score is the share of the rubric's maximum, 0–100, after a reviewer's
  adjustments; the profile URL is the report in the web app).

When the result is ready (and again when a reviewer finalises it, or the work cannot be
evaluated), truelevel sends ``PATCH <url>`` with the same Basic credentials, and Greenhouse
reads ``test_status`` again.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints, field_validator
from sqlmodel import Session

from backend.models import AtsTestOrder
from backend.models.ats import Ats
from backend.models.email_addresses import EmailAddress
from backend.services import webhook_adapter
from backend.services.ats import orders
from backend.services.ats.notices import NoticeRequest, NoticeUnsendable, basic_authorization
from backend.services.errors import InvalidInput
from backend.services.pipeline.webhook_secrets import seal, unseal

Name = Annotated[str, StringConstraints(strip_whitespace=True, max_length=255)]
Url = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2048)]


class GreenhouseTest(BaseModel):
    partner_test_id: str
    partner_test_name: str


class GreenhouseCandidate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    first_name: Name = ""
    last_name: Name = ""
    email: EmailAddress
    resume_url: Url | None = None
    phone_number: Name | None = None
    greenhouse_profile_url: Url | None = None


class SendTestRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    partner_test_id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    candidate: GreenhouseCandidate
    url: Url

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("url must be an http(s) URL")
        return value


class SendTestResponse(BaseModel):
    partner_interview_id: str


Primitive = str | int | float | bool


class TestStatusResponse(BaseModel):
    partner_status: str
    partner_profile_url: str | None = None
    partner_score: float | None = None
    metadata: dict[str, Primitive] = {}


def list_tests(session: Session, *, org_id: str) -> list[GreenhouseTest]:
    return [
        GreenhouseTest(partner_test_id=a.id, partner_test_name=f"{a.title} ({a.role})")
        for a in orders.list_tests(session, org_id=org_id)
    ]


def send_test(
    session: Session, *, org_id: str, partner_key: str, request: SendTestRequest
) -> SendTestResponse:
    """Send the test; InvalidInput for a completion URL truelevel may never call."""
    problem = webhook_adapter.callback_url_problem(request.url)
    if problem is not None:
        raise InvalidInput(f"url: {problem}")
    who = request.candidate
    name = orders.CandidateIn.full_name(who.first_name, who.last_name)
    order = orders.send_test(
        session,
        org_id=org_id,
        ats=Ats.greenhouse,
        assessment_id=request.partner_test_id,
        candidate=orders.CandidateIn(
            email=who.email, name=name, profile_url=who.greenhouse_profile_url
        ),
        notice_url=request.url,
        sealed_partner_key=seal(partner_key),
    )
    return SendTestResponse(partner_interview_id=order.id)


def test_status(session: Session, *, org_id: str, partner_interview_id: str) -> TestStatusResponse:
    order = orders.get_order(
        session, org_id=org_id, ats=Ats.greenhouse, order_id=partner_interview_id
    )
    progress = orders.progress(session, order=order)
    metadata: dict[str, Primitive] = {"Assessment": progress.assessment_title}
    for label, value in (
        ("Recommendation", progress.recommendation),
        ("Seniority", progress.seniority),
        ("Confidence", progress.confidence),
        ("Started At", progress.started_at and progress.started_at.isoformat()),
        ("Completed At", progress.completed_at and progress.completed_at.isoformat()),
        ("Failure", progress.failure),
    ):
        if value is not None:
            metadata[label] = value
    if progress.state == orders.TestState.complete:
        metadata["Reviewed by a person"] = "yes" if progress.reviewed else "not yet"
    return TestStatusResponse(
        partner_status=progress.state.value,
        partner_profile_url=progress.report_url,
        partner_score=progress.score,
        metadata=metadata,
    )


def notice_request(order: AtsTestOrder) -> NoticeRequest:
    """``PATCH <url from send_test>``, no body, with the key Greenhouse called us with."""
    if not order.notice_url or not order.sealed_partner_key:
        raise NoticeUnsendable("the order has no Greenhouse completion URL")
    return NoticeRequest(
        url=order.notice_url,
        method="PATCH",
        authorization=basic_authorization(unseal(order.sealed_partner_key)),
    )
