"""Is the code-evaluation verdict right on real repositories of known quality?

    .venv/bin/python -m bench.validity [--jobs 2] [--only NAME ...] [--save results.json]

Rebuilds every item of ``corpus.toml`` from its mirror, evaluates it and its generated variants
through the worker's own path (``run.py``) and prints, for each part of the corpus (tuning,
held-out, held-out 2, held-out 3) and for all of it: AUC strong-vs-weak of the overall score (the
rubric profile) and of each category, AUC after adversarial dressing, the share of test suites that
really ran, confidence reliability (AUC of confidence between right and wrong verdicts, Brier
score, a reliability table), each metamorphic check moved / unchanged / wrong way, high-severity
secret flags on placeholders and local test databases, and whether the same input gave the same
bytes twice.
"""

from __future__ import annotations

import argparse
import json
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from pathlib import Path

from bench.validity import corpus, report, variants
from bench.validity.run import Evaluated, evaluate_item

Job = tuple[corpus.Item, variants.Variant | None]


def jobs(items: list[corpus.Item]) -> list[Job]:
    """Each item as it is, then the variants that apply to its label."""
    planned: list[Job] = []
    applied: dict[tuple[str, str], int] = {}
    for item in items:
        planned.append((item, None))
        for variant in variants.ALL:
            if (variant.applies_to == "strong") != item.strong:
                continue
            key = (variant.name, item.split)
            if variant.limit is not None and applied.get(key, 0) >= variant.limit:
                continue
            applied[key] = applied.get(key, 0) + 1
            planned.append((item, variant))
    return planned


def _run(job: Job) -> Evaluated:
    return evaluate_item(*job)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="evaluations at once")
    parser.add_argument("--only", nargs="*", help="item names")
    parser.add_argument("--save", type=Path, help="write every evaluation here as JSON")
    parser.add_argument("--load", type=Path, help="print figures from a saved run")
    args = parser.parse_args()
    started = time.monotonic()
    if args.load:
        rows = [
            Evaluated(**{**r, "high_flags": tuple(r["high_flags"])})
            for r in json.loads(args.load.read_text())
        ]
    else:
        items = [i for i in corpus.load() if not args.only or i.name in args.only]
        missing = [i.name for i in items if corpus.mirror(i) is None]
        if missing:
            print(f"missing mirrors (items skipped): {', '.join(missing)}")
        items = [i for i in items if corpus.mirror(i) is not None]
        planned = jobs(items)
        # The last item once more: the same input must give the same bytes.
        planned.append((items[-1], None))
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            rows = list(pool.map(_run, planned))
        if args.save:
            args.save.write_text(json.dumps([asdict(r) for r in rows], indent=1))
    report.print_all(rows)
    print(f"\n{len(rows)} evaluations in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
