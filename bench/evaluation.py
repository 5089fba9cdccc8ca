"""Code evaluation throughput, on a generated repository or on a real one against the bare tools.

    .venv/bin/python -m bench.evaluation [--files 5000] [--with-tests]
    .venv/bin/python -m bench.evaluation --repo PATH_TO_A_GIT_REPOSITORY_OR_MIRROR [--processes N]

Without ``--repo`` it generates a take-home-shaped repository (Python, JavaScript, TypeScript, Go
and Java sources in nested packages, tests, a README, a git history of a few commits), then runs
the engine's analysers over it as the worker does and prints files per second for the whole
engine and the wall time of each analyser, side by side in one run. The sandboxed test run is
left out unless ``--with-tests`` (it measures the candidate's tests, not the engine).

With ``--repo`` it clones that repository (a local mirror: nothing is downloaded), runs the bare
tools a reviewer would run by hand on the same tree — ``ruff check`` (the engine's rules),
``lizard`` on the whole tree and ``git log -p`` of the whole history to /dev/null — one after
the other, then the engine with the history, and prints the wall and CPU times of both and
their ratios (on a shared machine the wall times move with the others' load; CPU time much less).

The figures in the commit history were measured on sphinx-doc/sphinx at commit
e44a40eb2f810558ccd9da1425421270ccb81351 (2,059 files, 22,413 commits, 265 MB of ``git log -p``),
brought with the session's mirror tool into /work/.mirror/sphinx-doc+sphinx/repo (never
committed here).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from backend.services.rubrics import default_rubric_categories
from workers.evaluation.code import engine, quality

PYTHON = '''"""Module {n}: order rules."""


def rule_{n}(amount: int, rate: int) -> int:
    """Apply rule {n}."""
    if amount < 0:
        raise ValueError("negative amount")
    total = amount
    for step in range(rate % 7):
        total += step * {n} % 13
    return total
'''
JAVASCRIPT = """// Module {n}: order rules.
export function rule{n}(amount, rate) {{
  if (amount < 0) {{ throw new Error("negative amount"); }}
  let total = amount;
  for (let step = 0; step < rate % 7; step++) {{ total += (step * {n}) % 13; }}
  return total;
}}
"""
TYPESCRIPT = """// Module {n}: order rules.
export function rule{n}(amount: number, rate: number): number {{
  if (amount < 0) {{ throw new Error("negative amount"); }}
  return amount + (rate % 7) * {n};
}}
"""
GO = """package rules

// Rule{n} applies rule {n}.
func Rule{n}(amount int, rate int) (int, error) {{
	if amount < 0 {{
		return 0, errNegative
	}}
	return amount + (rate%7)*{n}, nil
}}
"""
JAVA = """package rules;

/** Rule {n}. */
public class Rule{n} {{
    public static int apply(int amount, int rate) {{
        if (amount < 0) {{ throw new IllegalArgumentException("negative amount"); }}
        return amount + (rate % 7) * {n};
    }}
}}
"""
TEST = """from rules.pkg{pkg}.mod{n} import rule_{n}


def test_rule_{n}():
    assert rule_{n}(10, 0) == 10
"""
KINDS = [("py", PYTHON), ("js", JAVASCRIPT), ("ts", TYPESCRIPT), ("go", GO), ("java", JAVA)]


def generate(root: Path, files: int) -> None:
    """A repository with ``files`` files, in packages of 50, committed in five steps."""
    root.mkdir(parents=True)
    (root / "README.md").write_text(
        "# Rules engine\n\n## Setup\n\n```\npip install -e .\npytest\n```\n\n"
        "## Trade-offs\n\nI chose small modules because each rule changes on its own.\n"
    )
    env = {
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_AUTHOR_NAME": "Bench",
        "GIT_AUTHOR_EMAIL": "bench@example.com",
        "GIT_COMMITTER_NAME": "Bench",
        "GIT_COMMITTER_EMAIL": "bench@example.com",
        "PATH": "/usr/bin:/bin",
    }
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, env=env, check=True)
    step = max(1, (files - 1) // 5)
    for n in range(files - 1):
        pkg = n // 50
        if n % 10 == 9:
            path = root / "tests" / f"pkg{pkg}" / f"test_mod{n}.py"
            text = TEST.format(n=n - 1, pkg=pkg)
        else:
            extension, template = KINDS[n % len(KINDS)]
            path = root / "rules" / f"pkg{pkg}" / f"mod{n}.{extension}"
            text = template.format(n=n)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        if (n + 1) % step == 0 or n == files - 2:
            subprocess.run(["git", "add", "-A"], cwd=root, env=env, check=True)
            subprocess.run(
                ["git", "commit", "-q", "-m", f"Rules up to {n}"], cwd=root, env=env, check=True
            )


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and of its children that have ended."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed_command(argv: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds ``argv`` takes in ``cwd``, its output thrown away."""
    started, cpu = time.perf_counter(), cpu_seconds()
    subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started, cpu_seconds() - cpu


def bare_tools(root: Path) -> dict[str, tuple[float, float]]:
    """Wall and CPU time of each tool a reviewer would run by hand on the tree under ``root``."""
    beside = Path(sys.executable).parent
    ruff = shutil.which("ruff") or str(beside / "ruff")
    lizard_cli = shutil.which("lizard") or str(beside / "lizard")
    return {
        "ruff check": _timed_command(
            [
                ruff,
                "check",
                "--isolated",
                "--no-cache",
                "--exit-zero",
                "--select",
                quality.LINT_RULES,
                "--output-format",
                "json",
                ".",
            ],
            root,
        ),
        "lizard": _timed_command([lizard_cli, "."], root),
        "git log -p": _timed_command(["git", "log", "-p", "HEAD"], root),
    }


def _clone(source: Path, root: Path) -> None:
    subprocess.run(
        ["git", "clone", "-q", "--no-local", str(source), str(root)],
        check=True,
        env={"PATH": "/usr/bin:/bin", "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null"},
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--with-tests", action="store_true")
    parser.add_argument("--repo", type=Path, help="a local git repository or mirror to clone")
    parser.add_argument(
        "--processes", type=int, help="processes for the static analysers (default: one a core)"
    )
    args = parser.parse_args()
    bare: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory(prefix="truelevel-bench-") as scratch:
        root = Path(scratch) / "submission"
        started = time.perf_counter()
        if args.repo:
            _clone(args.repo, root)
            made = "cloned"
        else:
            generate(root, args.files)
            made = "generated"
        counted = sum(1 for p in root.rglob("*") if p.is_file() and ".git" not in p.parts)
        commits = subprocess.run(
            ["git", "rev-list", "--count", "HEAD"], cwd=root, capture_output=True, text=True
        ).stdout.strip()
        print(f"{made} {counted} files, {commits} commits in {time.perf_counter() - started:.1f} s")
        if args.repo:
            bare = bare_tools(root)
        context = engine.SubmissionContext(
            target_level="mid", rubric_categories=default_rubric_categories()
        )
        started, cpu = time.perf_counter(), cpu_seconds()
        outcome = engine.evaluate(
            root, context, run_tests=args.with_tests, analyser_processes=args.processes
        )
        wall, engine_cpu = time.perf_counter() - started, cpu_seconds() - cpu
        if outcome.static_processes > 1:  # processes of the fork server, not our children
            engine_cpu += outcome.static_cpu_seconds
    if bare:
        # Wall time depends on what else the machine runs; CPU time much less (a shared machine
        # gives both, and the engine's CPU over the cores is its wall time on an idle one).
        print(f"\n{'bare tool':<14}{'wall s':>9}{'cpu s':>9}")
        for name, (seconds, used) in bare.items():
            print(f"{name:<14}{seconds:>9.2f}{used:>9.2f}")
        total, total_cpu = (sum(values) for values in zip(*bare.values(), strict=True))
        print(f"{'(all, in turn)':<14}{total:>9.2f}{total_cpu:>9.2f}")
        print(f"{'engine':<14}{wall:>9.2f}{engine_cpu:>9.2f}")
        print(
            f"\nengine / bare tools: wall {wall:.2f} / {total:.2f} s = {wall / total:.2f}x; "
            f"cpu {engine_cpu:.2f} / {total_cpu:.2f} s = {engine_cpu / total_cpu:.2f}x "
            f"({outcome.static_processes} analyser "
            f"process{'es' if outcome.static_processes != 1 else ''}, {os.cpu_count()} cores, "
            f"load average {os.getloadavg()[0]:.1f})"
        )
    split = outcome.seconds_by_analyser
    print(f"\nengine: {counted} files in {wall:.2f} s = {counted / wall:,.0f} files/s")
    print(f"{'analyser':<14}{'seconds':>9}{'share':>8}{'files/s':>10}")
    for name, seconds in sorted(split.items(), key=lambda item: -item[1]):
        rate = f"{counted / seconds:,.0f}" if seconds > 0 else "-"
        print(f"{name:<14}{seconds:>9.2f}{seconds / wall:>8.0%}{rate:>10}")
    print(f"{'(other)':<14}{wall - sum(split.values()):>9.2f}")
    scores = {s["category"]: s["score"] for s in outcome.result["rubric_scores"]}
    print(f"\nscores: {scores}; recommendation {outcome.result['recommendation']}")


if __name__ == "__main__":
    main()
