"""The small view models the report's state keeps (what the browser receives), and their empty
values before an evaluation is read."""

from __future__ import annotations

import typing
from typing import TypedDict


class EvidenceView(TypedDict):
    key: str  # looks the full evidence up in EvaluationReportState._evidence
    kind: str
    label: str  # in plain words: "app/handlers.py:12–15", "Adds 0.5 points"
    why: str  # for a scoring rule's figure: what was measured and what the rule did; else ""
    arithmetic: str  # the rule as the engine wrote it ("quality.x = 0 (rule: <= 5 → +0.5 …)")


class ObservationView(TypedDict):
    text: str
    polarity: int
    evidence: list[EvidenceView]
    category: str  # the first category that lists it
    also: str  # the other categories that list the same sentence ("" for none)


class CategoryView(TypedDict):
    category: str
    score: str
    observations: list[ObservationView]
    tally: str  # "2 strengths · 1 weakness"
    shared: str  # the observations listed under another category instead ("" for none)


class SummaryView(TypedDict):
    """What a reader needs first: the overall score, who decided, and the three strongest and
    three weakest points."""

    overall: str  # percent of the rubric maximum, "—" without a score
    decided_by: str  # "Finalised by … on …", "In review by … since …", "Not reviewed yet"
    strengths: list[ObservationView]
    weaknesses: list[ObservationView]


class ScorePoint(TypedDict):
    category: str
    score: float
    max_score: float


class FlagView(TypedDict):
    code: str
    severity: str
    message: str
    evidence: list[EvidenceView]


class AdjustmentView(TypedDict):
    category: str
    automated: str
    score: str


class CohortBucket(TypedDict):
    label: str
    others: int
    candidate: int


class CohortView(TypedDict):
    available: bool
    group_label: str
    scored: int
    score: str
    rank: str


class ExcerptLine(TypedDict):
    number: int
    text: str
    cited: bool  # one of the lines the evidence cites (highlighted in the code viewer)


class EvidenceDetail(TypedDict):
    kind: str
    title: str
    lines: list[ExcerptLine]
    text: str
    notice: str  # why the file itself is not shown (not kept, binary...), over its excerpt
    more: str  # "Show all 240 lines" while the viewer shows only the cited lines' surroundings
    key: str  # the chip it opened from


class CandidateFacts(TypedDict):
    """Who and what was evaluated, and when."""

    id: str
    candidate: str  # the person's name, else email, else the candidate reference
    candidate_detail: str  # beneath it: the email, or the reference once a name is shown
    profile_href: str  # the candidate's profile page ("" when their email is not known)
    candidate_ref: str
    role: str
    target_level: str
    sla: str
    created: str
    completed: str
    turnaround: str
    artefact: str
    versions: str
    submitted_late: bool


class ProgressFacts(TypedDict):
    """Where the evaluation is: the engine's stage, a failure, whether there is a result."""

    status: str
    status_label: str
    stage: str
    stage_label: str
    engine_running: bool
    failed: bool
    failure: str
    has_result: bool


class VerdictFacts(TypedDict):
    """The verdict that counts now (the reviewer's once finalised, the engine's before) beside
    the engine's own."""

    recommendation: str
    recommendation_label: str
    reject_proposal: bool
    confidence: str
    seniority: str
    seniority_vs_target: str
    automated_recommendation: str
    automated_recommendation_label: str
    automated_seniority: str


class ReviewFacts(TypedDict):
    """The human review: waiting, claimed by whom, or finalised with what."""

    awaiting_review: bool
    in_review: bool
    finalised: bool
    reviewer: str
    claimed_at: str
    final_recommendation: str
    final_recommendation_label: str
    final_seniority: str
    review_note: str
    finalised_at: str


class ReportView(CandidateFacts, ProgressFacts, VerdictFacts, ReviewFacts):
    """Everything the page's header, verdict and review panel show about one evaluation."""


def empty_report() -> ReportView:
    hints = typing.get_type_hints(ReportView)
    return ReportView(**{name: (False if hint is bool else "") for name, hint in hints.items()})  # type: ignore[typeddict-item]


def empty_cohort() -> CohortView:
    return CohortView(available=False, group_label="", scored=0, score="", rank="")


def empty_summary() -> SummaryView:
    return SummaryView(overall="", decided_by="", strengths=[], weaknesses=[])


def empty_detail() -> EvidenceDetail:
    return EvidenceDetail(kind="", title="", lines=[], text="", notice="", more="", key="")
