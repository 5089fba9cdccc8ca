"""The assessment-partner endpoints ATSs call (``backend.services.ats``): Greenhouse's under
``/ats/greenhouse/``, Ashby's under ``/ats/ashby/``. Each ATS authenticates with HTTP Basic, an
organisation API key (scope ``assessments`` or ``all``) as the username.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from backend.api.deps import AtsPartnerDep, SessionDep
from backend.api.errors import FlatErrorRoute
from backend.api.openapi_responses import raises
from backend.services.ats import ashby, greenhouse

router = APIRouter(prefix="/ats", tags=["ATS partner"], route_class=FlatErrorRoute)


@router.get("/greenhouse/list_tests", response_model=list[greenhouse.GreenhouseTest])
def greenhouse_list_tests(db: SessionDep, ats: AtsPartnerDep) -> list[greenhouse.GreenhouseTest]:
    """Greenhouse: the tests it may send, one per live assessment."""
    return greenhouse.list_tests(db, org_id=ats.principal.org_id)


@router.post(
    "/greenhouse/send_test",
    response_model=greenhouse.SendTestResponse,
    responses=raises(400, 402, 404),
)
def greenhouse_send_test(
    body: greenhouse.SendTestRequest, db: SessionDep, ats: AtsPartnerDep
) -> greenhouse.SendTestResponse:
    """Greenhouse: send a test to a candidate (a key and its invite email). The same ``url``
    again returns the same ``partner_interview_id``. Where billing applies, 402 without an
    active subscription."""
    return greenhouse.send_test(
        db, org_id=ats.principal.org_id, partner_key=ats.api_key, request=body
    )


@router.get(
    "/greenhouse/test_status",
    response_model=greenhouse.TestStatusResponse,
    responses=raises(404),
)
def greenhouse_test_status(
    db: SessionDep,
    ats: AtsPartnerDep,
    partner_interview_id: Annotated[str, Query(max_length=64)],
) -> greenhouse.TestStatusResponse:
    """Greenhouse: where the candidate stands; ``complete`` with the score and report link."""
    return greenhouse.test_status(
        db, org_id=ats.principal.org_id, partner_interview_id=partner_interview_id
    )


@router.post("/ashby/assessment.list", response_model=ashby.Answer)
def ashby_list(db: SessionDep, ats: AtsPartnerDep) -> ashby.Answer:
    """Ashby: the assessments it may start."""
    return ashby.Answer(results=ashby.list_assessments(db, org_id=ats.principal.org_id))


@router.post(
    "/ashby/assessment.start", response_model=ashby.Answer, responses=raises(400, 402, 404)
)
def ashby_start(body: ashby.StartRequest, db: SessionDep, ats: AtsPartnerDep) -> ashby.Answer:
    """Ashby: start an assessment for a candidate (a key and its invite email). Where billing
    applies, 402 without an active subscription."""
    return ashby.Answer(results=ashby.start(db, org_id=ats.principal.org_id, request=body))


@router.post("/ashby/assessment.cancel", response_model=ashby.Answer, responses=raises(404))
def ashby_cancel(body: ashby.CancelRequest, db: SessionDep, ats: AtsPartnerDep) -> ashby.Answer:
    """Ashby: withdraw an assessment; the candidate's key stops working."""
    ashby.cancel(db, org_id=ats.principal.org_id, request=body)
    return ashby.Answer()
