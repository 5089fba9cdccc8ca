"""Printing the figures of a run, per part of the corpus (tuning, held-out, held-out 2, held-out 3)
and all."""

from __future__ import annotations

from collections.abc import Sequence

from bench.validity import metrics, variants
from bench.validity.run import RECOMMENDATION_RANK, Evaluated

SPLITS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("tuning", ("tuning",)),
    ("held-out", ("heldout",)),
    ("held-out 2", ("heldout2",)),
    ("held-out 3", ("heldout3",)),
    ("all", ("tuning", "heldout", "heldout2", "heldout3")),
)


def _percent(value: float | None) -> float | None:
    return None if value is None else value / 100


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def _fmt(value: float | None) -> str:
    return "  n/a" if value is None else f"{value:5.3f}"


def originals(rows: Sequence[Evaluated]) -> list[Evaluated]:
    """Each item's first evaluation as it is (a repeat for stability is left out)."""
    seen: dict[str, Evaluated] = {}
    for row in rows:
        if row.variant == "original":
            seen.setdefault(row.item, row)
    return list(seen.values())


def print_items(rows: Sequence[Evaluated]) -> None:
    print(
        f"{'item':<26} {'variant':<16} {'label':<9} {'split':<8} {'prof':>5} "
        f"{'Q D R T S':<10} {'verdict':<8} {'level':<7} {'conf':>4} tests"
    )
    for r in sorted(rows, key=lambda r: (r.split, r.label, r.item, r.variant)):
        cats = " ".join(str(v) for v in r.categories.values())
        tests = (
            "ok" if r.tests_ok else "ran" if r.tests_run else "found" if r.tests_present else "-"
        )
        flags = ",".join(r.high_flags)
        print(
            f"{r.item:<26} {r.variant:<16} {r.label:<9} {r.split:<8} {r.profile:5.2f} "
            f"{cats:<10} {r.recommendation:<8} {r.level:<7} {r.confidence:>4} {tests} {flags}"
        )


def _auc_profile(strong: Sequence[Evaluated], weak: Sequence[Evaluated]) -> float | None:
    return metrics.auc([r.profile for r in strong], [r.profile for r in weak])


def print_split(title: str, rows: Sequence[Evaluated]) -> None:
    base = originals(rows)
    strong = [r for r in base if r.strong]
    weak = [r for r in base if not r.strong]
    beginner = [r for r in weak if r.label == "beginner"]
    print(f"\n== {title}: {len(strong)} strong, {len(weak)} mediocre or beginner")
    print(f"AUC overall (profile) strong vs weak      {_fmt(_auc_profile(strong, weak))}")
    print(f"AUC overall strong vs beginner            {_fmt(_auc_profile(strong, beginner))}")
    for category in strong[0].categories if strong else ():
        value = metrics.auc(
            [r.categories[category] for r in strong], [r.categories[category] for r in weak]
        )
        print(f"AUC {category:<37} {_fmt(value)}")
    for dressing in variants.DRESSINGS:
        dressed = [r for r in rows if r.variant == dressing.name]
        print(f"AUC strong vs weak + {dressing.name:<20} {_fmt(_auc_profile(strong, dressed))}")
    with_tests = [r for r in base if r.tests_present]
    ran = sum(r.tests_run for r in with_tests)
    ok = sum(r.tests_ok for r in with_tests)
    print(f"suites that ran: {ran}/{len(with_tests)}, passed: {ok}/{len(with_tests)}")
    _print_confidence(base + [r for r in rows if r.variant in _verdict_known()])
    _print_metamorphic(rows, base)
    placeholder_flags = sum(r.high_secret_flags for r in rows if r.variant == "placeholders")
    original_flags = sum(r.high_secret_flags for r in base)
    planted = [r for r in rows if r.variant == "real_key"]
    caught = sum(1 for r in planted if r.high_secret_flags)
    print(
        f"high-severity secret flags: placeholder variants {placeholder_flags}, "
        f"real repositories {original_flags}; planted real keys flagged {caught}/{len(planted)}"
    )


def _verdict_known() -> set[str]:
    """Variants whose right verdict is known: dressed weak work, planted keys, copied work."""
    return {d.name for d in variants.DRESSINGS} | variants.MUST_NOT_PROCEED


def _print_confidence(rows: Sequence[Evaluated]) -> None:
    confidences = [r.confidence for r in rows]
    right = [r.right for r in rows]
    right_conf = [r.confidence for r in rows if r.right]
    wrong_conf = [r.confidence for r in rows if not r.right]
    print(
        f"verdicts right: {sum(right)}/{len(rows)} "
        "(originals, dressed variants, planted keys, copied work)"
    )
    if not wrong_conf:
        print("confidence AUC right vs wrong               n/a (no wrong verdict to compare)")
    else:
        print(
            f"confidence AUC right vs wrong             {_fmt(metrics.auc(right_conf, wrong_conf))}"
        )
    print(
        f"mean confidence right / wrong             "
        f"{_fmt(_mean(right_conf) / 100 if right_conf else None)} / "
        f"{_fmt(_mean(wrong_conf) / 100 if wrong_conf else None)}"
    )
    print(f"Brier score                               {_fmt(metrics.brier(confidences, right))}")
    for bucket in metrics.reliability(confidences, right):
        print(
            f"  confidence {bucket.low:>3}-{bucket.high:<3}  n={bucket.count:<3} "
            f"mean={_fmt(_percent(bucket.mean_confidence))} "
            f"right={_fmt(bucket.share_right)}"
        )


def _print_metamorphic(rows: Sequence[Evaluated], base: Sequence[Evaluated]) -> None:
    by_item = {r.item: r for r in base}
    print("metamorphic checks (overall score and verdict against the item as it is):")
    print(f"  {'variant':<16} {'expected':<8} {'moved':>5} {'unchanged':>9} {'wrong way':>9}")
    for variant in variants.ALL:
        moved = unchanged = wrong = 0
        for row in (r for r in rows if r.variant == variant.name and r.item in by_item):
            original = by_item[row.item]
            delta = row.profile - original.profile
            step = (
                RECOMMENDATION_RANK[row.recommendation]
                - RECOMMENDATION_RANK[original.recommendation]
            )
            up, down = delta > 0 or step > 0, delta < 0 or step < 0
            if variant.direction == "same":
                unchanged += not (up or down)
                moved += down and not up
                wrong += up
            else:
                wrong += up
                moved += down and not up
                unchanged += not (up or down)
        print(f"  {variant.name:<16} {variant.direction:<8} {moved:>5} {unchanged:>9} {wrong:>9}")


def print_stability(rows: Sequence[Evaluated]) -> None:
    digests: dict[str, set[str]] = {}
    for row in rows:
        if row.variant == "original":
            digests.setdefault(row.item, set()).add(row.digest)
    repeated = [
        item
        for item in digests
        if sum(r.item == item and r.variant == "original" for r in rows) > 1
    ]
    same = all(len(digests[item]) == 1 for item in repeated)
    print(
        f"\nstability: {', '.join(repeated) or 'nothing'} evaluated twice, "
        f"{'same bytes' if same else 'DIFFERENT bytes'}"
    )


def print_all(rows: Sequence[Evaluated]) -> None:
    print_items(rows)
    for title, splits in SPLITS:
        part = [r for r in rows if r.split in splits]
        if part:  # a run of some items only (--only) prints the parts it has
            print_split(title, part)
    print_stability(rows)
