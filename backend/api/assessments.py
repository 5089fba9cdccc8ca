"""Assessments and candidate keys (seeds 001, 002), plus the routes beside them: the OSS-issue
library, rubrics and candidate sessions. ``router`` is the one object the app includes.

Invalid bodies answer 400 (``BadRequestOnInvalidBodyRoute``) as seed 001 documents.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Query

from backend.api import issues, rubrics, sessions
from backend.api.deps import AssessmentsOrCandidate, AssessmentsPrincipal, SessionDep
from backend.api.errors import BadRequestOnInvalidBodyRoute
from backend.api.openapi_responses import raises
from backend.db import session_scope
from backend.models.assessments import (
    AssessmentCreate,
    AssessmentEnvelope,
    AssessmentList,
    AssessmentUpdate,
    Deleted,
    KeysCreate,
    KeysEnvelope,
)
from backend.models.evaluations import CohortStatsEnvelope
from backend.services import assessments, candidate_keys, mail
from backend.services.errors import NotFound
from backend.services.evaluations import cohort

log = logging.getLogger(__name__)

_assessments = APIRouter(
    prefix="/assessments", tags=["assessments"], route_class=BadRequestOnInvalidBodyRoute
)


@_assessments.post(
    "", status_code=201, response_model=AssessmentEnvelope, responses=raises(402, 404)
)
def create_assessment(
    body: AssessmentCreate, db: SessionDep, who: AssessmentsPrincipal
) -> AssessmentEnvelope:
    """Create an assessment. ``taskBrief`` is required unless ``issueId`` is given; with both,
    the explicit ``taskBrief`` wins (seed 001's rule; seed 002 disagrees). Where billing
    applies: 402 without an active subscription, 403 ``quota_exceeded`` once the period's
    quota is spent (the slot is committed with the assessment)."""
    row = assessments.create_assessment(db, org_id=who.org_id, data=body)
    return AssessmentEnvelope(assessment=assessments.public_assessment(db, assessment=row))


@_assessments.get("", response_model=AssessmentList)
def list_assessments(db: SessionDep, who: AssessmentsPrincipal) -> AssessmentList:
    """Assessments that are not deleted, oldest first."""
    rows = assessments.list_assessments(db, org_id=who.org_id)
    return AssessmentList(assessments=assessments.public_assessments(db, assessments=rows))


@_assessments.get("/{assessment_id}", response_model=AssessmentEnvelope)
def get_assessment(
    assessment_id: str, db: SessionDep, who: AssessmentsOrCandidate
) -> AssessmentEnvelope:
    """One assessment, for the organisation or for a candidate key of this assessment."""
    if who.is_candidate and who.assessment_id != assessment_id:
        raise NotFound("Assessment not found.")
    row = assessments.get_assessment(db, org_id=who.org_id, assessment_id=assessment_id)
    return AssessmentEnvelope(assessment=assessments.public_assessment(db, assessment=row))


@_assessments.patch("/{assessment_id}", response_model=AssessmentEnvelope)
def update_assessment(
    assessment_id: str, body: AssessmentUpdate, db: SessionDep, who: AssessmentsPrincipal
) -> AssessmentEnvelope:
    """Change ``targetLevel``, the level evaluations submitted from now on are judged against."""
    row = assessments.update_assessment(
        db, org_id=who.org_id, assessment_id=assessment_id, data=body
    )
    return AssessmentEnvelope(assessment=assessments.public_assessment(db, assessment=row))


@_assessments.delete("/{assessment_id}", response_model=Deleted)
def delete_assessment(assessment_id: str, db: SessionDep, who: AssessmentsPrincipal) -> Deleted:
    """Soft-delete the assessment and all its candidate keys."""
    row = assessments.delete_assessment(db, org_id=who.org_id, assessment_id=assessment_id)
    return Deleted(id=row.id)


def _send_invites(key_ids: list[str]) -> None:
    """Try the new invites at once; whatever fails stays pending for the worker's retries."""
    try:
        with session_scope() as db:
            mail.deliver_pending(db, related_ids=key_ids)
    except Exception:
        log.exception("sending invite emails failed; they stay queued for the worker")


@_assessments.post(
    "/{assessment_id}/keys", status_code=201, response_model=KeysEnvelope, responses=raises(402)
)
def generate_keys(
    assessment_id: str,
    body: KeysCreate,
    db: SessionDep,
    who: AssessmentsPrincipal,
    background: BackgroundTasks,
) -> KeysEnvelope:
    """Generate 1 to 50 keys; with ``candidateEmails``, an invite goes to each address.
    Where billing applies, 402 without an active subscription."""
    keys = candidate_keys.generate_keys(
        db, org_id=who.org_id, assessment_id=assessment_id, data=body
    )
    invited = [k.id for k in keys if k.candidate_email]
    if invited:
        background.add_task(_send_invites, invited)
    return KeysEnvelope(keys=candidate_keys.public_keys(db, keys=keys))


@_assessments.get("/{assessment_id}/keys", response_model=KeysEnvelope)
def list_keys(assessment_id: str, db: SessionDep, who: AssessmentsPrincipal) -> KeysEnvelope:
    """The assessment's keys that are not revoked, in creation order."""
    keys = candidate_keys.list_keys(db, org_id=who.org_id, assessment_id=assessment_id)
    return KeysEnvelope(keys=candidate_keys.public_keys(db, keys=keys))


@_assessments.delete("/{assessment_id}/keys/{key_id}", response_model=Deleted)
def revoke_key(
    assessment_id: str, key_id: str, db: SessionDep, who: AssessmentsPrincipal
) -> Deleted:
    """Revoke one key: the candidate can no longer authenticate with it."""
    key = candidate_keys.revoke_key(
        db, org_id=who.org_id, assessment_id=assessment_id, key_id=key_id
    )
    return Deleted(id=key.id)


@_assessments.get("/{assessment_id}/cohort-stats", response_model=CohortStatsEnvelope)
def cohort_stats(
    assessment_id: str,
    db: SessionDep,
    who: AssessmentsPrincipal,
    session_id: Annotated[
        str | None,
        Query(
            alias="sessionId",
            max_length=64,
            description="Also rank this session against the rest of the cohort.",
        ),
    ] = None,
) -> CohortStatsEnvelope:
    """Seed 001's cohort metrics over the sessions that finished (completed, expired, hired);
    ``{"cohortStats": null}`` before any did. With ``sessionId``, percentile ranks of that
    session (0..1, higher is better, the command fail rate inverted) when the cohort has at least
    two sessions: the share of the other sessions it is at least as good as."""
    stats = cohort.cohort_stats(
        db, org_id=who.org_id, assessment_id=assessment_id, session_id=session_id or None
    )
    return CohortStatsEnvelope(cohort_stats=stats)


router = APIRouter()
router.include_router(_assessments)
router.include_router(issues.router)
router.include_router(rubrics.router)
router.include_router(sessions.router)
