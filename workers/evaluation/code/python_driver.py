"""Runs inside the sandbox (``python -S -c <this file's text> ...``): the candidate's Python
suite under coverage.py, then how much of the candidate's own code it executed.

Arguments: pytest's arguments, ``--own``, then the candidate's own (non-test) Python files,
relative to the workspace. Writes ``.truelevel/coverage.json``: ``files``, for each own file that
parses ``[statements, executed, executed_by_tests]``, and ``tests_reaching_code``, how many test
functions executed any of those lines (padding a suite with tests that assert ``1 + 1 == 2``
adds passing tests, not tests that reach the code). A line counts as executed by the tests when a
test function (coverage's ``test_function`` context) ran it, or when it ran at import time in a
file some test function reached: importing a module from a ``conftest.py`` alone earns nothing.
Exits with pytest's status.

Before the suite runs, the project is made to look installed, as its README's ``pip install -e .``
would: a version file its build tool writes from git tags (setuptools-scm's ``version_file`` /
``write_to``, hatch-vcs's ``version-file``) is written when missing, and a minimal
``<name>-<version>.dist-info`` for its declared name lets ``importlib.metadata.version(name)``
answer (the version is the declared one, or 0.0.0 when it comes from git tags a zip lacks).

Only the standard library and the test tools are importable here; the project's own coverage
configuration is not read (it could exclude the code the tests miss).

The project's folders (``PROJECT_PATH``) are not on the path while the test tools start: this
driver and coverage.py run with ``-P`` (no script or working folder first on ``sys.path``), so a
project module named like one of the standard library's (``code.py``, ``random.py``,
``queue.py``) cannot stand in for it in the tools' own imports. A small pytest plugin
(``PLUGIN``) puts them first once pytest has loaded its plugins, before the project's conftest
files, as ``python -m pytest`` would have them: the tests import the candidate's modules as
before. It first imports the debugger pytest loads next (``pdb``, which imports ``code`` and
``cmd``), then forgets the modules of it that the project shadows, so that the tests still get
the candidate's ``code.py``.
"""

import json
import os
import re
import subprocess
import sys
import tomllib

RESULTS = ".truelevel"
RCFILE = f"{RESULTS}/coverage.ini"
DATA = f"{RESULTS}/coverage.db"
FIGURES = f"{RESULTS}/coverage.json"
SITE = f"{RESULTS}/site"
UNKNOWN_VERSION = "0.0.0"
# The project's folders, in order (``os.pathsep``-separated), put first by the plugin.
PROJECT_PATH = "TRUELEVEL_PROJECT_PATH"
PLUGIN_NAME = "truelevel_project_path"
PLUGIN = f"""
import importlib.machinery, os, sys
import pytest

@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    paths = [p for p in os.environ.get({PROJECT_PATH!r}, "").split(os.pathsep) if p]
    before = set(sys.modules)
    import pdb  # what pytest's debugging plugin imports next: the standard library's
    for name in set(sys.modules) - before:
        if importlib.machinery.PathFinder.find_spec(name.partition(".")[0], paths):
            del sys.modules[name]  # pdb keeps it; the tests get the project's module
    sys.path[:0] = paths
    rest = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    os.environ["PYTHONPATH"] = os.pathsep.join(paths + rest)
"""


def main(argv: list[str]) -> int:
    split = argv.index("--own")
    pytest_args, own = argv[:split], argv[split + 1 :]
    with open(RCFILE, "w") as config:
        config.write("[run]\ndynamic_context = test_function\n")
    with open(os.path.join(RESULTS, f"{PLUGIN_NAME}.py"), "w") as plugin:
        plugin.write(PLUGIN)
    command = [sys.executable, "-S", "-P", "-m", "coverage", "run", f"--rcfile={RCFILE}"]
    command += [f"--data-file={DATA}", "--source=.", "-m", "pytest", "-p", PLUGIN_NAME]
    command += pytest_args
    environment = dict(os.environ)
    paths = [p for p in environment.get("PYTHONPATH", "").split(os.pathsep) if p]
    paths = [os.path.abspath(RESULTS), *paths]  # the plugin, before the test tools
    if look_installed(read_pyproject()):
        paths.append(os.path.abspath(SITE))
    environment["PYTHONPATH"] = os.pathsep.join(paths)
    status = subprocess.call(command, env=environment)
    if os.path.exists(DATA):
        with open(FIGURES, "w") as out:
            json.dump(figures(own), out, sort_keys=True)
    return status


def read_pyproject() -> dict:
    try:
        with open("pyproject.toml", "rb") as file:
            return tomllib.load(file)
    except (OSError, ValueError):
        return {}


def table(data: dict, *keys: str) -> dict:
    """The TOML table at ``keys`` ({} when any step is missing or not a table)."""
    for key in keys:
        data = data.get(key)
        if not isinstance(data, dict):
            return {}
    return data


def look_installed(pyproject: dict) -> bool:
    """Write the missing version file and the dist-info (see the module docstring); whether a
    dist-info was written."""
    scm = table(pyproject, "tool", "setuptools_scm")
    vcs = table(pyproject, "tool", "hatch", "build", "hooks", "vcs")
    for target in (scm.get("version_file"), scm.get("write_to"), vcs.get("version-file")):
        if isinstance(target, str):
            write_version_file(target)
    project = table(pyproject, "project")
    name = project.get("name")
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name):
        return False
    version = project.get("version")
    if not isinstance(version, str) or not re.fullmatch(r"[A-Za-z0-9.+!-]+", version):
        version = UNKNOWN_VERSION
    folder = os.path.join(SITE, f"{re.sub(r'[-_.]+', '_', name)}-{version}.dist-info")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "METADATA"), "w") as metadata:
        metadata.write(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    return True


def write_version_file(target: str) -> None:
    """The file a build tool would have written, when it is missing and inside the project."""
    path = os.path.normpath(target)
    if os.path.isabs(path) or path.startswith("..") or os.path.lexists(path):
        return
    if not path.endswith(".py"):
        return
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w") as file:
        file.write(
            f"__version__ = version = {UNKNOWN_VERSION!r}\n"
            "__version_tuple__ = version_tuple = (0, 0, 0)\n"
        )


def figures(own: list[str]) -> dict:
    import coverage

    measured = coverage.Coverage(data_file=DATA, config_file=RCFILE)
    measured.load()
    data = measured.get_data()
    found: dict[str, list[int]] = {}
    reaching: set[str] = set()
    for name in own:
        path = os.path.abspath(name)
        try:
            _, statements, _, missing, _ = measured.analysis2(path)
        except Exception:  # a file coverage cannot parse is left out
            continue
        lines = set(statements)
        executed = lines - set(missing)
        by_line = data.contexts_by_lineno(path) or {}
        by_tests = {line for line, contexts in by_line.items() if any(contexts)}
        by_tests &= lines
        for line in by_tests:
            reaching.update(context for context in by_line[line] if context)
        reached = executed if by_tests else set()
        found[name] = [len(lines), len(executed), len(reached)]
    return {"files": found, "tests_reaching_code": len(reaching)}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
