"""How much of the candidate's own JavaScript/TypeScript a test run executed, from the coverage
V8 itself records (``NODE_V8_COVERAGE``), into the same ``CoverageFigures`` Python's suites give,
so that Testing scores both languages by one rule.

In the sandbox, the test command runs with ``NODE_V8_COVERAGE`` pointing into the results folder
(every Node process it starts writes one JSON file there: per script, its functions, each a list
of byte ranges with how often they ran, block by block). A few lines of JavaScript then keep the
entries of the submission's own scripts (under ``/workspace``, ``node_modules`` left out)
in one file read back here; V8's files also hold Node's internals and every dependency.

Here, for each of the candidate's own scripts (source files that are neither tests nor tool
configuration), the code lines are its lines with something besides comments and brackets, and
a line is executed when the innermost range around its first token ran. As for Python, lines
that ran only because a module was loaded (declarations, ``module.exports``) count for the tests
only in a file where some function ran: importing a module without calling it earns nothing.
V8 does not say which test ran a line, so every passing test counts as reaching the code when
any of it ran (Python's figure counts test functions).

Where a test runner transformed a candidate's file before running it (jest's and vitest's
transforms, ts-node), V8's ranges are positions in the transformed text, not in the file: such
a run is not measured, and the report says so. Node's own TypeScript type stripping keeps every
position (it blanks the types and appends a ``sourceURL`` comment), so it is measured.
"""

from __future__ import annotations

import json
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath
from typing import Any

from workers.evaluation.code.python_driver import RESULTS
from workers.evaluation.code.python_suite import CoverageFigures
from workers.evaluation.code.sandbox import WORKSPACE
from workers.evaluation.code.walk import SubmissionFile, source_files

RAW = f"{RESULTS}/v8-coverage"  # where Node writes, inside the workspace
FIGURES = f"{RESULTS}/v8-coverage.json"  # the candidate's scripts only, read back
# Scripts Node loads are named by URL; those a test runner compiles itself (jest's ``vm``
# scripts) by path.
_URL_PREFIXES = (f"file://{WORKSPACE}/", f"{WORKSPACE}/")
# Tool configuration and type declarations: not the candidate's program.
_NOT_PROGRAM = (
    "*.config.*",
    ".*rc.js",
    ".*rc.cjs",
    ".*rc.mjs",
    "Gruntfile.js",
    "gulpfile.js",
    "*.d.ts",
    "*.d.mts",
    "*.d.cts",
)
_NOT_PROGRAM_DIRS = frozenset({"__mocks__", "__fixtures__", "fixtures"})
# Characters that make no line of code by themselves.
_BRACKETS = frozenset("{}()[];,")
_MAX_NAMED = 3
# Run by Node inside the sandbox after the test command: argv[1] the folder V8 wrote, argv[2]
# the file read back. Unreadable files (a process killed while writing) are skipped.
GATHER = f"""
const fs = require('fs'), path = require('path');
const [dir, out] = process.argv.slice(1);
const kept = [];
let names = [];
try {{ names = fs.readdirSync(dir).sort(); }} catch {{}}
for (const name of names) {{
  let data;
  try {{ data = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')); }} catch {{ continue; }}
  for (const script of (data && data.result) || []) {{
    const url = script.url;
    if (typeof url === 'string' && !url.includes('/node_modules/')
        && (url.startsWith('{_URL_PREFIXES[0]}') || url.startsWith('{_URL_PREFIXES[1]}'))) {{
      kept.push({{ url, functions: script.functions }});
    }}
  }}
}}
fs.writeFileSync(out, JSON.stringify(kept));
"""
# The test command, then the gathering (without coverage of its own); the test's exit status.
_WRAPPER = (
    '/bin/sh -c "$1"; status=$?; unset NODE_V8_COVERAGE; "$2" -e "$3" "$4" "$5"; exit $status'
)


def command(script: str, node: Path) -> list[str]:
    """The argv that runs the shell ``script`` under V8 coverage, then gathers it with
    ``node`` (the toolchain's own binary: a package's ``node`` on ``PATH`` is not trusted)."""
    return ["/bin/sh", "-c", _WRAPPER, "sh", script, str(node), GATHER, raw_dir(), figures_file()]


def environment() -> dict[str, str]:
    return {"NODE_V8_COVERAGE": raw_dir()}


def raw_dir() -> str:
    return f"{WORKSPACE}/{RAW}"


def figures_file() -> str:
    return f"{WORKSPACE}/{FIGURES}"


def own_script_files(root: Path) -> list[SubmissionFile]:
    """The candidate's own JavaScript/TypeScript: not tests, mocks, fixtures or configuration."""
    return [
        f
        for f in source_files(root)
        if f.language in ("javascript", "typescript") and not f.is_test and _is_program(f.relative)
    ]


def coverage_figures(
    root: Path, gathered: str | None, passed: int
) -> tuple[CoverageFigures | None, str]:
    """The figures for what ``GATHER`` kept (None when the run left nothing), or None and why
    coverage could not be measured."""
    own = own_script_files(root)
    if gathered is None:
        return None, "no coverage was recorded (the run ended before it could be gathered)"
    try:
        entries = json.loads(gathered)
    except ValueError:
        return None, "the coverage V8 recorded could not be read"
    if not isinstance(entries, list) or not entries:
        return None, (
            "V8 recorded none of the submission's scripts (the test runner did not run them in "
            "Node, or kept the coverage for itself, as c8 does)"
        )
    by_file: dict[str, list[tuple[str, list[dict[str, Any]]]]] = {}
    for entry in entries:
        url, functions = entry.get("url"), entry.get("functions")
        if isinstance(url, str) and isinstance(functions, list):
            relative = url.removeprefix(_URL_PREFIXES[0]).removeprefix(_URL_PREFIXES[1])
            by_file.setdefault(relative, []).append((url, functions))
    files = statements = executed = by_tests = 0
    transformed = []
    for file in own:
        text = (file.read_text() or "").removeprefix("\ufeff")
        lines = code_offsets(text)
        if not lines:
            continue
        files += 1
        statements += len(lines)
        covered: set[int] = set()
        reached = False
        for url, functions in by_file.get(file.relative, []):
            ranges = _ranges(functions)
            if not _same_source(ranges, text, url):
                transformed.append(file.relative)
                break
            covered |= covered_offsets(lines, ranges)
            reached = reached or _function_ran(functions, _length(ranges))
        executed += len(covered)
        by_tests += len(covered) if reached else 0
    if transformed:
        named = ", ".join(transformed[:_MAX_NAMED])
        more = f" and {len(transformed) - _MAX_NAMED} more" if len(transformed) > _MAX_NAMED else ""
        return None, (
            f"the test runner transformed {named}{more} before running it, so V8's figures "
            "do not map onto the candidate's lines"
        )
    figures = CoverageFigures(
        files=files,
        statements=statements,
        executed=executed,
        executed_by_tests=by_tests,
        tests_reaching_code=passed if by_tests else 0,
        measured_with="V8",
    )
    return figures, ""


def code_offsets(text: str) -> list[int]:
    """For each line with code (not blank, not only comments or brackets), the position of its
    first token in UTF-16 units, as V8 counts; a line begun inside a template string or a
    comment counts from the first token after it."""
    offsets: list[int] = []
    state, quote, first, unit, skip = "code", "", None, 0, False
    if text.startswith("#!"):
        state = "line"
    for index, char in enumerate(text):
        following = text[index + 1 : index + 2]
        if skip:
            skip = False
        elif char == "\n":
            if first is not None:
                offsets.append(first)
            first = None
            if state == "line" or (state == "string" and quote != "`"):
                state = "code"
        elif state == "code":
            if char == "/" and following in ("/", "*"):
                state, skip = ("line" if following == "/" else "block"), True
            elif char in "'\"`":
                state, quote = "string", char
                first = unit if first is None else first
            elif not char.isspace() and char not in _BRACKETS and first is None:
                first = unit
        elif state == "block" and char == "*" and following == "/":
            state, skip = "code", True
        elif state == "string" and char == "\\":
            skip = True
        elif state == "string" and char == quote:
            state = "code"
        unit += 2 if ord(char) > 0xFFFF else 1
    if first is not None:
        offsets.append(first)
    return offsets


def covered_offsets(offsets: list[int], ranges: list[tuple[int, int, int]]) -> set[int]:
    """The ``offsets`` whose innermost enclosing range ran (count > 0). V8's ranges nest: a
    function's own range, the blocks inside it, the functions defined inside it."""
    ordered = sorted(ranges, key=lambda r: (r[0], -r[1]))
    stack: list[tuple[int, int, int]] = []
    covered, next_range = set(), 0
    for offset in sorted(offsets):
        while next_range < len(ordered) and ordered[next_range][0] <= offset:
            current = ordered[next_range]
            while stack and stack[-1][1] <= current[0]:
                stack.pop()
            stack.append(current)
            next_range += 1
        while stack and stack[-1][1] <= offset:
            stack.pop()
        if stack and stack[-1][2] > 0:
            covered.add(offset)
    return covered


def _ranges(functions: list[dict[str, Any]]) -> list[tuple[int, int, int]]:
    found = []
    for function in functions:
        for item in function.get("ranges") or () if isinstance(function, dict) else ():
            try:
                found.append((int(item["startOffset"]), int(item["endOffset"]), int(item["count"])))
            except (KeyError, TypeError, ValueError):
                continue
    return found


def _length(ranges: list[tuple[int, int, int]]) -> int:
    return max((end for _start, end, _count in ranges), default=0)


def _same_source(ranges: list[tuple[int, int, int]], text: str, url: str) -> bool:
    """V8 ran the file as it is (its script is as long as the file, or the file and the
    ``sourceURL`` comment Node's type stripping appends), not a transformed text."""
    units = len(text.encode("utf-16-le")) // 2
    stripped = units + len(f"\n\n//# sourceURL={url}".encode("utf-16-le")) // 2
    return _length(ranges) in (units, stripped)


def _function_ran(functions: list[dict[str, Any]], length: int) -> bool:
    """Some function of the script ran, besides its top level (which loading it runs)."""
    for function in functions:
        ranges = function.get("ranges") if isinstance(function, dict) else None
        if not ranges or not isinstance(ranges[0], dict):
            continue
        whole = ranges[0].get("startOffset") == 0 and ranges[0].get("endOffset") == length
        count = ranges[0].get("count")
        if not whole and isinstance(count, int) and count > 0:
            return True
    return False


def _is_program(relative: str) -> bool:
    path = PurePosixPath(relative)
    if _NOT_PROGRAM_DIRS.intersection(path.parts[:-1]):
        return False
    return not any(fnmatch(path.name, pattern) for pattern in _NOT_PROGRAM)
