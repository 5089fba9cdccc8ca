"""Comparing candidates of one assessment (backend/services/evaluations/comparison.py), on rows
made the real way: keys with names, sessions redeemed and submitted through the candidate
routes, results stored by the engine's lifecycle, a review through the review routes."""

from __future__ import annotations

import pytest

from backend.services.errors import InvalidInput, NotFound
from backend.services.evaluations.comparison import compare_evaluations
from tests.api.assessments.helpers import create_assessment, generate_keys, redeem
from tests.api.evaluations.helpers import API, automated_result, finish_automated, submit
from tests.helpers import bearer, make_org

CANDIDATES = [
    ("ada@example.com", "Ada Lovelace"),
    ("grace@example.com", "Grace Hopper"),
    ("linus@example.com", "Linus Pauling"),
    ("dora@example.com", ""),  # no name: the email stands in
]


def _rubric(quality: int, testing: int) -> list[dict]:
    return [
        {"category": "Code Quality", "score": quality, "max_score": 5, "observations": []},
        {"category": "Testing", "score": testing, "max_score": 5, "observations": []},
    ]


def _submitted(client, org, assessment_id: str, candidates) -> list[str]:
    """Keys for ``candidates`` (email, name), each redeemed and submitted from its session:
    the evaluation ids, in the candidates' order."""
    keys = generate_keys(
        client,
        org,
        assessment_id,
        count=len(candidates),
        candidateEmails=[email for email, _ in candidates],
        candidateNames=[name for _, name in candidates],
    )
    by_email = {k["candidateEmail"]: k["key"] for k in keys}
    ids = []
    for email, _ in candidates:
        key = by_email[email]
        started = redeem(client, key)
        assert started.status_code == 201, started.text
        session_id = started.json()["session"]["id"]
        response = client.post(
            f"{API}/sessions/{session_id}/submission",
            json={"repoUrl": f"https://github.com/candidate/{email.split('@')[0]}"},
            headers=bearer(key),
        )
        assert response.status_code == 201, response.text
        ids.append(response.json()["submission"]["evaluationId"])
    return ids


def _post(client, org, path, body=None, **params):
    response = client.post(f"{API}{path}", json=body, params=params, headers=org.headers)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture()
def cohort(client):
    """Four scored candidates of one assessment; Linus reviewed and finalised."""
    org = make_org()
    assessment = create_assessment(client, org)
    ada, grace, linus, dora = _submitted(client, org, assessment["id"], CANDIDATES)
    finish_automated(ada, automated_result(rubric_scores=_rubric(5, 4), risk_flags=[]))  # 90
    finish_automated(grace, automated_result(rubric_scores=_rubric(4, 2)))  # 60, low flag
    secret = {"code": "committed_secret", "severity": "high", "message": "A password."}
    finish_automated(
        linus,
        automated_result(rubric_scores=_rubric(3, 3), risk_flags=[secret], recommendation="reject"),
    )  # 60, then 70 after the review
    finish_automated(dora, automated_result(rubric_scores=_rubric(2, 1)))  # 30
    _post(client, org, f"/evaluations/{linus}/claim", {"reviewer": "rita"})
    _post(
        client,
        org,
        f"/evaluations/{linus}/review",
        {"scores": [{"category": "Testing", "score": 4}], "note": "Tests are better than read."},
        reviewer="rita",
    )
    _post(
        client,
        org,
        f"/evaluations/{linus}/finalise",
        {"recommendation": "hold", "calibrated_seniority": "mid", "note": "Second interview."},
        reviewer="rita",
    )
    return org, assessment, {"ada": ada, "grace": grace, "linus": linus, "dora": dora}


def test_three_candidates_side_by_side(cohort, db):
    org, assessment, ids = cohort
    comparison = compare_evaluations(
        db,
        org_id=org.org_id,
        assessment_id=assessment["id"],
        evaluation_ids=[ids["ada"], ids["grace"], ids["linus"]],
    )
    assert comparison.assessment_id == assessment["id"]
    assert comparison.assessment_title == assessment["title"]
    assert comparison.cohort_size == 4
    ada, grace, linus = comparison.candidates
    assert [c.evaluation_id for c in comparison.candidates] == [
        ids["ada"],
        ids["grace"],
        ids["linus"],
    ]
    assert (ada.name, ada.email) == ("Ada Lovelace", "ada@example.com")
    assert ada.candidate_ref.startswith("TL-")  # the key: what the reports were headed by
    assert ada.report_url == f"/evaluations/{ids['ada']}"

    # Overall: share of the rubric maximum after adjustments; Linus's Testing went 3 → 4.
    assert [c.overall_score for c in comparison.candidates] == [90.0, 60.0, 70.0]
    assert [c.best_overall for c in comparison.candidates] == [True, False, False]
    # Percentile among the 3 others (Dora's 30 counts): Ada beats all, Grace only Dora,
    # Linus Grace and Dora.
    assert [c.percentile for c in comparison.candidates] == [100, 33, 67]
    assert [c.rank for c in comparison.candidates] == [1, 3, 2]
    assert [c.best_percentile for c in comparison.candidates] == [True, False, False]

    # Verdict and level: the reviewer's once finalised, the engine's before, marked as such.
    assert (ada.verdict, ada.verdict_source) == ("proceed", "automated")
    assert (ada.level, ada.level_source) == ("senior", "automated")
    assert (linus.verdict, linus.verdict_source) == ("hold", "final")
    assert (linus.level, linus.level_source) == ("mid", "final")
    assert linus.status == "completed" and grace.status == "pending"

    assert ada.risk_flags == []
    assert [(f.code, f.severity) for f in grace.risk_flags] == [("single_giant_commit", "low")]
    assert [(f.code, f.severity) for f in linus.risk_flags] == [("committed_secret", "high")]

    rows = {row.category: row for row in comparison.categories}
    assert list(rows) == ["Code Quality", "Testing"]
    assert rows["Code Quality"].max_score == 5
    assert [s.score for s in rows["Code Quality"].scores] == [5, 4, 3]
    assert [s.best for s in rows["Code Quality"].scores] == [True, False, False]
    # A tie at the top marks both.
    assert [s.score for s in rows["Testing"].scores] == [4, 2, 4]
    assert [s.best for s in rows["Testing"].scores] == [True, False, True]


def test_name_falls_back_to_the_email_and_unscored_candidates_show_no_numbers(client, db):
    org = make_org()
    assessment = create_assessment(client, org)
    scored, waiting = _submitted(client, org, assessment["id"], [CANDIDATES[0], CANDIDATES[3]])
    finish_automated(scored)  # 70: Code Quality 4, Testing 3
    comparison = compare_evaluations(
        db,
        org_id=org.org_id,
        assessment_id=assessment["id"],
        evaluation_ids=[waiting, scored, waiting],  # a repeated id counts once
    )
    first, second = comparison.candidates
    assert (first.name, first.email) == ("dora@example.com", "dora@example.com")
    assert first.overall_score is None and first.percentile is None and first.rank is None
    assert first.verdict is None and first.verdict_source is None and first.level is None
    assert second.overall_score == 70.0
    # Alone in its cohort: a rank but no percentile; nothing to be best against.
    assert (second.rank, second.percentile) == (1, None)
    assert comparison.cohort_size == 1
    assert not first.best_overall and not second.best_overall
    for row in comparison.categories:
        assert row.scores[0].score is None
        assert not any(s.best for s in row.scores)


def test_refuses_other_assessments_organisations_and_wrong_counts(cohort, client, db):
    org, assessment, ids = cohort
    other_assessment = create_assessment(client, org, title="Frontend take-home")
    (elsewhere,) = _submitted(client, org, other_assessment["id"], [CANDIDATES[0]])
    from_api = submit(client, org)["id"]  # no assessment at all
    stranger = make_org()
    foreign_assessment = create_assessment(client, stranger)
    (foreign,) = _submitted(client, stranger, foreign_assessment["id"], [CANDIDATES[1]])

    def compare(evaluation_ids, assessment_id=assessment["id"]):
        return compare_evaluations(
            db, org_id=org.org_id, assessment_id=assessment_id, evaluation_ids=evaluation_ids
        )

    for mixed in (elsewhere, from_api):
        with pytest.raises(InvalidInput) as refused:
            compare([ids["ada"], mixed])
        assert refused.value.code == "mixed_assessments"
        assert "only candidates of one assessment" in refused.value.message
    with pytest.raises(NotFound):
        compare([ids["ada"], foreign])  # another organisation's: as if it did not exist
    with pytest.raises(NotFound):
        compare([foreign, foreign + "x"], assessment_id=foreign_assessment["id"])
    with pytest.raises(NotFound):
        compare([ids["ada"], ids["grace"]], assessment_id="no-such-assessment")
    for wrong in (
        [ids["ada"]],
        [ids["ada"], ids["ada"]],
        [],
        [ids["ada"]] + [f"x{i}" for i in range(6)],
    ):
        with pytest.raises(InvalidInput) as refused:
            compare(wrong)
        assert refused.value.code == "invalid_comparison"
