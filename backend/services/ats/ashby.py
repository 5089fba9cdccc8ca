"""Ashby's assessments partner contract (developers.ashbyhq.com, "Creating an Assessments
Integration").

Ashby calls three endpoints with HTTP Basic (an organisation API key as the username); each
answers ``{"success": true, "results": …}``:

- ``POST assessment.list``: ``[{"assessment_type_id", "name", "description"}]``.
- ``POST assessment.start`` with ``{"assessment_type_id", "candidate": {ashby_id, first_name,
  last_name, email, …}, "application": {ashby_id, …}, "job": {…}}``: the candidate gets a key
  and its invite; ``results`` is ``{"assessment_id"}``. One live test per application and
  assessment: a repeated start returns the same id.
- ``POST assessment.cancel`` with ``{"assessment_id"}``: the key stops working.

Ashby has no callback URL: truelevel tells it about progress with ``POST
{TRUELEVEL_ASHBY_API_URL}/assessment.update``, authenticated with the organisation's own Ashby
API key (``python -m backend.cli ats connect-ashby``), stored sealed. Each field is Ashby's
``{identifier, label, type, value}`` blob; ``assessment_result`` (the score) marks it complete,
``cancelled_reason`` cancelled.
"""

from __future__ import annotations

import json
import time
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints
from sqlmodel import Session, select

from backend.models import AtsConnection, AtsTestOrder
from backend.models.ats import Ats
from backend.models.email_addresses import EmailAddress
from backend.services.ats import orders
from backend.services.ats.notices import NoticeRequest, NoticeUnsendable, basic_authorization
from backend.services.errors import InvalidInput
from backend.services.organisations import get_organisation
from backend.services.pipeline.webhook_secrets import seal, unseal
from backend.settings import get_settings

Name = Annotated[str, StringConstraints(strip_whitespace=True, max_length=255)]


class AshbyAssessmentType(BaseModel):
    assessment_type_id: str
    name: str
    description: str


class AshbyCandidate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    ashby_id: Name | None = None
    first_name: Name = ""
    last_name: Name = ""
    email: EmailAddress
    ashby_profile_url: Annotated[str, StringConstraints(max_length=2048)] | None = None


class AshbyApplication(BaseModel):
    model_config = ConfigDict(extra="ignore")

    ashby_id: Name | None = None


class StartRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    assessment_type_id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    candidate: AshbyCandidate
    application: AshbyApplication | None = None


class CancelRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    assessment_id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Answer(BaseModel):
    success: bool = True
    results: Any = None


class Started(BaseModel):
    assessment_id: str


def list_assessments(session: Session, *, org_id: str) -> list[AshbyAssessmentType]:
    return [
        AshbyAssessmentType(
            assessment_type_id=a.id,
            name=a.title,
            description=f"{a.role} · judged at level {a.target_level}",
        )
        for a in orders.list_tests(session, org_id=org_id)
    ]


def start(session: Session, *, org_id: str, request: StartRequest) -> Started:
    who = request.candidate
    application = request.application.ashby_id if request.application is not None else None
    name = orders.CandidateIn.full_name(who.first_name, who.last_name)
    order = orders.send_test(
        session,
        org_id=org_id,
        ats=Ats.ashby,
        assessment_id=request.assessment_type_id,
        candidate=orders.CandidateIn(
            email=who.email,
            name=name,
            external_id=application or who.ashby_id,
            profile_url=who.ashby_profile_url,
        ),
    )
    return Started(assessment_id=order.id)


def cancel(session: Session, *, org_id: str, request: CancelRequest) -> None:
    order = orders.get_order(session, org_id=org_id, ats=Ats.ashby, order_id=request.assessment_id)
    orders.cancel(session, order=order)


def connect(session: Session, *, org_id: str, api_key: str) -> AtsConnection:
    """Keep (sealed) the organisation's Ashby API key, which assessment.update is sent with."""
    api_key = api_key.strip()
    if not api_key or len(api_key) > 512:
        raise InvalidInput("Give the Ashby API key (at most 512 characters).")
    get_organisation(session, org_id=org_id)
    connection = _connection(session, org_id=org_id) or AtsConnection(
        org_id=org_id, ats=Ats.ashby.value, sealed_api_key=""
    )
    connection.sealed_api_key = seal(api_key)
    session.add(connection)
    session.commit()
    session.refresh(connection)
    return connection


def _connection(session: Session, *, org_id: str) -> AtsConnection | None:
    return session.exec(
        select(AtsConnection).where(
            AtsConnection.org_id == org_id, AtsConnection.ats == Ats.ashby.value
        )
    ).first()


def _blob(identifier: str, label: str, kind: str, value: Any) -> dict[str, Any]:
    return {"identifier": identifier, "label": label, "type": kind, "value": value}


def update_body(session: Session, order: AtsTestOrder) -> dict[str, Any]:
    """The assessment.update body describing the order as it stands now."""
    progress = orders.progress(session, order=order)
    body: dict[str, Any] = {"assessment_id": order.id, "timestamp": int(time.time() * 1000)}
    if progress.state == orders.TestState.cancelled:
        body["cancelled_reason"] = _blob("cancelled", "Cancelled", "String", "Withdrawn")
        return body
    body["assessment_status"] = _blob("status", "Status", "String", progress.state.value)
    if progress.state != orders.TestState.complete:
        return body
    body["assessment_profile_url"] = _blob("report", "Report", "Url", progress.report_url)
    body["assessment_result"] = _blob("score", "Score", "Numeric", progress.score)
    body["metadata"] = [
        _blob(identifier, label, "String", str(value))
        for identifier, label, value in (
            ("recommendation", "Recommendation", progress.recommendation),
            ("seniority", "Seniority", progress.seniority),
            ("confidence", "Confidence", progress.confidence),
            ("reviewed", "Reviewed by a person", "yes" if progress.reviewed else "not yet"),
        )
        if value is not None
    ]
    return body


def notice_request(session: Session, order: AtsTestOrder) -> NoticeRequest:
    connection = _connection(session, org_id=order.org_id)
    if connection is None:
        raise NoticeUnsendable(
            "no Ashby API key for this organisation: an admin sets it with "
            "`python -m backend.cli ats connect-ashby`"
        )
    return NoticeRequest(
        url=f"{get_settings().ashby_api_url.rstrip('/')}/assessment.update",
        method="POST",
        body=json.dumps(update_body(session, order), separators=(",", ":")).encode(),
        authorization=basic_authorization(unseal(connection.sealed_api_key)),
    )
