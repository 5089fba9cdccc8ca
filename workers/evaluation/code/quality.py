"""The "quality" analyser: lint findings (ruff, Python), function complexity and length
(lizard, every language it reads) and copy-pasted blocks.

ruff runs once for all Python files with our rule set. When the project has its own ruff
configuration (``ruff.toml``, ``.ruff.toml``, ``[tool.ruff]`` in ``pyproject.toml``) its
conventions are respected: its line length and rule options, and up to ``MAX_PROJECT_IGNORES``
individual rules it switched off (``E501``, ``B008``); what would hide everything (``ALL``, whole
families, per-file ignores, excludes) is not, and the evidence names the configuration used.
A consistent indentation style is a convention too, never a finding (``CONVENTION_RULES``: W191,
"indentation contains tabs", would count every indented line of a tab-indented project); mixing
tabs and spaces in one line (E101) still is.
Lint density, complexity and duplication cover the code outside tests and generated files, which
is what the brief asked the candidate to build; lizard runs in-process.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import lizard

from workers.evaluation.code.evidence import AnalyserReport, Evidence, Observation
from workers.evaluation.code.walk import SubmissionFile, is_generated, source_files

REPORT_NAME = "quality"
CATEGORY = "Code Quality"
LINT_RULES = "E,F,W,B,C90,UP,SIM"
COMPLEX_CCN = 10  # above this a function has too many paths to test and read
LONG_NLOC = 60
DUPLICATE_WINDOW = 6  # consecutive meaningful lines that make a copied block
_RUFF_BATCH = 1000  # paths per ruff process, well under the argument-length limit
_RUFF_TIMEOUT_S = 300
_LINE_LENGTH = 120
MAX_PROJECT_IGNORES = 20
# Rules that flag a project's consistent style, once per line, not a defect: never counted.
CONVENTION_RULES = ("W191",)
_RUFF_CONFIGS = ("ruff.toml", ".ruff.toml", "pyproject.toml")
_RULE_CODE = re.compile(r"^[A-Z]{1,4}\d{3,4}$")
_MAX_CITED = 5
# lizard picks its reader by extension; these are spellings of languages it reads.
_LIZARD_SUFFIX = {".pyi": ".py", ".mts": ".ts", ".cts": ".ts"}
# Lines that repeat in any codebase without anyone copying anything.
_BOILERPLATE_PREFIXES = ("import ", "from ", "#include", "package ", "using ", "require(")


@dataclass(frozen=True)
class LintFinding:
    """One ruff finding, located relative to the submission root."""

    file: str
    line: int
    code: str  # "F401"; "invalid-syntax" for a file that does not parse
    message: str


@dataclass(frozen=True)
class FunctionMetrics:
    """One function as lizard measured it."""

    file: str
    name: str
    line: int
    end_line: int
    ccn: int
    nloc: int
    signature: str  # the first source line, for the excerpt


def ruff_executable() -> str | None:
    """ruff from PATH, else the one installed beside this interpreter."""
    found = shutil.which("ruff")
    if found:
        return found
    beside = Path(sys.executable).parent / "ruff"
    return str(beside) if beside.exists() else None


def project_ruff_config(root: Path) -> tuple[str, tuple[str, ...]] | None:
    """The project's own ruff configuration (its path relative to ``root``) and the individual
    rules it ignores that are respected, or None when it has none."""
    for name in _RUFF_CONFIGS:
        path = Path(root) / name
        if not path.is_file() or path.is_symlink():
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8", errors="replace"))
        except (OSError, tomllib.TOMLDecodeError):
            continue
        section = data.get("tool", {}).get("ruff") if name == "pyproject.toml" else data
        if not isinstance(section, dict):
            continue
        lint = section.get("lint") if isinstance(section.get("lint"), dict) else {}
        codes: set[str] = set()
        for table in (section, lint):
            for key in ("ignore", "extend-ignore"):
                value = table.get(key)
                if isinstance(value, list):
                    codes.update(c for c in value if isinstance(c, str) and _RULE_CODE.match(c))
        return name, tuple(sorted(codes))[:MAX_PROJECT_IGNORES]
    return None


def run_ruff(
    root: Path,
    relative_paths: list[str],
    *,
    select: str,
    ignore_noqa: bool = False,
    project_config: tuple[str, tuple[str, ...]] | None = None,
) -> list[LintFinding] | None:
    """ruff's findings for ``relative_paths`` under ``root`` with the rules ``select``, sorted by
    file and line; None when ruff is not installed or fails. ``project_config`` (from
    ``project_ruff_config``) lints with the project's settings and respected ignores; without
    it nothing in the submission changes what is measured (``--isolated``)."""
    ruff = ruff_executable()
    if ruff is None:
        return None
    findings: list[LintFinding] = []
    resolved_root = Path(root).resolve()
    for start in range(0, len(relative_paths), _RUFF_BATCH):
        argv = [ruff, "check", "--output-format", "json", "--no-cache"]
        ignores: tuple[str, ...] = ()
        if project_config is None:
            # Line length is the project's own choice, which --isolated cannot read; be generous.
            argv += ["--isolated", "--line-length", str(_LINE_LENGTH)]
        else:
            config, ignores = project_config
            argv += ["--config", config]
            # Per-file ignores could switch every rule off everywhere ("*" = ["ALL"]).
            argv += ["--config", "lint.per-file-ignores = {}"]
            argv += ["--config", "lint.extend-per-file-ignores = {}"]
        argv += ["--extend-ignore", ",".join(sorted({*CONVENTION_RULES, *ignores}))]
        argv += ["--select", select, "--exit-zero"]
        argv += ["--ignore-noqa"] if ignore_noqa else []
        argv += ["--", *relative_paths[start : start + _RUFF_BATCH]]
        try:
            result = subprocess.run(
                argv,
                cwd=resolved_root,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=_RUFF_TIMEOUT_S,
                check=True,
            )
            rows = json.loads(result.stdout or "[]")
        except (OSError, subprocess.SubprocessError, ValueError):
            return None
        findings.extend(_lint_finding(row, resolved_root) for row in rows)
    return sorted(findings, key=lambda f: (f.file, f.line, f.code))


def _lint_finding(row: dict, root: Path) -> LintFinding:
    relative = Path(os.path.relpath(row["filename"], root)).as_posix()
    return LintFinding(
        file=str(relative),
        line=int((row.get("location") or {}).get("row") or 1),
        code=row.get("code") or "invalid-syntax",
        message=str(row.get("message", "")),
    )


def analyse(root: Path) -> AnalyserReport:
    """Lint, complexity and duplication of the submission under ``root``: the "quality"
    analyser."""
    started = time.monotonic()
    sources = source_files(root)
    texts = {f.relative: text for f in sources if (text := f.read_text()) is not None}
    # The candidate's product: not their tests, not generated code (``*_pb2.py``, "DO NOT EDIT").
    products = [
        f
        for f in sources
        if not f.is_test and f.relative in texts and not is_generated(f.relative, texts[f.relative])
    ]
    python = [f for f in products if f.language == "python"]
    python_lines = sum(_non_blank(texts[f.relative]) for f in python)
    config = project_ruff_config(root)
    findings = (
        run_ruff(root, [f.relative for f in python], select=LINT_RULES, project_config=config)
        if python
        else []
    )
    functions = _functions(products, texts)
    duplicates = _duplicate_blocks([(f.relative, texts[f.relative]) for f in products])

    lint_count = None if findings is None else len(findings)
    ccns = [fn.ccn for fn in functions]
    signals: dict[str, float | int | str | bool | None] = {
        "lint_findings": lint_count,
        "lint_findings_per_kloc": (
            round(lint_count * 1000 / python_lines, 2)
            if lint_count is not None and python_lines
            else None
        ),
        "functions": len(functions),
        "avg_complexity": round(sum(ccns) / len(ccns), 2) if ccns else None,
        "max_complexity": max(ccns, default=0),
        "complex_functions": sum(1 for ccn in ccns if ccn > COMPLEX_CCN),
        "long_functions": sum(1 for fn in functions if fn.nloc > LONG_NLOC),
        "duplicate_blocks": len(duplicates),
        "lint_config": config[0] if config else "",
    }
    report = AnalyserReport(name=REPORT_NAME, signals=signals)
    report.observations.extend(_lint_observations(signals, findings, len(python), config))
    report.observations.extend(_function_observations(signals, functions))
    if duplicates:
        text = (
            f"{len(duplicates)} blocks of {DUPLICATE_WINDOW}+ lines repeat code found elsewhere "
            "in the submission."
        )
        report.observations.append(Observation(CATEGORY, text, -1, tuple(duplicates[:_MAX_CITED])))
    report.seconds = round(time.monotonic() - started, 3)
    return report


def _non_blank(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.strip())


def _functions(files: list[SubmissionFile], texts: dict[str, str]) -> list[FunctionMetrics]:
    """lizard's measurements of every function, in file order (in this process: lizard is the
    slowest part of the analysis, ~25 µs a line, but a worker process must not fork itself)."""
    return measure_functions([(f.relative, texts[f.relative]) for f in files])


def measure_functions(items: list[tuple[str, str]]) -> list[FunctionMetrics]:
    """lizard's measurements for (relative path, source text) pairs."""
    measured: list[FunctionMetrics] = []
    for relative, text in items:
        path = PurePosixPath(relative)
        suffix = _LIZARD_SUFFIX.get(path.suffix, path.suffix)
        try:
            info = lizard.analyze_file.analyze_source_code(str(path.with_suffix(suffix)), text)
        except (RecursionError, ValueError, IndexError):
            continue  # lizard's tokenizer gave up on this file; it is not the candidate's fault
        lines = text.splitlines()
        for fn in info.function_list:
            inside = 0 < fn.start_line <= len(lines)
            first = lines[fn.start_line - 1].strip()[:200] if inside else ""
            measured.append(
                FunctionMetrics(
                    file=relative,
                    name=fn.name,
                    line=fn.start_line,
                    end_line=fn.end_line,
                    ccn=fn.cyclomatic_complexity,
                    nloc=fn.nloc,
                    signature=first,
                )
            )
    return measured


def _normalised(line: str) -> str | None:
    """A line as copy-paste detection compares it, or None when it carries no meaning alone."""
    text = " ".join(line.split())
    if sum(ch.isalnum() for ch in text) < 3 or text.startswith(_BOILERPLATE_PREFIXES):
        return None
    return text


def _duplicate_blocks(files: list[tuple[str, str]]) -> list[Evidence]:
    """One citation per run of lines that repeats an earlier window of ``DUPLICATE_WINDOW``
    meaningful lines (in the same file or another)."""
    line_ids: dict[str, int] = {}
    first_seen: dict[tuple[int, ...], tuple[str, int]] = {}
    blocks: list[Evidence] = []
    for relative, text in files:
        kept = [
            (number, line_ids.setdefault(norm, len(line_ids)), norm)
            for number, raw in enumerate(text.splitlines(), start=1)
            if (norm := _normalised(raw)) is not None
        ]
        in_block = False
        for i in range(len(kept) - DUPLICATE_WINDOW + 1):
            window = tuple(line_id for _, line_id, _ in kept[i : i + DUPLICATE_WINDOW])
            here = (relative, kept[i][0])
            seen = first_seen.setdefault(window, here)
            if seen == here:
                in_block = False
                continue
            if not in_block:
                end = kept[i + DUPLICATE_WINDOW - 1][0]
                excerpt = f"{kept[i][2][:160]} (also at {seen[0]}:{seen[1]})"
                cited = Evidence("file", file=relative, line=here[1], end_line=end, excerpt=excerpt)
                blocks.append(cited)
            in_block = True
    return blocks


def _lint_observations(
    signals: dict,
    findings: list[LintFinding] | None,
    python_files: int,
    config: tuple[str, tuple[str, ...]] | None,
) -> list[Observation]:
    if not python_files:
        return []
    if findings is None:
        failed = Evidence(
            kind="metric",
            excerpt=f"ruff gave no result for {python_files:,} Python file"
            + ("s" if python_files != 1 else ""),
        )
        text = "Python lint could not be measured (ruff failed)."
        return [Observation(CATEGORY, text, 0, (failed,))]
    per_kloc = signals["lint_findings_per_kloc"] or 0.0
    if config is None:
        used = f"ruff {LINT_RULES}, no project configuration"
    else:
        ignored = f", ignoring {', '.join(config[1])} as it does" if config[1] else ""
        used = f"ruff {LINT_RULES} with the project's {config[0]}{ignored}"
    plural = "s" if python_files != 1 else ""
    excerpt = (
        f"{per_kloc:g} findings per 1,000 lines in {python_files:,} Python file{plural} "
        f"outside tests and generated code ({used})"
    )
    metric = Evidence(kind="metric", excerpt=excerpt)
    if not findings:
        text = "ruff finds nothing to fix in the Python code."
        return [Observation(CATEGORY, text, 1, (metric,))]
    by_code = Counter(f.code for f in findings)
    common = sorted(by_code.items(), key=lambda item: (-item[1], item[0]))[:_MAX_CITED]
    examples = [next(f for f in findings if f.code == code) for code, _ in common]
    cited = tuple(
        Evidence(kind="file", file=f.file, line=f.line, excerpt=f"{f.code}: {f.message}"[:200])
        for f in examples
    )
    listed = ", ".join(f"{code} ({count})" for code, count in common)
    text = f"ruff reports {len(findings)} findings in the Python code; most frequent: {listed}."
    polarity = 1 if per_kloc < 5 else -1 if per_kloc > 20 else 0
    return [Observation(CATEGORY, text, polarity, (metric, *cited))]


def _function_observations(signals: dict, functions: list[FunctionMetrics]) -> list[Observation]:
    if not functions:
        return []
    worst = sorted(functions, key=lambda fn: (-fn.ccn, fn.file, fn.line))[:3]
    complex_count = signals["complex_functions"]
    polarity = (
        -1
        if signals["max_complexity"] > 2 * COMPLEX_CCN or complex_count > 0.1 * len(functions)
        else 1
        if complex_count == 0 and (signals["avg_complexity"] or 0) <= 5
        else 0
    )
    text = (
        f"{len(functions)} functions, average cyclomatic complexity "
        f"{signals['avg_complexity']:g}; {complex_count} above {COMPLEX_CCN}. Most complex: "
        + ", ".join(f"{fn.name} in {fn.file}:{fn.line} ({fn.ccn})" for fn in worst)
        + "."
    )
    found = [Observation(CATEGORY, text, polarity, tuple(_cite(fn) for fn in worst))]
    long = sorted(
        (fn for fn in functions if fn.nloc > LONG_NLOC), key=lambda fn: (-fn.nloc, fn.file, fn.line)
    )
    if long:
        text = (
            f"{len(long)} functions run past {LONG_NLOC} lines of code; the longest is "
            f"{long[0].name} ({long[0].nloc} lines)."
        )
        found.append(Observation(CATEGORY, text, -1, tuple(_cite(fn) for fn in long[:_MAX_CITED])))
    return found


def _cite(fn: FunctionMetrics) -> Evidence:
    return Evidence(
        kind="file", file=fn.file, line=fn.line, end_line=fn.end_line, excerpt=fn.signature
    )
