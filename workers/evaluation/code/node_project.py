"""A candidate's JavaScript/TypeScript project run the way its ``package.json`` says: the
packages its lockfile pins installed by the package manager that wrote it, then its ``test``
script run in the sandbox with its ``pretest`` and ``posttest`` (``npm_lifecycle``, as ``npm
test`` runs them), and the counts read back from
what the test runner prints.

Only a project with a ``test`` script, a lockfile and dependencies takes this path. Each package
manager is one ``PackageManager`` row (npm: ``package-lock.json`` / ``npm-shrinkwrap.json``,
``npm ci``; pnpm: ``pnpm-lock.yaml``; yarn 1: ``yarn.lock``; the one ``packageManager`` in
``package.json`` names wins when several lockfiles are there), and one rule applies to all of
them: the lockfile's exact versions are installed outside the sandbox with scripts off (nothing
of the packages runs there), from npm's configured registry only: a dependency or lockfile entry
that points elsewhere (a local path, a link, git, another host) is refused before the installer
runs (``node_lockfiles`` reads the three formats), and only ``package.json`` and the lockfile
are handed to it (never the project's ``.npmrc`` / ``.yarnrc``); within the same time and size
limits as Python's dependencies, cached by the hash of the manager, the lockfile, the dependency
tables and the Node version (``dependencies.cached_build``). yarn and pnpm come from the npm
registry too (``scripts/ensure_tools.sh`` installs them into ``.tools``), never through corepack,
which would fetch them from their own hosts. The test script then runs in the sandbox, with no
network, on a copy of the submission holding a copy of that ``node_modules`` (writable: test
runners keep caches in it).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from backend.settings import Settings
from workers.evaluation.code.dependencies import (
    DeclaredRequirements,
    PreparedDependencies,
    cached_build,
    run_limited,
)
from workers.evaluation.code.node_lockfiles import (
    NOT_FROM_REGISTRY,
    LockedPackage,
    LockfileError,
    read_npm,
    read_pnpm,
    read_yarn,
)
from workers.evaluation.code.sandbox import WORKSPACE


@dataclass(frozen=True)
class PackageManager:
    """How one package manager installs a lockfile's exact versions with scripts off."""

    name: Literal["npm", "yarn", "pnpm"]
    lockfiles: tuple[str, ...]  # the first one present is used
    read_lock: Callable[[bytes], list[LockedPackage]]
    install: tuple[str, ...]  # arguments after the program: frozen lockfile, no scripts
    cache_option: str  # the option that puts its download cache in the build's scratch folder
    errors: tuple[str, ...]  # how its error lines begin
    env: tuple[tuple[str, str], ...] = ()


NPM = PackageManager(
    name="npm",
    lockfiles=("npm-shrinkwrap.json", "package-lock.json"),
    read_lock=read_npm,
    install=("ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"),
    cache_option="--cache",
    errors=("npm error", "npm ERR!"),
)
PNPM = PackageManager(
    name="pnpm",
    lockfiles=("pnpm-lock.yaml",),
    read_lock=read_pnpm,
    install=(
        "install",
        "--frozen-lockfile",
        "--ignore-scripts",
        "--reporter=append-only",
        # Files copied out of the store, which is deleted afterwards.
        "--package-import-method=copy",
        # A ``packageManager`` naming another pnpm version is a warning, not a download.
        "--config.package-manager-strict=false",
    ),
    cache_option="--store-dir",
    errors=("\u2009ERR_PNPM", "ERR_PNPM"),
)
YARN = PackageManager(
    name="yarn",
    lockfiles=("yarn.lock",),
    read_lock=read_yarn,
    install=(
        "install",
        "--frozen-lockfile",
        "--ignore-scripts",
        # As npm ci: an ``engines`` field naming another Node version is not a failure.
        "--ignore-engines",
        "--production=false",
        "--non-interactive",
        "--no-progress",
        "--silent",
    ),
    cache_option="--cache-folder",
    errors=("error ",),
    # Yarn 1 refuses a ``packageManager`` naming Yarn 2+ unless run through corepack.
    env=(("SKIP_YARN_COREPACK_CHECK", "1"),),
)
MANAGERS = (NPM, PNPM, YARN)
LOCKFILES = tuple(name for manager in MANAGERS for name in manager.lockfiles)
DEFAULT_REGISTRY = "https://registry.npmjs.org/"
# The npm registry under the name yarn 1 writes into every lockfile (the same packages).
_REGISTRY_ALIASES = {"registry.npmjs.org": frozenset({"registry.yarnpkg.com"})}
_DEPENDENCY_TABLES = ("dependencies", "devDependencies", "optionalDependencies")
_CACHE_FOLDER = "node-dependencies"
_MAX_MANIFEST_BYTES = 5 * 1024 * 1024
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# Summaries test runners print, read from the end of the output.
_TAP = re.compile(r"^# (pass|fail|cancelled|skipped|todo) (\d+)\s*$", re.MULTILINE)
_NODE_SPEC = re.compile(r"^ℹ (pass|fail|cancelled|skipped|todo) (\d+)\s*$", re.MULTILINE)
_JEST = re.compile(r"^Tests:\s+(.+)$", re.MULTILINE)
_VITEST = re.compile(r"^\s*Tests\s{2,}(.+)$", re.MULTILINE)
_MOCHA = re.compile(r"^\s*(\d+) (passing|failing|pending)\b", re.MULTILINE)
_COUNT = re.compile(r"(\d+) (passed|failed|skipped|todo|pending)")


@dataclass(frozen=True)
class Lockfile:
    """The lockfile a project's install follows, and the manager that reads it."""

    manager: PackageManager
    name: str


def wants_install(root: Path) -> bool:
    """A ``test`` script, a lockfile and at least one dependency to install."""
    package = read_package(root)
    return bool(test_script(package) and find_lockfile(root, package) and _declared(package))


def test_script(package: dict[str, Any]) -> str:
    scripts = package.get("scripts")
    script = scripts.get("test") if isinstance(scripts, dict) else None
    return script if isinstance(script, str) else ""


def prepare(root: Path, settings: Settings) -> PreparedDependencies:
    """The lockfile's packages installed by its package manager (or taken from the cache)."""
    package = read_package(root)
    lockfile = find_lockfile(root, package)
    manager = lockfile.manager if lockfile is not None else NPM
    declared = DeclaredRequirements(
        requirements=_declared(package),
        sources=tuple(sorted(("package.json", lockfile.name if lockfile else "package.json"))),
    )

    def outcome(status: str, **fields: Any) -> PreparedDependencies:
        return PreparedDependencies(
            status=status, installer=manager.name, declared=declared, **fields
        )

    if lockfile is None or not declared.requirements:
        return outcome("none")
    if not settings.install_dependencies:
        return outcome("disabled")
    program = shutil.which(manager.name)
    if program is None:
        return outcome("failed", excerpt=f"{manager.name} is not installed on this worker")
    lock_text = (root / lockfile.name).read_bytes()
    registry = _registry()
    try:
        locked = manager.read_lock(lock_text)
    except LockfileError as error:
        return outcome("failed", excerpt=f"{lockfile.name}: {error}")
    elsewhere = _outside_registry(declared.requirements, locked, registry)
    if elsewhere is not None:
        return outcome("failed", excerpt=elsewhere)
    key = hashlib.blake2b(digest_size=10)
    key.update(manager.name.encode() + b"\0" + lock_text)
    key.update(json.dumps(declared.requirements).encode() + _node_version().encode())

    def install(building: Path) -> str | None:
        project = building / "project"
        project.mkdir()
        shutil.copyfile(root / "package.json", project / "package.json")
        shutil.copyfile(root / lockfile.name, project / lockfile.name)
        argv = [program, *manager.install, f"--registry={registry}"]
        argv += [manager.cache_option, str(building / "tmp" / "cache")]
        env = {**os.environ, "NPM_CONFIG_UPDATE_NOTIFIER": "false", **dict(manager.env)}
        excerpt = run_limited(
            argv, building, settings, env, step="install", cwd=project, errors=manager.errors
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
        return outcome("failed", excerpt=excerpt)
    return outcome(
        "installed",
        installed=tuple(sorted({p.label for p in locked if not p.local})),
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


def environment(node_bin: Path, npm_commands: Path) -> dict[str, str]:
    """For the test scripts in the sandbox, run by the shell as ``npm test`` would (npm itself,
    a large Node program, is left out: under the sandbox's memory limit it is the first to run
    out; ``npm_lifecycle``'s stand-ins in ``npm_commands`` run its scripts): the installed
    packages' commands first on ``PATH``, offline, non-interactive, no colours (CI mode makes
    jest and vitest run once instead of watching)."""
    path = [f"{WORKSPACE}/node_modules/.bin", str(npm_commands), str(node_bin)]
    return {
        "PATH": ":".join([*path, "/usr/local/bin", "/usr/bin", "/bin"]),
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


def find_lockfile(root: Path, package: dict[str, Any]) -> Lockfile | None:
    """The first lockfile present (a regular file of a sane size), the manager that
    ``packageManager`` names first ("pnpm@9.1.0"), then npm, pnpm, yarn."""
    named = package.get("packageManager")
    preferred = named.split("@", 1)[0] if isinstance(named, str) else ""
    for manager in sorted(MANAGERS, key=lambda m: m.name != preferred):
        for name in manager.lockfiles:
            path = root / name
            if path.is_file() and not path.is_symlink():
                if path.stat().st_size <= _MAX_MANIFEST_BYTES:
                    return Lockfile(manager=manager, name=name)
    return None


def _declared(package: dict[str, Any]) -> tuple[str, ...]:
    found = set()
    for table in _DEPENDENCY_TABLES:
        entries = package.get(table)
        if isinstance(entries, dict):
            found |= {f"{name}@{spec}" for name, spec in entries.items() if isinstance(spec, str)}
    return tuple(sorted(found))


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


def _outside_registry(
    requirements: tuple[str, ...], locked: list[LockedPackage], registry: str
) -> str | None:
    """The first dependency that would come from somewhere else than the package registry (a
    local path, a link, a git repository, another host): the installer would read host files
    or reach other hosts for it, so nothing is installed."""
    for requirement in requirements:
        _name, _, spec = requirement.rpartition("@")
        if NOT_FROM_REGISTRY.match(spec):
            return f"{requirement}: only packages from the package registry are installed"
    host = urlsplit(registry).hostname or ""
    hosts = {host} | _REGISTRY_ALIASES.get(host, frozenset())
    for package in locked:
        parts = urlsplit(package.resolved) if package.resolved is not None else None
        elsewhere = parts is not None and (parts.scheme != "https" or parts.hostname not in hosts)
        if package.local or elsewhere:
            where = package.resolved or "a link"
            return (
                f"{package.name}: resolved from {where}; only the package registry ({host}) is used"
            )
    return None


def _registry() -> str:
    """The registry npm is configured to use (the operator's choice), for every manager."""
    npm = shutil.which("npm")
    url = ""
    if npm is not None:
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
    return url if urlsplit(url).hostname else DEFAULT_REGISTRY
