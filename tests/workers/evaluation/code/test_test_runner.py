"""Finding and running a submission's tests for real (pytest, node --test) and the "tests"
analyser report built from the results."""

from __future__ import annotations

import json
import os
import shutil
import sys
import textwrap
from pathlib import Path

import pytest

from backend.settings import Settings
from workers.evaluation.code.test_runner import (
    TestRunReport,
    analyse_tests,
    find_test_files,
    run_tests,
    to_analyser_report,
)

# Upper bound only: these suites finish in a second or two.
FAST = Settings(sandbox_timeout_s=10)
PROJECT = Path(__file__).resolve().parents[4]


def write(root: Path, files: dict[str, str]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content))
    return root


PYTHON_PROJECT = {
    "calc.py": """
        def add(a, b):
            return a + b
    """,
    "tests/test_calc.py": """
        import pytest
        from calc import add

        def test_adds():
            assert add(2, 2) == 4

        def test_adds_negatives():
            assert add(-1, -1) == -2

        def test_wrong_expectation():
            assert add(2, 2) == 5

        @pytest.mark.skip(reason="later")
        def test_later():
            pass

        @pytest.fixture()
        def broken():
            raise RuntimeError("fixture broke")

        def test_uses_broken_fixture(broken):
            pass
    """,
    "tests/conftest.py": """
        import sys, pathlib
        sys.path.insert(0, str(pathlib.Path(__file__).parent.parent))
    """,
    "node_modules/lib/test_vendored.py": "def test_not_ours(): pass\n",
}


def test_python_tests_are_counted(tmp_path: Path) -> None:
    root = write(tmp_path / "sub", PYTHON_PROJECT)
    (run,) = run_tests(root, settings=FAST)
    assert run.language == "python"
    assert run.test_files == ("tests/test_calc.py",)  # dependencies are not the candidate's
    assert (run.passed, run.failed, run.errors, run.skipped) == (2, 1, 1, 1)
    assert not run.ran_ok and not run.timed_out
    assert "fixture broke" in run.output_tail
    assert run.command.startswith("python -m coverage run -m pytest")


def test_the_report_cites_test_files_and_is_deterministic(tmp_path: Path) -> None:
    root = write(tmp_path / "sub", PYTHON_PROJECT)
    first, second = analyse_tests(root, settings=FAST), analyse_tests(root, settings=FAST)
    assert first.name == "tests"
    assert first.signals == second.signals
    assert [o.to_dict() for o in first.observations] == [o.to_dict() for o in second.observations]
    assert first.signals["tests_present"] is True
    assert first.signals["test_files"] == 1
    assert (first.signals["tests_passed"], first.signals["tests_failed"]) == (2, 1)
    assert first.signals["tests_errors"] == 1
    assert first.signals["tests_run_ok"] is False
    assert first.signals["sandbox_violation"] is False
    (observation,) = first.observations
    counts = "2 passed, 1 failed, 1 errors, 1 skipped"
    assert observation.text.startswith(f"1 python test file: {counts}.")
    metric, tail = observation.evidence[:2]
    assert metric.kind == "metric" and metric.excerpt.endswith(counts)
    assert tail.kind == "quote" and "1 failed, 2 passed, 1 skipped, 1 error in <t>" in tail.excerpt
    assert observation.evidence[2].kind == "file"
    assert observation.evidence[2].file == "tests/test_calc.py"
    (flag,) = first.risk_flags
    assert (flag.code, flag.severity) == ("tests_failing", "medium")
    assert "1 failed" in flag.message
    assert flag.evidence[0].file == "tests/test_calc.py"


def test_a_clean_passing_suite_runs_ok(tmp_path: Path) -> None:
    root = write(
        tmp_path / "sub",
        {
            "app/cart.py": """
                def total(prices):
                    return sum(prices)
            """,
            "tests/test_cart.py": """
                from app.cart import total

                def test_empty():
                    assert total([]) == 0

                def test_sum():
                    assert total([1, 2]) == 3
            """,
            "tests/test_more.py": """
                import pytest

                @pytest.mark.parametrize("n", [1, 2, 3])
                def test_positive(n):
                    assert n > 0
            """,
        },
    )
    (tmp_path / "sub" / "app" / "__init__.py").write_text("")
    report = analyse_tests(root, settings=FAST)
    assert report.signals["tests_run_ok"] is True
    assert (report.signals["tests_passed"], report.signals["tests_failed"]) == (5, 0)
    assert report.signals["test_files"] == 2
    assert report.signals["tests_errors"] == 0
    assert report.signals["sandbox_violation"] is False
    assert report.risk_flags == []
    (observation,) = report.observations
    assert observation.text == (
        "2 python test files: 5 passed, 0 failed, 0 errors, 0 skipped. They execute 100% of the "
        "candidate's own code (2 of 2 statements, coverage.py)."
    )
    assert report.signals["tests_line_coverage"] == 1.0
    assert report.signals["tests_trivial"] is False
    assert observation.polarity == 1


def test_the_suite_sees_the_test_tools_and_nothing_else_of_the_worker_s(tmp_path: Path) -> None:
    # pytest and coverage come from the runtime install (requirements.txt), copied apart: the
    # worker's other packages (httpx, pydantic...) and its own code are invisible to the suite.
    root = write(
        tmp_path / "sub",
        {
            "test_env.py": f"""
                import importlib.util
                import os
                import pytest

                def test_pytest_is_not_the_worker_s_site_packages():
                    assert not pytest.__file__.startswith({sys.prefix!r})

                def test_the_worker_s_packages_are_not_importable():
                    for name in ("httpx", "pydantic", "backend", "workers", "numpy"):
                        assert importlib.util.find_spec(name) is None, name
                    assert not os.path.exists({str(PROJECT / "backend")!r})
            """,
        },
    )
    (run,) = run_tests(root, settings=FAST)
    assert (run.passed, run.failed, run.errors) == (2, 0, 0), run.output_tail


def test_a_test_file_without_tests_is_not_an_error(tmp_path: Path) -> None:
    root = write(tmp_path / "sub", {"test_helpers.py": "VALUE = 1\n"})
    (run,) = run_tests(root, settings=FAST)
    assert (run.passed, run.failed, run.errors) == (0, 0, 0)
    report = to_analyser_report([run])
    assert report.risk_flags == []
    assert report.signals["tests_run_ok"] is False  # nothing passed: no credit either


def test_a_test_file_that_does_not_import_is_an_error(tmp_path: Path) -> None:
    root = write(tmp_path / "sub", {"test_broken.py": "def test_x(:\n    pass\n"})
    (run,) = run_tests(root, settings=FAST)
    assert run.errors >= 1 and run.passed == 0
    assert not run.ran_ok


def test_a_shipped_fake_result_file_is_not_believed(tmp_path: Path) -> None:
    fake = '<testsuites><testsuite tests="100" failures="0" errors="0" skipped="0"/></testsuites>'
    root = write(
        tmp_path / "sub",
        {
            ".truelevel/pytest-junit.xml": fake,
            "test_slow.py": "import time\n\ndef test_wait():\n    time.sleep(10**6)\n",
        },
    )
    (run,) = run_tests(root, settings=Settings(sandbox_timeout_s=2))
    assert run.timed_out
    assert run.passed == 0


def _nodes() -> list[str]:
    """The Node.js installations here: the system's (/usr/bin/node, Node 20 on Debian) and the
    project's own in .tools (Node 22), each tested as the one found on PATH."""
    found = {shutil.which("node")} | {"/usr/bin/node"}
    found |= {str(p) for p in (PROJECT / ".tools").glob("node_modules/node-linux-*/bin/node")}
    return sorted(node for node in found if node and os.access(node, os.X_OK))


NODE_PROJECT = {
    "package.json": json.dumps({"name": "todo", "scripts": {"test": "node --test"}}),
    "src/sum.js": "module.exports = (a, b) => a + b;\n",
    "test/sum.test.js": """
        const test = require('node:test');
        const assert = require('node:assert');
        const sum = require('../src/sum.js');

        test('adds', () => assert.strictEqual(sum(1, 2), 3));
        test('adds zero', () => assert.strictEqual(sum(0, 2), 2));
        test('is wrong', () => assert.strictEqual(sum(1, 1), 3));
        test.skip('later', () => {});
    """,
    "lib/math.test.mjs": """
        import test from 'node:test';
        import assert from 'node:assert';

        test('multiplies', () => assert.strictEqual(2 * 3, 6));
    """,
}


@pytest.mark.skipif(not _nodes(), reason="Node.js is not installed")
@pytest.mark.parametrize("node", _nodes())
def test_javascript_tests_run_with_node_test(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, node: str
) -> None:
    monkeypatch.setenv("PATH", f"{Path(node).parent}:{os.environ['PATH']}")
    root = write(tmp_path / "sub", NODE_PROJECT)
    (run,) = run_tests(root, settings=FAST)
    assert run.language == "javascript"
    assert run.status == "ran", run.command
    assert run.test_files == ("lib/math.test.mjs", "test/sum.test.js")
    assert (run.passed, run.failed, run.errors, run.skipped) == (3, 1, 0, 1), run.output_tail
    assert run.command.startswith("node --test")
    report = to_analyser_report([run])
    assert report.signals["tests_passed"] == 3 and report.signals["tests_failed"] == 1
    assert [flag.code for flag in report.risk_flags] == ["tests_failing"]
    # V8's coverage, with either Node: the one line of the candidate's own code ran.
    assert report.observations[0].text == (
        "2 javascript test files: 3 passed, 1 failed, 0 errors, 1 skipped. They execute 100% "
        "of the candidate's own code (1 of 1 lines, V8)."
    )
    assert report.signals["tests_line_coverage"] == 1.0


def test_java_tests_are_detected_but_not_run(tmp_path: Path) -> None:
    root = write(
        tmp_path / "sub",
        {
            "src/main/java/Cart.java": "class Cart {}\n",
            "src/test/java/CartTest.java": "class CartTest {}\n",
        },
    )
    report = analyse_tests(root, settings=FAST)
    assert report.signals["tests_present"] is True
    assert report.signals["tests_run"] is False
    assert report.signals["tests_not_run"] == "java"
    assert report.observations[0].evidence[0].file == "src/test/java/CartTest.java"
    assert "not run" in report.observations[0].text


@pytest.mark.skipif(shutil.which("go") is not None, reason="the Go toolchain is installed")
def test_go_without_a_toolchain_is_reported(tmp_path: Path) -> None:
    root = write(tmp_path / "sub", {"go.mod": "module x\n", "x_test.go": "package x\n"})
    (run,) = run_tests(root, settings=FAST)
    assert run.status == "toolchain_not_available"
    assert "Go toolchain" in run.command


def test_no_tests_is_reported(tmp_path: Path) -> None:
    root = write(tmp_path / "sub", {"main.py": "print('hello')\n"})
    assert find_test_files(root) == {}
    report = analyse_tests(root, settings=FAST)
    assert report.signals["tests_present"] is False
    assert report.signals["test_files"] == 0
    assert report.signals["tests_run"] is False
    (observation,) = report.observations
    assert observation.text == "The submission contains no automated tests."
    assert observation.polarity == -1
    (evidence,) = observation.evidence
    assert evidence.kind == "metric"
    assert evidence.excerpt.startswith("0 test files among 1 file (looked for test_*.py")
    assert report.risk_flags == []


def test_tests_in_dependency_folders_and_virtual_environments_are_not_the_candidate_s(
    tmp_path: Path,
) -> None:
    root = write(
        tmp_path / "sub",
        {
            "tests/test_orders.py": "def test_orders(): pass\n",
            # A virtual environment under a name of the candidate's choosing.
            "env/pyvenv.cfg": "home = /usr/bin\n",
            "env/lib/python3.11/site-packages/pkg/test_pkg.py": "def test_pkg(): pass\n",
            "py311/pyvenv.cfg": "home = /usr/bin\n",
            "py311/lib/test_lib.py": "def test_lib(): pass\n",
            "node_modules/lib/test_vendored.py": "def test_vendored(): pass\n",
            ".truelevel/test_ours.py": "def test_ours(): pass\n",
            # A folder that is merely called env is the candidate's own.
            "config/env/test_settings.py": "def test_settings(): pass\n",
        },
    )
    assert find_test_files(root) == {
        "python": ("config/env/test_settings.py", "tests/test_orders.py")
    }


def _run(violations: tuple[str, ...], *, timed_out: bool = False) -> TestRunReport:
    """A finished Python run that the sandbox stopped for ``violations``."""
    return TestRunReport(
        language="python",
        status="ran",
        command="python -m pytest",
        test_files=("tests/test_orders.py",),
        passed=3,
        failed=0 if timed_out else 1,
        exit_code=1,
        timed_out=timed_out,
        contained_violations=violations,
    )


def test_a_suite_stopped_at_the_time_limit_is_no_escape_attempt() -> None:
    report = to_analyser_report([_run(("timeout",), timed_out=True)])

    assert report.signals["sandbox_violation"] is True
    assert report.signals["sandbox_violations"] == "timeout"
    assert report.signals["sandbox_escape_attempt"] is False
    (flag,) = [f for f in report.risk_flags if f.code == "sandbox_violation"]
    assert flag.severity == "medium"


@pytest.mark.parametrize("kind", ["network", "filesystem", "pids", "memory", "disk"])
def test_what_a_test_suite_never_needs_is_an_escape_attempt(kind: str) -> None:
    report = to_analyser_report([_run(("timeout", kind))])

    assert report.signals["sandbox_escape_attempt"] is True
    assert kind in str(report.signals["sandbox_violations"]).split(",")
    (flag,) = [f for f in report.risk_flags if f.code == "sandbox_violation"]
    assert flag.severity == "high"


def test_an_oversized_file_alone_is_no_escape_attempt() -> None:
    report = to_analyser_report([_run(("file_size",))])

    assert report.signals["sandbox_violation"] is True
    assert report.signals["sandbox_escape_attempt"] is False
