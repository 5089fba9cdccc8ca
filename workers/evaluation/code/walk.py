"""The one rule for which of a submission's files the analysers look at, and in which order.

Every static analyser walks the submission through ``submission_files``: sorted relative paths
with forward slashes, dependency and build folders skipped, links never followed, files over
2 MB left out (generated data, not the candidate's writing). The language of a file comes from
its extension, in one table.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath

# Folders that hold dependencies, build output or tool caches, never the candidate's own work.
SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        "node_modules",
        "vendor",
        "dist",
        "build",
        "target",
        ".venv",
        "venv",
        "__pycache__",
        ".truelevel",
        ".tox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
    }
)
# A virtual environment is dependencies whatever the candidate named it (``env``, ``py311``...).
# Recognised by its marker file rather than by adding ``env`` to SKIPPED_DIRS: a folder named
# ``env`` also holds real code and configuration (``config/env/production.js``), and that is
# where committed credentials tend to sit.
VIRTUALENV_MARKER = "pyvenv.cfg"
MAX_FILE_BYTES = 2 * 1024 * 1024
# Enough to tell a binary file from text without reading it all.
_SNIFF_BYTES = 8192

LANGUAGES: dict[str, str] = {
    ".py": "python",
    ".pyi": "python",
    ".js": "javascript",
    ".jsx": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".ts": "typescript",
    ".tsx": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".java": "java",
    ".go": "go",
    ".kt": "kotlin",
    ".kts": "kotlin",
    ".rb": "ruby",
    ".rs": "rust",
    ".c": "c",
    ".h": "c",
    ".cc": "cpp",
    ".cpp": "cpp",
    ".cxx": "cpp",
    ".hpp": "cpp",
    ".hh": "cpp",
    ".cs": "csharp",
    ".php": "php",
    ".swift": "swift",
    ".scala": "scala",
}
# Minified bundles are build output even when they sit beside the sources.
_GENERATED_SUFFIXES = (".min.js", ".min.mjs", ".bundle.js")

_TEST_DIRS = frozenset({"test", "tests", "__tests__", "spec", "specs"})
_TEST_NAMES = (
    "test_*.py",
    "*_test.py",
    "test.py",
    "tests.py",
    "*_tests.py",
    "conftest.py",
    "*_test.go",
    "*.test.*",
    "*.spec.*",
    "*-test.js",
    "*_test.js",
    "*Test.java",
    "*Tests.java",
    "*IT.java",
    "*Test.kt",
    "*_spec.rb",
    "*_test.rb",
)


@dataclass(frozen=True)
class SubmissionFile:
    """One regular file of the submission."""

    path: Path  # where it is on this machine, for reading only
    relative: str  # path relative to the submission root, forward slashes
    size: int  # bytes
    language: str | None  # from LANGUAGES; None for anything that is not source code

    @property
    def is_test(self) -> bool:
        """True for the candidate's test code (by file name or a tests folder)."""
        return is_test_path(self.relative)

    def read_text(self) -> str | None:
        """The file as text (undecodable bytes replaced), or None for a binary file."""
        try:
            data = self.path.read_bytes()
        except OSError:
            return None
        if b"\0" in data[:_SNIFF_BYTES]:
            return None
        return data.decode("utf-8", errors="replace")


def language_of(relative: str) -> str | None:
    """The programming language a path's extension names, or None."""
    name = PurePosixPath(relative).name.lower()
    if name.endswith(_GENERATED_SUFFIXES):
        return None
    return LANGUAGES.get(PurePosixPath(name).suffix)


def is_test_path(relative: str) -> bool:
    """True when a relative path looks like test code in any of the supported languages."""
    parts = PurePosixPath(relative).parts
    if any(part.lower() in _TEST_DIRS for part in parts[:-1]):
        return True
    return any(fnmatch(parts[-1], pattern) for pattern in _TEST_NAMES)


def is_skipped_dir(folder: str, name: str) -> bool:
    """True for a folder (``name`` inside ``folder``) that no analyser reads: a dependency, build
    or cache folder, a virtual environment under any name, or a link."""
    path = os.path.join(folder, name)
    return (
        name in SKIPPED_DIRS
        or os.path.islink(path)
        or os.path.isfile(os.path.join(path, VIRTUALENV_MARKER))
    )


def submission_files(root: Path) -> Iterator[SubmissionFile]:
    """Every file an analyser should look at, in sorted order of relative path.

    Iterative (``os.walk``): a crafted submission may nest folders deeper than Python's recursion
    limit. Links to files or folders are skipped so that nothing outside ``root`` is read.
    """
    root = Path(root)
    found: list[SubmissionFile] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not is_skipped_dir(folder, d))
        for name in files:
            path = Path(folder) / name
            try:
                status = path.lstat()
            except OSError:
                continue
            # lstat: a link is not a regular file, so links are skipped without being followed.
            if not stat.S_ISREG(status.st_mode) or status.st_size > MAX_FILE_BYTES:
                continue
            relative = path.relative_to(root).as_posix()
            found.append(SubmissionFile(path, relative, status.st_size, language_of(relative)))
    # One global sort: os.walk's order depends on the file system, a report must not.
    yield from sorted(found, key=lambda f: f.relative)


def source_files(root: Path) -> list[SubmissionFile]:
    """The submission's source code files (those with a known language), sorted."""
    return [f for f in submission_files(root) if f.language is not None]
