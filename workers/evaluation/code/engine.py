"""The code evaluation engine: every analyser over one submission folder, then scoring.

Pure with respect to its inputs: the folder, the rubric, the target level, the other
submissions' fingerprints and the calibration model. Nothing here touches the database or the
queue (``workers.evaluation.pipeline`` does), so the same inputs give the same result, byte for
byte: analysers sort what they report and keep timings outside the result.

The static analysers are independent of each other and mostly pure-Python work (lizard,
detect-secrets, ``ast``), so on a large submission they run in separate processes, one per
core: the GIL would keep threads on one core (a small one stays in this process, where it takes
less time than starting processes would). The processes come from a fork server (a clean
single-threaded process that has imported the analysers once), never from forking the worker
itself, whose consumer threads may hold locks. Their reports are gathered in a fixed order, so
a parallel run gives the same bytes as one in this process.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import resource
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
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
from workers.evaluation.code.git_adapter import HistoryLimits
from workers.evaluation.code.walk import submission_files

# Bump when an analyser or a scoring rule changes what a submission gets: the report names it,
# and determinism is promised per engine version.
ENGINE_VERSION = "truelevel-code-engine/1.1.0"
log = logging.getLogger(__name__)


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
    # How much of a long git history is read (the installation's settings when None).
    history_limits: HistoryLimits | None = None


@dataclass
class EngineOutcome:
    result: dict[str, Any]  # seed 000's result object plus signals and engine versions
    fingerprints: list[int]
    seconds_by_analyser: dict[str, float]  # wall time, for benchmarks and logs only
    # How many processes did the static work, and the CPU seconds it took in them (their ruff
    # and git children included), for benchmarks: a process's own CPU clock misses them.
    static_processes: int = 1
    static_cpu_seconds: float = 0.0


# A stage callback returns False when the worker lost its lease: the engine stops there.
StageCallback = Callable[[str], bool]


class EvaluationAbandoned(Exception):
    """The worker no longer holds the evaluation; another worker finishes it."""


def _timed(name: str, seconds: dict[str, float], run: Callable[[], Any]) -> Any:
    started = time.monotonic()
    value = run()
    seconds[name] = round(time.monotonic() - started, 3)
    return value


# The work that reads the submission without running it, slowest first so that the longest
# starts first when it shares the cores: the static analysers (security in two halves, its
# history scan apart) and the fingerprints similarity compares.
STATIC_WORK = (
    "security",
    "quality",
    "security_history",
    "fingerprints",
    "inventory",
    "documentation",
    "history",
)
# The order of the reports in every result, as before the analysers ran in parallel.
_REPORT_ORDER = ("inventory", "quality", "security", "documentation", "history")
# What the fork server imports once, so that each analyser process starts in milliseconds.
_PRELOAD = ("workers.evaluation.code.engine",)


@dataclass(frozen=True)
class _Inputs:
    """What the static work needs besides the folder (picklable: it crosses processes)."""

    started_at: datetime | None
    deadline_at: datetime | None
    starter: Path | None
    limits: HistoryLimits


def _cpu_seconds() -> float:
    """CPU time of this process and of the children it waited for (ruff, git)."""
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _run_static(name: str, root: Path, inputs: _Inputs) -> tuple[Any, float, float]:
    """One piece of static work on ``root``, its wall time and its CPU time (in whichever
    process)."""
    started, cpu = time.monotonic(), _cpu_seconds()
    value: Any
    if name == "history":
        value = history.analyse(
            root, started_at=inputs.started_at, deadline_at=inputs.deadline_at, limits=inputs.limits
        )
    elif name == "security":
        value = security.scan_present(root)
    elif name == "security_history":
        value = security.scan_past(root, history_limits=inputs.limits)
    elif name == "fingerprints":
        value = similarity.fingerprints(root, starter=inputs.starter)
    else:
        value = {
            "inventory": inventory.analyse,
            "quality": quality.analyse,
            "documentation": documentation.analyse,
        }[name](root)
    return value, round(time.monotonic() - started, 3), round(_cpu_seconds() - cpu, 3)


# Below this much text the static work takes a few seconds at most in this process, about what
# the processes cost to start (the fork server ~1.3 s, once per worker process). Measured on a
# shared 2-core machine: a generated 2,000-file repository (0.6 MB) took 2.0 s in this process
# and 3.3-6.0 s in two; sphinx (2,059 files, 23 MB) 27-37 s either way under a load of 3-6.
PARALLEL_MIN_BYTES = 8 * 1024 * 1024


def default_analyser_processes(root: Path) -> int:
    """How many processes do the static work on ``root``: one per core (at most one per piece)
    for a large submission, this process alone for a small one."""
    size = 0
    for file in submission_files(root):
        size += file.size
        if size >= PARALLEL_MIN_BYTES:
            return max(1, min(len(STATIC_WORK), os.cpu_count() or 1))
    return 1


@dataclass
class StaticWork:
    """The static analysers' reports (in the result's order) and the submission's
    fingerprints."""

    reports: dict[str, AnalyserReport]
    fingerprints: list[int]
    processes: int  # how many processes did it (1: this one)
    cpu_seconds: float  # all the pieces' CPU time, in whichever process


def _in_processes(
    root: Path, inputs: _Inputs, processes: int
) -> dict[str, tuple[Any, float, float]]:
    server = multiprocessing.get_context("forkserver")
    server.set_forkserver_preload(list(_PRELOAD))
    with ProcessPoolExecutor(max_workers=processes, mp_context=server) as pool:
        futures = {name: pool.submit(_run_static, name, root, inputs) for name in STATIC_WORK}
        return {name: future.result() for name, future in futures.items()}


def static_work(
    root: Path,
    context: SubmissionContext,
    seconds: dict[str, float],
    *,
    processes: int | None = None,
) -> StaticWork:
    """Everything that reads the submission without running it, in ``processes`` processes
    (``default_analyser_processes(root)`` when None; 1: one after the other in this process).
    What comes back does not depend on the order the pieces finish in."""
    inputs = _Inputs(
        started_at=context.started_at,
        deadline_at=context.deadline_at,
        starter=context.starter,
        limits=context.history_limits or HistoryLimits.from_settings(),
    )
    processes = default_analyser_processes(root) if processes is None else processes
    done: dict[str, tuple[Any, float, float]] | None = None
    used = 1
    if processes > 1:
        try:
            done = _in_processes(root, inputs, processes)
            used = processes
        except (OSError, BrokenProcessPool):
            # No process could start here (no /dev/shm, a process killed for memory): the same
            # work in this process still gives the same report.
            log.warning("static analysers: process pool unavailable, running them in turn")
    if done is None:
        done = {name: _run_static(name, root, inputs) for name in STATIC_WORK}
    values = {name: value for name, (value, _, _) in done.items()}
    seconds.update({name: spent for name, (_, spent, _) in done.items()})
    values["security"] = security.build_report(values["security"], values["security_history"])
    values["security"].seconds = round(seconds["security"] + seconds["security_history"], 3)
    reports = {name: values[name] for name in _REPORT_ORDER}
    cpu = round(sum(spent for _, _, spent in done.values()), 3)
    return StaticWork(reports, values["fingerprints"], processes=used, cpu_seconds=cpu)


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
    analyser_processes: int | None = None,
) -> EngineOutcome:
    """Analyse, test and score the submission in ``root``. ``on_stage`` hears ``analysing``,
    ``testing`` and ``scoring`` as the engine reaches them. ``analyser_processes`` is how many
    processes run the static analysers (None: one per core for a large submission, else 1: all
    in this process)."""

    def stage(name: str) -> None:
        if on_stage is not None and not on_stage(name):
            raise EvaluationAbandoned(name)

    seconds: dict[str, float] = {}
    stage("analysing")
    work = static_work(root, context, seconds, processes=analyser_processes)
    reports = work.reports
    stage("testing")
    if run_tests:
        reports["tests"] = _timed("tests", seconds, lambda: test_runner.analyse_tests(root))
    else:
        reports["tests"] = test_runner.to_analyser_report([])
    stage("scoring")
    own = work.fingerprints
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
    return EngineOutcome(
        result=canonical,
        fingerprints=own,
        seconds_by_analyser=seconds,
        static_processes=work.processes,
        static_cpu_seconds=work.cpu_seconds,
    )


def canonical_json(result: Mapping[str, Any]) -> str:
    """The one serialisation of a result: sorted keys, no spaces, no NaN."""
    return json.dumps(result, sort_keys=True, separators=(",", ":"), allow_nan=False)
