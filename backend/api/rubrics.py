"""Rubrics: versioned; PUT saves a new version and the old id stays readable."""

from __future__ import annotations

from fastapi import APIRouter

from backend.api.audited import by_key
from backend.api.deps import AssessmentsPrincipal, SessionDep
from backend.api.errors import BadRequestOnInvalidBodyRoute
from backend.api.openapi_responses import raises
from backend.models.assessments import RubricCreate, RubricEnvelope, RubricList, RubricUpdate
from backend.services import rubrics
from backend.services.audit import Action, Subject

router = APIRouter(prefix="/rubrics", tags=["rubrics"], route_class=BadRequestOnInvalidBodyRoute)


@router.post("", status_code=201, response_model=RubricEnvelope, responses=raises(409))
def create_rubric(body: RubricCreate, db: SessionDep, who: AssessmentsPrincipal) -> RubricEnvelope:
    """Create version 1 of a rubric."""
    rubric = rubrics.create_rubric(db, org_id=who.org_id, data=body)
    envelope = RubricEnvelope(rubric=rubrics.public_rubric(rubric))
    by_key(db, who, Action.changed, Subject.rubric, rubric.id, "rubric created")
    return envelope


@router.get("", response_model=RubricList)
def list_rubrics(db: SessionDep, who: AssessmentsPrincipal) -> RubricList:
    """The latest version of each rubric."""
    rows = rubrics.list_rubrics(db, org_id=who.org_id)
    return RubricList(rubrics=[rubrics.public_rubric(r) for r in rows])


@router.get("/{rubric_id}", response_model=RubricEnvelope)
def get_rubric(rubric_id: str, db: SessionDep, who: AssessmentsPrincipal) -> RubricEnvelope:
    """Any version of a rubric, latest or not."""
    rubric = rubrics.get_rubric(db, org_id=who.org_id, rubric_id=rubric_id)
    return RubricEnvelope(rubric=rubrics.public_rubric(rubric))


@router.put("/{rubric_id}", response_model=RubricEnvelope, responses=raises(409))
def update_rubric(
    rubric_id: str, body: RubricUpdate, db: SessionDep, who: AssessmentsPrincipal
) -> RubricEnvelope:
    """Replace the rubric's content as a new version (same familyId, version + 1)."""
    rubric = rubrics.update_rubric(db, org_id=who.org_id, rubric_id=rubric_id, data=body)
    envelope = RubricEnvelope(rubric=rubrics.public_rubric(rubric))
    by_key(db, who, Action.changed, Subject.rubric, rubric.id, "new rubric version")
    return envelope
