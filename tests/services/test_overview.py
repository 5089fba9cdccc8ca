"""The dashboard's figures count only what is live in the organisation."""

from __future__ import annotations

from backend.models.assessments import AssessmentCreate, KeysCreate
from backend.services.assessments import create_assessment, delete_assessment
from backend.services.candidate_keys import generate_keys, list_keys, revoke_key
from backend.services.organisations import add_member, deactivate_member
from backend.services.overview import organisation_counts
from tests.helpers import make_org


def test_counts_leave_out_deleted_revoked_and_deactivated(db):
    org, other = make_org(), make_org()
    kept = create_assessment(
        db, org_id=org.org_id, data=AssessmentCreate(title="Kept", role="Eng", task_brief="x")
    )
    dropped = create_assessment(
        db, org_id=org.org_id, data=AssessmentCreate(title="Gone", role="Eng", task_brief="x")
    )
    generate_keys(db, org_id=org.org_id, assessment_id=kept.id, data=KeysCreate(count=3))
    generate_keys(db, org_id=org.org_id, assessment_id=dropped.id, data=KeysCreate(count=2))
    first = list_keys(db, org_id=org.org_id, assessment_id=kept.id)[0]
    revoke_key(db, org_id=org.org_id, assessment_id=kept.id, key_id=first.id)
    delete_assessment(db, org_id=org.org_id, assessment_id=dropped.id)
    member = add_member(db, org_id=org.org_id, email="leaver@example.com", role="viewer")
    deactivate_member(db, org_id=org.org_id, member_id=member.id)

    counts = organisation_counts(db, org_id=org.org_id)
    assert (counts.jobs, counts.assessments, counts.candidate_keys, counts.members) == (0, 1, 2, 1)
    assert organisation_counts(db, org_id=other.org_id).assessments == 0
