"""What a JavaScript project's lockfile pins, read the same way for npm, yarn and pnpm: every
package it installs, with where it would be fetched from, so that one rule (``node_project``)
can refuse anything that is not on the package registry before an installer runs.

- npm (``package-lock.json`` / ``npm-shrinkwrap.json``, lockfile v2/v3): ``packages`` entries,
  ``resolved`` URLs and ``link`` entries.
- yarn 1 (``yarn.lock``, "# yarn lockfile v1"): one block per resolved package, its header the
  specs it satisfies, ``resolved`` its tarball URL. A Yarn 2+ lockfile (``__metadata``) is
  refused: it needs a different installer.
- pnpm (``pnpm-lock.yaml``, v6 to v9): ``packages`` with their ``resolution`` (a registry package
  has only an ``integrity``, or a ``tarball`` URL), and the importers' own dependencies
  (``link:`` / ``file:`` versions are local folders).
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict


class LockedPackage(BaseModel):
    """One package a lockfile installs."""

    model_config = ConfigDict(frozen=True)

    name: str
    version: str = ""
    # The tarball URL, or for what is not fetched from a URL (a local folder, a link, a git
    # repository) the lockfile's own words for it, and ``local`` true.
    resolved: str | None = None
    local: bool = False

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}".strip()


class LockfileError(ValueError):
    """The lockfile cannot be read (or is of a kind no installer here handles)."""


# Specs that resolve elsewhere than the registry: paths, links, git, URLs, GitHub shorthands.
NOT_FROM_REGISTRY = re.compile(
    r"^(file:|link:|portal:|workspace:|patch:|exec:|git|github:|gitlab:|bitbucket:|https?:|[.~/]"
    r"|[\w.-]+/)"
)
# A field of a yarn block (two spaces in; its dependencies are four in).
_YARN_FIELD = re.compile(r'^  (version|resolved) "?([^"\s]+)"?\s*$')
# pnpm's words for a local folder in an importer's dependency.
_PNPM_LOCAL = ("link:", "file:")


def read_npm(text: bytes) -> list[LockedPackage]:
    try:
        lock = json.loads(text)
    except ValueError as error:
        raise LockfileError("the lockfile is not valid JSON") from error
    packages = lock.get("packages") if isinstance(lock, dict) else None
    found = []
    for path, entry in packages.items() if isinstance(packages, dict) else ():
        if not path or not isinstance(entry, dict):
            continue  # "" is the project itself
        name = path.rsplit("node_modules/", 1)[-1]
        resolved = entry.get("resolved")
        local = bool(entry.get("link")) or "node_modules/" not in path
        found.append(
            LockedPackage(
                name=name,
                version=str(entry.get("version", "")),
                resolved=resolved if isinstance(resolved, str) else None,
                local=local,
            )
        )
    return found


def read_yarn(text: bytes) -> list[LockedPackage]:
    body = text.decode("utf-8", errors="replace")
    if re.search(r"^__metadata:", body, re.MULTILINE):
        raise LockfileError(
            "a Yarn 2+ lockfile (yarn.lock with __metadata): only Yarn 1 lockfiles are installed"
        )
    found: list[LockedPackage] = []
    specs: list[str] = []
    fields: dict[str, str] = {}

    def close() -> None:
        if not specs:
            return
        name, _, spec = specs[0].rpartition("@")
        targets = [s.rpartition("@")[2] for s in specs]
        elsewhere = next((t for t in targets if NOT_FROM_REGISTRY.match(t)), None)
        resolved = fields.get("resolved")
        found.append(
            LockedPackage(
                name=name or spec,
                version=fields.get("version", ""),
                resolved=elsewhere or resolved,
                local=elsewhere is not None or resolved is None,
            )
        )

    for line in body.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            close()
            specs = [s.strip().strip('"') for s in line.rstrip().rstrip(":").split(",")]
            fields = {}
        elif (field := _YARN_FIELD.match(line)) is not None:
            fields[field.group(1)] = field.group(2)
    close()
    return found


def read_pnpm(text: bytes) -> list[LockedPackage]:
    try:
        lock = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise LockfileError("the lockfile is not valid YAML") from error
    if not isinstance(lock, dict):
        raise LockfileError("the lockfile is not a pnpm lockfile")
    found = []
    packages = lock.get("packages")
    for key, entry in packages.items() if isinstance(packages, dict) else ():
        name, version = _pnpm_key(str(key))
        resolution = entry.get("resolution") if isinstance(entry, dict) else None
        if not isinstance(resolution, dict):
            found.append(LockedPackage(name=name, version=version, resolved="?", local=True))
            continue
        tarball = resolution.get("tarball")
        other = set(resolution) - {"integrity", "tarball"}
        if other or (tarball is not None and not isinstance(tarball, str)):
            where = ", ".join(f"{k}: {resolution[k]}" for k in sorted(map(str, resolution)))
            found.append(LockedPackage(name=name, version=version, resolved=where, local=True))
            continue
        found.append(LockedPackage(name=name, version=version, resolved=tarball))
    for name, version in _pnpm_importer_specs(lock):
        if version.startswith(_PNPM_LOCAL):
            found.append(LockedPackage(name=name, resolved=version, local=True))
    return found


def _pnpm_key(key: str) -> tuple[str, str]:
    """``name@version`` (v9), ``/name@version`` (v6), ``/name/version`` (v5), peers suffixed."""
    key = key.removeprefix("/").split("(", 1)[0]
    name, at, version = key.rpartition("@")
    if at and name:
        return name, version
    name, _, version = key.rpartition("/")
    return (name, version) if name else (key, "")


def _pnpm_importer_specs(lock: dict[str, Any]) -> list[tuple[str, str]]:
    """(name, version) of each direct dependency of each importer (the project, workspace
    members), the lockfile's top level for older single-project lockfiles."""
    importers = lock.get("importers")
    projects = list(importers.values()) if isinstance(importers, dict) else [lock]
    found = []
    for project in projects:
        if not isinstance(project, dict):
            continue
        for table in ("dependencies", "devDependencies", "optionalDependencies"):
            entries = project.get(table)
            for name, entry in entries.items() if isinstance(entries, dict) else ():
                version = entry.get("version") if isinstance(entry, dict) else entry
                found.append((str(name), str(version)))
    return found
