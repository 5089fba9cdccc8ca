"""A candidate's JavaScript/TypeScript project run the way its ``package.json`` says: the
packages its lockfile pins installed, then its ``test`` script run in the sandbox (by the shell,
as ``npm test`` runs it), and the counts read back from what the test runner prints.

Only a project with a ``test`` script, a lockfile (``package-lock.json`` or
``npm-shrinkwrap.json``) and dependencies takes this path. ``npm ci --ignore-scripts`` installs
the lockfile's exact versions outside the sandbox (no install scripts: nothing of the packages
runs there), from npm's configured registry only: a dependency or lockfile entry that points
elsewhere (a local path, a link, git, another host) is refused before npm runs, and only
``package.json`` and the lockfile are handed to npm (never the project's ``.npmrc``); within
the same time and size limits as Python's dependencies, cached by the hash of the lockfile,
the dependency tables and the Node version (``dependencies.cached_build``). The test script
then runs in the sandbox, with no network, on a copy of the submission holding a copy of that
``node_modules`` (writable: test runners keep caches in it).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from backend.settings import Settings
from workers.evaluation.code.dependencies import (
    DeclaredRequirements,
    PreparedDependencies,
    cached_build,
    run_limited,
)
from workers.evaluation.code.sandbox import WORKSPACE

LOCKFILES = ("npm-shrinkwrap.json", "package-lock.json")
_DEPENDENCY_TABLES = ("dependencies", "devDependencies", "optionalDependencies")
_CACHE_FOLDER = "node-dependencies"
_MAX_MANIFEST_BYTES = 5 * 1024 * 1024
_NPM_ERRORS = ("npm error", "npm ERR!")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# Summaries test runners print, read from the end of the output.
_TAP = re.compile(r"^# (pass|fail|cancelled|skipped|todo) (\d+)\s*$", re.MULTILINE)
_NODE_SPEC = re.compile(r"^ℹ (pass|fail|cancelled|skipped|todo) (\d+)\s*$", re.MULTILINE)
_JEST = re.compile(r"^Tests:\s+(.+)$", re.MULTILINE)
_VITEST = re.compile(r"^\s*Tests\s{2,}(.+)$", re.MULTILINE)
_MOCHA = re.compile(r"^\s*(\d+) (passing|failing|pending)\b", re.MULTILINE)
# Dependency specs npm would resolve elsewhere than the registry: paths, links, git, URLs,
# GitHub shorthands (``user/repo``).
_NOT_FROM_REGISTRY = re.compile(
    r"^(file:|link:|git|github:|gitlab:|bitbucket:|https?:|[.~/]|[\w.-]+/)"
)
_COUNT = re.compile(r"(\d+) (passed|failed|skipped|todo|pending)")


def wants_install(root: Path) -> bool:
    """A ``test`` script, a lockfile and at least one dependency to install."""
    package = read_package(root)
    return bool(test_script(package) and _lockfile(root) and _declared(package))


def test_script(package: dict[str, Any]) -> str:
    scripts = package.get("scripts")
    script = scripts.get("test") if isinstance(scripts, dict) else None
    return script if isinstance(script, str) else ""


def prepare(root: Path, settings: Settings) -> PreparedDependencies:
    """The lockfile's packages installed with ``npm ci`` (or taken from the cache)."""
    package = read_package(root)
    lockfile = _lockfile(root)
    declared = DeclaredRequirements(
        requirements=_declared(package),
        sources=tuple(sorted(("package.json", lockfile or "package.json"))),
    )
    if lockfile is None or not declared.requirements:
        return PreparedDependencies(status="none", installer="npm", declared=declared)
    if not settings.install_dependencies:
        return PreparedDependencies(status="disabled", installer="npm", declared=declared)
    npm = shutil.which("npm")
    if npm is None:
        excerpt = "npm is not installed on this worker"
        return PreparedDependencies(
            status="failed", installer="npm", declared=declared, excerpt=excerpt
        )
    lock_text = (root / lockfile).read_bytes()
    elsewhere = _outside_registry(declared.requirements, lock_text, _registry_host(npm))
    if elsewhere is not None:
        return PreparedDependencies(
            status="failed", installer="npm", declared=declared, excerpt=elsewhere
        )
    key = hashlib.blake2b(digest_size=10)
    key.update(lock_text + json.dumps(declared.requirements).encode() + _node_version().encode())

    def install(building: Path) -> str | None:
        project = building / "project"
        project.mkdir()
        shutil.copyfile(root / "package.json", project / "package.json")
        shutil.copyfile(root / lockfile, project / lockfile)
        argv = [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"]
        argv += ["--cache", str(building / "tmp" / "npm-cache")]
        env = {**os.environ, "NPM_CONFIG_UPDATE_NOTIFIER": "false"}
        excerpt = run_limited(
            argv, building, settings, env, step="install", cwd=project, errors=_NPM_ERRORS
        )
        if excerpt is not None:
            return excerpt
        (project / "node_modules").rename(building / "node_modules")
        shutil.rmtree(building / "tmp", ignore_errors=True)
        shutil.rmtree(project, ignore_errors=True)
        return None

    base = settings.data_dir / "cache" / _CACHE_FOLDER
    target, from_cache, excerpt = cached_build(base, key.hexdigest(), install)
    if excerpt is not None:
        return PreparedDependencies(
            status="failed", installer="npm", declared=declared, excerpt=excerpt
        )
    return PreparedDependencies(
        status="installed",
        installer="npm",
        declared=declared,
        installed=_locked_packages(lock_text),
        site=target / "node_modules",
        from_cache=from_cache,
    )


@contextmanager
def workspace_with_modules(root: Path, modules: Path) -> Iterator[Path]:
    """A copy of the submission with the installed ``node_modules`` in it (one it shipped is
    replaced), deleted afterwards."""
    scratch = Path(tempfile.mkdtemp(prefix="truelevel-node-"))
    try:
        work = scratch / "work"
        shutil.copytree(root, work, symlinks=True, ignore=lambda d, names: _top(root, d, names))
        shutil.copytree(modules, work / "node_modules", symlinks=True)
        yield work
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _top(root: Path, folder: str, names: list[str]) -> set[str]:
    """Leave out the submission's own top-level ``node_modules``."""
    return {"node_modules"} & set(names) if Path(folder) == root else set()


def environment(node_bin: Path) -> dict[str, str]:
    """For the test script in the sandbox, run by the shell as ``npm test`` would (npm itself,
    a large Node program, is left out: under the sandbox's memory limit it is the first to run
    out): the installed packages' commands first on ``PATH``, offline, non-interactive, no
    colours (CI mode makes jest and vitest run once instead of watching)."""
    return {
        "PATH": f"{WORKSPACE}/node_modules/.bin:{node_bin}:/usr/local/bin:/usr/bin:/bin",
        "CI": "true",
        "NO_COLOR": "1",
        "FORCE_COLOR": "0",
        "NPM_CONFIG_OFFLINE": "true",
        "NPM_CONFIG_UPDATE_NOTIFIER": "false",
        "NPM_CONFIG_AUDIT": "false",
        "NPM_CONFIG_FUND": "false",
        "NPM_CONFIG_CACHE": "/tmp/.npm",
    }


def summary_counts(output: str) -> tuple[int, int, int, int] | None:
    """passed, failed, errors, skipped from the summary the test runner printed last (node's
    TAP or spec reporter, jest, vitest, mocha), or None when none can be read."""
    text = _ANSI.sub("", output)
    for pattern in (_TAP, _NODE_SPEC):
        found = {key: int(value) for key, value in pattern.findall(text)}
        if "pass" in found:
            return (
                found["pass"],
                found.get("fail", 0),
                found.get("cancelled", 0),
                found.get("skipped", 0) + found.get("todo", 0),
            )
    for pattern in (_JEST, _VITEST):
        lines = pattern.findall(text)
        if lines:
            counts = {key: int(value) for value, key in _COUNT.findall(lines[-1])}
            if counts:
                skipped = counts.get("skipped", 0) + counts.get("todo", 0)
                return counts.get("passed", 0), counts.get("failed", 0), 0, skipped
    mocha = {key: int(value) for value, key in _MOCHA.findall(text)}
    if "passing" in mocha or "failing" in mocha:
        return mocha.get("passing", 0), mocha.get("failing", 0), 0, mocha.get("pending", 0)
    return None


def read_package(root: Path) -> dict[str, Any]:
    path = root / "package.json"
    try:
        if path.is_symlink() or path.stat().st_size > _MAX_MANIFEST_BYTES:
            return {}
        package = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return package if isinstance(package, dict) else {}


def _lockfile(root: Path) -> str | None:
    for name in LOCKFILES:
        path = root / name
        if path.is_file() and not path.is_symlink():
            if path.stat().st_size <= _MAX_MANIFEST_BYTES:
                return name
    return None


def _declared(package: dict[str, Any]) -> tuple[str, ...]:
    found = set()
    for table in _DEPENDENCY_TABLES:
        entries = package.get(table)
        if isinstance(entries, dict):
            found |= {f"{name}@{spec}" for name, spec in entries.items() if isinstance(spec, str)}
    return tuple(sorted(found))


def _locked_packages(lock_text: bytes) -> tuple[str, ...]:
    """``name version`` of every package the lockfile installs."""
    try:
        lock = json.loads(lock_text)
    except ValueError:
        return ()
    packages = lock.get("packages") if isinstance(lock, dict) else None
    if not isinstance(packages, dict):
        return ()
    found = set()
    for path, entry in packages.items():
        if "node_modules/" not in path or not isinstance(entry, dict) or entry.get("link"):
            continue
        name = path.rsplit("node_modules/", 1)[1]
        found.add(f"{name} {entry.get('version', '')}".strip())
    return tuple(sorted(found))


def _outside_registry(requirements: tuple[str, ...], lock_text: bytes, registry: str) -> str | None:
    """The first dependency that would come from somewhere else than the package registry (a
    local path, a link, a git repository, another host): npm would read host files or reach
    other hosts for it, so nothing is installed."""
    for requirement in requirements:
        _name, _, spec = requirement.rpartition("@")
        if _NOT_FROM_REGISTRY.match(spec):
            return f"{requirement}: only packages from the package registry are installed"
    try:
        lock = json.loads(lock_text)
    except ValueError:
        return "the lockfile is not valid JSON"
    packages = lock.get("packages") if isinstance(lock, dict) else None
    for path, entry in (packages or {}).items() if isinstance(packages, dict) else ():
        if not path or not isinstance(entry, dict):
            continue
        resolved = entry.get("resolved")
        parts = urlsplit(resolved) if isinstance(resolved, str) else None
        elsewhere = parts is not None and (parts.scheme != "https" or parts.hostname != registry)
        if entry.get("link") or elsewhere:
            where = resolved if isinstance(resolved, str) else "a link"
            return f"{path}: resolved from {where}; only the package registry ({registry}) is used"
    return None


def _registry_host(npm: str) -> str:
    """The host of the registry npm is configured to use (the operator's choice)."""
    try:
        url = subprocess.run(
            [npm, "config", "get", "registry"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
            cwd=tempfile.gettempdir(),  # not a candidate's folder: its .npmrc is not read
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        url = ""
    return urlsplit(url).hostname or "registry.npmjs.org"


def _node_version() -> str:
    node = shutil.which("node")
    if node is None:
        return ""
    try:
        return subprocess.run(
            [node, "--version"], capture_output=True, text=True, timeout=10, check=False
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""
