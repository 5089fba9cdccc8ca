"""What a candidate's Python project declares it needs, read without running any of its code:
``pyproject.toml`` (``[project].dependencies``, the ``test``/``tests``/``testing``/``dev`` extras
and dependency groups, Poetry's tables, best effort), ``requirements*.txt`` (and the files they
include with ``-r``), ``setup.cfg``'s ``install_requires`` and the ``deps`` of ``tox.ini``'s
``[testenv]`` (plain requirement lines; factor-conditional lines and substitutions are skipped).
``setup.py`` is never executed.

Editable installs of the project itself (``-e .``) are skipped: its code is already on the path.
URLs, VCS links, local paths and pip options are refused, each with its reason. The test tools
the sandbox provides (pytest, coverage) and the project's own name are dropped, and
so are requirements whose environment marker excludes this interpreter. Manifests are read as
regular files only, never through a link (its target's lines would be quoted in the report).
"""

from __future__ import annotations

import configparser
import os
import re
import tomllib
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from pydantic import BaseModel, ConfigDict

# Provided by the isolated test tools: never installed from the candidate's list. (pytest-cov
# is installed when declared, for its options a project's pytest configuration may use; the
# suite runs it with --no-cov, under our coverage.py.)
PROVIDED = frozenset({"pytest", "coverage"})
# Extras and dependency groups whose packages the tests typically need.
TEST_GROUPS = ("test", "tests", "testing", "dev")
REQUIREMENT_FILES = (
    "requirements.txt",
    "requirements-dev.txt",
    "requirements-test.txt",
    "requirements-tests.txt",
    "requirements_dev.txt",
    "requirements_test.txt",
    "test-requirements.txt",
    "test_requirements.txt",
    "dev-requirements.txt",
    "dev_requirements.txt",
)
_TOX_ROOT = "{toxinidir}/"
_MAX_MANIFEST_BYTES = 256 * 1024
_MAX_INCLUDE_DEPTH = 3
_MAX_SHOWN_LINE = 100
_COMMENT = re.compile(r"(^|\s)#.*$")
_LOCATION = re.compile(r"(://|^git\+|^\.{0,2}/|\.whl$|\.zip$|\.tar\.gz$|\.tgz$)")


class DeclaredRequirements(BaseModel):
    """What a project declares it needs, as pip will be asked for it."""

    model_config = ConfigDict(frozen=True)

    requirements: tuple[str, ...] = ()  # normalised, sorted, without duplicates
    sources: tuple[str, ...] = ()  # the files they were read from, sorted
    refused: tuple[str, ...] = ()  # "file: line (why it is not installed)", in reading order


def declared_requirements(root: Path) -> DeclaredRequirements:
    """The third-party requirements ``root`` declares (see the module docstring)."""
    reader = _Reader(root)
    reader.read_pyproject()
    reader.read_setup_cfg()
    reader.read_tox_ini()
    for name in REQUIREMENT_FILES:
        reader.read_requirements_file(name, depth=0)
    kept = {line for name, line in reader.found if name not in reader.own_names}
    return DeclaredRequirements(
        requirements=tuple(sorted(kept)),
        sources=tuple(sorted(reader.sources)),
        refused=tuple(reader.refused),
    )


class _Reader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.found: set[tuple[str, str]] = set()  # (canonical name, normalised line)
        self.sources: set[str] = set()
        self.refused: list[str] = []
        self.own_names: set[str] = set()
        self._read: set[str] = set()

    def read_pyproject(self) -> None:
        data = self._toml("pyproject.toml")
        if data is None:
            return
        project = _table(data.get("project"))
        if isinstance(project.get("name"), str):
            self.own_names.add(canonicalize_name(project["name"]))
        self._strings("pyproject.toml", project.get("dependencies"))
        extras = _table(project.get("optional-dependencies"))
        groups = _table(data.get("dependency-groups"))
        for group in TEST_GROUPS:
            self._strings("pyproject.toml", extras.get(group), extra=group)
            self._strings("pyproject.toml", _group(groups, group, depth=0))
        poetry = _table(_table(data.get("tool")).get("poetry"))
        if isinstance(poetry.get("name"), str):
            self.own_names.add(canonicalize_name(poetry["name"]))
        self._poetry(poetry.get("dependencies"))
        self._poetry(poetry.get("dev-dependencies"))
        poetry_groups = _table(poetry.get("group"))
        for group in TEST_GROUPS:
            self._poetry(_table(poetry_groups.get(group)).get("dependencies"))

    def read_setup_cfg(self) -> None:
        config = self._ini("setup.cfg")
        if config is None:
            return
        self.own_names.add(canonicalize_name(config.get("metadata", "name", fallback="") or "-"))
        lines = config.get("options", "install_requires", fallback="").splitlines()
        for group in TEST_GROUPS:
            lines += config.get("options.extras_require", group, fallback="").splitlines()
        self._strings("setup.cfg", [line for line in lines if line.strip()])

    def read_tox_ini(self) -> None:
        """``[testenv] deps``: how the project's own test runs are set up."""
        config = self._ini("tox.ini")
        if config is None:
            return
        for line in config.get("testenv", "deps", fallback="").splitlines():
            line = _COMMENT.sub("", line).strip().replace(_TOX_ROOT, "")
            if not line or "{" in line or re.match(r"^[\w,.-]+:\s", line):
                continue  # a substitution or a line for some factors only
            self._requirements_line("tox.ini", line, depth=0)

    def read_requirements_file(self, name: str, *, depth: int) -> None:
        if name in self._read or depth > _MAX_INCLUDE_DEPTH:
            return
        self._read.add(name)
        text = self._text(name)
        if text is None:
            return
        for line in _logical_lines(text):
            self._requirements_line(name, line, depth=depth)

    def _requirements_line(self, source: str, line: str, *, depth: int) -> None:
        if line.startswith(("-r", "--requirement")):
            include = re.sub(r"^(-r|--requirement)[=\s]*", "", line).strip()
            target = os.path.normpath(os.path.join(os.path.dirname(source), include))
            if target.startswith("..") or os.path.isabs(include):
                self._refuse(source, line, "includes a file outside the project")
            else:
                self.read_requirements_file(target.replace(os.sep, "/"), depth=depth + 1)
            return
        if line.startswith(("-e", "--editable")):
            target = re.sub(r"^(-e|--editable)[=\s]*", "", line).strip()
            if target not in (".", "./") and not target.startswith((".[", "./[")):
                self._refuse(source, line, "editable installs are not followed")
            return  # the project itself: its code is already on the path
        if line.startswith("-"):
            self._refuse(source, line, "pip options are not followed")
            return
        # Per-requirement options (``--hash=...`` from pip-compile) are not followed.
        self._add(source, line.split(" --", 1)[0].strip())

    def _strings(self, source: str, values: Any, *, extra: str = "") -> None:
        if not isinstance(values, list):
            return
        for value in values:
            if isinstance(value, str):
                self._add(source, value, extra=extra)

    def _poetry(self, table: Any) -> None:
        for name, spec in _table(table).items():
            if name.lower() == "python":
                continue
            line = _poetry_requirement(name, spec)
            if line is None:
                if not (isinstance(spec, dict) and spec.get("optional")):
                    self._refuse("pyproject.toml", f"{name} = {spec}", _POETRY_REFUSAL)
                continue
            self._add("pyproject.toml", line)

    def _add(self, source: str, line: str, *, extra: str = "") -> None:
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            why = (
                "URLs, VCS links and local paths are not followed"
                if _LOCATION.search(line)
                else "not a valid requirement"
            )
            self._refuse(source, line, why)
            return
        if requirement.url:
            self._refuse(source, line, "URLs, VCS links and local paths are not followed")
            return
        if requirement.marker is not None:
            try:
                if not requirement.marker.evaluate({"extra": extra}):
                    return  # not for this interpreter or platform
            except Exception:  # an unknown marker variable: let pip decide
                pass
        name = canonicalize_name(requirement.name)
        if name in PROVIDED:
            return
        extras = f"[{','.join(sorted(requirement.extras))}]" if requirement.extras else ""
        self.found.add((name, f"{name}{extras}{requirement.specifier}"))
        self.sources.add(source)

    def _refuse(self, source: str, line: str, why: str) -> None:
        shown = line if len(line) <= _MAX_SHOWN_LINE else line[: _MAX_SHOWN_LINE - 1] + "…"
        entry = f"{source}: {shown} ({why})"
        if entry not in self.refused:
            self.refused.append(entry)

    def _toml(self, name: str) -> dict[str, Any] | None:
        text = self._text(name)
        if text is None:
            return None
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            return None

    def _ini(self, name: str) -> configparser.ConfigParser | None:
        """An INI manifest, parsed without interpolation; None when absent or unreadable."""
        text = self._text(name)
        if text is None:
            return None
        config = configparser.ConfigParser(interpolation=None)
        try:
            config.read_string(text)
        except configparser.Error:
            return None
        return config

    def _text(self, name: str) -> str | None:
        """A regular file of the submission, never through a link (it could point at a host
        file, whose lines would then be quoted in the report)."""
        path = self.root / name
        try:
            if any(p.is_symlink() for p in (path, *path.relative_to(self.root).parents)):
                return None
            if not path.is_file() or path.stat().st_size > _MAX_MANIFEST_BYTES:
                return None
            return path.read_text(encoding="utf-8", errors="replace")
        except (OSError, ValueError):
            return None


_POETRY_REFUSAL = "git, path and URL dependencies are not followed"


def _table(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _group(groups: dict[str, Any], name: str, *, depth: int) -> list[str]:
    """A PEP 735 dependency group, its ``{include-group = ...}`` entries followed."""
    found: list[str] = []
    entries = groups.get(name)
    if not isinstance(entries, list) or depth > _MAX_INCLUDE_DEPTH:
        return found
    for entry in entries:
        if isinstance(entry, str):
            found.append(entry)
        elif isinstance(entry, dict) and isinstance(entry.get("include-group"), str):
            found += _group(groups, entry["include-group"], depth=depth + 1)
    return found


def _poetry_requirement(name: str, spec: Any) -> str | None:
    """A Poetry dependency as a PEP 508 line; None for git/path/url or optional ones."""
    extras = ""
    if isinstance(spec, dict):
        if spec.get("optional") or any(k in spec for k in ("git", "path", "url")):
            return None
        if isinstance(spec.get("extras"), list):
            extras = f"[{','.join(str(e) for e in spec['extras'])}]"
        spec = spec.get("version", "*")
    if not isinstance(spec, str):
        return None
    return f"{name}{extras}{_poetry_constraint(spec)}"


def _poetry_constraint(constraint: str) -> str:
    """``^1.2`` → ``>=1.2,<2.0``, ``~1.2`` → ``>=1.2,<1.3``, ``1.2`` → ``==1.2``, ``*`` → any."""
    parts = []
    for piece in constraint.split(","):
        piece = piece.strip()
        if piece in ("", "*"):
            continue
        if piece.startswith(("^", "~")) and not piece.startswith("~="):
            version = piece.lstrip("^~").strip()
            numbers = [int(n) for n in re.findall(r"\d+", version)[:3]]
            if not numbers:
                continue
            if piece.startswith("^"):
                # The first non-zero part may not change (^0.2.3 → <0.3.0).
                index = next((i for i, n in enumerate(numbers) if n), len(numbers) - 1)
            else:
                index = min(1, len(numbers) - 1) if len(numbers) > 1 else 0
            upper = numbers[: index + 1]
            upper[-1] += 1
            parts += [f">={version}", "<" + ".".join(str(n) for n in upper)]
        elif piece[0].isdigit():
            parts.append(f"=={piece}")
        else:
            parts.append(piece)
    return ",".join(parts)


def _logical_lines(text: str) -> list[str]:
    """Lines of a requirements file: comments dropped, ``\\`` continuations joined."""
    lines: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = _COMMENT.sub("", raw).rstrip()
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = (pending + line).strip()
        pending = ""
        if line:
            lines.append(line)
    if pending.strip():
        lines.append(pending.strip())
    return lines
