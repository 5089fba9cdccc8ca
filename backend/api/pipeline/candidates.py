"""Candidates: people in the pipeline (seed 003).

GET /candidates is shared with seed 001 (candidate keys) and routed in
``backend/api/candidates.py``; its seed-003 flavour is
``list_candidates(...).map(CandidatePublic.from_row)``."""

from __future__ import annotations

from fastapi import APIRouter

from backend.api.deps import PipelinePrincipal, SessionDep
from backend.api.errors import FlatErrorRoute
from backend.api.openapi_responses import raises
from backend.api.pipeline.params import CandidateIdPath
from backend.models.pipeline import CandidateCreate, CandidatePublic, CandidateUpdate
from backend.services.pipeline import candidates

router = APIRouter(prefix="/candidates", tags=["Candidates"], route_class=FlatErrorRoute)


@router.post("", status_code=201, summary="Add a new candidate", responses=raises(409))
def create_candidate(
    principal: PipelinePrincipal, session: SessionDep, body: CandidateCreate
) -> CandidatePublic:
    candidate = candidates.create_candidate(session, org_id=principal.org_id, data=body)
    return CandidatePublic.from_row(candidate)


@router.get("/{candidate_id}", summary="Retrieve candidate details")
def get_candidate(
    principal: PipelinePrincipal, session: SessionDep, candidate_id: CandidateIdPath
) -> CandidatePublic:
    candidate = candidates.get_candidate(
        session, org_id=principal.org_id, candidate_id=candidate_id
    )
    return CandidatePublic.from_row(candidate)


@router.patch("/{candidate_id}", summary="Update candidate details", responses=raises(409))
def update_candidate(
    principal: PipelinePrincipal,
    session: SessionDep,
    candidate_id: CandidateIdPath,
    body: CandidateUpdate,
) -> CandidatePublic:
    candidate = candidates.update_candidate(
        session, org_id=principal.org_id, candidate_id=candidate_id, data=body
    )
    return CandidatePublic.from_row(candidate)
