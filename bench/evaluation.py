"""Code evaluation throughput on a generated repository of 5,000 files.

    .venv/bin/python -m bench.evaluation [--files 5000] [--with-tests]

Generates a take-home-shaped repository (Python, JavaScript, TypeScript, Go and Java sources in
nested packages, tests, a README, a git history of a few commits), then runs the engine's
analysers over it as the worker does and prints files per second for the whole engine and the
wall time of each analyser, side by side in one run. The sandboxed test run is left out unless
``--with-tests`` (it measures the candidate's tests, not the engine).
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import time
from pathlib import Path

from backend.services.rubrics import default_rubric_categories
from workers.evaluation.code import engine

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--with-tests", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="truelevel-bench-") as scratch:
        root = Path(scratch) / "submission"
        started = time.perf_counter()
        generate(root, args.files)
        counted = sum(1 for p in root.rglob("*") if p.is_file() and ".git" not in p.parts)
        print(f"generated {counted} files in {time.perf_counter() - started:.1f} s")
        context = engine.SubmissionContext(
            target_level="mid", rubric_categories=default_rubric_categories()
        )
        started = time.perf_counter()
        outcome = engine.evaluate(root, context, run_tests=args.with_tests)
        wall = time.perf_counter() - started
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
