"""A second opinion on a code evaluation: do the independent, measured signals point to strong
work or to weak work, whatever the rubric profile says?

The rubric profile adds many small rules together, so a verdict can rest on a pile of surface
points (a README, a manifest, a few passing tests) while every measurement of the code itself
says otherwise. Here each of a few independent measurements casts one vote: *strong* when it
clearly points to well-engineered work, *weak* when it clearly points the other way, nothing when
it is in between or was not measured:

- the candidate's tests pass and execute most of their code (weak: no tests, tests that execute
  nothing, more than ``FAILING_SHARE`` of them failing, or most of the code left unexecuted);
- the size of the passing suite (tests that execute the candidate's code);
- lint findings per 1,000 lines;
- the share of functions with a docstring;
- the share of functions with type annotations (Python and TypeScript only).

Prose, manifests and history are left out on purpose: they cost a candidate minutes to dress up
(bench/validity's adversarial variants), and the rubric already scores them.

Scoring uses the votes twice: confidence rests on the share of the measurements that back the
verdict proposed (``Balance.support``), and a ``proceed`` that nearly every vote cast contradicts
(``share_strong`` at most ``CONTRADICTED``) is held for a reviewer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

Vote = Literal["strong", "weak"]
Signals = Mapping[str, Mapping[str, Any]]

# A proceed whose balance is at most this, with at least ``MIN_VOTES`` votes cast, is held.
CONTRADICTED = 0.2
MIN_VOTES = 3
TYPED_LANGUAGES = frozenset({"python", "typescript"})
# A suite with more than this share of failing tests votes weak.
FAILING_SHARE = 0.05


@dataclass(frozen=True)
class Balance:
    """How the independent measurements voted, and which voted which way."""

    strong: tuple[str, ...]
    weak: tuple[str, ...]
    asked: int  # measurements that could vote

    @property
    def cast(self) -> int:
        return len(self.strong) + len(self.weak)

    @property
    def share_strong(self) -> float:
        """``strong / cast``, rounded to 3 decimals; 0.5 when nothing voted."""
        return round(len(self.strong) / self.cast, 3) if self.cast else 0.5

    def support(self, recommendation: str) -> float:
        """The share of all the measurements that back ``recommendation`` (strong votes back
        ``proceed``, weak votes ``hold`` and ``reject``): one that could not vote (tests that did
        not run here) backs nothing, so less evidence means less support."""
        backing = self.strong if recommendation == "proceed" else self.weak
        return round(len(backing) / self.asked, 3) if self.asked else 0.0

    def contradicts_proceed(self) -> bool:
        return self.cast >= MIN_VOTES and self.share_strong <= CONTRADICTED


def _number(signals: Signals, report: str, name: str) -> float | None:
    value = (signals.get(report) or {}).get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _flag(signals: Signals, report: str, name: str) -> bool:
    return (signals.get(report) or {}).get(name) is True


def _tests_exercise_the_code(signals: Signals) -> Vote | None:
    if not _flag(signals, "tests", "tests_present"):
        return "weak"
    if not _flag(signals, "tests", "tests_run"):
        return None  # could not run here: says nothing either way
    coverage = _number(signals, "tests", "tests_line_coverage")
    failed = _number(signals, "tests", "tests_failed") or 0
    passed = _number(signals, "tests", "tests_passed") or 0
    # One environment-specific failure among hundreds says little; a suite that fails says much.
    if _flag(signals, "tests", "tests_trivial") or failed > FAILING_SHARE * (passed + failed):
        return "weak"
    if coverage is None:
        return None
    if _flag(signals, "tests", "tests_run_ok") and coverage >= 0.6:
        return "strong"
    return "weak" if coverage < 0.4 else None


def _suite_size(signals: Signals) -> Vote | None:
    # Tests that execute none of the code are no suite at all: weak, as no tests are (an
    # abstention would let a dozen `assert 1 + 1 == 2` lift a held verdict to proceed).
    if not _flag(signals, "tests", "tests_present") or _flag(signals, "tests", "tests_trivial"):
        return "weak"
    if not _flag(signals, "tests", "tests_run"):
        return None
    passed = _number(signals, "tests", "tests_passing_own_code")
    if passed is None:  # a result scored before the signal existed
        passed = _number(signals, "tests", "tests_passed") or 0
    return "strong" if passed >= 20 else "weak" if passed < 5 else None


def _lint(signals: Signals) -> Vote | None:
    per_kloc = _number(signals, "quality", "lint_findings_per_kloc")
    if per_kloc is None:
        return None
    return "strong" if per_kloc <= 5 else "weak" if per_kloc > 20 else None


def _docstrings(signals: Signals) -> Vote | None:
    ratio = _number(signals, "documentation", "docstring_ratio")
    if ratio is None:
        return None
    return "strong" if ratio >= 0.5 else "weak" if ratio < 0.15 else None


def _types(signals: Signals) -> Vote | None:
    language = (signals.get("inventory") or {}).get("primary_language")
    ratio = _number(signals, "inventory", "type_annotation_ratio")
    if language not in TYPED_LANGUAGES or ratio is None:
        return None
    return "strong" if ratio >= 0.5 else "weak" if ratio < 0.1 else None


MEASUREMENTS: tuple[tuple[str, Callable[[Signals], Vote | None]], ...] = (
    ("tests that execute the code", _tests_exercise_the_code),
    ("size of the passing suite", _suite_size),
    ("lint findings", _lint),
    ("docstrings", _docstrings),
    ("type annotations", _types),
)


def balance(signals: Signals) -> Balance:
    """The votes of ``MEASUREMENTS`` on an evaluation's signals (``result["signals"]``)."""
    strong: list[str] = []
    weak: list[str] = []
    for name, measure in MEASUREMENTS:
        vote = measure(signals)
        if vote == "strong":
            strong.append(name)
        elif vote == "weak":
            weak.append(name)
    return Balance(tuple(strong), tuple(weak), len(MEASUREMENTS))
