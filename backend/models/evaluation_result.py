"""The automated result of a code evaluation (``Evaluation.automated_result``) as typed models,
for the pages that show it.

``workers.evaluation.scoring.score`` writes it: seed 000's verdict (``recommendation``,
``confidence_score``, ``calibrated_seniority``, ``rubric_scores``, ``risk_flags``) plus ``engine``
and more. Each rubric score lists observations that cite their evidence
(``workers.evaluation.code.evidence``); seed 000's own example gives plain sentences instead,
and a risk flag may be a plain sentence too. Reading is lenient: a part that does not fit is
left out rather than failing the whole report.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, ValidationError, field_validator

from backend.models.lenient import (
    LENIENT,
    DictOrEmpty,
    ItemsOf,
    OptionalNumber,
    Text,
    valid_items,
)

# The excerpt of a rule's metric evidence, as ``workers.evaluation.scoring._rule_observation``
# writes it: "quality.lint_findings_per_kloc = 0 (rule: <= 5 → +0.5 points)", where a capping
# rule adds ", score capped at 2" before the parenthesis closes.
_RULE_EXCERPT = re.compile(
    r"^(?P<report>\w+)\.(?P<signal>\w+) = (?P<value>.*?) "
    r"\(rule: (?P<op><=|>=|==|<|>) (?P<threshold>.+?) → (?P<points>[+-]?\d+(?:\.\d+)?) points"
    r"(?:, score capped at (?P<cap>\d+))?\)$"
)


class _Lenient(BaseModel):
    model_config = LENIENT


class RuleArithmetic(_Lenient):
    """How a scoring rule moved a category's score: ``report.signal`` measured ``value``, the rule
    ``op threshold`` held, so it added ``points`` (and capped the score at ``cap``)."""

    report: str
    signal: str
    value: str
    op: str
    threshold: str
    points: float
    cap: int | None = None


class ResultEvidence(_Lenient):
    """Where an observation can be checked: a file and lines, a commit, a quote or a figure."""

    kind: Text = ""  # file, commit, quote or metric; "" where the engine left it out
    file: str | None = None
    line: int | None = None
    end_line: int | None = None
    commit: str | None = None
    excerpt: str | None = None

    @property
    def shown_kind(self) -> str:
        """The kind, else what the fields say it is (a file when one is named)."""
        return self.kind or ("file" if self.file else "metric")

    @property
    def rule(self) -> RuleArithmetic | None:
        """The scoring rule behind a measured figure, when the excerpt is one's."""
        if self.shown_kind != "metric" or not self.excerpt:
            return None
        match = _RULE_EXCERPT.match(self.excerpt)
        return RuleArithmetic.model_validate(match.groupdict()) if match else None


class ResultObservation(_Lenient):
    """One sentence a reviewer can verify; ``polarity`` +1 strengthens the category, -1 weakens."""

    text: Text = ""
    polarity: int = 0
    evidence: Annotated[list[ResultEvidence], ItemsOf(ResultEvidence)] = []

    @classmethod
    def read(cls, raw: Any) -> ResultObservation:
        if not isinstance(raw, dict):  # seed 000 prints observations as plain sentences
            return cls(text=str(raw))
        return cls.model_validate(raw)

    @field_validator("polarity", mode="before")
    @classmethod
    def _polarity(cls, value: Any) -> Any:
        return value or 0


class ResultCategory(_Lenient):
    """One rubric category's automated score and the observations behind it."""

    category: Text = ""
    score: float | None = None  # the engine's, before any reviewer adjustment
    max_score: float = 5
    observations: list[ResultObservation] = []

    @field_validator("max_score", mode="before")
    @classmethod
    def _max_score(cls, value: Any) -> Any:
        return value or 5

    @field_validator("observations", mode="before")
    @classmethod
    def _observations(cls, value: Any) -> list[ResultObservation]:
        return [ResultObservation.read(item) for item in value or []]


class ResultFlag(_Lenient):
    """A risk a reviewer should check (a committed secret, a similar submission)."""

    code: Text = ""
    severity: str = "medium"
    message: Text = ""
    evidence: Annotated[list[ResultEvidence], ItemsOf(ResultEvidence)] = []

    @classmethod
    def read(cls, raw: Any) -> ResultFlag:
        return cls.model_validate(raw if isinstance(raw, dict) else {"message": str(raw)})

    @field_validator("severity", mode="before")
    @classmethod
    def _severity(cls, value: Any) -> str:
        return str(value or "medium")


class ResultEngine(_Lenient):
    """Which engine, rubric and calibration produced the result."""

    version: str | None = None
    rubric_id: str | None = None
    rubric_version: int | None = None
    calibration_version: str | None = None


class AutomatedResult(_Lenient):
    recommendation: Text = ""
    confidence_score: OptionalNumber = None
    calibrated_seniority: str | None = None
    rubric_scores: Annotated[list[ResultCategory], ItemsOf(ResultCategory)] = []
    risk_flags: list[ResultFlag] = []
    engine: Annotated[ResultEngine, DictOrEmpty] = ResultEngine()

    @field_validator("risk_flags", mode="before")
    @classmethod
    def _risk_flags(cls, value: Any) -> list[ResultFlag]:
        return [ResultFlag.read(item) for item in value or []]


def read_evidence(items: Any) -> list[ResultEvidence]:
    """The evidence items of a raw list that fit (the exports read flags and observations)."""
    return valid_items(ResultEvidence, items)


def read_result(raw: dict[str, Any] | None) -> AutomatedResult | None:
    """The typed result, or None while the evaluation has none."""
    if not raw:
        return None
    try:
        return AutomatedResult.model_validate(raw)
    except ValidationError:  # a verdict that does not fit at all: shown as an empty one
        return AutomatedResult()
