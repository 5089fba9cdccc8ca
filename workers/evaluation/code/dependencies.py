"""The third-party packages a candidate's Python project declares, fetched and installed for its
test run, outside the worker's own virtual environment.

1. **Read** what the project declares (``declared_requirements``: pyproject.toml, Poetry,
   requirements files, setup.cfg; ``setup.py`` is never executed; URLs, VCS links, local paths
   and pip options refused). At most ``MAX_REQUIREMENTS`` of them.
2. **Download** them with ``pip download --only-binary=:all:``, outside the sandbox, in a separate
   step limited in time (``TRUELEVEL_DEPENDENCY_TIMEOUT_S``) and in size
   (``TRUELEVEL_DEPENDENCY_MAX_MB``, pip's temporary files included). Wheels only: a source
   distribution would have to be built, which runs its ``setup.py``, so it is refused. The only
   network pip uses is its index (PyPI, or the operator's ``PIP_INDEX_URL`` / pip configuration).
3. **Install** the downloaded wheels, still outside the sandbox, with
   ``pip install --no-index --only-binary=:all: --target`` into a folder the sandbox shows
   read-only, after the test tools on ``PYTHONPATH`` (the suite runs with ``python -S``, so the
   worker's site-packages stay invisible). Installing wheels unpacks files and runs no code from
   them, so nothing of the candidate's runs here; and pip is not among the isolated test tools,
   so it could not run inside the sandbox without exposing the worker's packages. The installed
   folder is read-only inside the sandbox, so one submission cannot change what another sees.
   The pytest plugins the installed packages register (pytest-mock...) are named to pytest,
   whose autoloading stays off.

Both steps are cached under ``<data_dir>/cache/python-dependencies/<key>``, where the key hashes
the normalised requirement list, the interpreter, the platform and the index: a second
submission with the same requirements downloads and installs nothing. A failure is not cached
(the next evaluation tries again). The cache is kept under ``TRUELEVEL_DEPENDENCY_CACHE_MAX_MB``
by removing the least recently used sets no worker is using (``build_cache``). What this
module reports holds no timings and no cache state, so the same submission always reads the
same.
"""

from __future__ import annotations

import configparser
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
from pathlib import Path
from typing import Literal

from packaging.utils import canonicalize_name
from pydantic import BaseModel, ConfigDict

from backend.settings import Settings
from workers.evaluation.code.build_cache import cached_build
from workers.evaluation.code.declared_requirements import (
    DeclaredRequirements,
    declared_requirements,
)
from workers.evaluation.scratch import tree_size

MAX_REQUIREMENTS = 50
_EXCERPT_LINES = 4
_WATCH_INTERVAL_S = 0.25
_CACHE_FOLDER = "python-dependencies"
_MODULE = re.compile(r"[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*")

Status = Literal["none", "installed", "failed", "disabled"]


class PreparedDependencies(BaseModel):
    """The outcome of fetching and installing a project's declared dependencies."""

    model_config = ConfigDict(frozen=True)

    status: Status
    installer: Literal["pip", "npm", "yarn", "pnpm"] = "pip"
    declared: DeclaredRequirements = DeclaredRequirements()
    installed: tuple[str, ...] = ()  # "name version" of every installed distribution, sorted
    # Plugin modules the installed packages register with pytest (pytest-mock, pytest-asyncio):
    # loaded by name, as the suite runs with pytest's plugin autoloading off.
    pytest_plugins: tuple[str, ...] = ()
    # pip: the folder put on PYTHONPATH (read-only in the sandbox); npm, yarn, pnpm: the
    # node_modules folder.
    site: Path | None = None
    excerpt: str = ""  # why it failed: the installer's error lines, volatile parts masked
    from_cache: bool = False  # never reported: the same submission reads the same either way


# --- fetching and installing ----------------------------------------------------------------


def prepare_python(root: Path, settings: Settings) -> PreparedDependencies:
    """The project's declared dependencies, downloaded and installed (or taken from the cache),
    or why they could not be."""
    declared = declared_requirements(root)
    if not declared.requirements:
        return PreparedDependencies(status="none", declared=declared)
    if not settings.install_dependencies:
        return PreparedDependencies(status="disabled", declared=declared)
    count = len(declared.requirements)
    if count > MAX_REQUIREMENTS:
        excerpt = f"{count} requirements declared; at most {MAX_REQUIREMENTS} are installed"
        return PreparedDependencies(status="failed", declared=declared, excerpt=excerpt)
    base = settings.data_dir / "cache" / _CACHE_FOLDER
    target, from_cache, excerpt = cached_build(
        base,
        _cache_key(declared.requirements),
        lambda building: _download_and_install(declared.requirements, building, settings),
        max_mb=settings.dependency_cache_max_mb,
    )
    if excerpt is not None:
        return PreparedDependencies(status="failed", declared=declared, excerpt=excerpt)
    return _installed(declared, target / "site", from_cache=from_cache)


def _cache_key(requirements: tuple[str, ...]) -> str:
    label = "\n".join(requirements)
    label += f"\n{sys.implementation.cache_tag};{sysconfig.get_platform()}"
    label += f";{os.environ.get('PIP_INDEX_URL', '')};{os.environ.get('PIP_EXTRA_INDEX_URL', '')}"
    return hashlib.blake2b(label.encode(), digest_size=10).hexdigest()


def _download_and_install(
    requirements: tuple[str, ...], building: Path, settings: Settings
) -> str | None:
    """Download then install into ``building``; None when done, else what went wrong."""
    listing = building / "requirements.txt"
    listing.write_text("".join(f"{r}\n" for r in requirements))
    wheels, site, scratch = building / "wheels", building / "site", building / "tmp"
    common = ["--only-binary=:all:", "--no-cache-dir", "--progress-bar=off", "--no-input"]
    download = [sys.executable, "-m", "pip", "download", *common, "--dest", str(wheels)]
    download += ["-r", str(listing)]
    # The operator's pip configuration (index, proxy, certificates) applies to the download.
    excerpt = run_limited(download, building, settings, dict(os.environ), step="download")
    if excerpt is not None:
        return excerpt
    install = [sys.executable, "-m", "pip", "install", *common, "--no-index"]
    install += ["--find-links", str(wheels), "--target", str(site), "--no-warn-script-location"]
    install += ["-r", str(listing)]
    # Installing reads nothing but the downloaded wheels: no configuration, no index.
    offline = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    offline["PIP_CONFIG_FILE"] = os.devnull
    excerpt = run_limited(install, building, settings, offline, step="install")
    if excerpt is not None:
        return excerpt
    shutil.rmtree(scratch, ignore_errors=True)
    return None


def run_limited(
    argv: list[str],
    building: Path,
    settings: Settings,
    env: dict[str, str],
    *,
    step: str,
    cwd: Path | None = None,
    errors: tuple[str, ...] = ("ERROR:",),
) -> str | None:
    """Run an installer with the step's time limit, stopping it once ``building`` (its temporary
    files included) grows past the size limit. None when it succeeded, else the excerpt to
    report (see ``installer_excerpt``; ``errors`` are how its error lines begin)."""
    (building / "tmp").mkdir(exist_ok=True)
    env = {**env, "TMPDIR": str(building / "tmp"), "PIP_NO_COLOR": "1", "NO_COLOR": "1"}
    log = building / f"{step}.log"
    limit = settings.dependency_max_mb * 1024 * 1024
    deadline = time.monotonic() + settings.dependency_timeout_s
    stopped: str | None = None
    with open(log, "wb") as output:
        process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=cwd,
            start_new_session=True,
        )
        while True:
            try:
                process.wait(timeout=_WATCH_INTERVAL_S)
                break
            except subprocess.TimeoutExpired:
                pass
            if time.monotonic() >= deadline:
                stopped = f"the {step} did not finish within {settings.dependency_timeout_s} s"
            elif tree_size(building) > limit:
                stopped = f"the dependencies take more than {settings.dependency_max_mb} MB"
            if stopped is not None:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                process.wait()
                break
    if stopped is None and tree_size(building) > limit:
        stopped = f"the dependencies take more than {settings.dependency_max_mb} MB"
    if stopped is not None:
        return stopped
    if process.returncode != 0:
        return installer_excerpt(log.read_text(errors="replace"), building, errors=errors)
    return None


def installer_excerpt(
    output: str, building: Path | None = None, *, errors: tuple[str, ...] = ("ERROR:",)
) -> str:
    """The lines of an installer's output that say why it failed (its error lines, else its
    last lines), with this machine's paths and the installer's log file masked or left out, so
    that the same failure always reads the same."""
    lines = [line.rstrip() for line in output.splitlines() if line.strip()]
    # Warnings about this machine's configuration (an unreachable extra index) are not the
    # cause, nor is where npm wrote its log (a timestamped file name).
    lines = [
        line for line in lines if not line.startswith("WARNING:") and "complete log" not in line
    ]
    said = [line for line in lines if line.startswith(errors)]
    text = "\n".join(said[:_EXCERPT_LINES] or lines[-_EXCERPT_LINES:])
    if building is not None:
        text = text.replace(str(building), "<dependencies>")
    text = re.sub(r"/tmp/pip-[\w-]+", "<tmp>", text)
    return text[-1000:]


def _installed(
    declared: DeclaredRequirements, site: Path, *, from_cache: bool
) -> PreparedDependencies:
    names, plugins = [], set()
    for info in site.glob("*.dist-info"):
        name, _, version = info.name.removesuffix(".dist-info").partition("-")
        names.append(f"{canonicalize_name(name)} {version}")
        plugins.update(_pytest_plugins(info / "entry_points.txt"))
    return PreparedDependencies(
        status="installed",
        declared=declared,
        installed=tuple(sorted(names)),
        pytest_plugins=tuple(sorted(plugins)),
        site=site,
        from_cache=from_cache,
    )


def _pytest_plugins(entry_points: Path) -> list[str]:
    """The modules a distribution registers as pytest plugins (``[pytest11]``)."""
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    try:
        parser.read_string(entry_points.read_text(encoding="utf-8", errors="replace"))
    except (OSError, configparser.Error):
        return []
    if not parser.has_section("pytest11"):
        return []
    modules = [value.split(":")[0].strip() for value in parser["pytest11"].values()]
    return [m for m in modules if _MODULE.fullmatch(m)]


# --- wording --------------------------------------------------------------------------------

_MAX_NAMED = 15


def installed_sentence(prepared: PreparedDependencies) -> str:
    """What was installed for the test run and what was not followed ("" when nothing to say)."""
    declared = prepared.declared
    sources = ", ".join(declared.sources)
    sentences = []
    if prepared.status == "installed":
        count = len(prepared.installed)
        named = ", ".join(prepared.installed[:_MAX_NAMED])
        more = f" and {count - _MAX_NAMED} more" if count > _MAX_NAMED else ""
        requirements = len(declared.requirements)
        sentences.append(
            f"Installed {count} package{_s(count)} for the test run, resolved from the "
            f"{requirements} requirement{_s(requirements)} the project declares in {sources}: "
            f"{named}{more}."
        )
    elif prepared.status == "disabled":
        sentences.append(
            f"The project declares {len(declared.requirements)} "
            f"requirement{_s(len(declared.requirements))} ({sources}); "
            "installing them is switched off on this installation."
        )
    if declared.refused:
        sentences.append("Not installed: " + "; ".join(declared.refused) + ".")
    return " ".join(sentences)


def failure_reason(prepared: PreparedDependencies) -> str:
    """Why nothing could be installed, in a few words, for the report's sentence."""
    sources = ", ".join(prepared.declared.sources)
    if prepared.installer != "pip":
        return (
            f"declared in {sources}; {prepared.installer} installs the lockfile's versions, "
            "scripts off"
        )
    return (
        f"declared in {sources}; only pre-built wheels are fetched from the package index, "
        "a source distribution is never built"
    )


def missing_reason(prepared: PreparedDependencies | None) -> str:
    """Why a module the suite imports is not there, given what was installed."""
    if prepared is not None and prepared.status == "disabled":
        return "installing the project's dependencies is switched off on this installation"
    if prepared is not None and prepared.status == "installed":
        return "imported, but not among the dependencies the project declares"
    return "imported, but the project declares no dependencies"


def _s(count: int) -> str:
    return "" if count == 1 else "s"
