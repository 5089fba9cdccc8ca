"""The web app's tables read one page at a time from the database."""

from __future__ import annotations

from backend.models.assessments import AssessmentCreate, KeysCreate
from backend.services.api_keys import create_api_key, page_of_api_keys
from backend.services.assessments import create_assessment, page_of_assessments
from backend.services.candidate_keys import generate_keys, page_of_keys, revoke_key
from backend.services.organisations import add_member, page_of_members
from tests.helpers import make_org


def test_pages_split_the_organisations_rows(db):
    org, other = make_org(), make_org()
    for n in range(5):
        create_assessment(
            db,
            org_id=org.org_id,
            data=AssessmentCreate(title=f"Task {n}", role="Engineer", task_brief="Build it"),
        )
        add_member(db, org_id=org.org_id, email=f"m{n}-{org.org_id[:8]}@example.com", role="viewer")
        create_api_key(db, org_id=org.org_id, scope="pipeline", name=f"key {n}")

    second = page_of_assessments(db, org_id=org.org_id, page=2, size=2)
    assert [a.title for a in second.items] == ["Task 2", "Task 1"]  # newest first
    assert (second.total, second.pages) == (5, 3)
    members = page_of_members(db, org_id=org.org_id, page=3, size=2)
    assert members.total == 6 and len(members.items) == 2  # the admin plus five
    keys = page_of_api_keys(db, org_id=org.org_id, page=1, size=10)
    assert keys.total == 6 and {k.org_id for k in keys.items} == {org.org_id}
    assert page_of_assessments(db, org_id=other.org_id, page=1).total == 0


def test_an_assessments_keys_come_a_page_at_a_time_newest_first(db):
    org = make_org()
    assessment = create_assessment(
        db,
        org_id=org.org_id,
        data=AssessmentCreate(title="Task", role="Engineer", task_brief="Build it"),
    )
    made = [
        generate_keys(db, org_id=org.org_id, assessment_id=assessment.id, data=KeysCreate(count=1))[
            0
        ]
        for _ in range(5)
    ]
    revoke_key(db, org_id=org.org_id, assessment_id=assessment.id, key_id=made[4].id)

    first = page_of_keys(db, org_id=org.org_id, assessment_id=assessment.id, page=1, size=2)
    assert [k.id for k in first.items] == [made[3].id, made[2].id]  # the revoked one left out
    assert (first.total, first.pages) == (4, 2)
    past_the_end = page_of_keys(db, org_id=org.org_id, assessment_id=assessment.id, page=9, size=2)
    assert past_the_end.page == 2 and [k.id for k in past_the_end.items] == [made[1].id, made[0].id]
