"""What every code analyser hands to scoring: signals, observations that cite their evidence,
and risk flags. Frozen and JSON-ready so that reports are byte-for-byte reproducible."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

EvidenceKind = Literal["file", "commit", "quote", "metric"]
Severity = Literal["low", "medium", "high"]


@dataclass(frozen=True)
class Evidence:
    """Where an observation can be checked: a file and line range, a commit, a quote from the
    candidate's own writing, or a measured figure."""

    kind: EvidenceKind
    file: str | None = None  # path relative to the submission root, forward slashes
    line: int | None = None  # 1-based
    end_line: int | None = None
    commit: str | None = None  # full sha
    excerpt: str | None = None  # the cited text, at most a few lines

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass(frozen=True)
class Observation:
    """One sentence a reviewer can verify. ``polarity`` +1 strengthens the category, -1 weakens."""

    category: str  # a rubric category name, e.g. "Code Quality"
    text: str
    polarity: int = 0
    evidence: tuple[Evidence, ...] = ()

    def to_dict(self) -> dict:
        return {
            "category": self.category,
            "text": self.text,
            "polarity": self.polarity,
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass(frozen=True)
class RiskFlag:
    code: str  # stable identifier, e.g. "committed_secret", "similar_submission"
    severity: Severity
    message: str
    evidence: tuple[Evidence, ...] = ()

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass
class AnalyserReport:
    """The output of one analyser. ``signals`` are named measurements (numbers, booleans, short
    strings) that scoring reads; ``seconds`` is wall time, kept out of the deterministic result."""

    name: str
    signals: dict[str, float | int | str | bool | None] = field(default_factory=dict)
    observations: list[Observation] = field(default_factory=list)
    risk_flags: list[RiskFlag] = field(default_factory=list)
    seconds: float = 0.0
