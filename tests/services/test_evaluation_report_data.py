"""The evaluation report reads the engine's result leniently into what a recruiter sees: every
category with its observations and the evidence each cites, risk flags, the reviewer's
adjustments; seed 000's plain sentences and odd parts do not break the page."""

from __future__ import annotations

from datetime import timedelta

from backend.models.base import utcnow
from backend.models.evaluation_result import read_result
from backend.models.evaluations import Evaluation
from tests.helpers import make_org
from truelevel_app.pages.evaluation_report import read_report
from truelevel_app.pages.evaluation_report.evidence import stored_detail

HANDLERS = {
    "kind": "file",
    "file": "app/handlers.py",
    "line": 12,
    "end_line": 13,
    "excerpt": "def create(request):\n    return save(request)",
}


def _result() -> dict:
    return {
        "recommendation": "hold",
        "confidence_score": 71,
        "calibrated_seniority": "mid",
        "rubric_scores": [
            {
                "category": "Code Quality",
                "score": 3,
                "max_score": 5,
                "observations": [
                    {"text": "Handlers are small.", "polarity": 1, "evidence": [HANDLERS]},
                    "A plain sentence, as seed 000 prints it.",
                ],
            },
            {"category": "Testing", "score": 2, "max_score": 5, "observations": []},
        ],
        "risk_flags": ["Something a reviewer should look at.", {"code": "x", "severity": None}],
        "engine": {"version": "e2e-1", "rubric_id": "default", "rubric_version": 1},
    }


def _evaluation(db, org_id: str, result: dict | None, **fields) -> Evaluation:
    evaluation = Evaluation(
        org_id=org_id,
        candidate_ref="CAND-1",
        target_role="Backend Engineer",
        target_level="senior",
        artefact_type="github_repo",
        artefact_url="https://git.example.com/x.git",
        estimated_completion=utcnow() + timedelta(hours=24),
        automated_result=result,
        **fields,
    )
    db.add(evaluation)
    db.flush()
    return evaluation


def test_the_result_is_read_leniently():
    assert read_result(None) is None and read_result({}) is None
    result = read_result(
        {
            "confidence_score": "not a number",
            "rubric_scores": [
                {"category": "Security", "score": 1, "max_score": 0, "observations": None},
                "not a category",
            ],
            "risk_flags": None,
        }
    )
    assert result is not None
    assert [c.category for c in result.rubric_scores] == ["Security"]
    assert result.rubric_scores[0].max_score == 5  # no maximum: seed 000's five
    assert result.confidence_score is None and result.risk_flags == []


def test_the_report_lists_categories_evidence_flags_and_adjustments(db):
    org = make_org()
    evaluation = _evaluation(db, org.org_id, _result(), review_scores={"Testing": 3})
    data = read_report(db, org_id=org.org_id, evaluation_id=evaluation.id)

    assert data.report["recommendation_label"] == "Hold"
    assert data.report["seniority_vs_target"] == "one level below the target level (senior)"
    assert data.report["versions"] == "engine e2e-1 · rubric default v1"
    quality, testing = data.categories
    assert quality["score"] == "3 / 5" and testing["score"] == "3 / 5"  # the reviewer's 3
    assert [o["text"] for o in quality["observations"]] == [
        "Handlers are small.",
        "A plain sentence, as seed 000 prints it.",
    ]
    (chip,) = quality["observations"][0]["evidence"]
    assert chip["label"] == "app/handlers.py:12–13"
    detail = stored_detail(data.evidence, chip["key"])
    assert detail is not None and detail["title"] == "app/handlers.py, lines 12–13"
    assert [line["number"] for line in detail["lines"]] == [12, 13]
    assert stored_detail(data.evidence, "no-such-key") is None
    assert [(f["severity"], f["message"]) for f in data.flags] == [
        ("medium", "Something a reviewer should look at."),
        ("medium", ""),
    ]
    assert [(a["category"], a["automated"], a["score"]) for a in data.adjustments] == [
        ("Testing", "2", "3")
    ]
    assert data.cohort["score"] == "60"  # (3 + 3) of 10


def test_an_evaluation_without_a_result_shows_none(db):
    org = make_org()
    evaluation = _evaluation(db, org.org_id, None)
    data = read_report(db, org_id=org.org_id, evaluation_id=evaluation.id)
    assert data.report["has_result"] is False
    assert data.categories == [] and data.flags == [] and not data.cohort["available"]
