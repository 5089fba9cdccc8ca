"""The "security" analyser: committed secrets (found by ``secrets``, in the files and, when the
submission is a git repository, anywhere in its history) and insecure code patterns (here).

Code: ruff's ``S`` (bandit) rules for Python and line patterns for JavaScript, TypeScript, Java
and Go (eval, shell commands built from strings, SQL built by concatenation, TLS verification
switched off). Findings in test code are ignored: a test may do unsafe things on purpose.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath
from typing import Literal

from workers.evaluation.code import secrets
from workers.evaluation.code.evidence import AnalyserReport, Evidence, Observation, RiskFlag
from workers.evaluation.code.git_adapter import HistoryLimits
from workers.evaluation.code.quality import run_ruff
from workers.evaluation.code.secrets import HistorySecrets, SecretFinding, SecretScan, mask
from workers.evaluation.code.walk import SubmissionFile, submission_files

REPORT_NAME = "security"
CATEGORY = "Security"
_MAX_CITED = 5
_EXCERPT_CHARS = 200

Severity = Literal["medium", "high"]

# --- insecure code --------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeFinding:
    """One insecure pattern at one line."""

    file: str
    line: int
    rule: str  # ruff code ("S608") or one of our rule names ("js-eval")
    severity: Severity
    message: str
    excerpt: str


# Python: ruff findings that say nothing about security in a take-home (asserts, `random` for
# games and sampling, every subprocess call, `try/except/pass`).
_IGNORED_RUFF = frozenset({"S101", "S110", "S112", "S311", "S603", "S607"})
_HIGH_RUFF = frozenset(
    {"S102", "S307", "S323", "S501", "S502", "S503", "S504", "S506", "S602", "S605", "S608"}
)
# ruff's wording for a shell command built from a constant string: nothing can be injected.
_SAFE_SHELL = "seems safe"
# Benchmarks build their own inputs to time the code: an f-string query there reaches no user.
_TOOLING_DIRS = frozenset(
    {"scripts", "script", "tools", "bin", "ci", ".github", "release", "bench", "benchmarks"}
)
_TOOLING_NAMES = (
    "release*.py",
    "setup.py",
    "noxfile.py",
    "tasks.py",
    "fabfile.py",
    "manage.py",
    "build*.py",
    "bump*.py",
)
# Ruff rules whose flagged line holds a hard-coded password: its string literals are masked.
_PASSWORD_RUFF = frozenset({"S105", "S106", "S107"})
_STRING = re.compile(r"(['\"])(.+?)\1")

_SQL = r"(?:SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)"
_JS = frozenset({"javascript", "typescript"})
_C_LIKE = frozenset({"javascript", "typescript", "java", "go", "kotlin", "csharp", "php"})


@dataclass(frozen=True)
class _Rule:
    name: str
    languages: frozenset[str]
    severity: Severity
    message: str
    pattern: re.Pattern[str]


_RULES: tuple[_Rule, ...] = (
    _Rule(
        "js-eval", _JS, "high", "eval() runs arbitrary code", re.compile(r"(?<![\w.$])eval\s*\(")
    ),
    _Rule(
        "js-new-function",
        _JS,
        "medium",
        "new Function() compiles a string into code",
        re.compile(r"\bnew\s+Function\s*\("),
    ),
    _Rule(
        "js-shell-template",
        _JS,
        "high",
        "a shell command is built from a template string (command injection)",
        re.compile(r"\bexec(?:Sync)?\s*\(\s*`[^`]*\$\{"),
    ),
    _Rule(
        "js-shell-concat",
        _JS,
        "high",
        "a shell command is built by string concatenation (command injection)",
        re.compile(r"\bexec(?:Sync)?\s*\(\s*['\"][^'\"]*['\"]\s*\+"),
    ),
    _Rule(
        "tls-reject-unauthorized",
        _JS,
        "high",
        "TLS certificate verification is switched off",
        re.compile(r"rejectUnauthorized\s*:\s*false|NODE_TLS_REJECT_UNAUTHORIZED\s*=\s*['\"]?0"),
    ),
    _Rule(
        "go-insecure-skip-verify",
        frozenset({"go"}),
        "high",
        "TLS certificate verification is switched off",
        re.compile(r"InsecureSkipVerify\s*:\s*true"),
    ),
    _Rule(
        "go-shell",
        frozenset({"go"}),
        "medium",
        "a command runs through a shell",
        re.compile(r"exec\.Command(?:Context)?\([^)]*\"(?:/bin/)?(?:sh|bash)\"\s*,\s*\"-c\""),
    ),
    _Rule(
        "java-runtime-exec",
        frozenset({"java", "kotlin"}),
        "medium",
        "Runtime.exec runs an external command",
        re.compile(r"Runtime\.getRuntime\(\)\.exec\s*\("),
    ),
    _Rule(
        "java-trust-all",
        frozenset({"java", "kotlin"}),
        "high",
        "certificate or host name checks are disabled",
        re.compile(r"NoopHostnameVerifier|ALLOW_ALL_HOSTNAME_VERIFIER|[Tt]rustAll(?:Certs)?\b"),
    ),
    _Rule(
        "python-verify-false",
        frozenset({"python"}),
        "high",
        "TLS certificate verification is switched off",
        re.compile(r"\bverify\s*=\s*False\b"),
    ),
    _Rule(
        "sql-concatenation",
        _C_LIKE,
        "high",
        "SQL is built by string concatenation (SQL injection)",
        re.compile(rf"(?i)[\"'`][^\"'`]*\b{_SQL}[^\"'`]*[\"'`]\s*\+"),
    ),
    _Rule(
        "sql-interpolation",
        _C_LIKE,
        "high",
        "SQL is built by string interpolation (SQL injection)",
        re.compile(
            rf"(?i)`[^`]*\b{_SQL}[^`]*\$\{{|(?:Sprintf|format)\(\s*\"[^\"]*\b{_SQL}[^\"]*%[sv]"
        ),
    ),
)
_COMMENT_PREFIXES = ("//", "#", "*", "/*", "--")


@dataclass(frozen=True)
class CodeScan:
    """The insecure patterns found and what was read to find them."""

    findings: list[CodeFinding] = field(default_factory=list)
    source_files: int = 0  # source files outside tests
    python_files: int = 0  # of those, checked with ruff's S rules
    ruff_failed: bool = False  # ruff gave no result: the Python files were only pattern-checked

    def coverage(self) -> Evidence:
        """The measured extent of the scan, for an observation that found nothing."""
        ruff = "ruff failed on" if self.ruff_failed else "ruff S rules on"
        sources = f"{self.source_files:,} source file{'s' if self.source_files != 1 else ''}"
        python = f"{self.python_files:,} Python file{'s' if self.python_files != 1 else ''}"
        excerpt = (
            f"{len(self.findings)} insecure patterns in {sources} outside tests "
            f"({ruff} {python}, line rules on the rest)"
        )
        return Evidence(kind="metric", excerpt=excerpt)


def scan_code(root: Path, files: list[SubmissionFile]) -> CodeScan:
    """Insecure patterns in the code outside tests, one finding per line (ruff's first)."""
    products = [f for f in files if f.language is not None and not f.is_test]
    python = [f.relative for f in products if f.language == "python"]
    findings: list[CodeFinding] = []
    texts = {f.relative: f.read_text() or "" for f in products}
    # Suppression comments are ignored: silencing the linter does not remove the injection.
    linted = run_ruff(root, python, select="S", ignore_noqa=True) if python else []
    for lint in linted or []:
        if lint.code in _IGNORED_RUFF or not lint.code.startswith("S"):
            continue
        line = _line(texts.get(lint.file, ""), lint.line)
        if lint.code in _PASSWORD_RUFF:
            line = _STRING.sub(lambda m: m.group(1) + mask(m.group(2)) + m.group(1), line)
        severity = _severity(lint.file, lint.code, lint.message)
        findings.append(CodeFinding(lint.file, lint.line, lint.code, severity, lint.message, line))
    for file in products:
        rules = [rule for rule in _RULES if file.language in rule.languages]
        if not rules:
            continue
        for number, raw in enumerate(texts[file.relative].splitlines(), start=1):
            if raw.lstrip().startswith(_COMMENT_PREFIXES):
                continue
            for rule in rules:
                if rule.pattern.search(raw):
                    excerpt = raw.strip()[:_EXCERPT_CHARS]
                    findings.append(
                        CodeFinding(
                            file.relative, number, rule.name, rule.severity, rule.message, excerpt
                        )
                    )
                    break
    unique: dict[tuple[str, int], CodeFinding] = {}
    for finding in findings:
        unique.setdefault((finding.file, finding.line), finding)
    ordered = sorted(unique.values(), key=lambda f: (f.file, f.line))
    return CodeScan(ordered, len(products), len(python), ruff_failed=linted is None)


def _severity(relative: str, code: str, message: str) -> Severity:
    """High for ruff's dangerous rules in application code; medium for a shell command that is
    a constant string (ruff: "seems safe") and for anything in release and build tooling, which
    never sees a user's input."""
    if code not in _HIGH_RUFF or _SAFE_SHELL in message or is_tooling(relative):
        return "medium"
    return "high"


def is_tooling(relative: str) -> bool:
    """A developer's helper (release, build, task scripts, benchmarks), not the application."""
    path = PurePosixPath(relative.lower())
    return bool(_TOOLING_DIRS.intersection(path.parts[:-1])) or any(
        fnmatch(path.name, pattern) for pattern in _TOOLING_NAMES
    )


def _line(text: str, number: int) -> str:
    lines = text.splitlines()
    return lines[number - 1].strip()[:_EXCERPT_CHARS] if 0 < number <= len(lines) else ""


# --- the report -----------------------------------------------------------------------------


def analyse(root: Path, *, history_limits: HistoryLimits | None = None) -> AnalyserReport:
    """Committed secrets and insecure code in the submission under ``root``: the "security"
    analyser. ``high_severity_findings`` counts the high-severity code findings (a subset of
    ``security_findings``); every committed secret is high severity by itself. The history is
    read within ``history_limits`` (the installation's settings when None)."""
    started = time.monotonic()
    report = build_report(scan_present(root), scan_past(root, history_limits=history_limits))
    report.seconds = round(time.monotonic() - started, 3)
    return report


@dataclass(frozen=True)
class PresentScan:
    """What the submission's files show: secrets in them and insecure code."""

    secrets: SecretScan
    code: CodeScan


def scan_present(root: Path) -> PresentScan:
    """The secrets and insecure code in the files under ``root`` (the first half of the
    analyser; ``scan_past`` is the other, and the two may run in separate processes)."""
    files = list(submission_files(Path(root)))
    return PresentScan(secrets.scan_files(files), scan_code(Path(root), files))


def scan_past(root: Path, *, history_limits: HistoryLimits | None = None) -> HistorySecrets:
    """The secrets the git history of ``root`` added and its files no longer hold."""
    files = list(submission_files(Path(root)))
    return secrets.scan_history(Path(root), files, limits=history_limits)


def build_report(present: PresentScan, past: HistorySecrets) -> AnalyserReport:
    """The "security" report from both halves of the scan."""
    secret_scan, code_scan = secrets.combine(present.secrets, past), present.code
    found, code = secret_scan.findings, code_scan.findings
    high = [f for f in code if f.severity == "high"]
    report = AnalyserReport(
        name=REPORT_NAME,
        signals={
            "committed_secrets": len(found),
            "security_findings": len(code),
            "high_severity_findings": len(high),
        },
    )
    report.observations.append(_secrets_observation(secret_scan))
    report.observations.append(_code_observation(code_scan))
    if found:
        report.risk_flags.append(
            RiskFlag(
                code="committed_secret",
                severity="high",
                message=secrets.summary(found, cited=_MAX_CITED),
                evidence=tuple(s.evidence() for s in found[:_MAX_CITED]),
            )
        )
    if code:
        ordered = high + [f for f in code if f.severity != "high"]
        report.risk_flags.append(
            RiskFlag(
                code="security_issue",
                severity="high" if high else "medium",
                message=f"{len(code)} insecure code patterns ({len(high)} high severity), "
                f"e.g. {ordered[0].message} in {ordered[0].file}:{ordered[0].line}.",
                evidence=tuple(_code_evidence(f) for f in ordered[:_MAX_CITED]),
            )
        )
    return report


def _secrets_observation(scan: SecretScan) -> Observation:
    found: list[SecretFinding] = scan.findings
    if not found:
        where = "the files or the git history" if scan.history_scanned else "the files"
        if scan.history is not None and scan.history_cut:
            where = f"the files or {scan.history.describe()} of the git history"
        text = f"No committed secrets were found in {where}."
        return Observation(CATEGORY, text, 1, (scan.coverage(),))
    evidence = tuple(s.evidence() for s in found[:_MAX_CITED])
    if scan.history_cut:
        evidence += (scan.coverage(),)  # older commits were not read: the reviewer must know
    return Observation(CATEGORY, secrets.summary(found, cited=_MAX_CITED), -1, evidence)


def _code_observation(scan: CodeScan) -> Observation:
    code = scan.findings
    if not code:
        text = "No insecure code patterns (injection, eval, disabled TLS checks) were found."
        return Observation(CATEGORY, text, 1, (scan.coverage(),))
    high = [f for f in code if f.severity == "high"]
    ordered = high + [f for f in code if f.severity != "high"]
    listed = "; ".join(f"{f.message} ({f.file}:{f.line})" for f in ordered[:3])
    text = f"{len(code)} insecure code patterns, {len(high)} of high severity: {listed}."
    return Observation(CATEGORY, text, -1, tuple(_code_evidence(f) for f in ordered[:_MAX_CITED]))


def _code_evidence(finding: CodeFinding) -> Evidence:
    return Evidence(kind="file", file=finding.file, line=finding.line, excerpt=finding.excerpt)
