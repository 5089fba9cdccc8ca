"""How a candidate's Python suite is run and read back: the command (pytest under coverage.py,
from the isolated test tools, the candidate's code first on the path once the tools have
started, ``src/`` layouts included, the dependencies it declares last), which of their files
are their own code, the coverage figures, and the third-party modules the suite needed and the
sandbox does not have.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path, PurePosixPath
from typing import Literal

from pydantic import BaseModel, ConfigDict

from workers.evaluation.code import python_driver
from workers.evaluation.code.sandbox import WORKSPACE
from workers.evaluation.code.walk import source_files

JUNIT = f"{python_driver.RESULTS}/pytest-junit.xml"
COVERAGE = python_driver.FIGURES
_MISSING_MODULE = re.compile(r"(?:ModuleNotFoundError|ImportError): No module named '([\w.]+)'")
_EXCERPT_LINES = 3
PYTEST_COV = "pytest_cov.plugin"


class CoverageFigures(BaseModel):
    """How much of the candidate's own (non-test) code a suite executed: Python statements
    measured by coverage.py, or JavaScript/TypeScript lines measured by V8 (``js_coverage``)."""

    model_config = ConfigDict(frozen=True)

    files: int  # own files that parse (Python) or hold code (JavaScript/TypeScript)
    statements: int  # statements (coverage.py) or lines of code (V8)
    executed: int  # by anything, imports included
    executed_by_tests: int  # reached from a test function (see ``python_driver``)
    tests_reaching_code: int = 0  # test functions that executed any own line
    measured_with: Literal["coverage.py", "V8"] = "coverage.py"

    @property
    def unit(self) -> str:
        return "statements" if self.measured_with == "coverage.py" else "lines"

    @property
    def share(self) -> float | None:
        """``executed_by_tests / statements``, None when there is no own code."""
        return round(self.executed_by_tests / self.statements, 3) if self.statements else None


class MissingDependencies(BaseModel):
    """Modules the suite imported that neither the submission nor the sandbox provides."""

    model_config = ConfigDict(frozen=True)

    modules: tuple[str, ...]  # top-level names, sorted
    excerpt: str  # the first lines of the run's output that say so


def own_python_files(root: Path) -> list[str]:
    """The candidate's own Python code: source files that are not tests (the analysers' walk)."""
    return [f.relative for f in source_files(root) if f.language == "python" and not f.is_test]


def search_path(root: Path) -> list[str]:
    """Folders put first on the path (``python_driver.PROJECT_PATH``): ``src/`` when the
    project keeps its code there, then the project root."""
    paths = []
    src = root / "src"
    if src.is_dir() and not src.is_symlink() and not (src / "__init__.py").exists():
        paths.append(f"{WORKSPACE}/src")
    return [*paths, WORKSPACE]


def command(
    root: Path, test_files: tuple[str, ...], plugins: tuple[str, ...] = ()
) -> tuple[list[str], list[str]]:
    """The argv run in the sandbox (the driver, given pytest's arguments and the candidate's own
    files) and the argv shown in the report. The test files are named explicitly, so that a
    unittest suite in ``test.py`` runs too; ``plugins`` are the pytest plugin modules of the
    project's installed dependencies, loaded by name."""
    pytest_args = [
        "-p",
        "no:cacheprovider",
        "-q",
        "--color=no",
        f"--rootdir={WORKSPACE}",
        f"--junitxml={WORKSPACE}/{JUNIT}",
        "-o",
        "junit_family=xunit2",
        # One test module that cannot be imported (a dependency declared only for older
        # Pythons) must not stop the rest of the suite: pytest runs what it collected.
        "--continue-on-collection-errors",
        # pytest-cov (one of the test tools) accepts the project's --cov options and measures
        # nothing: the suite already runs under coverage.py, and two tracers would spoil both.
        *(arg for plugin in dict.fromkeys((PYTEST_COV, *plugins)) for arg in ("-p", plugin)),
        "--no-cov",
    ]
    driver = Path(python_driver.__file__).read_text(encoding="utf-8")
    python = interpreter()
    own = own_python_files(root)
    argv = [python, "-S", "-P", "-c", driver, *pytest_args, "--", *test_files, "--own", *own]
    shown = ["python", "-m", "coverage", "run", "-m", "pytest", *pytest_args]
    return argv, shown


def environment(root: Path, tools: Path, dependencies: Path | None = None) -> dict[str, str]:
    """``PYTHONPATH``: the test tools, then the dependencies installed for this project
    (``dependencies``); nothing else of ours. The candidate's code goes first once the tools
    have started (``python_driver.PROJECT_PATH``): while they start, a project module named like
    one of the standard library's must not stand in for it."""
    installed = [str(dependencies)] if dependencies is not None else []
    return {
        "PYTHONPATH": os.pathsep.join([str(tools), *installed]),
        python_driver.PROJECT_PATH: os.pathsep.join(search_path(root)),
        "PYTHONNOUSERSITE": "1",
        # Only the plugins of the project's own dependencies load, named on the command line.
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
    }


def interpreter() -> str:
    """The real interpreter behind this process (not its virtual environment's link)."""
    return os.path.realpath(sys.executable)


def interpreter_paths() -> tuple[Path, ...]:
    """The folders the interpreter and its standard library live in, shown read-only."""
    return tuple(sorted({Path(sys.base_prefix), Path(interpreter()).parent}))


def coverage_figures(json_text: str) -> CoverageFigures | None:
    """The figures ``python_driver`` wrote, or None when the run left none."""
    try:
        rows = json.loads(json_text) if json_text.strip() else None
    except ValueError:
        return None
    if not isinstance(rows, dict) or not isinstance(rows.get("files"), dict):
        return None
    valid = [r for r in rows["files"].values() if isinstance(r, list) and len(r) == 3]
    reaching = rows.get("tests_reaching_code")
    return CoverageFigures(
        files=len(valid),
        statements=sum(int(r[0]) for r in valid),
        executed=sum(int(r[1]) for r in valid),
        executed_by_tests=sum(int(r[2]) for r in valid),
        tests_reaching_code=reaching if isinstance(reaching, int) else 0,
    )


def missing_dependencies(root: Path, output: str) -> MissingDependencies | None:
    """Third-party modules the run could not import (the candidate's own modules that fail to
    import are their bug, not a missing dependency), or None."""
    modules: set[str] = set()
    excerpt: list[str] = []
    for line in output.splitlines():
        found = _MISSING_MODULE.search(line)
        if found is None:
            continue
        top = found.group(1).split(".")[0]
        if _is_own_module(root, top):
            continue
        modules.add(top)
        text = line.strip().removeprefix("E").strip()
        if len(excerpt) < _EXCERPT_LINES and text not in excerpt:
            excerpt.append(text)
    if not modules:
        return None
    return MissingDependencies(modules=tuple(sorted(modules)), excerpt="\n".join(excerpt))


def _is_own_module(root: Path, name: str) -> bool:
    for base in (root, root / "src"):
        if (base / f"{name}.py").is_file() or (base / name).is_dir():
            return True
    # A module or package anywhere in the project (tests/helpers.py, app/core/...).
    return any(
        PurePosixPath(f.relative).stem == name or name in PurePosixPath(f.relative).parts[:-1]
        for f in source_files(root)
        if f.language == "python"
    )
