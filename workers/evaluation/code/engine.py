"""The code evaluation engine: every analyser over one submission folder, then scoring.

Pure with respect to its inputs: the folder, the rubric, the target level, the other
submissions' fingerprints and the calibration model. Nothing here touches the database or the
queue (``workers.evaluation.pipeline`` does), so the same inputs give the same result, byte for
byte: analysers sort what they report and keep timings outside the result.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from workers.evaluation import calibration, scoring
from workers.evaluation.code import (
    documentation,
    history,
    inventory,
    quality,
    security,
    similarity,
    test_runner,
)
from workers.evaluation.code.evidence import AnalyserReport, Evidence, RiskFlag

# Bump when an analyser or a scoring rule changes what a submission gets: the report names it,
# and determinism is promised per engine version.
ENGINE_VERSION = "truelevel-code-engine/1.1.0"


@dataclass(frozen=True)
class SubmissionContext:
    """What the engine needs besides the folder."""

    target_level: str
    rubric_categories: list[dict[str, Any]]
    rubric_id: str | None = None
    rubric_version: int | None = None
    started_at: datetime | None = None
    deadline_at: datetime | None = None
    submitted_late: bool = False
    starter: Path | None = None  # the assessment's starter code, excluded from similarity
    # Fingerprints of the other submissions of the same assessment, by evaluation id.
    others: Mapping[str, list[int]] = field(default_factory=dict)
    # When set, called with this submission's fingerprints before they are compared: it records
    # them and answers the others as they are then. Recording first means that of two copies
    # evaluated at the same time, the later comparison always sees the earlier one.
    record_fingerprints: Callable[[list[int]], Mapping[str, list[int]]] | None = None
    calibration: calibration.CalibrationModel = field(default_factory=calibration.default_model)


@dataclass
class EngineOutcome:
    result: dict[str, Any]  # seed 000's result object plus signals and engine versions
    fingerprints: list[int]
    seconds_by_analyser: dict[str, float]  # wall time, for benchmarks and logs only


# A stage callback returns False when the worker lost its lease: the engine stops there.
StageCallback = Callable[[str], bool]


class EvaluationAbandoned(Exception):
    """The worker no longer holds the evaluation; another worker finishes it."""


def _timed(name: str, seconds: dict[str, float], run: Callable[[], Any]) -> Any:
    started = time.monotonic()
    value = run()
    seconds[name] = round(time.monotonic() - started, 3)
    return value


def static_reports(
    root: Path, context: SubmissionContext, seconds: dict[str, float]
) -> dict[str, AnalyserReport]:
    """The analysers that read the submission without running it."""
    return {
        "inventory": _timed("inventory", seconds, lambda: inventory.analyse(root)),
        "quality": _timed("quality", seconds, lambda: quality.analyse(root)),
        "security": _timed("security", seconds, lambda: security.analyse(root)),
        "documentation": _timed("documentation", seconds, lambda: documentation.analyse(root)),
        "history": _timed(
            "history",
            seconds,
            lambda: history.analyse(
                root, started_at=context.started_at, deadline_at=context.deadline_at
            ),
        ),
    }


def _late_flag(context: SubmissionContext) -> RiskFlag | None:
    if not context.submitted_late:
        return None
    when = context.deadline_at.isoformat() if context.deadline_at else "the deadline"
    return RiskFlag(
        code="submitted_late",
        severity="medium",
        message=f"Submitted after the session's time limit ({when}).",
        evidence=(Evidence(kind="metric", excerpt="submission received after the deadline"),),
    )


def evaluate(
    root: Path,
    context: SubmissionContext,
    *,
    on_stage: StageCallback | None = None,
    run_tests: bool = True,
) -> EngineOutcome:
    """Analyse, test and score the submission in ``root``. ``on_stage`` hears ``analysing``,
    ``testing`` and ``scoring`` as the engine reaches them."""

    def stage(name: str) -> None:
        if on_stage is not None and not on_stage(name):
            raise EvaluationAbandoned(name)

    seconds: dict[str, float] = {}
    stage("analysing")
    reports = static_reports(root, context, seconds)
    stage("testing")
    if run_tests:
        reports["tests"] = _timed("tests", seconds, lambda: test_runner.analyse_tests(root))
    else:
        reports["tests"] = test_runner.to_analyser_report([])
    stage("scoring")
    own = _timed(
        "fingerprints", seconds, lambda: similarity.fingerprints(root, starter=context.starter)
    )
    others = context.record_fingerprints(own) if context.record_fingerprints else context.others
    reports["similarity"] = _timed("similarity", seconds, lambda: similarity.compare(own, others))
    if (flag := _late_flag(context)) is not None:
        reports["history"].risk_flags.append(flag)
    result = _timed(
        "scoring",
        seconds,
        lambda: scoring.score(
            reports,
            rubric_categories=context.rubric_categories,
            target_level=context.target_level,
            calibration=context.calibration,
        ),
    )
    # Scoring reports signals and its own versions; the engine adds what only it knows.
    result.setdefault("engine", {}).update(
        {
            "version": ENGINE_VERSION,
            "rubric_id": context.rubric_id,
            "rubric_version": context.rubric_version,
        }
    )
    # Round-trip through canonical JSON: what is stored is exactly what the API will print.
    canonical = json.loads(canonical_json(result))
    return EngineOutcome(result=canonical, fingerprints=own, seconds_by_analyser=seconds)


def canonical_json(result: Mapping[str, Any]) -> str:
    """The one serialisation of a result: sorted keys, no spaces, no NaN."""
    return json.dumps(result, sort_keys=True, separators=(",", ":"), allow_nan=False)
