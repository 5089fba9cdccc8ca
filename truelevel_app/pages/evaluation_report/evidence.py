"""The evidence an observation or a risk flag cites: its short label on a chip, and what the
evidence dialog shows once the chip is clicked (for a file, the code viewer: the candidate's
file around the cited lines, when the worker kept it). The full evidence stays server-side in an
``EvidenceStore``; the browser only gets each chip's key."""

from __future__ import annotations

from typing import Any

from backend.models.evaluation_result import ResultEvidence, RuleArithmetic
from truelevel_app.pages.evaluation_report.figures import number
from truelevel_app.pages.evaluation_report.views import (
    EvidenceDetail,
    EvidenceView,
    ExcerptLine,
)

# How much of a file the viewer shows around the cited lines, and from its top when it cites
# none; "Show all N lines" shows the rest.
CONTEXT_LINES = 6
OPENING_LINES = 40
_OPERATOR_WORDS = {"<=": "at most", ">=": "at least", "<": "below", ">": "above", "==": "is"}


def evidence_label(item: ResultEvidence) -> str:
    """ "app/handlers.py:12–15", "commit 3f2a9c1d", a quote's start, what a scoring rule did to
    the score ("Adds 0.5 points"), or the measured figure."""
    kind = item.shown_kind
    if item.rule is not None:
        return rule_effect(item.rule)
    if kind == "commit":
        return f"commit {(item.commit or '')[:8]}"
    if kind == "quote":
        text = item.excerpt or ""
        return "“" + (text[:60] + "…" if len(text) > 60 else text) + "”"
    if kind == "file" or item.file:
        return (item.file or "") + _lines(item)
    return item.excerpt or "measurement"


def rule_effect(rule: RuleArithmetic) -> str:
    """What the rule did to the category's score, in words: "Adds 0.5 points", "Takes 1 point
    off, caps the score at 2", "No points"."""
    size = abs(rule.points)
    amount = f"{number(size)} point{'' if size == 1 else 's'}"
    effect = f"Adds {amount}" if rule.points > 0 else f"Takes {amount} off" if rule.points else ""
    if rule.cap is not None:
        effect += (", caps" if effect else "Caps") + f" the score at {rule.cap}"
    return effect or "No points"


def rule_reason(rule: RuleArithmetic) -> str:
    """Why the rule fired: "Measured lint findings per kloc: 0. The rule “at most 5” applies:
    adds 0.5 points." """
    measured = rule.signal.replace("_", " ")
    condition = f"{_OPERATOR_WORDS.get(rule.op, rule.op)} {rule.threshold}"
    return (
        f"Measured {measured}: {rule.value}. The rule “{condition}” applies: "
        f"{rule_effect(rule)[0].lower()}{rule_effect(rule)[1:]}."
    )


def _lines(item: ResultEvidence) -> str:
    if not item.line:
        return ""
    if item.end_line and item.end_line != item.line:
        return f":{item.line}–{item.end_line}"
    return f":{item.line}"


def _detail(
    kind: str, title: str, text: str = "", lines: list[ExcerptLine] | None = None
) -> EvidenceDetail:
    return EvidenceDetail(
        kind=kind, title=title, lines=lines or [], text=text, notice="", more="", key=""
    )


def evidence_detail(item: ResultEvidence) -> EvidenceDetail:
    """What the evidence dialog shows: a file excerpt numbered from its ``line``, a commit's sha
    and subject, a quote as a quote, or a measured figure."""
    kind = item.shown_kind
    excerpt = item.excerpt or ""
    if kind == "file":
        return _file_detail(item, excerpt)
    if kind == "commit":
        return _detail("commit", f"Commit {item.commit or ''}", excerpt)
    if kind == "quote":
        where = item.file or ""
        if where and item.line:
            where += f", line {item.line}"
        return _detail("quote", f"The candidate wrote{' in ' + where if where else ''}", excerpt)
    return _detail("metric", "Measured", excerpt)


def _file_title(item: ResultEvidence, rows: int) -> str:
    title = item.file or "file"
    if item.line:
        first = item.line
        last = item.end_line or (first + max(rows - 1, 0))
        title += f", line {first}" if last == first else f", lines {first}–{last}"
    return title


def _file_detail(item: ResultEvidence, excerpt: str) -> EvidenceDetail:
    first = item.line or 1
    rows = excerpt.split("\n") if excerpt else []
    return _detail(
        "file",
        _file_title(item, len(rows)),
        "" if rows else "The engine kept no excerpt of this file.",
        [ExcerptLine(number=first + i, text=text, cited=False) for i, text in enumerate(rows)],
    )


def file_view(item: ResultEvidence, lines: list[str], *, whole: bool = False) -> EvidenceDetail:
    """The code viewer: the candidate's file with its line numbers, the cited lines marked,
    ``CONTEXT_LINES`` around them (the file's first lines when none is cited), or the whole
    file; ``more`` offers the rest while part of it is shown."""
    count = len(lines)
    first = min(item.line or 0, count)
    last = min(max(item.end_line or first, first), count)
    if whole or count <= OPENING_LINES:
        start, end = 1, count
    elif first:
        start, end = max(1, first - CONTEXT_LINES), min(count, last + CONTEXT_LINES)
    else:
        start, end = 1, OPENING_LINES
    shown = [
        ExcerptLine(number=n, text=lines[n - 1], cited=bool(first) and first <= n <= last)
        for n in range(start, end + 1)
    ]
    detail = _detail("file", _file_title(item, 1), "" if count else "The file is empty.", shown)
    if (start, end) != (1, count):
        detail["more"] = f"Show all {count} lines"
    return detail


class EvidenceStore:
    """The evidence behind every chip of one report, by the key its chip carries."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}

    def chips(self, evidence: list[ResultEvidence], prefix: str) -> list[EvidenceView]:
        """One chip per piece of evidence, each keyed ``prefix-index`` and kept here."""
        views = []
        for index, item in enumerate(evidence):
            key = f"{prefix}-{index}"
            self.items[key] = item.model_dump(exclude_none=True)
            rule = item.rule
            views.append(
                EvidenceView(
                    key=key,
                    kind=item.shown_kind,
                    label=evidence_label(item),
                    why=rule_reason(rule) if rule else "",
                    arithmetic=(item.excerpt or "") if rule else "",
                )
            )
        return views


def stored_evidence(items: dict[str, dict[str, Any]], key: str) -> ResultEvidence | None:
    """The evidence behind a chip's key, or None for a key the report does not have."""
    item = items.get(key)
    return None if item is None else ResultEvidence.model_validate(item)


def stored_detail(items: dict[str, dict[str, Any]], key: str) -> EvidenceDetail | None:
    """The dialog's content for a chip's key, or None for a key the report does not have."""
    item = stored_evidence(items, key)
    return None if item is None else evidence_detail(item)
