"""The dashboard's funnels on real rows with known timestamps: each step per assessment and per
job, the median time from submission to the reviewer's decision (odd and even counts), the pass
rate of the decided candidates, take-homes waiting past their SLA, and nothing of another
organisation."""

from __future__ import annotations

import pytest

from backend.services.funnel import assessment_funnel, dashboard_funnels, job_funnel
from tests.funnel_rows import NOW, assessment, evaluation, seed_interviews, seed_take_homes
from tests.helpers import make_org


@pytest.fixture
def orgs(db):
    org, other = make_org(), make_org()
    queue, cache = seed_take_homes(db, org.org_id)
    job = seed_interviews(db, org.org_id, "Platform engineer")
    # Another organisation's rows, with other timings: none may show in ``org``'s figures.
    theirs = assessment(db, other.org_id, "Their queue")
    evaluation(db, other.org_id, theirs, reviewed_after_h=50, recommendation="reject")
    seed_interviews(db, other.org_id, "Their job")
    return org, other, queue, cache, job


def test_each_assessment_has_its_steps_median_time_to_review_and_pass_rate(db, orgs):
    org, _, queue, cache, _ = orgs
    rows = assessment_funnel(db, org_id=org.org_id, now=NOW)

    assert [row.title for row in rows] == ["Cache service", "Queue service"]
    newer, older = rows
    assert older.assessment_id == queue
    assert [(s.label, s.count) for s in older.steps()] == [
        ("Invited", 3),
        ("Started", 3),
        ("Submitted", 6),
        ("Reviewed", 3),
        ("Hired", 1),
    ]
    assert older.review.decided == 3 and older.review.passed == 2
    assert older.review.pass_rate == pytest.approx(2 / 3)
    assert older.review.median_hours == 4.0  # of 2, 4 and 10 hours
    assert older.review.overdue == 1  # the open one past due; not the failed one

    assert newer.assessment_id == cache
    assert newer.review.median_hours == 2.5  # of 1 and 4 hours: the middle two averaged
    assert newer.review.pass_rate == 0.5
    assert newer.review.overdue == 0


def test_each_job_has_its_interview_steps_median_time_to_review_and_pass_rate(db, orgs):
    org, _, _, _, job = orgs
    [row] = job_funnel(db, org_id=org.org_id)

    assert row.job_id == job and row.title == "Platform engineer"
    assert [(s.label, s.count) for s in row.steps()] == [
        ("Applied", 4),
        ("Invited", 3),  # Bob's two calls count once
        ("Interviewed", 3),
        ("Assessed", 2),
        ("Decided", 2),
    ]
    assert row.review.passed == 1 and row.review.pass_rate == 0.5
    assert row.review.median_hours == 4.0  # of 2 and 6 hours
    assert row.review.overdue is None  # interviews have no review SLA


def test_another_organisation_sees_only_its_own(db, orgs):
    _, other, _, _, _ = orgs
    funnels = dashboard_funnels(db, org_id=other.org_id, now=NOW)

    [assessment] = funnels.assessments
    assert assessment.title == "Their queue"
    assert (assessment.submitted, assessment.review.median_hours) == (1, 50.0)
    assert assessment.review.pass_rate == 0.0
    [job] = funnels.jobs
    assert job.title == "Their job" and job.applied == 4


def test_an_organisation_without_assessments_or_jobs_has_no_funnel(db):
    funnels = dashboard_funnels(db, org_id=make_org().org_id)
    assert funnels.assessments == [] and funnels.jobs == []
