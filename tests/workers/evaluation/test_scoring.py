"""Rubric scoring from analyser signals: a clean, tested, documented submission outscores a messy
untested one wherever the difference shows, every score explains itself, risk flags steer the
recommendation, and the result is byte-for-byte reproducible.

The analyser reports are built by hand with the signal names the analysers produce (they are
tested against real repositories in tests/workers/evaluation/code/)."""

from __future__ import annotations

import json

import pytest

from backend.services.rubrics import default_rubric_categories
from workers.evaluation.calibration import LEVELS, default_model, fit, make_model
from workers.evaluation.code.evidence import AnalyserReport, Evidence, Observation, RiskFlag
from workers.evaluation.scoring import RULES, rules_table, score, signal_family

SECRET_FLAG = RiskFlag(
    "committed_secret",
    "high",
    "An AWS access key is committed in config/settings.py.",
    (Evidence(kind="file", file="config/settings.py", line=3),),
)


def clean_reports() -> dict[str, AnalyserReport]:
    """A tidy, typed, tested and documented submission."""
    return {
        "inventory": AnalyserReport(
            "inventory",
            {
                "source_files": 12,
                "source_lines": 1400,
                "primary_language": "python",
                "languages": "python",
                "language_count": 1,
                "modules": 8,
                "max_directory_depth": 3,
                "has_package_manifest": True,
                "largest_file_lines": 210,
                "type_annotation_ratio": 0.93,
                "error_handling_sites": 9,
            },
        ),
        "quality": AnalyserReport(
            "quality",
            {
                "lint_findings": 3,
                "lint_findings_per_kloc": 2.143,
                "functions": 64,
                "avg_complexity": 2.6,
                "max_complexity": 9,
                "complex_functions": 0,
                "long_functions": 0,
                "duplicate_blocks": 0,
            },
        ),
        "security": AnalyserReport(
            "security",
            {"committed_secrets": 0, "security_findings": 0, "high_severity_findings": 0},
        ),
        "documentation": AnalyserReport(
            "documentation",
            {
                "has_readme": True,
                "readme_words": 640,
                "has_setup_instructions": True,
                "has_tradeoffs_section": True,
                "tradeoff_statements": 7,
                "docstring_ratio": 0.81,
            },
            observations=[
                Observation(
                    "Reasoning and Trade-offs",
                    "Explains why SQLite was chosen over Postgres.",
                    1,
                    (
                        Evidence(
                            kind="quote",
                            file="README.md",
                            line=31,
                            excerpt="I chose SQLite because the brief needs one process.",
                        ),
                    ),
                )
            ],
        ),
        "history": AnalyserReport(
            "history",
            {
                "commits": 14,
                "authors": 1,
                "span_minutes": 170,
                "largest_commit_share": 0.22,
                "single_giant_commit": False,
                "commits_after_deadline": 0,
                "history_available": True,
            },
        ),
        "tests": AnalyserReport(
            "tests",
            {
                "tests_present": True,
                "test_files": 5,
                "tests_run": True,
                "tests_passed": 31,
                "tests_passing_own_code": 31,
                "tests_failed": 0,
                "tests_errors": 0,
                "tests_run_ok": True,
                "tests_timed_out": False,
                "sandbox_violation": False,
                "sandbox_violations": "",
                "sandbox_escape_attempt": False,
                "tests_line_coverage": 0.91,
                "tests_trivial": False,
            },
            observations=[
                Observation(
                    "Testing",
                    "tests/test_orders.py: 31 passed, 0 failed, 0 errors, 0 skipped.",
                    1,
                    (Evidence(kind="file", file="tests/test_orders.py"),),
                )
            ],
        ),
        "similarity": AnalyserReport("similarity", {"max_overlap": 0.04, "similar_submissions": 0}),
    }


def messy_reports() -> dict[str, AnalyserReport]:
    """The same task done in one untested, undocumented dump with a committed secret."""
    return {
        "inventory": AnalyserReport(
            "inventory",
            {
                "source_files": 2,
                "source_lines": 1300,
                "primary_language": "python",
                "languages": "python",
                "language_count": 1,
                "modules": 2,
                "max_directory_depth": 1,
                "has_package_manifest": False,
                "largest_file_lines": 1150,
                "type_annotation_ratio": 0.0,
                "error_handling_sites": 0,
            },
        ),
        "quality": AnalyserReport(
            "quality",
            {
                "lint_findings": 91,
                "lint_findings_per_kloc": 70.0,
                "functions": 11,
                "avg_complexity": 12.4,
                "max_complexity": 37,
                "complex_functions": 6,
                "long_functions": 5,
                "duplicate_blocks": 8,
            },
        ),
        "security": AnalyserReport(
            "security",
            {"committed_secrets": 1, "security_findings": 6, "high_severity_findings": 2},
            risk_flags=[SECRET_FLAG],
        ),
        "documentation": AnalyserReport(
            "documentation",
            {
                "has_readme": False,
                "readme_words": 0,
                "has_setup_instructions": False,
                "has_tradeoffs_section": False,
                "tradeoff_statements": 0,
                "docstring_ratio": 0.0,
            },
        ),
        "history": AnalyserReport(
            "history",
            {
                "commits": 1,
                "authors": 1,
                "span_minutes": 0,
                "largest_commit_share": 1.0,
                "single_giant_commit": True,
                "commits_after_deadline": 0,
                "history_available": True,
            },
            risk_flags=[RiskFlag("single_giant_commit", "low", "All 1,300 lines in one commit.")],
        ),
        "tests": AnalyserReport(
            "tests",
            {
                "tests_present": False,
                "test_files": 0,
                "tests_run": False,
                "tests_passed": 0,
                "tests_passing_own_code": 0,
                "tests_failed": 0,
                "tests_errors": 0,
                "tests_run_ok": False,
                "tests_timed_out": False,
                "sandbox_violation": False,
                "sandbox_violations": "",
                "sandbox_escape_attempt": False,
                "tests_line_coverage": None,
                "tests_trivial": False,
            },
        ),
        "similarity": AnalyserReport("similarity", {"max_overlap": 0.02, "similar_submissions": 0}),
    }


def middling_reports() -> dict[str, AnalyserReport]:
    """A competent submission with rough edges: some lint, middling complexity, few tests, a
    README that states decisions without weighing them."""
    reports = clean_reports()
    reports["documentation"].signals.update(
        has_tradeoffs_section=False, tradeoff_statements=1, docstring_ratio=0.3
    )
    reports["quality"].signals.update(avg_complexity=6.0, lint_findings_per_kloc=12.0)
    reports["tests"].signals.update(
        tests_passed=6, tests_passing_own_code=6, test_files=2, tests_line_coverage=0.6
    )
    reports["inventory"].signals.update(type_annotation_ratio=0.5)
    return reports


def run(reports: dict[str, AnalyserReport], **overrides) -> dict:
    options = {
        "rubric_categories": default_rubric_categories(),
        "target_level": "senior",
        "calibration": default_model(),
    }
    options.update(overrides)
    return score(reports, **options)


def scores(result: dict) -> dict[str, int]:
    return {entry["category"]: entry["score"] for entry in result["rubric_scores"]}


def category(result: dict, name: str) -> dict:
    return next(entry for entry in result["rubric_scores"] if entry["category"] == name)


def test_clean_submission_outscores_messy_one_on_every_category_the_difference_touches() -> None:
    clean, messy = scores(run(clean_reports())), scores(run(messy_reports()))

    for name in ("Code Quality", "Technical Depth", "Reasoning and Trade-offs", "Testing"):
        assert clean[name] >= messy[name] + 2, name
    assert clean["Security"] > messy["Security"]
    assert all(1 <= value <= 5 for value in [*clean.values(), *messy.values()])
    assert messy["Testing"] == 1 and messy["Reasoning and Trade-offs"] == 1


def test_clean_submission_reads_senior_or_above_and_messy_one_junior() -> None:
    clean, messy = run(clean_reports()), run(messy_reports())

    assert clean["calibrated_seniority"] in {"senior", "staff"}
    assert clean["recommendation"] == "proceed"
    assert messy["calibrated_seniority"] == "junior"
    # Two levels below a senior target: a reject proposal that a reviewer must confirm.
    assert messy["recommendation"] == "reject"
    assert any("reviewer must confirm" in reason for reason in messy["recommendation_reasons"])
    assert 0 <= messy["confidence_score"] <= 100 and isinstance(messy["confidence_score"], int)


def test_a_committed_secret_caps_security_and_holds_an_otherwise_clean_submission() -> None:
    reports = clean_reports()
    reports["security"] = AnalyserReport(
        "security",
        {"committed_secrets": 1, "security_findings": 0, "high_severity_findings": 0},
        risk_flags=[SECRET_FLAG],
    )

    result = run(reports)

    security = category(result, "Security")
    assert security["score"] <= 2
    assert any("secrets are committed" in o["text"] for o in security["observations"])
    assert result["risk_flags"][0]["code"] == "committed_secret"
    assert result["recommendation"] == "hold"  # high flag: a reviewer looks first


def test_a_suite_stopped_only_at_the_time_limit_costs_no_security_points() -> None:
    slow = clean_reports()
    slow["tests"].signals.update(
        tests_timed_out=True,
        tests_run_ok=False,
        sandbox_violation=True,
        sandbox_violations="timeout",
        sandbox_escape_attempt=False,
    )

    result = run(slow)

    assert (
        category(result, "Security")["score"] == category(run(clean_reports()), "Security")["score"]
    )
    assert not any(
        "sandbox stopped" in o["text"] for o in category(result, "Security")["observations"]
    )
    assert any("time limit" in o["text"] for o in category(result, "Testing")["observations"])


def test_tests_that_try_to_reach_the_network_cost_a_security_point() -> None:
    hostile = clean_reports()
    hostile["tests"].signals.update(
        sandbox_violation=True, sandbox_violations="network", sandbox_escape_attempt=True
    )

    result = run(hostile)

    clean_security = category(run(clean_reports()), "Security")["score"]
    security = category(result, "Security")
    assert security["score"] == clean_security - 1
    stopped = next(o for o in security["observations"] if "sandbox stopped" in o["text"])
    assert stopped["polarity"] == -1
    assert "tests.sandbox_escape_attempt = true" in stopped["evidence"][0]["excerpt"]


def test_a_copied_submission_is_proposed_for_rejection_whatever_its_quality() -> None:
    reports = clean_reports()
    reports["similarity"] = AnalyserReport(
        "similarity",
        {"max_overlap": 0.83, "similar_submissions": 1},
        risk_flags=[
            RiskFlag(
                "similar_submission",
                "high",
                "83% of this submission's code fingerprints also occur in evaluation ev-17.",
                (Evidence(kind="metric", excerpt="415 of 500 fingerprints shared"),),
            )
        ],
    )

    result = run(reports)

    assert result["recommendation"] == "reject"
    assert "ev-17" in result["risk_flags"][0]["message"]


def test_one_level_short_of_the_target_is_a_hold() -> None:
    result = run(middling_reports(), target_level="staff")

    assert result["calibrated_seniority"] == "senior"
    assert result["recommendation"] == "hold"
    assert run(middling_reports(), target_level="mid")["recommendation"] == "proceed"


def test_every_score_explains_itself_with_the_rule_and_the_measured_figure() -> None:
    result = run(messy_reports())

    quality = category(result, "Code Quality")
    lint = next(o for o in quality["observations"] if "Lint findings" in o["text"])
    assert "70 per 1,000 lines" in lint["text"]
    assert lint["polarity"] == -1
    [evidence] = lint["evidence"]
    assert evidence["kind"] == "metric"
    assert "quality.lint_findings_per_kloc = 70" in evidence["excerpt"]
    for entry in result["rubric_scores"]:
        assert entry["max_score"] == 5 and entry["weight"] == 1.0
        assert entry["observations"], entry["category"]
        assert all(o["category"] == entry["category"] for o in entry["observations"])


def test_level_descriptor_is_the_rubrics_text_for_the_score() -> None:
    rubric = default_rubric_categories()
    result = run(messy_reports(), rubric_categories=rubric)

    for entry, rubric_category in zip(result["rubric_scores"], rubric, strict=True):
        levels = rubric_category["criteria"][0]["levels"]
        assert entry["level_descriptor"] == levels[str(entry["score"])]
    assert category(result, "Testing")["level_descriptor"] == "No tests."


def test_analyser_observations_land_in_their_category_after_the_rules() -> None:
    result = run(clean_reports())

    testing = category(result, "Testing")["observations"]
    assert testing[-1]["text"].startswith("tests/test_orders.py: 31 passed")
    assert testing[-1]["evidence"] == [{"kind": "file", "file": "tests/test_orders.py"}]
    reasoning = category(result, "Reasoning and Trade-offs")["observations"]
    assert reasoning[-1]["evidence"][0]["kind"] == "quote"


def test_a_custom_category_without_signals_is_neutral_and_lowers_confidence() -> None:
    rubric = default_rubric_categories()
    custom = [*rubric, {"name": "Product Sense", "weight": 1.0, "criteria": []}]

    calibrated = make_model(default_model().slope, default_model().cuts, n_labels=50)
    plain = run(clean_reports(), calibration=calibrated)
    with_custom = run(clean_reports(), rubric_categories=custom, calibration=calibrated)

    product = category(with_custom, "Product Sense")
    assert product["score"] == 3 and product["signal_family"] is None
    assert "No automated signal covers" in product["observations"][0]["text"]
    assert with_custom["confidence_score"] < plain["confidence_score"]
    assert with_custom["calibration"]["profile"] == plain["calibration"]["profile"]


def test_a_renamed_category_is_scored_by_its_keywords() -> None:
    rubric = [
        {"name": "Maintainability and clean code", "weight": 2.0, "criteria": []},
        {"name": "Test design", "weight": 1.0, "criteria": []},
    ]
    result = run(messy_reports(), rubric_categories=rubric)

    assert [e["signal_family"] for e in result["rubric_scores"]] == ["quality", "testing"]
    assert [e["score"] for e in result["rubric_scores"]] == [1, 1]
    assert result["rubric_scores"][0]["weight"] == 2.0
    assert signal_family("Security architecture") == "security"


def test_missing_analysers_and_unrun_tests_lower_confidence_not_scores_to_nonsense() -> None:
    full = run(clean_reports())
    partial_reports = clean_reports()
    del partial_reports["history"]
    partial_reports["tests"].signals.update(tests_run=False, tests_run_ok=False, tests_passed=0)

    partial = run(partial_reports)

    assert partial["confidence_score"] < full["confidence_score"]
    assert category(partial, "Testing")["score"] == 3
    assert any(
        "could not be run" in o["text"] for o in category(partial, "Testing")["observations"]
    )


def test_risk_flags_are_sorted_by_severity_then_code() -> None:
    reports = messy_reports()
    reports["tests"].risk_flags.append(RiskFlag("failing_tests", "medium", "Tests fail."))
    reports["history"].risk_flags.append(
        RiskFlag("commits_after_deadline", "medium", "2 commits after the deadline.")
    )

    flags = run(reports)["risk_flags"]

    assert [(f["severity"], f["code"]) for f in flags] == [
        ("high", "committed_secret"),
        ("medium", "commits_after_deadline"),
        ("medium", "failing_tests"),
        ("low", "single_giant_commit"),
    ]


def test_the_calibration_model_decides_the_level_and_is_named_in_the_result() -> None:
    baseline = run(middling_reports())
    profile = baseline["calibration"]["profile"]
    generous = fit([(profile, "staff")] * 40)  # reviewers kept calling this profile staff

    recalibrated = run(middling_reports(), calibration=generous)

    assert baseline["calibrated_seniority"] == "senior"
    assert recalibrated["calibrated_seniority"] == "staff"
    assert recalibrated["engine"]["calibration_version"] == generous.version
    assert recalibrated["rubric_scores"] == baseline["rubric_scores"]


def test_same_reports_give_byte_identical_json_whatever_the_order() -> None:
    first = json.dumps(run(clean_reports()), sort_keys=True)
    reordered = dict(reversed(list(clean_reports().items())))
    second = json.dumps(run(reordered), sort_keys=True)

    assert first == second


def test_an_unknown_target_level_is_refused() -> None:
    with pytest.raises(ValueError, match="principal"):
        run(clean_reports(), target_level="principal")


def test_the_rules_table_documents_every_rule() -> None:
    table = rules_table()

    assert len(table) == len(RULES)
    secret = next(row for row in table if row["signal"] == "security.committed_secrets")
    assert secret["cap"] == 2 and secret["condition"] == ">= 1"


CALIBRATED = make_model(default_model().slope, default_model().cuts, n_labels=50)


def test_confidence_is_about_the_decision_so_a_clear_pass_is_as_sure_as_a_clear_fail() -> None:
    strong = run(clean_reports(), target_level="mid", calibration=CALIBRATED)
    weak = run(messy_reports(), target_level="mid", calibration=CALIBRATED)
    borderline = run(middling_reports(), target_level="staff", calibration=CALIBRATED)

    assert strong["recommendation"] == "proceed" and strong["confidence_score"] >= 85
    assert weak["recommendation"] == "hold" and weak["confidence_score"] >= 85
    assert borderline["confidence_score"] < min(strong["confidence_score"], 70)
    assert strong["calibration"]["decision_probability"] > 0.99


def test_measurements_that_contradict_the_verdict_lower_the_confidence() -> None:
    consistent = run(clean_reports(), target_level="mid", calibration=CALIBRATED)
    gamed = clean_reports()
    gamed["tests"].signals.update(tests_trivial=True, tests_line_coverage=0.0)

    disagreeing = run(gamed, target_level="mid", calibration=CALIBRATED)

    assert category(disagreeing, "Testing")["score"] == 1
    assert consistent["calibration"]["evidence"]["weak"] == []
    assert "tests that execute the code" in disagreeing["calibration"]["evidence"]["weak"]
    # Trivial tests are no suite: they vote weak on its size too, as no tests do, rather than
    # abstain (an abstention let a dozen trivial tests lift a held verdict to proceed).
    assert "size of the passing suite" in disagreeing["calibration"]["evidence"]["weak"]
    assert disagreeing["confidence_score"] < consistent["confidence_score"]


def test_a_proceed_that_every_measurement_contradicts_is_held_for_a_reviewer() -> None:
    # Surface points (README, trade-offs, manifest, no security findings) carry the profile to
    # mid, while the tests barely run the code and there are no docstrings or types.
    reports = clean_reports()
    reports["tests"].signals.update(
        tests_passed=2, tests_passing_own_code=2, test_files=1, tests_line_coverage=0.21
    )
    reports["documentation"].signals.update(docstring_ratio=0.0)
    reports["inventory"].signals.update(type_annotation_ratio=0.0)

    result = run(reports, target_level="junior", calibration=CALIBRATED)

    assert LEVELS.index(result["calibrated_seniority"]) >= LEVELS.index("junior")
    assert result["recommendation"] == "hold"
    assert any("independent measurements" in r for r in result["recommendation_reasons"])
    assert result["calibration"]["evidence"]["share_strong"] <= 0.2


def test_a_model_no_reviewer_has_corrected_never_claims_more_than_75() -> None:
    assert run(messy_reports())["confidence_score"] <= 75
    assert run(messy_reports(), calibration=CALIBRATED)["confidence_score"] > 75


def test_well_tested_work_is_held_not_rejected_whatever_the_level_estimate() -> None:
    reports = messy_reports()
    reports["tests"] = clean_reports()["tests"]  # tests pass and execute 91% of the code

    result = run(reports, target_level="staff")

    assert LEVELS.index("staff") - LEVELS.index(result["calibrated_seniority"]) >= 2
    assert result["recommendation"] == "hold"
    assert any("Held, not rejected" in reason for reason in result["recommendation_reasons"])
