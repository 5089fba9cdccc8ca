"""The "security" analyser: committed secrets (in the files and, when the submission is a git
repository, anywhere in its history) and insecure code patterns.

Secrets: detect-secrets with its provider-specific detectors and its keyword detector, plus a
few high-confidence patterns of our own (AWS access keys, private keys, GitHub and Slack tokens)
that no comment can switch off. A secret is never quoted in full: excerpts keep its first four
characters. History matters because deleting a key in a later commit does not un-leak it.

Code: ruff's ``S`` (bandit) rules for Python and line patterns for JavaScript, TypeScript, Java
and Go (eval, shell commands built from strings, SQL built by concatenation, TLS verification
switched off). Findings in test code are ignored: a test may do unsafe things on purpose.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

from detect_secrets import SecretsCollection
from detect_secrets.settings import default_settings

from workers.evaluation.code.evidence import AnalyserReport, Evidence, Observation, RiskFlag
from workers.evaluation.code.git_adapter import _git_in, has_commits
from workers.evaluation.code.quality import run_ruff
from workers.evaluation.code.walk import (
    SKIPPED_DIRS,
    SubmissionFile,
    is_test_path,
    submission_files,
)

REPORT_NAME = "security"
CATEGORY = "Security"
MAX_SECRET_SCAN_BYTES = 1024 * 1024
_MAX_HISTORY_LINES = 20_000  # lines one commit adds to one file, scanned for secrets
_MAX_CITED = 5
_EXCERPT_CHARS = 200

Severity = Literal["medium", "high"]

# --- secrets ------------------------------------------------------------------------------------

# Generic entropy and IP detectors fire on hashes, fixture ids and documentation examples; a
# reviewer would learn to ignore the flag. The provider-specific detectors are kept.
_DISABLED_PLUGINS = ("Base64HighEntropyString", "HexHighEntropyString", "IPPublicDetector")
# ``# pragma: allowlist secret`` is the candidate's own word that a secret is fine; not ours.
_DISABLED_FILTERS = ("detect_secrets.filters.allowlist.is_line_allowlisted",)
# In tests a ``password = "hunter2"`` is a fixture; provider keys there are still real leaks.
_TEST_NOISE_TYPES = frozenset({"Secret Keyword"})
# Config files are scanned whole (their parsers need the structure); source files only on the
# lines that could hold a secret at all, which keeps detect-secrets' per-line cost affordable.
_CONFIG_SUFFIXES = frozenset(
    {".yaml", ".yml", ".ini", ".cfg", ".conf", ".env", ".properties", ".toml", ".json", ".xml"}
)
# A superset of what the kept detectors look for: a keyword, credentials in a URL, or a long
# token-like run (every provider key is 20+ characters of this alphabet).
_MAYBE_SECRET = re.compile(
    r"(?i:key|pass|pwd|secret|token|auth|contrase|private|xox)|://\S*:\S*@"
    r"|[A-Za-z0-9+/=-]{20,}|(?:\s|=|:|\"|^)(?:AKC[a-zA-Z0-9]{10,}|AP[\dA-F][a-zA-Z0-9]{8,})"
)
# Our own high-confidence patterns; the captured text is what detect-secrets would report, so
# the two sources de-duplicate on it.
_KNOWN_SECRETS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("AWS Access Key", re.compile(r"\b((?:AKIA|ASIA)[0-9A-Z]{16})\b")),
    ("Private Key", re.compile(r"-----(BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----")),
    ("GitHub Token", re.compile(r"\b((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}|github_pat_\w{82})")),
    ("Slack Token", re.compile(r"\b(xox[abprs]-[A-Za-z0-9-]{10,})")),
)


@dataclass(frozen=True)
class SecretFinding:
    """A secret at one place: in the files (``commit`` None) or added by a commit and no longer
    in the files."""

    file: str
    line: int
    kind: str  # detect-secrets' type name, e.g. "AWS Access Key"
    value: str  # kept in memory only, to mask excerpts and de-duplicate; never reported
    excerpt: str  # the line with the secret masked
    commit: str | None = None
    subject: str | None = None

    def evidence(self) -> Evidence:
        if self.commit is None:
            return Evidence(kind="file", file=self.file, line=self.line, excerpt=self.excerpt)
        return Evidence(
            kind="commit", commit=self.commit, file=self.file, line=self.line, excerpt=self.excerpt
        )


def mask(secret: str) -> str:
    """``secret`` with all but its first four characters (fewer for short ones) hidden."""
    shown = min(4, len(secret) // 3)
    return secret[:shown] + "*" * (len(secret) - shown)


def _masked_line(line: str, values: list[str], kind: str) -> str:
    if kind == "Private Key":
        # The key material may share the line (an escaped PEM string); quote the header only.
        return f"-----{values[0]}-----"
    for value in sorted(values, key=len, reverse=True):
        line = line.replace(value, mask(value))
    return line.strip()[:_EXCERPT_CHARS]


def _find_secrets(
    relative: str, lines: list[tuple[int, str]], scratch: Path
) -> list[tuple[int, str, str]]:
    """(line, kind, value) for every secret in ``lines`` of a file named ``relative``: detect-
    secrets on a scratch copy of just those lines (same file name, so its file-type rules apply),
    then our own patterns."""
    found: set[tuple[int, str, str]] = set()
    if lines:
        name = PurePosixPath(relative).name
        copy = scratch / (name if name not in ("", ".", "..") else "file")
        copy.write_text("\n".join(text for _, text in lines) + "\n", encoding="utf-8")
        collection = SecretsCollection(root=str(scratch))
        collection.scan_file(copy.name)
        copy.unlink()
        for secret in collection.data.get(copy.name, ()):
            if secret.secret_value and 0 < secret.line_number <= len(lines):
                found.add((lines[secret.line_number - 1][0], secret.type, secret.secret_value))
    for number, text in lines:
        for kind, pattern in _KNOWN_SECRETS:
            found.update((number, kind, match) for match in pattern.findall(text))
    # Some detectors report only a token's prefix ("ghp"); keep the whole token once.
    return sorted(
        hit
        for hit in found
        if not any(o[0] == hit[0] and hit[2] in o[2] and o[2] != hit[2] for o in found)
    )


def _candidate_lines(relative: str, text: str) -> list[tuple[int, str]]:
    numbered = list(enumerate(text.splitlines(), start=1))
    name = PurePosixPath(relative).name.lower()
    if PurePosixPath(name).suffix in _CONFIG_SUFFIXES or name.startswith(".env"):
        return numbered
    return [(n, line) for n, line in numbered if _MAYBE_SECRET.search(line)]


def _to_findings(
    relative: str,
    text_lines: dict[int, str],
    hits: list[tuple[int, str, str]],
    *,
    is_test: bool,
    commit: tuple[str, str] | None = None,
) -> list[SecretFinding]:
    findings = []
    by_line: dict[int, list[str]] = {}
    for number, _kind, value in hits:
        by_line.setdefault(number, []).append(value)
    for number, kind, value in hits:
        if is_test and kind in _TEST_NOISE_TYPES:
            continue
        excerpt = _masked_line(text_lines.get(number, ""), [value, *by_line[number]], kind)
        sha, subject = commit or (None, None)
        findings.append(SecretFinding(relative, number, kind, value, excerpt, sha, subject))
    return findings


def scan_secrets(root: Path, files: list[SubmissionFile]) -> list[SecretFinding]:
    """Secrets in the submission's files, then (when ``root`` is a git repository) those that
    earlier commits added and the files no longer hold. One finding per file and secret."""
    current: dict[str, str] = {}
    findings: list[SecretFinding] = []
    with default_settings() as settings, tempfile.TemporaryDirectory() as scratch:
        settings.disable_plugins(*_DISABLED_PLUGINS)
        settings.disable_filters(*_DISABLED_FILTERS)
        for file in files:
            text = file.read_text() if file.size <= MAX_SECRET_SCAN_BYTES else None
            if text is None:
                continue
            current[file.relative] = text
            hits = _find_secrets(
                file.relative, _candidate_lines(file.relative, text), Path(scratch)
            )
            lines = dict(enumerate(text.splitlines(), start=1))
            findings += _to_findings(file.relative, lines, hits, is_test=file.is_test)
        if (root / ".git").exists():
            findings += _history_secrets(root, current, Path(scratch))
    unique: dict[tuple[str, str], SecretFinding] = {}
    for finding in findings:
        unique.setdefault((finding.file, finding.value), finding)
    return list(unique.values())


def _history_secrets(root: Path, current: dict[str, str], scratch: Path) -> list[SecretFinding]:
    findings = []
    for sha, subject, relative, added in added_lines_by_commit(root):
        if len(added) > _MAX_HISTORY_LINES:
            continue  # a generated file (a bundle, a data dump), not something typed
        still_there = set(current.get(relative, "").splitlines())
        gone = [(n, line) for n, line in added if line not in still_there]
        candidates = [(n, line) for n, line in gone if _MAYBE_SECRET.search(line)]
        if not candidates:
            continue
        hits = _find_secrets(relative, candidates, scratch)
        lines = dict(candidates)
        findings += _to_findings(
            relative, lines, hits, is_test=is_test_path(relative), commit=(sha, subject)
        )
    return findings


_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@")


def added_lines_by_commit(root: Path) -> list[tuple[str, str, str, list[tuple[int, str]]]]:
    """(sha, subject, path, [(line, text)]) for every file every commit added lines to, oldest
    commit first; paths in dependency folders left out. Empty when git cannot read the history.

    Kept here rather than in git_adapter (another module's file); it uses the adapter's clean,
    hook-free way of running git and switches off everything a repository's own configuration
    could turn on for ``log -p`` (external diff drivers, text conversion, signatures).
    """
    if not has_commits(root):
        return []
    try:
        out = _git_in(
            root,
            "log",
            "--reverse",
            "-p",
            "--unified=0",
            "--no-renames",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            "--no-show-signature",
            "--no-relative",
            "--src-prefix=a/",
            "--dst-prefix=b/",
            "--encoding=UTF-8",
            "--format=\x1e%H\x1f%s",
            "HEAD",
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    result: list[tuple[str, str, str, list[tuple[int, str]]]] = []
    sha = subject = ""
    added: list[tuple[int, str]] | None = None
    next_line = 0
    in_hunk = False
    for raw in out.split("\n"):
        # Inside a hunk every line starts with one of these; anything else ends the hunk.
        if in_hunk and raw[:1] in ("+", "-", " ", "\\"):
            if raw.startswith("+") and added is not None:
                added.append((next_line, raw[1:]))
                next_line += 1
            continue
        in_hunk = False
        if raw.startswith("\x1e"):
            sha, _, subject = raw[1:].partition("\x1f")
        elif raw.startswith("+++ "):
            path = _diff_path(raw[4:])
            added = None
            if path is not None and not (set(PurePosixPath(path).parts) & SKIPPED_DIRS):
                added = []
                result.append((sha, subject, path, added))
        elif match := _HUNK.match(raw):
            next_line, in_hunk = int(match.group(1)), True
    return [entry for entry in result if entry[3]]


def _diff_path(header: str) -> str | None:
    """The path in a ``+++ b/path`` header; None for a deleted file."""
    if header.startswith('"'):
        header = header[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")
        header = header.encode("latin-1", "replace").decode("utf-8", "replace")
    return header[2:] if header.startswith("b/") else None


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


def scan_code(root: Path, files: list[SubmissionFile]) -> list[CodeFinding]:
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
        severity: Severity = "high" if lint.code in _HIGH_RUFF else "medium"
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
    return sorted(unique.values(), key=lambda f: (f.file, f.line))


def _line(text: str, number: int) -> str:
    lines = text.splitlines()
    return lines[number - 1].strip()[:_EXCERPT_CHARS] if 0 < number <= len(lines) else ""


# --- the report -----------------------------------------------------------------------------


def analyse(root: Path) -> AnalyserReport:
    """Committed secrets and insecure code in the submission under ``root``: the "security"
    analyser. ``high_severity_findings`` counts the high-severity code findings (a subset of
    ``security_findings``); every committed secret is high severity by itself."""
    started = time.monotonic()
    root = Path(root)
    files = list(submission_files(root))
    secrets = scan_secrets(root, files)
    code = scan_code(root, files)
    high = [f for f in code if f.severity == "high"]
    report = AnalyserReport(
        name=REPORT_NAME,
        signals={
            "committed_secrets": len(secrets),
            "security_findings": len(code),
            "high_severity_findings": len(high),
        },
    )
    report.observations.append(_secrets_observation(secrets))
    report.observations.append(_code_observation(code))
    if secrets:
        report.risk_flags.append(
            RiskFlag(
                code="committed_secret",
                severity="high",
                message=_secrets_summary(secrets),
                evidence=tuple(s.evidence() for s in secrets[:_MAX_CITED]),
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
    report.seconds = round(time.monotonic() - started, 3)
    return report


def _secrets_summary(secrets: list[SecretFinding]) -> str:
    parts = []
    for secret in secrets[:_MAX_CITED]:
        where = f"{secret.kind} in {secret.file}:{secret.line}"
        if secret.commit:
            where += f" (added in {secret.commit[:10]}, deleted since, still in the history)"
        parts.append(where)
    more = f" and {len(secrets) - _MAX_CITED} more" if len(secrets) > _MAX_CITED else ""
    noun = "secret" if len(secrets) == 1 else "secrets"
    return f"{len(secrets)} committed {noun}: " + "; ".join(parts) + more + "."


def _secrets_observation(secrets: list[SecretFinding]) -> Observation:
    if not secrets:
        text = "No committed secrets were found in the files or the git history."
        return Observation(CATEGORY, text, 1)
    evidence = tuple(s.evidence() for s in secrets[:_MAX_CITED])
    return Observation(CATEGORY, _secrets_summary(secrets), -1, evidence)


def _code_observation(code: list[CodeFinding]) -> Observation:
    if not code:
        text = "No insecure code patterns (injection, eval, disabled TLS checks) were found."
        return Observation(CATEGORY, text, 1)
    high = [f for f in code if f.severity == "high"]
    ordered = high + [f for f in code if f.severity != "high"]
    listed = "; ".join(f"{f.message} ({f.file}:{f.line})" for f in ordered[:3])
    text = f"{len(code)} insecure code patterns, {len(high)} of high severity: {listed}."
    return Observation(CATEGORY, text, -1, tuple(_code_evidence(f) for f in ordered[:_MAX_CITED]))


def _code_evidence(finding: CodeFinding) -> Evidence:
    return Evidence(kind="file", file=finding.file, line=finding.line, excerpt=finding.excerpt)
