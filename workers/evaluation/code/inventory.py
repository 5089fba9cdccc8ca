"""The "inventory" analyser: what a submission is made of — languages and size, structure,
package manifests, type annotations and error handling.

Lines are non-blank lines. Python is read with ``ast``; the other languages with a few patterns
(``try {``, ``.catch(``, ``if err != nil``), which is enough to count, not to judge.
"""

from __future__ import annotations

import ast
import re
import time
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from workers.evaluation.code.evidence import AnalyserReport, Evidence, Observation
from workers.evaluation.code.walk import SubmissionFile, submission_files

REPORT_NAME = "inventory"
MANIFESTS = frozenset(
    {
        "pyproject.toml",
        "setup.py",
        "setup.cfg",
        "requirements.txt",
        "Pipfile",
        "package.json",
        "go.mod",
        "pom.xml",
        "build.gradle",
        "build.gradle.kts",
        "Cargo.toml",
        "Gemfile",
        "composer.json",
    }
)
# The manifests an absence observation names (the common ones; MANIFESTS has them all).
_SHOWN_MANIFESTS = ("pyproject.toml", "requirements.txt", "package.json", "go.mod", "pom.xml")
# A file this long is usually several responsibilities that were never separated.
LARGE_FILE_LINES = 500
_MAX_CITED = 5

# Error-handling patterns per language (Python is counted from its syntax tree instead).
_C_LIKE_TRY = re.compile(r"\btry\s*\{|\.catch\s*\(")
_ERROR_SITES: dict[str, re.Pattern[str]] = {
    "javascript": _C_LIKE_TRY,
    "typescript": _C_LIKE_TRY,
    "java": _C_LIKE_TRY,
    "kotlin": _C_LIKE_TRY,
    "scala": _C_LIKE_TRY,
    "csharp": _C_LIKE_TRY,
    "cpp": _C_LIKE_TRY,
    "php": _C_LIKE_TRY,
    "swift": re.compile(r"\bdo\s*\{"),
    "go": re.compile(r"\berr\s*!=\s*nil\b"),
    "ruby": re.compile(r"\brescue\b"),
    "rust": re.compile(r"\bErr\s*\(|\.map_err\s*\("),
}
_PYTHON_TRY = re.compile(r"^\s*try\s*:")


@dataclass
class _Tally:
    """Running totals while the files are read."""

    lines_by_language: Counter[str] = field(default_factory=Counter)
    python_functions: int = 0
    python_annotated: int = 0
    error_sites: list[Evidence] = field(default_factory=list)
    largest: tuple[int, str] = (0, "")


def analyse(root: Path) -> AnalyserReport:
    """Measure the submission under ``root``: the "inventory" analyser."""
    started = time.monotonic()
    tally = _Tally()
    files = list(submission_files(root))
    sources = [f for f in files if f.language is not None]  # what walk.source_files gives
    for source in sources:
        _read_source(source, tally)
    manifests = [f.relative for f in files if _is_manifest(f.relative) and _declares(f)]
    modules = [f for f in sources if not f.is_test]

    languages = sorted(tally.lines_by_language.items(), key=lambda item: (-item[1], item[0]))
    signals: dict[str, float | int | str | bool | None] = {
        "source_files": len(sources),
        "source_lines": sum(tally.lines_by_language.values()),
        "primary_language": languages[0][0] if languages else "",
        "languages": ",".join(name for name, _ in languages),
        "language_count": len(languages),
        "modules": len(modules),
        "max_directory_depth": max(
            (len(PurePosixPath(f.relative).parts) - 1 for f in sources), default=0
        ),
        "has_package_manifest": bool(manifests),
        "largest_file_lines": tally.largest[0],
        "type_annotation_ratio": _annotation_ratio(tally),
        "error_handling_sites": len(tally.error_sites),
    }
    report = AnalyserReport(name=REPORT_NAME, signals=signals)
    report.observations.extend(_observations(signals, tally, manifests, languages, len(files)))
    report.seconds = round(time.monotonic() - started, 3)
    return report


def _is_manifest(relative: str) -> bool:
    return PurePosixPath(relative).name in MANIFESTS


# What a pyproject.toml names besides itself: a ``[project]`` with only these says nothing.
_BARE_PROJECT_KEYS = frozenset({"name", "version", "description", "readme", "authors", "license"})


def _declares(file: SubmissionFile) -> bool:
    """A manifest with something behind it: a pyproject.toml that declares a build system,
    dependencies, scripts or tool settings, a requirements file that lists a package; other
    manifests when they are not empty. A ``pyproject.toml`` holding only a name and a version
    declares nothing."""
    text = file.read_text() or ""
    name = PurePosixPath(file.relative).name
    if name == "pyproject.toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            return False
        project = data.get("project") or {}
        return bool(set(data) - {"project"}) or bool(set(project) - _BARE_PROJECT_KEYS)
    return any(line.strip() and not line.lstrip().startswith("#") for line in text.splitlines())


def _read_source(source: SubmissionFile, tally: _Tally) -> None:
    text = source.read_text()
    if text is None:
        return  # a binary file with a source extension
    lines = text.splitlines()
    counted = sum(1 for line in lines if line.strip())
    tally.lines_by_language[source.language or ""] += counted
    # Ties keep the first file in path order, so the citation is stable.
    if counted > tally.largest[0]:
        tally.largest = (counted, source.relative)
    if source.language == "python":
        _read_python(source, text, lines, tally)
        return
    pattern = _ERROR_SITES.get(source.language or "")
    if pattern is None:
        return
    for number, line in enumerate(lines, start=1):
        if pattern.search(line):
            tally.error_sites.append(_cite(source.relative, number, line))


def _read_python(source: SubmissionFile, text: str, lines: list[str], tally: _Tally) -> None:
    try:
        tree = ast.parse(text, filename=source.relative)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        # Still count its error handling, line by line; its functions stay unknown.
        for number, line in enumerate(lines, start=1):
            if _PYTHON_TRY.match(line):
                tally.error_sites.append(_cite(source.relative, number, line))
        return
    sites = []
    counted = not source.is_test  # test functions are rarely annotated; they would dilute
    for node in ast.walk(tree):
        if isinstance(node, ast.Try | ast.TryStar):
            # The handler says more than the bare ``try:`` (``except KeyError:``).
            line = node.handlers[0].lineno if node.handlers else node.lineno
            sites.append(_cite(source.relative, line, lines[line - 1]))
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and counted:
            tally.python_functions += 1
            tally.python_annotated += _is_annotated(node)
    # ast.walk goes breadth first; cite in line order.
    tally.error_sites.extend(sorted(sites, key=lambda e: e.line or 0))


def _is_annotated(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A return annotation, or every parameter (other than self/cls) annotated."""
    if node.returns is not None:
        return True
    arguments = node.args
    params = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    params += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
    params = [p for p in params if p.arg not in ("self", "cls")]
    return bool(params) and all(p.annotation is not None for p in params)


def _annotation_ratio(tally: _Tally) -> float | None:
    """Python's annotated share of functions; TypeScript counts as fully typed. Weighted by
    lines when a submission has both; None when it has neither."""
    python_lines = tally.lines_by_language["python"] if tally.python_functions else 0
    typescript_lines = tally.lines_by_language["typescript"]
    if not python_lines and not typescript_lines:
        return None
    python_ratio = tally.python_annotated / tally.python_functions if python_lines else 0.0
    ratio = (python_ratio * python_lines + typescript_lines) / (python_lines + typescript_lines)
    return round(ratio, 3)


def _cite(relative: str, line: int, text: str) -> Evidence:
    return Evidence(kind="file", file=relative, line=line, excerpt=text.strip()[:200])


def _observations(
    signals: dict,
    tally: _Tally,
    manifests: list[str],
    languages: list[tuple[str, int]],
    file_count: int,
) -> list[Observation]:
    total = signals["source_lines"]
    if not signals["source_files"]:
        metric = Evidence(
            kind="metric",
            excerpt=f"0 source files (by extension: .py, .js, .ts, .go, .java, ...) among "
            f"{file_count:,} file{'s' if file_count != 1 else ''}",
        )
        return [
            Observation("Code Quality", "The submission contains no source code.", -1, (metric,))
        ]
    shares = ", ".join(f"{name} {lines * 100 // max(total, 1)}%" for name, lines in languages)
    found = [
        Observation(
            "Code Quality",
            f"{signals['source_files']} source files ({signals['modules']} outside tests), "
            f"{total:,} lines: {shares}.",
            0,
            (Evidence(kind="metric", excerpt=f"{total:,} non-blank lines of source"),),
        )
    ]
    if manifests:
        cited = tuple(Evidence(kind="file", file=m) for m in manifests[:_MAX_CITED])
        text = f"Dependencies are declared in {', '.join(manifests[:_MAX_CITED])}."
        found.append(Observation("Technical Depth", text, 1, cited))
    else:
        text = "No package manifest declares the project's dependencies or how to build it."
        metric = Evidence(
            kind="metric",
            excerpt=f"0 package manifests ({', '.join(_SHOWN_MANIFESTS)}, ...) among "
            f"{file_count:,} file{'s' if file_count != 1 else ''}",
        )
        found.append(Observation("Technical Depth", text, -1, (metric,)))
    lines, largest = tally.largest
    if lines > LARGE_FILE_LINES:
        text = f"{largest} holds {lines:,} lines; responsibilities are probably not separated."
        found.append(Observation("Code Quality", text, -1, (Evidence(kind="file", file=largest),)))
    ratio = signals["type_annotation_ratio"]
    if ratio is not None:
        polarity = 1 if ratio >= 0.8 else -1 if ratio < 0.3 else 0
        text = f"{ratio:.0%} of the functions are typed (Python annotations, TypeScript)."
        metric = Evidence(
            kind="metric",
            excerpt=f"{tally.python_annotated} of "
            f"{tally.python_functions} Python functions annotated",
        )
        found.append(Observation("Technical Depth", text, polarity, (metric,)))
    sites = tally.error_sites
    if sites:
        text = f"Errors are handled explicitly in {len(sites)} places."
        found.append(Observation("Code Quality", text, 1, tuple(sites[:_MAX_CITED])))
    elif signals["modules"]:
        text = "No explicit error handling (try/catch, error returns) was found."
        count = signals["source_files"]
        metric = Evidence(
            kind="metric",
            excerpt=f"0 error-handling sites in {count:,} source file{'s' if count != 1 else ''} "
            f"({total:,} lines)",
        )
        found.append(Observation("Code Quality", text, -1, (metric,)))
    return found
