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


def _rule(report_signal: str, value: str, rule: str) -> dict:
    return {"kind": "metric", "excerpt": f"{report_signal} = {value} (rule: {rule})"}


def _observation(text: str, polarity: int, *evidence: dict) -> dict:
    return {"text": text, "polarity": polarity, "evidence": list(evidence)}


def test_the_summary_weighs_points_and_each_sentence_is_shown_once(db):
    org = make_org()
    late = _observation("Tests arrived late.", -1, {"kind": "commit", "commit": "3f2a9c1d4e5b"})
    result = _result()
    result["rubric_scores"] = [
        {
            "category": "Code Quality",
            "score": 4,
            "max_score": 5,
            "observations": [
                _observation("Handlers are small.", 1, HANDLERS),
                _observation(
                    "Few lint findings.",
                    1,
                    _rule("quality.lint_findings_per_kloc", "0", "<= 5 → +0.5 points"),
                ),
                _observation(
                    "A function is tangled.",
                    -1,
                    _rule("quality.max_complexity", "24", "> 20 → -0.5 points"),
                ),
            ],
        },
        {
            "category": "Technical Depth",
            "score": 2,
            "max_score": 5,
            "observations": [late, _observation("Types everywhere.", 1)],
        },
        {
            "category": "Testing",
            "score": 1,
            "max_score": 5,
            "observations": [
                {**late, "text": " tests arrived  LATE. "},  # the same sentence again
                _observation(
                    "No tests ran.",
                    -1,
                    _rule(
                        "tests.tests_present", "false", "== false → -2 points, score capped at 1"
                    ),
                ),
                _observation("The tests are readable.", 1),
            ],
        },
    ]
    evaluation = _evaluation(db, org.org_id, result)
    data = read_report(db, org_id=org.org_id, evaluation_id=evaluation.id)

    depth, testing = data.categories[1], data.categories[2]
    assert [o["text"] for o in depth["observations"]] == [
        "Tests arrived late.",
        "Types everywhere.",
    ]
    assert depth["observations"][0]["also"] == "Also counts for Testing"
    assert [o["text"] for o in testing["observations"]] == [
        "No tests ran.",
        "The tests are readable.",
    ]
    assert testing["shared"] == "1 more observation listed under Technical Depth."
    assert testing["tally"] == "1 strength · 1 weakness"

    summary = data.summary
    assert summary["overall"] == "46.7"  # 7 of 15
    assert summary["decided_by"] == "Not reviewed yet"
    # Strengths: the ones that moved the score most, the better-scored category first.
    assert [p["text"] for p in summary["strengths"]] == [
        "Handlers are small.",
        "Types everywhere.",
        "The tests are readable.",
    ]
    # Weaknesses: a capping 2-point rule, then the worst-scored category's, each once.
    assert [p["text"] for p in summary["weaknesses"]] == [
        "No tests ran.",
        "Tests arrived late.",
        "A function is tangled.",
    ]
    (chip,) = summary["weaknesses"][0]["evidence"]
    assert chip["label"] == "Takes 2 points off, caps the score at 1"
    assert chip["why"] == (
        "Measured tests present: false. The rule “is false” applies: "
        "takes 2 points off, caps the score at 1."
    )
    assert chip["arithmetic"].startswith("tests.tests_present = false (rule:")
    lint = data.categories[0]["observations"][1]["evidence"][0]
    assert (lint["label"], lint["kind"]) == ("Adds 0.5 points", "metric")
    assert data.categories[0]["observations"][0]["evidence"][0]["why"] == ""  # a file: no rule


def test_the_rule_excerpt_is_read_as_the_engine_writes_it():
    from workers.evaluation.scoring import RULES, _rule_observation

    capped = next(r for r in RULES if r.cap is not None)
    for rule, value in ((RULES[0], 0), (capped, 2)):
        observation = _rule_observation("Any", rule, value)
        result = read_result(
            {"rubric_scores": [{"category": "Any", "observations": [observation.to_dict()]}]}
        )
        assert result is not None
        parsed = result.rubric_scores[0].observations[0].evidence[0].rule
        assert parsed is not None
        assert (parsed.report, parsed.signal, parsed.op) == (rule.report, rule.signal, rule.op)
        assert parsed.points == rule.points and parsed.cap == rule.cap
