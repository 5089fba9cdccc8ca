"""The Python test tools a candidate's suite runs with, apart from the worker's own packages.

pytest and coverage (and what pytest needs) are installed by ``make run`` from requirements.txt.
The candidate's suite must not see the rest of the worker's site-packages: a submission that
imports ``httpx`` would otherwise silently test the worker's copy, and one that forgot to declare
a dependency would pass here and fail anywhere else. So the files of just these distributions
are copied once into a folder of their own (named by their versions, shared by every run), and
the suite runs with ``python -S`` and that folder on ``PYTHONPATH``.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import re
import shutil
import sys
import tempfile
import threading
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement

# The tools a suite is run with; their runtime requirements follow (extras left out).
TOOLS = ("pytest", "coverage", "pytest-cov")
_LOCK = threading.Lock()
_NAME = re.compile(r"[-_.]+")


def tool_distributions() -> list[importlib.metadata.Distribution]:
    """``TOOLS`` and what they require on this interpreter, by normalised name."""
    return requirement_closure([Requirement(name) for name in TOOLS])


def requirement_closure(
    requirements: list[Requirement],
) -> list[importlib.metadata.Distribution]:
    """The installed distributions ``requirements`` name and everything they require on this
    interpreter (with the extras asked for), sorted by normalised name."""
    environment = {str(k): str(v) for k, v in default_environment().items()}

    def wanted(requirement: Requirement, extra: str) -> list[tuple[str, str]]:
        """``requirement`` as (name, extra) pairs, when its marker holds for ``extra``."""
        marker = requirement.marker
        if marker is not None and not marker.evaluate({**environment, "extra": extra}):
            return []
        name = _NAME.sub("-", requirement.name).lower()
        return [(name, ""), *((name, e) for e in sorted(requirement.extras))]

    seen: dict[str, importlib.metadata.Distribution] = {}
    followed: set[tuple[str, str]] = set()  # (name, extra) whose requirements were followed
    pending = [pair for requirement in requirements for pair in wanted(requirement, "")]
    while pending:
        name, extra = pending.pop()
        if (name, extra) in followed:
            continue
        followed.add((name, extra))
        if name not in seen:
            seen[name] = importlib.metadata.distribution(name)
        for line in seen[name].requires or ():
            pending += wanted(Requirement(line), extra)
    return [seen[name] for name in sorted(seen)]


def python_test_tools(cache_dir: Path | None = None) -> Path:
    """The folder holding only the test tools' packages (built on first use, then reused)."""
    distributions = tool_distributions()
    label = ";".join(f"{d.metadata['Name']}=={d.version}" for d in distributions)
    label += f";python={sys.version_info[0]}.{sys.version_info[1]}"
    digest = hashlib.blake2b(label.encode(), digest_size=6).hexdigest()
    base = cache_dir or Path(tempfile.gettempdir()) / "truelevel-test-tools"
    target = base / f"python-{digest}"
    if target.is_dir():
        return target
    with _LOCK:
        if target.is_dir():
            return target
        base.mkdir(parents=True, exist_ok=True)
        os.chmod(base, 0o755)
        building = Path(tempfile.mkdtemp(prefix=".building-", dir=base))
        try:
            for distribution in distributions:
                _copy_distribution(distribution, building)
            os.chmod(building, 0o755)
            try:
                building.rename(target)
            except OSError:  # another process built it first
                if not target.is_dir():
                    raise
        finally:
            shutil.rmtree(building, ignore_errors=True)
    return target


def _copy_distribution(distribution: importlib.metadata.Distribution, into: Path) -> None:
    for file in distribution.files or ():
        relative = Path(str(file))
        # Scripts and metadata outside site-packages (../../bin/pytest) are not needed.
        if relative.is_absolute() or ".." in relative.parts or "__pycache__" in relative.parts:
            continue
        source = Path(str(distribution.locate_file(file)))
        if not source.is_file():
            continue
        destination = into / relative
        destination.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
        shutil.copyfile(source, destination)
        os.chmod(destination, 0o644)
    for folder, _dirs, _files in os.walk(into):
        os.chmod(folder, 0o755)
