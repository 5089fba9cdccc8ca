"""The one place that runs the ``git`` binary: cloning a candidate's repository and reading its
history.

A candidate controls the repository, so git runs with nothing from the machine it runs on: no
global or system configuration, no templates, no hooks, no credential helpers or prompts, no
submodules, and symbolic links checked out as plain files so that none can point outside the
clone. Cloning has a wall-clock limit and a size watch that stops it when the clone grows past
the cap.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal, NamedTuple

from workers.evaluation.scratch import tree_size

GIT = "git"
# How often the size watch measures the growing clone.
_WATCH_INTERVAL_S = 0.2
_STDERR_TAIL_CHARS = 2000
# user:password@ (or token@) in any URL that git may print back. Greedy up to the last "@"
# before the path: a password may itself contain an unencoded "@".
_USERINFO = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)[^/\s'\"]*@")
# The same in scp-like addresses (user@host:path, or the mistyped user:token@host:path), where
# there is no scheme: a word that ends in "@" and is followed by "host:".
_SCP_USERINFO = re.compile(r"(?<![^\s'\"])[^\s'\"/:@]+(?::[^\s'\"/]*)?@(?=[^\s'\"/:@]+:)")

GitFailure = Literal["timeout", "too_large", "failed"]


class GitError(Exception):
    """git did not finish the job; ``kind`` says why and ``detail`` is git's own last words with
    any credentials removed."""

    def __init__(self, kind: GitFailure, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True)
class Commit:
    """One commit as the history analyser sees it."""

    sha: str
    author: str
    email: str
    timestamp: int  # author time, seconds since the epoch (UTC)
    message: str
    files: tuple[str, ...]  # paths touched, forward slashes
    insertions: int
    deletions: int

    @property
    def files_changed(self) -> int:
        """How many files the commit touched."""
        return len(self.files)


def redact_url(text: str) -> str:
    """``text`` with the user-info part of every URL in it removed, so that a password or token
    never reaches a log, an error message or a stored reason."""
    return _SCP_USERINFO.sub("", _USERINFO.sub(r"\g<scheme>", text))


def _clean_environment(home: Path) -> dict[str, str]:
    """An environment that lets git read nothing of this machine's configuration or secrets."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_ASKPASS": "/bin/true",
        "SSH_ASKPASS": "/bin/true",
        # Never ask about host keys, never use an agent or a key of the machine's user.
        "GIT_SSH_COMMAND": "ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new "
        "-o UserKnownHostsFile=/dev/null -o IdentitiesOnly=yes -o IdentityFile=/dev/null -F none",
        "GIT_PROTOCOL_FROM_USER": "0",
    }


def _safety_options(*, allow_file_protocol: bool) -> list[str]:
    return [
        "-c",
        "core.hooksPath=/dev/null",
        "-c",
        "core.symlinks=false",
        "-c",
        "core.fsmonitor=false",
        "-c",
        "credential.helper=",
        "-c",
        "protocol.ext.allow=never",
        "-c",
        f"protocol.file.allow={'always' if allow_file_protocol else 'never'}",
        "-c",
        "submodule.recurse=false",
        "-c",
        "transfer.fsckObjects=true",
        # A public host must not redirect the fetch into a private network (the URL's host was
        # checked, a redirect target would not be).
        "-c",
        "http.followRedirects=false",
    ]


def clone(
    url: str,
    dest: Path,
    *,
    timeout_s: float,
    max_bytes: int,
    allow_file_protocol: bool = False,
) -> Path:
    """Clone ``url`` with its full history into ``dest`` (which must not exist yet).

    Raises ``GitError`` when git fails, runs past ``timeout_s`` or the clone passes ``max_bytes``;
    ``dest`` is removed in every failure.
    """
    dest = Path(dest)
    with tempfile.TemporaryDirectory(prefix="truelevel-git-home-") as home:
        argv = [
            GIT,
            *_safety_options(allow_file_protocol=allow_file_protocol),
            "clone",
            "--no-recurse-submodules",
            "--template=",
            "--no-local",  # a local path is copied through the transport, never hard-linked
            "--quiet",
            "--",
            url,
            str(dest),
        ]
        with tempfile.TemporaryFile() as stderr:
            process = subprocess.Popen(
                argv,
                env=_clean_environment(Path(home)),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                start_new_session=True,
            )
            failure = _watch(process, dest, timeout_s=timeout_s, max_bytes=max_bytes)
            stderr.seek(0)
            detail = redact_url(stderr.read()[-_STDERR_TAIL_CHARS:].decode("utf-8", "replace"))
    if failure is None and process.returncode != 0:
        failure = "failed"
    if failure is None and tree_size(dest) > max_bytes:
        failure = "too_large"
    if failure is not None:
        shutil.rmtree(dest, ignore_errors=True)
        raise GitError(failure, detail.strip())
    return dest


def _watch(
    process: subprocess.Popen, dest: Path, *, timeout_s: float, max_bytes: int
) -> GitFailure | None:
    """Wait for ``process``; kill it (and the helpers it started) on timeout or over-size."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            process.wait(timeout=_WATCH_INTERVAL_S)
            return None
        except subprocess.TimeoutExpired:
            pass
        failure: GitFailure | None = None
        if time.monotonic() > deadline:
            failure = "timeout"
        elif dest.exists() and tree_size(dest) > max_bytes:
            failure = "too_large"
        if failure is not None:
            _kill_group(process)
            return failure


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, 9)
    except ProcessLookupError:
        pass
    process.wait()


def link_paths(repo: Path) -> list[str]:
    """The paths git records as symbolic links in the checked-out tree (checked out as small
    files holding the link's text, ``core.symlinks=false``)."""
    listing = _git_in(repo, "ls-files", "--stage", "-z", check=False).stdout
    paths = []
    for line in listing.split("\0"):
        meta, _, path = line.partition("\t")
        if meta.startswith("120000 ") and path:
            paths.append(path)
    return paths


def has_commits(repo: Path) -> bool:
    """True when the repository's HEAD points at a commit."""
    result = _git_in(repo, "rev-parse", "--verify", "--quiet", "HEAD^{commit}", check=False)
    return result.returncode == 0


# One numstat line: added, removed (both "-" for binary files) and the path, which may hold
# tabs and newlines (with -z git neither quotes nor escapes it).
_NUMSTAT = re.compile(r"\n?(\d+|-)\t(\d+|-)\t(.*)", re.DOTALL)
_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")  # sha1 or sha256 repositories


@dataclass(frozen=True)
class HistoryLimits:
    """How much of a history the analysers read: the newest ``max_commits`` commits, and no more
    than ``max_bytes`` of diff or ``time_budget_s`` seconds for the added lines. A take-home has
    tens of commits; a real project's 20,000 would otherwise take minutes to read."""

    max_commits: int = 1000
    max_bytes: int = 64 * 1024 * 1024
    time_budget_s: float = 60.0

    @classmethod
    def from_settings(cls) -> HistoryLimits:
        from backend.settings import get_settings

        settings = get_settings()
        return cls(
            max_commits=settings.evaluation_history_max_commits,
            max_bytes=settings.evaluation_history_max_mb * 1024 * 1024,
            time_budget_s=float(settings.evaluation_history_budget_s),
        )


HistoryCut = Literal["", "commits", "bytes", "time"]


@dataclass(frozen=True)
class HistoryWindow:
    """Which part of a history was read: the newest ``commits_read`` of ``commits_total``
    commits, and what stopped the reading before the oldest one (``cut``; "" when none did)."""

    commits_read: int
    commits_total: int
    cut: HistoryCut = ""

    @property
    def complete(self) -> bool:
        return self.commits_read >= self.commits_total

    def describe(self) -> str:
        """ "12 commits", or "the newest 1,000 of 22,413 commits" when the window is cut."""
        if self.complete:
            return f"{self.commits_total:,} commit{'s' if self.commits_total != 1 else ''}"
        return f"the newest {self.commits_read:,} of {self.commits_total:,} commits"

    def cut_reason(self) -> str:
        """Why the window stops before the oldest commit ("" when it does not)."""
        if self.complete:
            return ""
        return {
            "commits": "the cap on commits read",
            "bytes": "the cap on diff bytes read",
            "time": "the time budget",
        }.get(self.cut, "the scan's limits")


def commit_count(repo: Path) -> int:
    """How many commits are reachable from HEAD (0 without any)."""
    if not has_commits(repo):
        return 0
    counted = _git_in(repo, "rev-list", "--count", "HEAD").stdout.strip()
    return int(counted) if counted.isdigit() else 0


def commit_log(repo: Path, *, max_commits: int | None = None) -> list[Commit]:
    """The commits reachable from HEAD (the newest ``max_commits`` of them when given), oldest
    first, with the files each touched and its line counts (binary files count as touched with
    no lines)."""
    if not has_commits(repo):
        return []
    # NUL separates everything: it is the one byte git never prints inside a name, a message
    # or (with -z) a path, whatever the candidate put in them. Newest first, so that git stops
    # after the cap instead of walking the whole history first (as --reverse does).
    limit = [f"--max-count={max_commits}"] if max_commits is not None else []
    out = _git_in(
        repo,
        "log",
        *limit,
        "--no-renames",
        "--numstat",
        "-z",
        "--format=%H%x00%an%x00%ae%x00%at%x00%B%x00",
        "HEAD",
    ).stdout
    tokens = out.split("\0")
    commits = []
    index = 0
    while index < len(tokens):
        if not _SHA.fullmatch(tokens[index]) or index + 4 >= len(tokens):
            index += 1
            continue
        sha, author, email, timestamp, message = tokens[index : index + 5]
        index += 5
        files: list[str] = []
        insertions = deletions = 0
        # Then empty tokens and numstat entries, up to the next commit's sha (never a numstat
        # entry: it has no tabs).
        while index < len(tokens) and (not tokens[index] or _NUMSTAT.fullmatch(tokens[index])):
            stat = _NUMSTAT.fullmatch(tokens[index])
            index += 1
            if stat is None:
                continue
            added, removed, path = stat.groups()
            files.append(path)
            insertions += int(added) if added.isdigit() else 0
            deletions += int(removed) if removed.isdigit() else 0
        commits.append(
            Commit(
                sha=sha,
                author=author,
                email=email,
                timestamp=int(timestamp) if timestamp.isdigit() else 0,
                message=message.strip(),
                files=tuple(files),
                insertions=insertions,
                deletions=deletions,
            )
        )
    commits.reverse()
    return commits


class AddedLines(NamedTuple):
    """The lines one commit added to one file (those the reader asked to keep)."""

    sha: str
    subject: str
    path: str  # forward slashes, relative to the repository root
    lines: list[tuple[int, str]]  # (line number in the new file, text), in order


@dataclass(frozen=True)
class AddedHistory:
    """The lines the commits of a window added, oldest commit first, and the window itself."""

    added: list[AddedLines]
    window: HistoryWindow


_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@")
# Lines inside a hunk that add nothing (removed, context, "\ No newline at end of file").
_NOT_ADDED = (b"-", b" ", b"\\")
_NO_HISTORY = AddedHistory([], HistoryWindow(0, 0))


def added_lines_by_commit(
    repo: Path,
    *,
    skip_dirs: Collection[str] = (),
    keep_line: Callable[[str], object] | None = None,
    max_lines_per_file: int | None = None,
    limits: HistoryLimits | None = None,
) -> AddedHistory:
    """The lines the newest commits reachable from HEAD added, per file, oldest commit first.

    git's output is read as it comes, newest commit first, and only what the caller needs is
    held in memory: lines ``keep_line`` accepts (all when None), in files with no folder named
    in ``skip_dirs`` anywhere in their path, and to which the commit added at most
    ``max_lines_per_file`` lines (more is a bundle or a data dump, not something typed).
    Reading stops at ``limits`` (commits, then bytes of diff or seconds; a commit cut halfway is
    left out whole), and the window says how much was read. Empty when the repository has no
    commits or git cannot read the history.

    Everything a repository's own configuration could turn on for ``log -p`` is switched off
    (external diff drivers, text conversion, signatures, relative paths, prefixes).
    """
    limits = limits or HistoryLimits()
    try:
        total = commit_count(repo)
    except (OSError, subprocess.SubprocessError):
        return _NO_HISTORY
    if total == 0:
        return _NO_HISTORY
    skipped = frozenset(skip_dirs)
    reader = _PatchReader(skipped, keep_line, max_lines_per_file)
    deadline = time.monotonic() + limits.time_budget_s
    read_bytes = 0
    cut: HistoryCut = "commits" if total > limits.max_commits else ""
    with (
        tempfile.TemporaryDirectory(prefix="truelevel-git-home-") as home,
        subprocess.Popen(
            _git_argv(
                repo,
                "log",
                f"--max-count={limits.max_commits}",
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
            ),
            env=_clean_environment(Path(home)),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        ) as process,
    ):
        assert process.stdout is not None
        stopped = False
        for raw in process.stdout:
            read_bytes += len(raw)
            if read_bytes > limits.max_bytes or time.monotonic() > deadline:
                cut = "bytes" if read_bytes > limits.max_bytes else "time"
                stopped = True
                break
            if reader.in_hunk and raw[:1] in _NOT_ADDED:
                continue  # a removed or context line: nothing to keep, no need to decode it
            reader.feed(raw.decode("utf-8", "replace").removesuffix("\n"))
        if stopped:
            process.kill()
        process.wait()
    if process.returncode != 0 and not stopped:
        return _NO_HISTORY
    commits = reader.finish(complete=not stopped)
    window = HistoryWindow(len(commits), total, cut if len(commits) < total else "")
    commits.reverse()
    return AddedHistory([entry for files in commits for entry in files if entry.lines], window)


class _PatchReader:
    """Parses ``git log -p --unified=0`` one line at a time into the lines each commit added."""

    def __init__(
        self,
        skipped: frozenset[str],
        keep_line: Callable[[str], object] | None,
        max_lines_per_file: int | None,
    ) -> None:
        self._skipped = skipped
        self._keep = keep_line
        self._max_lines = max_lines_per_file
        self.commits: list[list[AddedLines]] = []  # newest first, as git prints them
        self._files: list[AddedLines] | None = None  # the commit being read
        self._sha = self._subject = ""
        self._added: list[tuple[int, str]] | None = None  # the file being read, if kept
        self._added_count = 0
        self._next_line = 0
        self.in_hunk = False

    def feed(self, line: str) -> None:
        # Inside a hunk every line starts with one of these; anything else ends the hunk.
        if self.in_hunk and line[:1] in ("+", "-", " ", "\\"):
            if line.startswith("+") and self._added is not None:
                self._added_count += 1
                wanted = self._max_lines is None or self._added_count <= self._max_lines
                if wanted and (self._keep is None or self._keep(line[1:])):
                    self._added.append((self._next_line, line[1:]))
                self._next_line += 1
            return
        self.in_hunk = False
        if line.startswith("\x1e"):
            self._end_file()
            if self._files is not None:
                self.commits.append(self._files)
            self._sha, _, self._subject = line[1:].partition("\x1f")
            self._files = []
        elif line.startswith("+++ "):
            self._end_file()
            path = _diff_path(line[4:])
            if path is not None and not (set(PurePosixPath(path).parts[:-1]) & self._skipped):
                self._added = []
                self._added_count = 0
                assert self._files is not None
                self._files.append(AddedLines(self._sha, self._subject, path, self._added))
        elif match := _HUNK.match(line):
            self._next_line, self.in_hunk = int(match.group(1)), True

    def _end_file(self) -> None:
        """Forget the file just read when the commit added too many lines to it."""
        if self._added is not None and self._max_lines is not None:
            if self._added_count > self._max_lines and self._files:
                self._files.pop()
        self._added = None

    def finish(self, *, complete: bool) -> list[list[AddedLines]]:
        """The commits read, newest first; the one being read only when git printed it all."""
        self._end_file()
        if complete and self._files is not None:
            self.commits.append(self._files)
        self._files = None
        return self.commits


def _diff_path(header: str) -> str | None:
    """The path in a ``+++ b/path`` header (unquoted when git quoted it); None for a deleted
    file."""
    # git ends the header with a tab when the name holds a space (a tab inside a name is
    # always quoted, so the last one is never part of the name).
    header = header.removesuffix("\t")
    if header.startswith('"'):
        header = header[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")
        header = header.encode("latin-1", "replace").decode("utf-8", "replace")
    return header[2:] if header.startswith("b/") else None


def _git_argv(repo: Path, *args: str) -> list[str]:
    """A read-only git command line inside a cloned repository, with the same clean set-up."""
    return [
        GIT,
        *_safety_options(allow_file_protocol=False),
        "-c",
        f"safe.directory={Path(repo).resolve()}",
        "-c",
        "core.quotePath=false",
        "-C",
        str(repo),
        *args,
    ]


def _git_in(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run a read-only git command inside a cloned repository and wait for all its output."""
    with tempfile.TemporaryDirectory(prefix="truelevel-git-home-") as home:
        return subprocess.run(
            _git_argv(repo, *args),
            env=_clean_environment(Path(home)),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            check=check,
            timeout=120,
        )
