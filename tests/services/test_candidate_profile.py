"""The candidate profile on real rows: one person's take-home and interview history on one
timeline, newest first, each step linking to its page; another organisation's rows about the
same address never appear; an unknown address is an empty profile; and the number of queries
does not grow with the person's history."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import event

from backend.db import get_engine
from backend.models.base import utcnow
from backend.services.candidate_profile import (
    EventKind,
    candidate_profile,
    profile_href,
)
from backend.services.errors import InvalidInput
from tests.helpers import make_org
from tests.profile_rows import seed_person


def _key(prefix: str = "TL") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:4].upper()}-{uuid.uuid4().hex[:4].upper()}"


def test_the_timeline_joins_take_home_and_interview_newest_first(db):
    org, other = make_org(), make_org()
    suffix = uuid.uuid4().hex[:6]
    email = f"Alice.{suffix}@Example.com"
    mine = seed_person(db, org_id=org.org_id, email=email, name="Alice Ashdown", key=_key())
    # The same address in another organisation: never part of this one's profile.
    theirs = seed_person(
        db, org_id=other.org_id, email=email, name="Alice Elsewhere", key=_key(), interview=False
    )
    # Someone else in the same organisation.
    seed_person(db, org_id=org.org_id, email=f"bob.{suffix}@example.com", name="Bob B", key=_key())

    profile = candidate_profile(db, org_id=org.org_id, email=f"  alice.{suffix}@EXAMPLE.com ")

    assert profile.found
    assert profile.email == email.casefold()
    assert profile.names == ["Alice Ashdown"]  # the key's and the pipeline's name, once
    kinds = [e.kind for e in profile.timeline]
    assert kinds == [
        EventKind.interview_reviewed,
        EventKind.interview_assessed,
        EventKind.interview_answered,
        EventKind.interview_invited,
        EventKind.application_created,
        EventKind.reviewed,
        EventKind.evaluated,
        EventKind.submitted,
        EventKind.key_redeemed,
        EventKind.invited,
    ]
    times = [e.at for e in profile.timeline]
    assert times == sorted(times, reverse=True)
    by_kind = {e.kind: e for e in profile.timeline}

    report = f"/evaluations/{mine['evaluation_id']}"
    assert by_kind[EventKind.submitted].href == report
    assert "Payments API take-home" in by_kind[EventKind.submitted].text
    evaluated = by_kind[EventKind.evaluated]
    assert (evaluated.recommendation, evaluated.automated, evaluated.score) == ("hold", True, 70.0)
    assert evaluated.level == "mid"
    reviewed = by_kind[EventKind.reviewed]
    assert (reviewed.recommendation, reviewed.automated, reviewed.level) == (
        "proceed",
        False,
        "senior",
    )
    assert "reviewer@example.com" in reviewed.text and "Clear tests." in reviewed.text
    assert reviewed.href == report
    assert by_kind[EventKind.invited].href == f"/assessments/{mine['assessment_id']}"
    assert by_kind[EventKind.application_created].href == f"/jobs/{mine['job_id']}"
    assert "Staff Backend Engineer" in by_kind[EventKind.application_created].text
    interview = f"/interviews/{mine['interview_job_id']}"
    assert by_kind[EventKind.interview_invited].href == interview
    assert by_kind[EventKind.interview_assessed].recommendation == "hold"
    assert by_kind[EventKind.interview_reviewed].recommendation == "proceed"

    hrefs = {e.href for e in profile.timeline}
    assert f"/evaluations/{theirs['evaluation_id']}" not in hrefs

    summary = profile.summary
    assert (summary.assessments_taken, summary.invites, summary.applications) == (1, 1, 1)
    assert summary.interviews == 1
    # The newest person's decision: the interview reviewer's "proceed".
    assert (summary.latest_verdict, summary.latest_verdict_automated) == ("proceed", False)
    assert summary.latest_verdict_href == interview


def test_an_engine_proposal_is_the_verdict_until_someone_decides(db):
    from backend.models.evaluations import Evaluation

    org = make_org()
    email = f"carol.{uuid.uuid4().hex[:6]}@example.com"
    ids = seed_person(
        db, org_id=org.org_id, email=email, name="Carol C", key=_key(), interview=False
    )
    evaluation = db.get(Evaluation, ids["evaluation_id"])
    evaluation.status, evaluation.stage = "pending", "awaiting_review"
    evaluation.finalised_at = evaluation.final_recommendation = evaluation.claimed_at = None
    db.add(evaluation)
    db.commit()

    profile = candidate_profile(db, org_id=org.org_id, email=email)

    assert EventKind.reviewed not in {e.kind for e in profile.timeline}
    assert profile.timeline[0].kind == EventKind.evaluated
    assert profile.timeline[0].at == evaluation.stage_started_at.replace(
        tzinfo=profile.timeline[0].at.tzinfo
    )
    assert (profile.summary.latest_verdict, profile.summary.latest_verdict_automated) == (
        "hold",
        True,
    )


def test_an_unknown_address_is_an_empty_profile_and_a_non_address_is_refused(db):
    org = make_org()
    profile = candidate_profile(db, org_id=org.org_id, email="nobody@example.com")
    assert not profile.found
    assert profile.timeline == [] and profile.names == []
    assert profile.summary.latest_verdict == ""
    with pytest.raises(InvalidInput):
        candidate_profile(db, org_id=org.org_id, email="not an address")


def test_the_number_of_queries_does_not_grow_with_the_history(db):
    org = make_org()
    email = f"dora.{uuid.uuid4().hex[:6]}@example.com"

    def queries() -> int:
        statements: list[str] = []

        def count(conn, cursor, statement, *args):
            statements.append(statement)

        engine = get_engine()
        event.listen(engine, "before_cursor_execute", count)
        try:
            candidate_profile(db, org_id=org.org_id, email=email)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(statements)

    seed_person(db, org_id=org.org_id, email=email, name="Dora D", key=_key())
    once = queries()
    for day in range(1, 5):  # four more take-homes and interviews
        seed_person(
            db,
            org_id=org.org_id,
            email=email,
            name="Dora D",
            key=_key(),
            start=utcnow() - timedelta(days=20 + day),
        )
    assert queries() == once
    assert once <= 16


def test_profile_href_encodes_the_address():
    assert profile_href("a+b@example.com") == "/candidates/profile?email=a%2Bb@example.com"
    assert profile_href(None) == "" and profile_href(" ") == ""
