"""Find a submission's tests, run them in the sandbox and turn the outcome into the "tests"
analyser report.

Per language: Python with pytest under coverage.py, from the test tools ``make run`` installs,
isolated from the worker's other packages (``toolchain``, ``python_suite``; a junit report gives
the counts, coverage how much of the candidate's own code the tests executed), with the
third-party packages the project declares downloaded and installed beforehand, outside the
sandbox (``dependencies``): an install that fails is reported as "could not install", and a
module the suite needs that is still missing as a missing dependency, never as failing tests.
JavaScript and TypeScript projects with a ``test`` script and a lockfile (npm, pnpm or yarn 1)
have the packages it pins installed by that package manager (scripts off, outside the sandbox)
and ``npm test`` run (``pretest``, ``test``, ``posttest``: ``npm_lifecycle``), its counts read
from the runner's summary (``node_project``); other
JavaScript runs with Node's built-in runner (``node --test``). Either way V8's own coverage
(``NODE_V8_COVERAGE``) says how much of the candidate's own scripts ran (``js_coverage``), in the
same figures as Python's. Go with ``go test`` when the toolchain is installed. Java
tests, and TypeScript or framework tests without a lockfile, are detected and reported as not
run.

Signals hold counts and flags only, never timings, so the same submission always gives the same
report.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import sys
import time
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, replace
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath
from typing import Literal

from backend.settings import Settings, get_settings
from workers.evaluation.code import (
    dependencies,
    js_coverage,
    node_project,
    npm_lifecycle,
    python_suite,
)
from workers.evaluation.code.build_cache import holding_cached_builds
from workers.evaluation.code.dependencies import PreparedDependencies
from workers.evaluation.code.evidence import AnalyserReport, Evidence, Observation, RiskFlag
from workers.evaluation.code.python_suite import CoverageFigures, MissingDependencies
from workers.evaluation.code.sandbox import (
    WORKSPACE,
    SandboxResult,
    SandboxUnavailable,
    run_sandboxed,
)
from workers.evaluation.code.toolchain import python_test_tools
from workers.evaluation.code.walk import SubmissionFile, submission_files

Language = Literal["python", "javascript", "typescript", "go", "java"]
RunStatus = Literal[
    "ran",
    "dependencies_missing",
    "dependencies_not_installed",
    "toolchain_not_available",
    "sandbox_unavailable",
]

CATEGORY = "Testing"
REPORT_NAME = "tests"
# Our own outputs inside the workspace copy.
_RESULTS_DIR = ".truelevel"
_NODE_TAP = f"{_RESULTS_DIR}/node.tap"
_GO_JSON = f"{_RESULTS_DIR}/go-test.json"
_PYTHON_TESTS = ("test_*.py", "*_test.py")
# unittest's own discovery pattern and the usual single-file names (``test.py``, ``tests.py``):
# a test file only when it uses unittest.
_UNITTEST_NAMES = ("test*.py", "*tests.py")
_UNITTEST_MARKERS = ("unittest", "TestCase")
# Lines of the run's output quoted in the report, and durations and addresses masked in them so
# that the same submission always gives the same report.
_TAIL_LINES = 12
_VOLATILE = (
    (re.compile(r"\b\d+(?:\.\d+)?\s?(?:ms|s)\b"), "<t>"),
    # Node's TAP reporter (``duration_ms: 0.17``), vitest's start time (``Start at 12:34:56``).
    (re.compile(r"\bduration_ms:? \d+(?:\.\d+)?"), "duration_ms <t>"),
    (re.compile(r"\b\d{2}:\d{2}:\d{2}\b"), "<time>"),
    (re.compile(r"\b0x[0-9a-fA-F]{6,}\b"), "0x…"),
)
# The files `node --test` finds by itself (Node 20).
_NODE_TESTS = (
    "*.test.js",
    "*.test.mjs",
    "*.test.cjs",
    "*-test.js",
    "*-test.mjs",
    "*-test.cjs",
    "*_test.js",
    "*_test.mjs",
    "*_test.cjs",
    "test-*.js",
    "test-*.mjs",
    "test-*.cjs",
    "test.js",
    "test.mjs",
    "test.cjs",
)
_OTHER_JS_TESTS = ("*.spec.js", "*.spec.mjs", "*.spec.cjs", "*.spec.jsx", "*.test.jsx")
_TYPESCRIPT_TESTS = ("*.test.ts", "*.spec.ts", "*.test.tsx", "*.spec.tsx")
_GO_TESTS = ("*_test.go",)
_JAVA_TESTS = ("*Test.java", "*Tests.java", "*IT.java")
# The patterns the observation names when no tests were found (a sample: one or two a language).
_SEARCHED_PATTERNS = ("test_*.py", "*_test.py", "*.test.js", "*.spec.ts", "*_test.go", "*Test.java")
_MAX_CITED_FILES = 5
# pytest's exit status when it collected no tests: nothing failed.
_PYTEST_NO_TESTS = 5
# What each thing the sandbox stopped means, for the reviewer.
_VIOLATION_WORDING = {
    "network": "tried to reach the network",
    "filesystem": "tried to write outside the submission folder",
    "disk": "filled the disk past its limit",
    "file_size": "wrote a file past the size limit",
    "pids": "started processes without end (a fork bomb or runaway threads)",
    "memory": "tried to use more memory than allowed",
    "timeout": "did not finish within the time limit",
    "escalation": "tried to gain privileges (switch user, mount, create a namespace or signal "
    "the sandbox's init)",
}
# Stopped for these, the tests did something a test suite never needs to: a high-severity flag.
# A time limit or file size alone more often means a slow or noisy suite: medium.
_HOSTILE_VIOLATIONS = {"network", "filesystem", "pids", "memory", "disk", "escalation"}


@dataclass(frozen=True)
class TestRunReport:
    """The tests of one language in a submission and how their run went."""

    __test__ = False  # a result type, not a pytest test class

    language: Language
    status: RunStatus
    command: str  # what ran (inside /workspace), or why nothing ran
    test_files: tuple[str, ...]  # relative paths, forward slashes, sorted
    passed: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0
    exit_code: int | None = None
    timed_out: bool = False
    contained_violations: tuple[str, ...] = ()
    # How each contained violation is known, as (violation, evidence) pairs.
    violation_evidence: tuple[tuple[str, str], ...] = ()
    # The isolation the run went without (``SandboxResult.degraded``).
    sandbox_degraded: tuple[str, ...] = ()
    output_tail: str = ""
    seconds: float = 0.0
    # How much of the candidate's own code the tests executed (coverage.py, or V8 for
    # JavaScript/TypeScript); None where not measured, and ``coverage_note`` says why.
    coverage: CoverageFigures | None = None
    coverage_note: str = ""
    missing: MissingDependencies | None = None  # when status is "dependencies_missing"
    dependencies: PreparedDependencies | None = None  # Python: what the project declares

    @property
    def ran_ok(self) -> bool:
        """Ran to the end with at least one passing test and nothing failing."""
        return (
            self.status == "ran"
            and not self.timed_out
            and self.passed > 0
            and self.failed == 0
            and self.errors == 0
        )


def find_test_files(root: Path) -> dict[Language, tuple[str, ...]]:
    """Test files per language under ``root`` (dependency and build folders skipped)."""
    found: dict[Language, list[str]] = {}
    patterns: list[tuple[Language, tuple[str, ...]]] = [
        ("python", _PYTHON_TESTS),
        ("javascript", _NODE_TESTS + _OTHER_JS_TESTS),
        ("typescript", _TYPESCRIPT_TESTS),
        ("go", _GO_TESTS),
        ("java", _JAVA_TESTS),
    ]
    # The analysers' one walk: the same folders skipped (our own results folder among them).
    for file in submission_files(root):
        relative = file.relative
        name = PurePosixPath(relative).name
        for language, globs in patterns:
            in_test_folder = language == "javascript" and _in_js_test_folder(relative)
            if any(fnmatch(name, glob) for glob in globs) or in_test_folder:
                found.setdefault(language, []).append(relative)
                break
        else:
            if _is_unittest_file(file):
                found.setdefault("python", []).append(relative)
    return {language: tuple(sorted(files)) for language, files in found.items()}


def _is_unittest_file(file: SubmissionFile) -> bool:
    """A Python file that unittest's discovery would run (``test.py`` with a TestCase)."""
    name = PurePosixPath(file.relative).name
    if file.language != "python" or not any(fnmatch(name, glob) for glob in _UNITTEST_NAMES):
        return False
    text = file.read_text() or ""
    return any(marker in text for marker in _UNITTEST_MARKERS)


@holding_cached_builds
def run_tests(root: Path, *, settings: Settings | None = None) -> list[TestRunReport]:
    """Run every language's tests found under ``root`` in the sandbox, one report each (an empty
    list when the submission has no tests)."""
    settings = settings or get_settings()
    reports = []
    found = find_test_files(root)
    npm_test = node_project.wants_install(root)
    if "javascript" in found and "typescript" in found and npm_test:
        # One test script runs both: one run, reported once.
        found["typescript"] = tuple(sorted(found.pop("javascript") + found["typescript"]))
    for language, files in found.items():
        if language == "python":
            reports.append(_run_python(root, files, settings))
        elif language == "javascript":
            reports.append(_run_javascript(root, files, settings))
        elif language == "go":
            reports.append(_run_go(root, files, settings))
        elif language == "typescript" and npm_test:
            reports.append(_run_npm_test(root, language, files, settings))
        elif language == "typescript":
            reason = "TypeScript tests need a compiler that is not installed"
            reports.append(_not_run(language, files, reason))
        else:
            reason = "Java tests need JUnit, which cannot be installed offline"
            reports.append(_not_run(language, files, reason))
    return reports


def analyse_tests(root: Path, *, settings: Settings | None = None) -> AnalyserReport:
    """Find, run and report a submission's tests: the "tests" analyser."""
    started = time.monotonic()
    runs = run_tests(root, settings=settings)
    # Only a submission without tests needs the count, for the observation that says so.
    scanned = None if runs else sum(1 for _ in submission_files(root))
    report = to_analyser_report(runs, files_scanned=scanned)
    report.seconds = round(time.monotonic() - started, 3)
    return report


def to_analyser_report(
    runs: list[TestRunReport], *, files_scanned: int | None = None
) -> AnalyserReport:
    """The "tests" analyser report: counts and flags as signals, observations citing the test
    files, risk flags for failing runs and for anything the sandbox had to stop.

    ``tests_line_coverage`` is the share of the candidate's own Python statements and
    JavaScript/TypeScript lines the tests executed (None where not measured); ``tests_trivial``
    is true when the tests ran and executed none of it (``assert 1 + 1 == 2``), which scoring
    treats as no tests at all.
    ``sandbox_violation`` is true for anything the sandbox stopped, a time limit included;
    ``sandbox_escape_attempt`` only for what a test suite never needs to do (reach the network,
    write outside the workspace, fork without end, exhaust memory or the disk), which is what
    scoring counts against Security. ``files_scanned`` (how many files were searched for tests)
    is cited when no tests were found.
    """
    ran = [run for run in runs if run.status == "ran"]
    violations = sorted({v for run in runs for v in run.contained_violations})
    signals: dict[str, float | int | str | bool | None] = {
        "tests_present": bool(runs),
        "test_files": sum(len(run.test_files) for run in runs),
        "test_languages": ",".join(run.language for run in runs),
        "tests_run": bool(ran),
        "tests_not_run": ",".join(run.language for run in runs if run.status != "ran"),
        "tests_passed": sum(run.passed for run in ran),
        "tests_failed": sum(run.failed for run in ran),
        "tests_errors": sum(run.errors for run in ran),
        "tests_skipped": sum(run.skipped for run in ran),
        "tests_timed_out": any(run.timed_out for run in ran),
        "tests_run_ok": bool(ran) and all(run.ran_ok for run in ran),
        "sandbox_violation": bool(violations),
        "sandbox_violations": ",".join(violations),
        "sandbox_escape_attempt": bool(_HOSTILE_VIOLATIONS.intersection(violations)),
        # What isolation the runs went without (no control group, no system call filter).
        "sandbox_degraded": "; ".join(sorted({d for run in runs for d in run.sandbox_degraded})),
        "tests_missing_dependencies": ",".join(
            sorted({m for run in runs if run.missing for m in run.missing.modules})
        ),
        "tests_dependencies_installed": sum(
            len(run.dependencies.installed) for run in runs if run.dependencies
        ),
        "tests_dependencies_not_installed": any(
            run.status == "dependencies_not_installed" for run in runs
        ),
        **_coverage_signals(ran),
    }
    report = AnalyserReport(name=REPORT_NAME, signals=signals)
    if not runs:
        plural = "s" if files_scanned != 1 else ""
        searched = "" if files_scanned is None else f" among {files_scanned:,} file{plural}"
        looked_for = ", ".join(_SEARCHED_PATTERNS)
        metric = Evidence(
            kind="metric", excerpt=f"0 test files{searched} (looked for {looked_for} and the like)"
        )
        report.observations.append(
            Observation(
                CATEGORY,
                "The submission contains no automated tests.",
                polarity=-1,
                evidence=(metric,),
            )
        )
        return report
    for run in runs:
        report.observations.append(_observation(run))
        report.observations.extend(_dependency_observations(run))
        report.observations.extend(_violation_observations(run))
        report.risk_flags.extend(_risk_flags(run))
    return report


# --- per-language runners -------------------------------------------------------------------


def _run_python(root: Path, files: tuple[str, ...], settings: Settings) -> TestRunReport:
    tools = python_test_tools()
    prepared = dependencies.prepare_python(root, settings)
    # When the install fails the suite still runs, without the dependencies: tests that need
    # them stop at their imports and the run is reported as not installed (below), while tests
    # that need nothing (assert 1 + 1 == 2 beside an uninstallable requirement) are scored as
    # what they are, not as "could not be run here".
    site = (prepared.site,) if prepared.site is not None else ()
    argv, shown = python_suite.command(root, files, prepared.pytest_plugins)
    result = _sandboxed(
        "python",
        files,
        argv,
        root,
        settings,
        keep=(python_suite.JUNIT, python_suite.COVERAGE),
        toolchain=(*python_suite.interpreter_paths(), tools, *site),
        env=python_suite.environment(root, tools, prepared.site),
    )
    if isinstance(result, TestRunReport):
        return replace(result, dependencies=prepared)
    counts = _junit_counts(result.files.get(python_suite.JUNIT, ""))
    report = _report("python", shown, files, result, *counts, clean_exits=(0, _PYTEST_NO_TESTS))
    coverage = python_suite.coverage_figures(result.files.get(python_suite.COVERAGE, ""))
    missing = python_suite.missing_dependencies(root, result.stdout_tail + result.stderr_tail)
    report = replace(report, coverage=coverage, dependencies=prepared)
    if missing is not None and report.passed + report.failed > 0:
        # Some modules could not be imported, the rest of the suite ran: its results count,
        # and the modules stopped by a missing dependency are not the candidate's errors.
        unimportable = _junit_missing_module_errors(
            result.files.get(python_suite.JUNIT, ""), missing.modules
        )
        return replace(report, errors=max(report.errors - unimportable, 0), missing=missing)
    if missing is not None and prepared.status == "failed":
        return replace(report, status="dependencies_not_installed", missing=missing)
    if missing is not None:
        return replace(report, status="dependencies_missing", missing=missing)
    return report


def _run_javascript(root: Path, files: tuple[str, ...], settings: Settings) -> TestRunReport:
    if node_project.wants_install(root):
        return _run_npm_test(root, "javascript", files, settings)
    node = shutil.which("node")
    runnable = [f for f in files if _node_finds(f)]
    if node is None or not (runnable or _package_uses_node_test(root)):
        reason = (
            "Node.js is not installed"
            if node is None
            else "these tests need a framework from npm, which is not installed offline"
        )
        return _not_run("javascript", files, reason)
    argv = [
        # The real file: the sandbox shows the toolchain at its real place, not through links.
        str(Path(node).resolve()),
        "--test",
        "--test-reporter=tap",
        f"--test-reporter-destination={WORKSPACE}/{_NODE_TAP}",
        "--test-reporter=spec",
        "--test-reporter-destination=stdout",
    ]
    toolchain = (Path(node).resolve().parent.parent,)
    result = _sandboxed(
        "javascript",
        files,
        js_coverage.command(shlex.join(argv), Path(node).resolve()),
        root,
        settings,
        keep=(_NODE_TAP, js_coverage.FIGURES),
        toolchain=toolchain,
        env=js_coverage.environment(),
    )
    if isinstance(result, TestRunReport):
        return result
    passed, failed, errors, skipped = _tap_counts(result.files.get(_NODE_TAP, ""))
    report = _report("javascript", argv, files, result, passed, failed, errors, skipped)
    return _with_js_coverage(report, root, result)


def _run_npm_test(
    root: Path, language: Language, files: tuple[str, ...], settings: Settings
) -> TestRunReport:
    """The project's ``npm test`` (its ``pretest``, ``test`` and ``posttest`` scripts,
    ``npm_lifecycle``), with the packages its lockfile pins (``node_project``)."""
    node = shutil.which("node")
    if node is None:
        return _not_run(language, files, "Node.js is not installed")
    prepared = node_project.prepare(root, settings)
    if prepared.status != "installed" or prepared.site is None:
        if prepared.status == "failed":
            return TestRunReport(
                language=language,
                status="dependencies_not_installed",
                command="not run: could not install the project's dependencies",
                test_files=files,
                dependencies=prepared,
            )
        reason = "installing the project's npm dependencies is switched off on this installation"
        return replace(_not_run(language, files, reason), dependencies=prepared)
    node_home = Path(node).resolve().parent
    scripts = npm_lifecycle.lifecycle(node_project.read_package(root))
    with (
        node_project.workspace_with_modules(root, prepared.site) as work,
        npm_lifecycle.npm_commands(node_home / "node") as commands,
    ):
        result = _sandboxed(
            language,
            files,
            js_coverage.command(npm_lifecycle.npm_test_command(commands), node_home / "node"),
            work,
            settings,
            keep=(js_coverage.FIGURES,),
            toolchain=(node_home.parent, commands),
            env={**node_project.environment(node_home, commands), **js_coverage.environment()},
        )
    if isinstance(result, TestRunReport):
        return replace(result, dependencies=prepared)
    counts = node_project.summary_counts(result.stdout_tail + result.stderr_tail)
    if counts is None:
        reason = "the test script's output has no summary of passed and failed tests to read"
        tail = (result.stdout_tail + result.stderr_tail)[-4000:]
        return replace(_not_run(language, files, reason), dependencies=prepared, output_tail=tail)
    report = _report(language, ["npm", "test", f"({' && '.join(scripts)})"], files, result, *counts)
    return replace(_with_js_coverage(report, root, result), dependencies=prepared)


def _with_js_coverage(report: TestRunReport, root: Path, result: SandboxResult) -> TestRunReport:
    """``report`` with what V8 measured of the candidate's own scripts, or why it could not."""
    coverage, note = js_coverage.coverage_figures(
        root, result.files.get(js_coverage.FIGURES), report.passed
    )
    return replace(report, coverage=coverage, coverage_note=note)


def _run_go(root: Path, files: tuple[str, ...], settings: Settings) -> TestRunReport:
    go = shutil.which("go")
    if go is None:
        return _not_run("go", files, "the Go toolchain is not installed")
    goroot = Path(go).resolve().parent.parent
    # `go test -json` output goes to stdout; the shell saves it for us to read back.
    script = f"go test -json ./... > {WORKSPACE}/{_GO_JSON}"
    argv = ["/bin/sh", "-c", script]
    result = _sandboxed(
        "go",
        files,
        argv,
        root,
        settings,
        keep=_GO_JSON,
        toolchain=(goroot,),
        env={
            "PATH": f"{goroot}/bin:/usr/bin:/bin",
            "GOPROXY": "off",
            "GOFLAGS": "-mod=mod",
            "GOCACHE": "/tmp/go-cache",
            "GOPATH": "/tmp/go",
            "CGO_ENABLED": "0",
        },
    )
    if isinstance(result, TestRunReport):
        return result
    passed, failed, skipped = _go_counts(result.files.get(_GO_JSON, ""))
    return _report("go", ["go", "test", "./..."], files, result, passed, failed, 0, skipped)


def _coverage_signals(ran: list[TestRunReport]) -> dict[str, float | int | bool | None]:
    measured = [run.coverage for run in ran if run.coverage is not None]
    statements = sum(c.statements for c in measured)
    by_tests = sum(c.executed_by_tests for c in measured)
    share = round(by_tests / statements, 3) if statements else None
    passed = sum(run.passed for run in ran)
    if measured and len(measured) == len(ran):
        # Test functions that reached the code (a parametrised one counts once, not per
        # case), never more than the passing tests.
        passing_own = min(passed, sum(c.tests_reaching_code for c in measured))
    else:
        passing_own = passed  # not measured for every suite (Go, a transformed run): all passing
    return {
        "tests_own_statements": statements if measured else None,
        "tests_passing_own_code": passing_own,
        "tests_line_coverage": share,
        # Passing tests that execute none of the code; a suite that died before its first
        # test is scored by its errors instead.
        "tests_trivial": share == 0 and sum(run.passed for run in ran) > 0,
    }


def _not_run(language: Language, files: tuple[str, ...], reason: str) -> TestRunReport:
    return TestRunReport(
        language=language,
        status="toolchain_not_available",
        command=f"not run: {reason}",
        test_files=files,
    )


def _sandboxed(
    language: Language,
    files: tuple[str, ...],
    argv: list[str],
    root: Path,
    settings: Settings,
    *,
    keep: str | tuple[str, ...],
    toolchain: tuple[Path, ...],
    env: dict[str, str] | None = None,
) -> SandboxResult | TestRunReport:
    """Run ``argv`` on a copy of the submission; a report saying why when it cannot run."""
    # A fresh results folder: a submission could ship a fake report where ours will be written.
    prepare = f'rm -rf "{_RESULTS_DIR}" && mkdir "{_RESULTS_DIR}" && exec "$@"'
    try:
        return run_sandboxed(
            ["/bin/sh", "-c", prepare, "sh", *argv],
            workdir=root,
            env=env,
            read_only_paths=toolchain,
            keep_files=[keep] if isinstance(keep, str) else list(keep),
            settings=settings,
        )
    except SandboxUnavailable as error:
        return TestRunReport(
            language=language,
            status="sandbox_unavailable",
            command=f"not run: the sandbox is not available ({error})",
            test_files=files,
        )


def _report(
    language: Language,
    argv: list[str],
    files: tuple[str, ...],
    result: SandboxResult,
    passed: int,
    failed: int,
    errors: int,
    skipped: int,
    *,
    clean_exits: tuple[int, ...] = (0,),
) -> TestRunReport:
    # A run that ended badly without any test being counted (collection failed, interpreter
    # crashed, killed) is one error, so it never reads as "nothing failed".
    if result.exit_code not in clean_exits and failed + errors == 0:
        errors = 1
    return TestRunReport(
        language=language,
        status="ran",
        command=" ".join(_shown(arg) for arg in argv),
        test_files=files,
        passed=passed,
        failed=failed,
        errors=errors,
        skipped=skipped,
        exit_code=result.exit_code,
        timed_out=result.timed_out,
        contained_violations=result.violations,
        violation_evidence=tuple(result.evidence.items()),
        sandbox_degraded=result.degraded,
        output_tail=(result.stdout_tail + result.stderr_tail)[-4000:],
        seconds=result.seconds,
    )


# --- result parsing -------------------------------------------------------------------------


def _junit_counts(xml_text: str) -> tuple[int, int, int, int]:
    """passed, failed, errors, skipped from a pytest junit report."""
    if not xml_text.strip():
        return 0, 0, 0, 0
    try:
        root = ElementTree.fromstring(xml_text)
    except ElementTree.ParseError:
        return 0, 0, 0, 0
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    total = failed = errors = skipped = 0
    for suite in suites:
        total += int(suite.get("tests", 0))
        failed += int(suite.get("failures", 0))
        errors += int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    return max(total - failed - errors - skipped, 0), failed, errors, skipped


def _junit_missing_module_errors(xml_text: str, modules: tuple[str, ...]) -> int:
    """How many of a pytest junit report's errors are test modules that could not be
    collected because one of ``modules`` is not installed."""
    try:
        root = ElementTree.fromstring(xml_text) if xml_text.strip() else None
    except ElementTree.ParseError:
        return 0
    if root is None:
        return 0
    names = [f"No module named '{m}" for m in modules]
    count = 0
    for case in root.iter("testcase"):
        error = case.find("error")
        if error is None:
            continue
        text = f"{error.get('message', '')}\n{error.text or ''}"
        if "ModuleNotFoundError" in text and any(name in text for name in names):
            count += 1
    return count


_TAP_SUMMARY = re.compile(r"^# (pass|fail|cancelled|skipped|todo) (\d+)$", re.MULTILINE)


def _tap_counts(tap_text: str) -> tuple[int, int, int, int]:
    """passed, failed, errors (cancelled), skipped (incl. todo) from Node's TAP summary."""
    counts: dict[str, int] = {}
    for key, value in _TAP_SUMMARY.findall(tap_text):
        counts[key] = int(value)  # the last summary wins
    return (
        counts.get("pass", 0),
        counts.get("fail", 0),
        counts.get("cancelled", 0),
        counts.get("skipped", 0) + counts.get("todo", 0),
    )


def _go_counts(json_lines: str) -> tuple[int, int, int]:
    """passed, failed, skipped tests from ``go test -json``."""
    counts = {"pass": 0, "fail": 0, "skip": 0}
    for line in json_lines.splitlines():
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue
        if event.get("Test") and event.get("Action") in counts:
            counts[event["Action"]] += 1
    return counts["pass"], counts["fail"], counts["skip"]


# --- wording --------------------------------------------------------------------------------


def _observation(run: TestRunReport) -> Observation:
    evidence = tuple(Evidence(kind="file", file=f) for f in run.test_files[:_MAX_CITED_FILES])
    files = (
        f"{len(run.test_files)} {run.language} test file{'s' if len(run.test_files) != 1 else ''}"
    )
    counts = f"{run.passed} passed, {run.failed} failed, {run.errors} errors, {run.skipped} skipped"
    ran = (Evidence(kind="metric", excerpt=f"{run.command}: {counts}"),)
    tail = stable_tail(run.output_tail)
    output = (Evidence(kind="quote", excerpt=tail),) if tail else ()
    if run.status == "dependencies_not_installed" and run.dependencies is not None:
        text = (
            f"{files} not run: could not install the project's dependencies "
            f"({dependencies.failure_reason(run.dependencies)}); not counted as failing."
        )
        quote = (Evidence(kind="quote", excerpt=f"could not install: {run.dependencies.excerpt}"),)
        return Observation(CATEGORY, text, polarity=0, evidence=quote + evidence)
    if run.status == "dependencies_missing" and run.missing is not None:
        modules = ", ".join(run.missing.modules)
        why = dependencies.missing_reason(run.dependencies)
        text = (
            f"{files} could not run: missing dependency: {modules} ({why}); not "
            f"counted as failing ({counts} before it stopped)."
        )
        quote = (Evidence(kind="quote", excerpt=run.missing.excerpt),)
        return Observation(CATEGORY, text, polarity=0, evidence=quote + ran + evidence)
    if run.status != "ran":
        text = f"{files} found but not run ({run.command.removeprefix('not run: ')})."
        return Observation(CATEGORY, text, polarity=1, evidence=evidence)
    if run.timed_out:
        text = f"{files}; the test run did not finish within the time limit."
        return Observation(CATEGORY, text, polarity=-1, evidence=ran + output + evidence)
    text = f"{files}: {counts}." + _coverage_sentence(run.coverage, run.coverage_note)
    trivial = run.coverage is not None and run.coverage.share == 0
    polarity = 1 if run.ran_ok and not trivial else -1
    return Observation(CATEGORY, text, polarity=polarity, evidence=ran + output + evidence)


def _dependency_observations(run: TestRunReport) -> list[Observation]:
    """What was installed for the run, and what the project declares that was not followed."""
    prepared = run.dependencies
    if prepared is None:
        return []
    text = dependencies.installed_sentence(prepared)
    if not text:
        return []
    sources = tuple(Evidence(kind="file", file=f) for f in prepared.declared.sources)
    return [Observation(CATEGORY, text, polarity=0, evidence=sources)]


def _coverage_sentence(coverage: CoverageFigures | None, note: str = "") -> str:
    if coverage is None or coverage.share is None:
        return f" Coverage could not be measured: {note}." if note else ""
    if coverage.share == 0:
        return (
            f" The tests execute none of the candidate's own code (0 of {coverage.statements} "
            f"{coverage.unit}): they test nothing that was built and earn no Testing points."
        )
    return (
        f" They execute {coverage.share:.0%} of the candidate's own code "
        f"({coverage.executed_by_tests} of {coverage.statements} {coverage.unit}, "
        f"{coverage.measured_with})."
    )


def stable_tail(output: str) -> str:
    """The last lines of a run's output as the report quotes them: durations and memory
    addresses masked, so that the same submission always reads the same."""
    lines = [line.rstrip() for line in output.splitlines() if line.strip()][-_TAIL_LINES:]
    text = "\n".join(lines)
    for pattern, replacement in _VOLATILE:
        text = pattern.sub(replacement, text)
    return text[-1500:]


def _violation_observations(run: TestRunReport) -> list[Observation]:
    """One observation per thing the sandbox stopped, with how it is known (a counter of the
    run's control group, or the line of output that shows the refusal) and the test files."""
    files = tuple(Evidence(kind="file", file=f) for f in run.test_files[:_MAX_CITED_FILES])
    shown = dict(run.violation_evidence)
    return [
        Observation(
            CATEGORY,
            f"While running, the {run.language} tests {_VIOLATION_WORDING.get(kind, kind)}; "
            "the sandbox stopped it.",
            polarity=-1,
            evidence=_violation_evidence(shown.get(kind)) + files,
        )
        for kind in run.contained_violations
        if kind != "timeout"  # the run's own observation already says it did not finish
    ]


def _violation_evidence(shown: str | None) -> tuple[Evidence, ...]:
    if not shown:
        return ()
    return (Evidence(kind="metric", excerpt=shown),)


def _risk_flags(run: TestRunReport) -> list[RiskFlag]:
    """``sandbox_violation`` for what the sandbox stopped, ``tests_failing`` for a run that
    did not pass; both when both happened."""
    evidence = tuple(Evidence(kind="file", file=f) for f in run.test_files[:_MAX_CITED_FILES])
    flags = []
    if run.contained_violations:
        stopped = ", ".join(run.contained_violations)
        hostile = _HOSTILE_VIOLATIONS & set(run.contained_violations)
        shown = tuple(e for _, text in run.violation_evidence for e in _violation_evidence(text))
        flags.append(
            RiskFlag(
                code="sandbox_violation",
                severity="high" if hostile else "medium",
                message=f"The {run.language} tests tried something the sandbox stopped "
                f"({stopped}).",
                evidence=shown + evidence,
            )
        )
    if run.status == "ran" and (run.failed or run.errors):
        flags.append(
            RiskFlag(
                code="tests_failing",
                severity="medium",
                message=f"The candidate's own {run.language} tests do not pass "
                f"({run.passed} passed, {run.failed} failed, {run.errors} errors).",
                evidence=evidence,
            )
        )
    return flags


# --- helpers --------------------------------------------------------------------------------


def _in_js_test_folder(relative: str) -> bool:
    parts = PurePosixPath(relative).parts
    return "test" in parts[:-1] and parts[-1].endswith((".js", ".mjs", ".cjs"))


def _node_finds(relative: str) -> bool:
    name = PurePosixPath(relative).name
    return any(fnmatch(name, glob) for glob in _NODE_TESTS) or _in_js_test_folder(relative)


def _package_uses_node_test(root: Path) -> bool:
    try:
        package = json.loads((root / "package.json").read_text())
    except (OSError, ValueError):
        return False
    script = (package.get("scripts") or {}).get("test", "") if isinstance(package, dict) else ""
    return isinstance(script, str) and "node --test" in script


def _shown(arg: str) -> str:
    """Commands are shown as run inside the sandbox, without this machine's paths."""
    if arg == sys.executable:
        return "python"
    return Path(arg).name if arg.startswith("/") and not arg.startswith(WORKSPACE) else arg
