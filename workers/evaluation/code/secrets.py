"""Committed secrets: in the submission's files and, when it is a git repository, anywhere in its
history. Part of the "security" analyser (``security.analyse`` reports them).

detect-secrets with its provider-specific detectors and its keyword detector, plus a few
high-confidence patterns of our own (AWS access keys, private keys, GitHub, Slack and Stripe live
keys) that no comment can switch off. ``credentials.is_real`` then drops placeholders,
documentation examples and local test databases, so that a flag always means a real key.
A secret is never quoted in full: excerpts keep its first four characters. History matters
because deleting a key in a later commit does not un-leak it.

detect-secrets keeps its settings (plugins, filters) in process-wide state, so every scan holds
``_DETECT_SECRETS_LOCK``: two evaluations in threads of one worker must not switch each other's
detectors on or off halfway through a scan.
"""

from __future__ import annotations

import re
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from detect_secrets import SecretsCollection
from detect_secrets.settings import default_settings

from workers.evaluation.code import credentials
from workers.evaluation.code.evidence import Evidence
from workers.evaluation.code.git_adapter import (
    AddedLines,
    HistoryLimits,
    HistoryWindow,
    added_lines_by_commit,
)
from workers.evaluation.code.walk import SKIPPED_DIRS, SubmissionFile, is_test_path

MAX_SECRET_SCAN_BYTES = 1024 * 1024
# More lines than this added to one file by one commit is a bundle or a data dump, not typed.
_MAX_HISTORY_LINES = 20_000
_EXCERPT_CHARS = 200
# detect-secrets' settings are global to the process; one scan at a time configures them.
_DETECT_SECRETS_LOCK = threading.Lock()


# Generic entropy and IP detectors fire on hashes, fixture ids and documentation examples; a
# reviewer would learn to ignore the flag. The provider-specific detectors are kept.
_DISABLED_PLUGINS = ("Base64HighEntropyString", "HexHighEntropyString", "IPPublicDetector")
# ``# pragma: allowlist secret`` is the candidate's own word that a secret is fine; not ours.
_DISABLED_FILTERS = ("detect_secrets.filters.allowlist.is_line_allowlisted",)
# In tests a ``password = "hunter2"`` or a URL with ``user:pass@`` is a fixture (a URL library's
# suite is full of them); provider keys there are still real leaks.
_TEST_NOISE_TYPES = frozenset({"Secret Keyword", "Basic Auth Credentials"})
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
    ("Stripe Access Key", re.compile(r"\b((?:sk|rk)_live_[0-9a-zA-Z]{24,99})\b")),
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
    # Some detectors report only a token's prefix ("ghp"); keep the whole token once, under
    # its provider's name rather than "Secret Keyword" when both matched it.
    return sorted(
        hit
        for hit in found
        if not any(o[0] == hit[0] and hit[2] in o[2] and o[2] != hit[2] for o in found)
        and not (
            hit[1] in credentials.KEYWORD_KINDS
            and any(o[0] == hit[0] and o[2] == hit[2] and o[1] != hit[1] for o in found)
        )
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
        if not credentials.is_real(relative, kind, value, text_lines.get(number, "")):
            continue  # a placeholder, a documentation example or a local test database
        excerpt = _masked_line(text_lines.get(number, ""), [value, *by_line[number]], kind)
        sha, subject = commit or (None, None)
        findings.append(SecretFinding(relative, number, kind, value, excerpt, sha, subject))
    return findings


@dataclass(frozen=True)
class SecretScan:
    """What the secret scan found and how much it read."""

    findings: list[SecretFinding] = field(default_factory=list)
    files_scanned: int = 0  # text files of the submission read
    # The commits whose added lines were read (None without a git history).
    history: HistoryWindow | None = None

    @property
    def history_scanned(self) -> bool:
        return self.history is not None

    @property
    def history_cut(self) -> bool:
        """True when older commits were left unread (the report must say so)."""
        return self.history is not None and not self.history.complete

    def coverage(self) -> Evidence:
        """The measured extent of the scan: for an observation that found nothing, and beside
        the findings when the history was cut."""
        if self.history is None:
            history = " (no git history to scan)"
        else:
            history = f" and the lines {self.history.describe()} added"
            if reason := self.history.cut_reason():
                history += f" (older commits left unread: {reason})"
        noun = "file" if self.files_scanned == 1 else "files"
        found = f"{len(self.findings)} secret{'s' if len(self.findings) != 1 else ''}"
        excerpt = f"scanned {self.files_scanned:,} {noun}{history}: {found}"
        return Evidence(kind="metric", excerpt=excerpt)


def scan_secrets(
    root: Path, files: list[SubmissionFile], *, limits: HistoryLimits | None = None
) -> SecretScan:
    """Secrets in the submission's files, then (when ``root`` is a git repository) those that
    earlier commits added and the files no longer hold: the newest commits within ``limits``
    (the installation's settings when None). One finding per file and secret."""
    return combine(scan_files(files), scan_history(root, files, limits=limits))


@dataclass(frozen=True)
class HistorySecrets:
    """The secrets a window of commits added that the files no longer hold (``window`` None:
    the submission has no git history)."""

    findings: list[SecretFinding]
    window: HistoryWindow | None


def _secret_texts(files: list[SubmissionFile]) -> dict[str, str]:
    """path → text of the files the scan reads (text, at most ``MAX_SECRET_SCAN_BYTES``)."""
    texts = {}
    for file in files:
        text = file.read_text() if file.size <= MAX_SECRET_SCAN_BYTES else None
        if text is not None:
            texts[file.relative] = text
    return texts


def scan_files(files: list[SubmissionFile]) -> SecretScan:
    """Secrets in the submission's files only (the history is ``scan_history``'s: the two can
    run in separate processes and be put together by ``combine``)."""
    current = _secret_texts(files)
    tests = {file.relative for file in files if file.is_test}
    findings: list[SecretFinding] = []
    with _detect_secrets() as scratch:
        for relative, text in current.items():
            hits = _find_secrets(relative, _candidate_lines(relative, text), scratch)
            lines = dict(enumerate(text.splitlines(), start=1))
            findings += _to_findings(relative, lines, hits, is_test=relative in tests)
    return SecretScan(findings, len(current), None)


def scan_history(
    root: Path, files: list[SubmissionFile], *, limits: HistoryLimits | None = None
) -> HistorySecrets:
    """Secrets the newest commits within ``limits`` added that ``files`` no longer hold."""
    if not (Path(root) / ".git").exists():
        return HistorySecrets([], None)
    # Read before taking the lock: git may take a while and needs no detect-secrets settings.
    # Only the added lines that could hold a secret are kept in memory.
    history = added_lines_by_commit(
        Path(root),
        skip_dirs=SKIPPED_DIRS,
        keep_line=_MAYBE_SECRET.search,
        max_lines_per_file=_MAX_HISTORY_LINES,
        limits=limits or HistoryLimits.from_settings(),
    )
    current = _secret_texts(files)
    with _detect_secrets() as scratch:
        findings = _history_secrets(history.added, current, scratch)
    return HistorySecrets(findings, history.window)


def combine(present: SecretScan, past: HistorySecrets) -> SecretScan:
    """One scan of the files and the history: one finding per file and secret, the one in the
    files first, else the oldest commit that added it."""
    unique: dict[tuple[str, str], SecretFinding] = {}
    for finding in [*present.findings, *past.findings]:
        unique.setdefault((finding.file, finding.value), finding)
    return SecretScan(list(unique.values()), present.files_scanned, past.window)


@contextmanager
def _detect_secrets() -> Iterator[Path]:
    """detect-secrets configured as our scans use it, held for one scan; yields a scratch
    folder for the copies it reads."""
    with (
        _DETECT_SECRETS_LOCK,
        default_settings() as settings,
        tempfile.TemporaryDirectory() as scratch,
    ):
        settings.disable_plugins(*_DISABLED_PLUGINS)
        settings.disable_filters(*_DISABLED_FILTERS)
        yield Path(scratch)


def _history_secrets(
    added_by_commit: list[AddedLines], current: dict[str, str], scratch: Path
) -> list[SecretFinding]:
    """Secrets that commits added (on the lines that could hold one, oldest commit first) and
    the files (``current``: path → text) no longer hold."""
    findings = []
    for sha, subject, relative, lines_added in added_by_commit:
        still_there = set(current.get(relative, "").splitlines())
        candidates = [(n, line) for n, line in lines_added if line not in still_there]
        if not candidates:
            continue
        hits = _find_secrets(relative, candidates, scratch)
        lines = dict(candidates)
        findings += _to_findings(
            relative, lines, hits, is_test=is_test_path(relative), commit=(sha, subject)
        )
    return findings


def summary(secrets: list[SecretFinding], *, cited: int = 5) -> str:
    """One sentence naming the kind and place of the first ``cited`` secrets (never a value)."""
    parts = []
    for secret in secrets[:cited]:
        where = f"{secret.kind} in {secret.file}:{secret.line}"
        if secret.commit:
            where += f" (added in {secret.commit[:10]}, deleted since, still in the history)"
        parts.append(where)
    more = f" and {len(secrets) - cited} more" if len(secrets) > cited else ""
    noun = "secret" if len(secrets) == 1 else "secrets"
    return f"{len(secrets)} committed {noun}: " + "; ".join(parts) + more + "."
