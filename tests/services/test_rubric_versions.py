"""A rubric's versions and the assessments that use them: what the rubric pages list. Every
edit is a new version; an assessment keeps the version it was created with."""

from __future__ import annotations

import pytest

from backend.models.assessments import AssessmentCreate, RubricCreate, RubricUpdate
from backend.services.assessments import create_assessment, delete_assessment
from backend.services.errors import Conflict
from backend.services.rubrics import (
    create_rubric,
    rubric_uses,
    rubric_versions,
    update_rubric,
)
from tests.helpers import make_org

LEVELS = {str(n): f"Level {n}" for n in range(1, 6)}


def _rubric(name: str, *categories: str) -> dict:
    return {
        "name": name,
        "categories": [
            {"name": c, "weight": 1.0, "criteria": [{"name": "Overall", "levels": LEVELS}]}
            for c in categories
        ],
    }


def _assessment(db, org_id: str, title: str, rubric_id: str) -> str:
    data = AssessmentCreate(
        title=title, role="Engineer", task_brief="Build it", rubric_id=rubric_id
    )
    return create_assessment(db, org_id=org_id, data=data).id


def test_versions_are_listed_newest_first_within_the_organisation(db):
    org, other = make_org(), make_org()
    first = create_rubric(db, org_id=org.org_id, data=RubricCreate(**_rubric("Backend", "Code")))
    second = update_rubric(
        db,
        org_id=org.org_id,
        rubric_id=first.id,
        data=RubricUpdate(**_rubric("Backend", "Code", "Tests")),
    )

    versions = rubric_versions(db, org_id=org.org_id, family_id=first.family_id)
    assert [(r.id, r.version, r.is_latest) for r in versions] == [
        (second.id, 2, True),
        (first.id, 1, False),
    ]
    assert [c["name"] for c in versions[1].categories] == ["Code"]  # the old one is unchanged
    assert rubric_versions(db, org_id=other.org_id, family_id=first.family_id) == []


def test_assessments_are_counted_under_the_version_they_were_created_with(db):
    org = make_org()
    backend = create_rubric(db, org_id=org.org_id, data=RubricCreate(**_rubric("Backend", "A")))
    unused = create_rubric(db, org_id=org.org_id, data=RubricCreate(**_rubric("Unused", "A")))
    early = _assessment(db, org.org_id, "Early", backend.id)
    newer = update_rubric(
        db, org_id=org.org_id, rubric_id=backend.id, data=RubricUpdate(**_rubric("Backend", "B"))
    )
    late = _assessment(db, org.org_id, "Late", newer.id)
    gone = _assessment(db, org.org_id, "Deleted", newer.id)
    delete_assessment(db, org_id=org.org_id, assessment_id=gone)

    uses = rubric_uses(db, org_id=org.org_id, family_ids=[backend.family_id, unused.family_id])
    assert [(u.assessment_id, u.title, u.version) for u in uses[backend.family_id]] == [
        (early, "Early", 1),
        (late, "Late", 2),
    ]
    assert unused.family_id not in uses
    assert rubric_uses(db, org_id=make_org().org_id, family_ids=[backend.family_id]) == {}
    assert rubric_uses(db, org_id=org.org_id, family_ids=[]) == {}


def test_an_edit_started_on_an_older_latest_version_is_refused_not_lost(db):
    org = make_org()
    first = create_rubric(db, org_id=org.org_id, data=RubricCreate(**_rubric("Backend", "Code")))
    # Two reviewers open version 1; the first saves version 2.
    update_rubric(
        db,
        org_id=org.org_id,
        rubric_id=first.id,
        data=RubricUpdate(**_rubric("Backend", "Code", "Tests")),
        editing_version=1,
    )
    # The second, still editing version 1, is told rather than overwriting version 2's changes.
    with pytest.raises(Conflict, match="Version 2 of this rubric was saved"):
        update_rubric(
            db,
            org_id=org.org_id,
            rubric_id=first.id,
            data=RubricUpdate(**_rubric("Backend", "Docs")),
            editing_version=1,
        )
    assert [
        v.version for v in rubric_versions(db, org_id=org.org_id, family_id=first.family_id)
    ] == [2, 1]
