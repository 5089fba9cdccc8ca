"""Real JavaScript projects with npm dependencies and a lockfile: the packages are installed
from the real npm registry with ``npm ci --ignore-scripts``, the ``test`` script runs in the
sandbox without network, and the counts come from what the test runner prints."""

from __future__ import annotations

import json
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from backend.settings import Settings
from workers.evaluation.code.node_project import summary_counts
from workers.evaluation.code.test_runner import analyse_tests, run_tests

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or shutil.which("npm") is None, reason="needs Node.js and npm"
)


def write(root: Path, files: dict[str, str]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content))
    return root


def package(name: str, test: str, dependencies: dict[str, str]) -> str:
    body = {"name": name, "version": "1.0.0", "scripts": {"test": test}}
    return json.dumps({**body, "devDependencies": dependencies}, indent=2)


def lock(name: str, dependencies: dict[str, str], packages: dict[str, dict]) -> str:
    """A lockfile as npm 7+ writes it (version 3)."""
    root = {"name": name, "version": "1.0.0", "devDependencies": dependencies}
    body = {"name": name, "version": "1.0.0", "lockfileVersion": 3, "requires": True}
    return json.dumps({**body, "packages": {"": root, **packages}}, indent=2)


IS_ODD = {
    "version": "3.0.1",
    "integrity": "sha512-CQpnWPrDwmP1+SMHXZhtLtJv90yiyVfluGsX5iNCVkrhQtU3TQHsUWPG9wkdk9Lgd5yN"
    "pAg9jQEo90CBaXgWMA==",
    "dev": True,
    "dependencies": {"is-number": "^6.0.0"},
}
IS_NUMBER = {
    "version": "6.0.0",
    "integrity": "sha512-Wu1VHeILBK8KAWJUAiSZQX94GmOE45Rg6/538fKwiloUu21KncEkYGPqob2oSZ5mUT73v"
    "LGrHQjKw3KMPwfDzg==",
    "dev": True,
}


def with_data(tmp_path: Path) -> Settings:
    return Settings(sandbox_timeout_s=60, data_dir=tmp_path / "data")


def test_the_lockfile_s_packages_are_installed_and_the_test_script_runs(tmp_path: Path) -> None:
    packages = {"node_modules/is-number": IS_NUMBER, "node_modules/is-odd": IS_ODD}
    root = write(
        tmp_path / "sub",
        {
            "package.json": package("oddity", "node --test", {"is-odd": "3.0.1"}),
            "package-lock.json": lock("oddity", {"is-odd": "3.0.1"}, packages),
            "src/parity.js": "const isOdd = require('is-odd');\n"
            "module.exports = (n) => (isOdd(n) ? 'odd' : 'even');\n",
            "test/parity.test.js": """
                const test = require('node:test');
                const assert = require('node:assert');
                const parity = require('../src/parity');

                test('odd', () => assert.strictEqual(parity(3), 'odd'));
                test('even', () => assert.strictEqual(parity(4), 'even'));
            """,
        },
    )
    settings = with_data(tmp_path)
    report = analyse_tests(root, settings=settings)
    assert report.signals["tests_run_ok"] is True
    assert (report.signals["tests_passed"], report.signals["tests_failed"]) == (2, 0)
    assert report.signals["tests_dependencies_installed"] == 2
    assert report.risk_flags == []
    ran, installed = report.observations
    assert ran.text == (
        "1 javascript test file: 2 passed, 0 failed, 0 errors, 0 skipped. They execute 100% of "
        "the candidate's own code (2 of 2 lines, V8)."
    )
    assert installed.text.endswith(": is-number 6.0.0, is-odd 3.0.1.")
    # The same submission again, from the cache: the same report, byte for byte.
    again = analyse_tests(root, settings=settings)
    assert [o.to_dict() for o in again.observations] == [o.to_dict() for o in report.observations]
    assert not (root / "node_modules").exists()  # installed beside it, never into it


def test_a_mocha_suite_reports_its_counts_and_its_failure(tmp_path: Path) -> None:
    root = write(
        tmp_path / "sub",
        {
            "package.json": package("calc", "mocha", {"mocha": "10.7.3"}),
            "add.js": "module.exports = (a, b) => a + b;\n",
            "test/add.test.js": """
                const assert = require('node:assert');
                const add = require('../add');

                describe('add', () => {
                  it('adds', () => assert.strictEqual(add(1, 2), 3));
                  it('is wrong', () => assert.strictEqual(add(1, 1), 3));
                  it.skip('later', () => {});
                });
            """,
        },
    )
    # The lockfile a candidate commits, as npm writes it.
    subprocess.run(
        ["npm", "install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund"],
        cwd=root,
        check=True,
        capture_output=True,
        timeout=120,
    )
    (run,) = run_tests(root, settings=with_data(tmp_path))
    assert (run.status, run.passed, run.failed, run.skipped) == ("ran", 1, 1, 1), run.output_tail
    assert run.command == "npm test (mocha)"
    assert len(run.dependencies.installed) > 50


def test_a_package_that_cannot_be_installed_is_said_and_not_scored_as_failing(
    tmp_path: Path,
) -> None:
    missing = {"version": "1.0.0", "dev": True}
    root = write(
        tmp_path / "sub",
        {
            "package.json": package(
                "bad", "node --test", {"truelevel-no-such-package-zz": "1.0.0"}
            ),
            "package-lock.json": lock(
                "bad",
                {"truelevel-no-such-package-zz": "1.0.0"},
                {"node_modules/truelevel-no-such-package-zz": missing},
            ),
            "test/x.test.js": "require('node:test')('x', () => {});\n",
        },
    )
    report = analyse_tests(root, settings=with_data(tmp_path))
    assert report.signals["tests_run"] is False
    assert report.signals["tests_dependencies_not_installed"] is True
    assert report.risk_flags == []
    quote = report.observations[0].evidence[0]
    assert quote.excerpt.startswith("could not install: npm error code E404")
    assert "truelevel-no-such-package-zz" in quote.excerpt


def test_npm_test_runs_pretest_and_posttest_around_the_test_script(tmp_path: Path) -> None:
    # As uuidjs/uuid: the tests need files that ``pretest`` builds (through ``npm run``).
    packages = {"node_modules/is-number": IS_NUMBER, "node_modules/is-odd": IS_ODD}
    body = json.loads(package("built", "node --test", {"is-odd": "3.0.1"}))
    body["scripts"] = {
        "build": "mkdir -p lib && cp src/parity.js lib/parity.js",
        "pretest": "npm run build",
        "test": "node --test",
        "posttest": "echo posttest ran for $npm_lifecycle_event",
    }
    root = write(
        tmp_path / "sub",
        {
            "package.json": json.dumps(body),
            "package-lock.json": lock("built", {"is-odd": "3.0.1"}, packages),
            "src/parity.js": "module.exports = (n) => (require('is-odd')(n) ? 'odd' : 'even');\n",
            "test/parity.test.js": """
                const test = require('node:test');
                const parity = require('../lib/parity');

                test('odd', () => require('node:assert').strictEqual(parity(3), 'odd'));
            """,
        },
    )
    (run,) = run_tests(root, settings=with_data(tmp_path))
    assert (run.status, run.passed, run.failed, run.errors) == ("ran", 1, 0, 0), run.output_tail
    assert run.command == "npm test (npm run build && node --test && echo posttest ran for " + (
        "$npm_lifecycle_event)"
    )
    assert "posttest ran for posttest" in run.output_tail
    assert not (root / "lib").exists()  # built in the sandbox's copy only


def test_a_failing_pretest_stops_the_run_as_npm_test_would(tmp_path: Path) -> None:
    packages = {"node_modules/is-number": IS_NUMBER, "node_modules/is-odd": IS_ODD}
    body = json.loads(package("broken", "node --test", {"is-odd": "3.0.1"}))
    body["scripts"]["pretest"] = "npm pack"  # npm's other commands are not available offline
    root = write(
        tmp_path / "sub",
        {
            "package.json": json.dumps(body),
            "package-lock.json": lock("broken", {"is-odd": "3.0.1"}, packages),
            "test/x.test.js": "require('node:test')('x', () => {});\n",
        },
    )
    (run,) = run_tests(root, settings=with_data(tmp_path))
    assert run.status == "toolchain_not_available"  # no summary to read: not run, not failing
    assert '"npm pack" is not available here' in run.output_tail


@pytest.mark.parametrize(
    ("output", "counts"),
    [
        ("# tests 3\n# pass 2\n# fail 1\n# cancelled 0\n# skipped 1\n# todo 0\n", (2, 1, 0, 1)),
        ("ℹ tests 2\nℹ pass 2\nℹ fail 0\n", (2, 0, 0, 0)),
        ("Tests:       1 failed, 1 skipped, 3 passed, 5 total\nTime:  1.2 s\n", (3, 1, 0, 1)),
        (" Test Files  1 passed (1)\n      Tests  4 passed | 1 todo (5)\n", (4, 0, 0, 1)),
        ("  3 passing (5ms)\n  1 pending\n", (3, 0, 0, 1)),
        ("Done in 2s.\n", None),
    ],
)
def test_test_runner_summaries_are_read(output: str, counts: tuple | None) -> None:
    assert summary_counts(output) == counts


@pytest.mark.parametrize(
    ("dependencies", "entry", "said"),
    [
        # The lockfile would have npm fetch from another host (an internal address).
        (
            {"is-odd": "3.0.1"},
            {**IS_ODD, "resolved": "http://169.254.169.254/latest/is-odd.tgz"},
            "is-odd: resolved from http://169.254.169.254/latest/is-odd.tgz",
        ),
        # ... or copy a folder of the worker's into node_modules.
        ({"secrets": "file:/etc"}, {"resolved": "/etc", "link": True}, "secrets@file:/etc"),
    ],
)
def test_packages_from_anywhere_but_the_registry_are_refused(
    tmp_path: Path, dependencies: dict[str, str], entry: dict, said: str
) -> None:
    name = next(iter(dependencies))
    root = write(
        tmp_path / "sub",
        {
            "package.json": package("sly", "node --test", dependencies),
            "package-lock.json": lock("sly", dependencies, {f"node_modules/{name}": entry}),
            "test/x.test.js": "require('node:test')('x', () => {});\n",
        },
    )
    settings = with_data(tmp_path)
    (run,) = run_tests(root, settings=settings)
    assert run.status == "dependencies_not_installed"
    assert run.dependencies.excerpt.startswith(said)
    assert not (settings.data_dir / "cache").exists()  # npm never ran


def test_javascript_and_typescript_tests_of_one_test_script_run_once(tmp_path: Path) -> None:
    packages = {"node_modules/is-number": IS_NUMBER, "node_modules/is-odd": IS_ODD}
    root = write(
        tmp_path / "sub",
        {
            "package.json": package("mixed", "node --test test/*.test.js", {"is-odd": "3.0.1"}),
            "package-lock.json": lock("mixed", {"is-odd": "3.0.1"}, packages),
            "test/odd.test.js": "const test = require('node:test');\n"
            "test('odd', () => require('node:assert').ok(require('is-odd')(1)));\n",
            "types/odd.test.ts": "// compiled by the candidate's build; not run by this script\n",
        },
    )
    (run,) = run_tests(root, settings=with_data(tmp_path))
    assert run.test_files == ("test/odd.test.js", "types/odd.test.ts")
    assert (run.status, run.passed, run.failed) == ("ran", 1, 0), run.output_tail
