"""Rubric scoring of a code evaluation: named analyser signals → category scores 1..5 →
calibrated seniority, confidence and a recommendation relative to the target level.

How a category is scored. Each rubric category is mapped to a *signal family* by keywords in its
name (``signal_family``). A family's score starts at ``BASE_SCORE`` (3, "meets the bar") and every
rule of ``RULES`` that fires adds its points; the sum is rounded (ties down, the cautious reading)
and clamped to 1..5, then any cap of a fired rule applies (a committed secret caps Security at 2).
Every fired rule becomes an observation that cites the measured figure, followed by the
analysers' own observations for that category, so a reviewer sees why each score is what it is.
``rules_table()`` prints the same table for documentation and reports.

A custom category no family covers is scored 3 with an observation saying so; it is left out of
the rubric profile (a placeholder is not evidence) and lowers the confidence.

Confidence (``calibration.confidence_score``) is the mean of the model's probability of the
decision proposed (the levels that lead to it) and the support that independent measurements of
the code give it (``evidence_balance``), times evidence coverage, under a ceiling that rises with
the reviewer decisions the calibration was fitted on. A hold that only a risk flag causes is as
right as the flag, so its probability is scaled by ``FLAG_HOLD_DOUBT``.

Recommendation (only a proposal; a human finalises every evaluation, a ``reject`` in particular):

- ``reject`` when the calibrated level is two or more levels below the target (unless the
  candidate's own tests pass and execute at least ``WELL_TESTED_COVERAGE`` of their code: then
  ``hold``), or a high-severity ``similar_submission`` flag suggests the work is not the
  candidate's own;
- ``proceed`` when the calibrated level reaches the target, no risk flag is high-severity and the
  independent measurements do not nearly all contradict it (``Balance.contradicts_proceed``: a
  profile made of surface points while the tests, lint, docstrings and types all say weak);
- ``hold`` otherwise (one level short, a high-severity flag such as a committed secret or a
  sandbox violation that a reviewer should look at first, or a contradicted proceed).

Determinism: rules are applied in table order, reports read in name order, floats rounded to 3
decimals; dump the result with ``json.dumps(..., sort_keys=True)``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from workers.evaluation import rules
from workers.evaluation.calibration import (
    LEVELS,
    CalibrationModel,
    confidence_score,
    level_probabilities,
    predict,
    probability_of,
    weighted_profile,
)
from workers.evaluation.code.evidence import AnalyserReport, Evidence, Observation
from workers.evaluation.evidence_balance import Balance, balance

SCORING_VERSION = "rules-5"
BASE_SCORE = 3.0
MIN_SCORE, MAX_SCORE = 1, 5
Family = Literal["quality", "depth", "reasoning", "testing", "security"]

# First match wins, in this order: "Test design" is about testing, "Security architecture" about
# security, "Maintainable design" about depth.
FAMILY_KEYWORDS: tuple[tuple[Family, tuple[str, ...]], ...] = (
    ("security", ("secur",)),
    ("testing", ("test",)),
    ("reasoning", ("reason", "trade", "communication", "documentation")),
    ("depth", ("depth", "technical", "architecture", "design")),
    ("quality", ("quality", "clean", "maintain")),
)
# Flags that make a reject proposal by themselves when high-severity: the work may not be the
# candidate's own. A committed secret or a sandbox violation only holds the evaluation.
REJECT_FLAGS = frozenset({"similar_submission"})
# Passing tests that execute this share of the candidate's code rule out a proposed reject.
WELL_TESTED_COVERAGE = 0.6
# A hold that only a risk flag causes (the level meets the target) is as right as the flag is,
# which no signal here can say: its confidence is scaled by this. Measured on bench/validity's
# tuning half: the holds caused by a flag were the confident wrong verdicts (false alarms).
FLAG_HOLD_DOUBT = 0.6
_SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
Signal = float | int | str | bool | None


@dataclass(frozen=True)
class Rule:
    """``report.signal op threshold`` adds ``points`` to ``family``'s score when it holds.

    ``cap`` limits the category score when the rule fires; ``coverage`` (< 1) marks a rule that
    says part of the category could not be measured; ``requires`` lists ``(report, signal,
    value)`` conditions without which the rule does not apply (no git history, tests not run);
    ``optional`` rules treat a missing signal as not applicable instead of as missing evidence
    (type annotations are only measured for Python and TypeScript).
    """

    family: Family
    report: str
    signal: str
    op: rules.Operator
    threshold: float | bool
    points: float
    text: str  # the observation; ``{value}`` is replaced by the measured value
    cap: int | None = None
    coverage: float = 1.0
    requires: tuple[tuple[str, str, Signal], ...] = ()
    optional: bool = False


_RAN = (("tests", "tests_run", True),)
# Tests that ran and executed some of the candidate's own code (or where that is not measured).
_EXERCISED = (*_RAN, ("tests", "tests_trivial", False))
_HAS_HISTORY = (("history", "history_available", True),)

RULES: tuple[Rule, ...] = (
    # Code Quality: lint, complexity, size of functions, error handling, docstrings.
    Rule("quality", "quality", "lint_findings_per_kloc", "<=", 5, 0.5,
         "Few lint findings: {value} per 1,000 lines."),
    Rule("quality", "quality", "lint_findings_per_kloc", ">", 20, -1,
         "Many lint findings: {value} per 1,000 lines."),
    Rule("quality", "quality", "lint_findings_per_kloc", ">", 50, -1,
         "Lint findings are pervasive: {value} per 1,000 lines."),
    Rule("quality", "quality", "avg_complexity", "<=", 4, 0.5,
         "Functions are small and simple: average cyclomatic complexity {value}."),
    Rule("quality", "quality", "avg_complexity", ">", 8, -1,
         "Functions are tangled: average cyclomatic complexity {value}."),
    Rule("quality", "quality", "max_complexity", ">", 20, -0.5,
         "At least one function is very hard to follow: cyclomatic complexity {value}."),
    Rule("quality", "quality", "long_functions", ">=", 3, -0.5,
         "{value} functions are longer than 60 lines."),
    Rule("quality", "quality", "duplicate_blocks", ">=", 5, -0.5,
         "{value} blocks of code are duplicated."),
    Rule("quality", "inventory", "error_handling_sites", "==", 0, -0.5,
         "No error handling anywhere in the code."),
    Rule("quality", "inventory", "error_handling_sites", ">=", 3, 0.5,
         "Failures are handled explicitly in {value} places."),
    Rule("quality", "documentation", "docstring_ratio", ">=", 0.5, 0.5,
         "Most functions explain themselves in a docstring ({value} of them)."),
    # Technical Depth: correctness as far as the candidate's own tests show it, typing, structure.
    Rule("depth", "tests", "tests_run_ok", "==", True, 0.5,
         "The candidate's own tests pass, evidence that the solution works as intended.",
         requires=_EXERCISED),
    Rule("depth", "tests", "tests_failed", ">", 0, -0.5,
         "{value} of the candidate's own tests fail: the solution is incomplete or broken.",
         requires=_RAN),
    Rule("depth", "inventory", "type_annotation_ratio", ">=", 0.8, 0.5,
         "Interfaces are typed: {value} of functions carry type annotations.", optional=True),
    Rule("depth", "inventory", "type_annotation_ratio", "<", 0.2, -0.5,
         "Almost no type annotations ({value} of functions).", optional=True),
    Rule("depth", "inventory", "has_package_manifest", "==", False, -0.5,
         "No package manifest: dependencies and how to run the project are undeclared."),
    Rule("depth", "inventory", "largest_file_lines", ">", 800, -0.5,
         "One file holds {value} lines: responsibilities are not separated."),
    # Reasoning and Trade-offs: the candidate's own explanation and how the work was broken down.
    Rule("reasoning", "documentation", "has_readme", "==", False, -1.5,
         "No README about this code: nothing explains the approach or how to run it."),
    Rule("reasoning", "documentation", "readme_words", "<", 80, -0.5,
         "The README is very short ({value} words).",
         requires=(("documentation", "has_readme", True),)),
    Rule("reasoning", "documentation", "has_setup_instructions", "==", True, 0.5,
         "The README says how to set up and run the project."),
    Rule("reasoning", "documentation", "has_tradeoffs_section", "==", True, 0.5,
         "The README has a section on decisions, trade-offs or limitations."),
    Rule("reasoning", "documentation", "tradeoff_statements", ">=", 3, 0.5,
         "{value} sentences justify a choice or name a limitation."),
    Rule("reasoning", "documentation", "tradeoff_statements", "==", 0, -0.5,
         "No sentence anywhere explains why a choice was made."),
    Rule("reasoning", "history", "single_giant_commit", "==", True, -0.5,
         "The work arrived in one giant commit: no visible steps.", requires=_HAS_HISTORY),
    Rule("reasoning", "history", "commits", ">=", 5, 0.5,
         "The work was built up in {value} commits.", requires=_HAS_HISTORY),
    Rule("reasoning", "history", "history_available", "==", False, 0, coverage=0.75,
         text="No git history (a zip upload): how the work was broken into steps is not measured."),
    # Testing: presence, outcome and extent of the candidate's tests.
    Rule("testing", "tests", "tests_present", "==", False, -2,
         "The submission has no automated tests."),
    Rule("testing", "tests", "tests_trivial", "==", True, -2,
         "The tests never execute the candidate's own code: they earn no Testing points.",
         requires=_RAN),
    # Passing counts as much as what the passing tests execute: half for passing, half for
    # executing a fair share of the code, and a suite that leaves most of it unexecuted loses.
    Rule("testing", "tests", "tests_run_ok", "==", True, 0.5,
         "The tests ran in the sandbox and all of them passed.", requires=_EXERCISED),
    Rule("testing", "tests", "tests_line_coverage", ">=", 0.4, 0.5,
         "The tests execute {value} of the candidate's own lines.", requires=_EXERCISED,
         optional=True),
    Rule("testing", "tests", "tests_line_coverage", ">=", 0.8, 0.5,
         "Most of the code is tested: {value} of the candidate's own lines run in the tests.",
         requires=_EXERCISED, optional=True),
    Rule("testing", "tests", "tests_line_coverage", "<", 0.4, -1,
         "The tests execute only {value} of the candidate's own lines.", requires=_EXERCISED,
         optional=True),
    Rule("testing", "tests", "tests_failed", ">", 0, -1,
         "{value} tests fail.", requires=_RAN),
    Rule("testing", "tests", "tests_errors", ">", 0, -0.5,
         "{value} tests error out before asserting anything.", requires=_RAN),
    Rule("testing", "tests", "tests_timed_out", "==", True, -0.5,
         "The test run did not finish within the time limit.", requires=_RAN),
    Rule("testing", "tests", "tests_passing_own_code", ">=", 10, 0.5,
         "{value} passing tests execute the candidate's own code.", requires=_EXERCISED),
    Rule("testing", "tests", "test_files", ">=", 3, 0.5,
         "Tests are spread over {value} files.", requires=_EXERCISED),
    Rule("testing", "tests", "tests_run", "==", False, 0, coverage=0.5,
         text="Tests were found but could not be run here; only their presence is scored.",
         requires=(("tests", "tests_present", True),)),
    # Security: secrets, static findings, what the sandbox had to stop.
    Rule("security", "security", "committed_secrets", ">=", 1, -1, cap=2,
         text="{value} secrets are committed to the repository."),
    Rule("security", "security", "high_severity_findings", ">=", 1, -1,
         "{value} high-severity security findings."),
    Rule("security", "security", "security_findings", "==", 0, 1,
         "The static security checks found nothing."),
    Rule("security", "security", "security_findings", ">=", 5, -0.5,
         "{value} security findings from the static checks."),
    # Only what a test suite never needs to do counts against Security; a run stopped at the
    # time limit (a slow or hanging suite) is scored under Testing instead.
    Rule("security", "tests", "sandbox_escape_attempt", "==", True, -1,
         "The candidate's tests tried to reach the network, write outside their folder, start "
         "processes without end or exhaust memory or disk; the sandbox stopped them."),
)  # fmt: skip


def signal_family(category_name: str) -> Family | None:
    """The signal family that scores a rubric category, by keywords in its name (see
    ``FAMILY_KEYWORDS``), or None when no automated signal covers it."""
    lowered = category_name.lower()
    for family, keywords in FAMILY_KEYWORDS:
        if any(keyword in lowered for keyword in keywords):
            return family
    return None


def rules_table() -> list[dict[str, Any]]:
    """The scoring rules as rows (family, signal, condition, points, cap) for documentation."""
    return [
        {
            "family": rule.family,
            "signal": f"{rule.report}.{rule.signal}",
            "condition": f"{rule.op} {_format(rule.threshold)}",
            "points": rule.points,
            "cap": rule.cap,
            "requires": [f"{r}.{s} == {_format(v)}" for r, s, v in rule.requires],
            "text": rule.text,
        }
        for rule in RULES
    ]


def score(
    reports: Mapping[str, AnalyserReport],
    *,
    rubric_categories: list[dict],
    target_level: str,
    calibration: CalibrationModel,
) -> dict[str, Any]:
    """The automated result of a code evaluation (the ``result`` of seed 000 plus ``signals``,
    ``calibration`` and ``engine`` blocks) from the analysers' reports, keyed by report name.

    ``rubric_categories`` has the shape of ``backend.services.rubrics.default_rubric_categories()``.
    """
    if target_level not in LEVELS:
        raise ValueError(f"unknown target level {target_level!r}; expected one of {LEVELS}")
    if not rubric_categories:
        raise ValueError("the rubric has no categories to score")
    ordered = [reports[name] for name in sorted(reports)]
    by_family, other_observations = _analyser_observations(ordered)
    families = {family: _score_family(family, reports) for family, _ in FAMILY_KEYWORDS}

    rubric_scores: list[dict[str, Any]] = []
    profile_inputs: list[tuple[float, float]] = []
    coverage_inputs: list[tuple[float, float]] = []
    for category in rubric_categories:
        name = str(category["name"])
        weight = _weight(category)
        family = signal_family(name)
        if family is None:
            value, coverage = 3, 0.0
            observations = [_uncovered_observation(name)]
        else:
            outcome = families[family]
            value, coverage = outcome.score, outcome.coverage
            observations = [
                _rule_observation(name, rule, measured) for rule, measured in outcome.fired
            ] + [_recategorised(obs, name) for obs in by_family.get(family, [])]
            profile_inputs.append((value, weight))
        coverage_inputs.append((coverage, weight))
        rubric_scores.append(
            {
                "category": name,
                "score": value,
                "max_score": MAX_SCORE,
                "weight": weight,
                "signal_family": family,
                "level_descriptor": _level_descriptor(category, value),
                "observations": [obs.to_dict() for obs in observations],
            }
        )

    profile = weighted_profile(profile_inputs)
    coverage = _weighted_mean(coverage_inputs)
    level, _ = predict(calibration, profile)
    risk_flags = _risk_flags(ordered)
    probabilities = level_probabilities(calibration, profile)
    signals = {
        report.name: {key: _clean(value) for key, value in sorted(report.signals.items())}
        for report in ordered
    }
    evidence = balance(signals)
    decision = decide(
        level=level,
        target_level=target_level,
        risk_flags=risk_flags,
        well_tested=well_tested(reports),
        probabilities=probabilities,
        coverage=coverage,
        evidence=evidence,
        n_labels=calibration.n_labels,
    )
    return {
        "recommendation": decision.recommendation,
        "recommendation_reasons": decision.reasons,
        "confidence_score": decision.confidence,
        "calibrated_seniority": level,
        "target_level": target_level,
        "rubric_scores": rubric_scores,
        "other_observations": [obs.to_dict() for obs in other_observations],
        "risk_flags": risk_flags,
        "signals": signals,
        "calibration": {
            "version": calibration.version,
            "n_labels": calibration.n_labels,
            "profile": profile,
            "coverage": coverage,
            "evidence": {
                "strong": list(evidence.strong),
                "weak": list(evidence.weak),
                "share_strong": evidence.share_strong,
            },
            "decision_probability": decision.probability,
            "probabilities": probabilities,
        },
        "engine": {"scoring_version": SCORING_VERSION, "calibration_version": calibration.version},
    }


# --- rules ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _FamilyOutcome:
    score: int
    coverage: float
    fired: tuple[tuple[Rule, Signal], ...]


def _score_family(family: Family, reports: Mapping[str, AnalyserReport]) -> _FamilyOutcome:
    """Apply the family's rules: the score, the share of its rules whose signals were measured
    (times the coverage of fired rules that say something could not be measured), and the rules
    that fired with the measured values."""
    points = BASE_SCORE
    caps: list[int] = []
    fired: list[tuple[Rule, Signal]] = []
    applicable = measured = 0
    coverage_factor = 1.0
    for rule in (r for r in RULES if r.family == family):
        state, value = _evaluate(rule, reports)
        if state == "not_applicable":
            continue
        applicable += 1
        if state == "missing":
            continue
        measured += 1
        if state == "fired":
            points += rule.points
            fired.append((rule, value))
            coverage_factor *= rule.coverage
            if rule.cap is not None:
                caps.append(rule.cap)
    # Ties round down: a 4.5 is a 4 until a reviewer says otherwise.
    value = min(max(math.ceil(points - 0.5), MIN_SCORE), MAX_SCORE)
    if caps:
        value = min(value, *caps)
    coverage = (measured / applicable if applicable else 1.0) * coverage_factor
    return _FamilyOutcome(value, round(coverage, 3), tuple(fired))


def _evaluate(rule: Rule, reports: Mapping[str, AnalyserReport]) -> tuple[str, Signal]:
    """("fired" | "quiet" | "missing" | "not_applicable", measured value)."""
    for report_name, signal, expected in rule.requires:
        required = _signal(reports, report_name, signal)
        if required is None:
            return "missing", None
        if required != expected:
            return "not_applicable", None
    value = _signal(reports, rule.report, rule.signal)
    if value is None:
        return ("not_applicable" if rule.optional else "missing"), None
    if isinstance(rule.threshold, bool):
        holds = bool(value) == rule.threshold
    elif isinstance(value, int | float):
        holds = rules.holds(float(value), rule.op, float(rule.threshold))
    else:  # a string where a number was expected: the analyser broke the contract
        return "missing", None
    return ("fired" if holds else "quiet"), value


def _signal(reports: Mapping[str, AnalyserReport], report: str, signal: str) -> Signal:
    found = reports.get(report)
    if found is None:
        return None
    value = found.signals.get(signal)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


# --- observations and flags ----------------------------------------------------------------


def _rule_observation(category: str, rule: Rule, value: Signal) -> Observation:
    shown = _format(value)
    excerpt = (
        f"{rule.report}.{rule.signal} = {shown} "
        f"(rule: {rule.op} {_format(rule.threshold)} → {rule.points:+g} points"
        + (f", score capped at {rule.cap}" if rule.cap is not None else "")
        + ")"
    )
    polarity = 1 if rule.points > 0 else -1 if rule.points < 0 or rule.cap else 0
    return Observation(
        category=category,
        text=rule.text.format(value=shown),
        polarity=polarity,
        evidence=(Evidence(kind="metric", excerpt=excerpt),),
    )


def _uncovered_observation(category: str) -> Observation:
    return Observation(
        category=category,
        text=(
            f"No automated signal covers “{category}”: scored 3 (neutral) for a reviewer to "
            "judge, and left out of the calibrated level."
        ),
        polarity=0,
        evidence=(Evidence(kind="metric", excerpt="automated coverage 0%"),),
    )


def _analyser_observations(
    reports: list[AnalyserReport],
) -> tuple[dict[Family, list[Observation]], list[Observation]]:
    """The analysers' own observations by signal family (reports in name order, each report's
    own order kept), and those whose category no family covers."""
    by_family: dict[Family, list[Observation]] = {}
    other: list[Observation] = []
    for report in reports:
        for observation in report.observations:
            family = signal_family(observation.category)
            if family is None:
                other.append(observation)
            else:
                by_family.setdefault(family, []).append(observation)
    return by_family, other


def _recategorised(observation: Observation, category: str) -> Observation:
    """The observation filed under the rubric's own name for its category (a custom rubric may
    call "Code Quality" "Maintainability")."""
    if observation.category == category:
        return observation
    return Observation(category, observation.text, observation.polarity, observation.evidence)


@dataclass(frozen=True)
class Decision:
    """What is proposed, why, and how sure the engine is of it."""

    recommendation: str
    reasons: list[str]
    probability: float  # that the level is one of those leading to the recommendation
    confidence: int


def decide(
    *,
    level: str,
    target_level: str,
    risk_flags: list[dict[str, Any]],
    well_tested: bool,
    probabilities: Mapping[str, float],
    coverage: float,
    evidence: Balance,
    n_labels: int | None,
) -> Decision:
    """The recommendation, its reasons and its confidence from a calibrated level, the risk
    flags and the level probabilities: the one rule for a fresh result and for a stored result
    whose flags changed (``similar_pairs.reconsider``)."""
    recommendation, reasons = _recommend(
        level, target_level, risk_flags, well_tested=well_tested, evidence=evidence
    )
    levels = _levels_for(recommendation, target_level, risk_flags)
    probability = probability_of(probabilities, levels)
    if recommendation == "hold" and LEVELS.index(level) >= LEVELS.index(target_level):
        probability = round(probability * FLAG_HOLD_DOUBT, 4)
    confidence = confidence_score(
        probability,
        coverage=coverage,
        support=evidence.support(recommendation),
        n_labels=n_labels,
    )
    return Decision(recommendation, reasons, probability, confidence)


def sorted_flags(flags: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Risk flags by severity (high first), code, message: the order every report shows."""
    return sorted(
        flags, key=lambda f: (_SEVERITY_ORDER.get(f["severity"], 3), f["code"], f["message"])
    )


def _risk_flags(reports: list[AnalyserReport]) -> list[dict[str, Any]]:
    """Every analyser's flags, duplicates dropped, by severity (high first), code, message."""
    unique: dict[str, dict[str, Any]] = {}
    for report in reports:
        for flag in report.risk_flags:
            as_dict = flag.to_dict()
            unique.setdefault(repr(sorted(as_dict.items())), as_dict)
    return sorted_flags(list(unique.values()))


def well_tested(reports: Mapping[str, AnalyserReport]) -> bool:
    """The candidate's own tests ran, all passed and executed most of their code: evidence of
    working software that a level estimate from surface signals must not overrule with a
    reject."""
    coverage = _signal(reports, "tests", "tests_line_coverage")
    return (
        _signal(reports, "tests", "tests_run_ok") is True
        and isinstance(coverage, int | float)
        and coverage >= WELL_TESTED_COVERAGE
    )


def _levels_for(
    recommendation: str, target_level: str, risk_flags: list[dict[str, Any]]
) -> list[str]:
    """The levels that, with these flags, lead to ``recommendation``: what confidence is the
    probability of."""
    target = LEVELS.index(target_level)
    gaps = {level: target - LEVELS.index(level) for level in LEVELS}
    high = any(f["severity"] == "high" for f in risk_flags)
    blocking = any(f["severity"] == "high" and f["code"] in REJECT_FLAGS for f in risk_flags)
    if recommendation == "reject":
        return list(LEVELS) if blocking else [lv for lv, gap in gaps.items() if gap >= 2]
    if recommendation == "proceed":
        return [lv for lv, gap in gaps.items() if gap <= 0]
    # hold: one level short, or any level short of a reject when a flag holds it
    return [lv for lv, gap in gaps.items() if (gap <= 1 if high else gap == 1)] or list(LEVELS)


def _recommend(
    level: str,
    target_level: str,
    risk_flags: list[dict[str, Any]],
    *,
    well_tested: bool = False,
    evidence: Balance | None = None,
) -> tuple[str, list[str]]:
    """proceed | hold | reject with the reasons a reviewer reads (see the module docstring)."""
    gap = LEVELS.index(target_level) - LEVELS.index(level)
    high = sorted({f["code"] for f in risk_flags if f["severity"] == "high"})
    blocking = [code for code in high if code in REJECT_FLAGS]
    if gap <= 0:
        reasons = [f"The calibrated level {level} meets the target level {target_level}."]
    else:
        reasons = [
            f"The calibrated level {level} is {gap} level{'s' if gap > 1 else ''} below the "
            f"target level {target_level}."
        ]
    if high:
        reasons.append("High-severity risk flags: " + ", ".join(high) + ".")
    if blocking or (gap >= 2 and not well_tested):
        reasons.append("Proposed reject: a reviewer must confirm it before it is final.")
        return "reject", reasons
    if gap >= 2:
        reasons.append(
            "Held, not rejected: the candidate's own tests pass and execute most of their code, "
            "which the level estimate cannot outweigh without a reviewer."
        )
        return "hold", reasons
    if gap <= 0 and not high and evidence is not None and evidence.contradicts_proceed():
        reasons.append(
            "Held: the independent measurements of the code point to weaker work ("
            + ", ".join(evidence.weak)
            + "), so the level rests on surface signals a reviewer should check."
        )
        return "hold", reasons
    if gap <= 0 and not high:
        return "proceed", reasons
    return "hold", reasons


# --- small helpers --------------------------------------------------------------------------


def _weight(category: Mapping[str, Any]) -> float:
    try:
        weight = float(category.get("weight", 1.0))
    except (TypeError, ValueError):
        return 1.0
    return round(weight, 3) if math.isfinite(weight) and weight >= 0 else 1.0


def _weighted_mean(pairs: list[tuple[float, float]]) -> float:
    total = sum(weight for _, weight in pairs)
    if total <= 0:
        return round(sum(v for v, _ in pairs) / len(pairs), 3) if pairs else 0.0
    return round(sum(v * weight for v, weight in pairs) / total, 3)


def _level_descriptor(category: Mapping[str, Any], value: int) -> str:
    """The rubric's text for this score on the category's first criterion ("" when absent)."""
    criteria = category.get("criteria") or []
    if not criteria:
        return ""
    levels = criteria[0].get("levels") or {}
    return str(levels.get(str(value), levels.get(value, "")))  # type: ignore[call-overload]


def _clean(value: Signal) -> Signal:
    """A signal fit for byte-identical JSON: floats rounded to 3 decimals, NaN as null."""
    if isinstance(value, float):
        return round(value, 3) if math.isfinite(value) else None
    return value


def _format(value: Signal) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{round(value, 3):g}"
    return str(value)
