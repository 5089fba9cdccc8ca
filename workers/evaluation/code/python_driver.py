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

Only the standard library and the test tools are importable here; the project's own coverage
configuration is not read (it could exclude the code the tests miss).
"""

import json
import os
import subprocess
import sys

RESULTS = ".truelevel"
RCFILE = f"{RESULTS}/coverage.ini"
DATA = f"{RESULTS}/coverage.db"
FIGURES = f"{RESULTS}/coverage.json"


def main(argv: list[str]) -> int:
    split = argv.index("--own")
    pytest_args, own = argv[:split], argv[split + 1 :]
    with open(RCFILE, "w") as config:
        config.write("[run]\ndynamic_context = test_function\n")
    command = [sys.executable, "-S", "-m", "coverage", "run", f"--rcfile={RCFILE}"]
    command += [f"--data-file={DATA}", "--source=.", "-m", "pytest", *pytest_args]
    status = subprocess.call(command)
    if os.path.exists(DATA):
        with open(FIGURES, "w") as out:
            json.dump(figures(own), out, sort_keys=True)
    return status


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
