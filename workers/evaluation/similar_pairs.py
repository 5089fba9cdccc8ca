"""Similarity both ways: once a submission's result is stored, every pair it forms with another
candidate's submission of its group that matches gets the ``similar_submission`` flag on both
sides, whichever was evaluated first.

A pair matches when ``similarity.compare`` flags it from either side (the engine's threshold, in
one place). Each side's flag is the one the engine would have raised from that side; when only
the other side reaches the threshold (a submission that took part of a larger one), the flag
says so with both shares.

``reconcile`` runs after each evaluation's own result is stored. Of two submissions evaluated at
the same time, the second to store its result finds the first's result and fingerprints, so both
end flagged whatever the interleaving; adding a flag is idempotent, so running it twice is
harmless.
"""

from __future__ import annotations

import logging
from typing import Any

from backend.db import session_scope
from backend.models.evaluations import EvaluationFingerprint
from backend.services.evaluations import similar_submissions
from workers.evaluation import evidence_balance, scoring
from workers.evaluation.code import similarity
from workers.evaluation.code.evidence import AnalyserReport, Evidence, RiskFlag

log = logging.getLogger(__name__)


def reconcile(evaluation_id: str) -> list[str]:
    """Flag both sides of every matching pair ``evaluation_id`` forms; returns the evaluations
    whose stored result gained a flag."""
    with session_scope() as session:
        own_row = session.get(EvaluationFingerprint, evaluation_id)
        if own_row is None:
            return []
        own = list(own_row.hashes)
        peers = similar_submissions.peer_fingerprints(session, evaluation_id=evaluation_id)
    changed: list[str] = []
    for other_id in sorted(peers):
        theirs = peers[other_id]
        if not matches(own, theirs):
            continue
        for target, target_hashes, named, named_hashes in (
            (evaluation_id, own, other_id, theirs),
            (other_id, theirs, evaluation_id, own),
        ):
            flag = flag_for(target_hashes, named, named_hashes)
            with session_scope() as session:
                if similar_submissions.add_flag(
                    session,
                    evaluation_id=target,
                    other_id=named,
                    flag=flag,
                    reconsider=reconsider,
                ):
                    changed.append(target)
    if changed:
        log.info("evaluation %s: similarity flags added to %s", evaluation_id, changed)
    return changed


def matches(one: list[int], other: list[int]) -> bool:
    """Whether the similarity analyser flags the pair from either side."""
    return _flags(one, "b", other) or _flags(other, "a", one)


def _flags(own: list[int], other_id: str, other: list[int]) -> bool:
    return bool(similarity.compare(own, {other_id: other}).signals["similar_submissions"])


def flag_for(own: list[int], other_id: str, other: list[int]) -> dict[str, Any]:
    """The flag a submission with fingerprints ``own`` carries for matching ``other_id``."""
    report = similarity.compare(own, {other_id: other})
    if report.risk_flags:
        return report.risk_flags[0].to_dict()
    # Only the other side reaches the threshold: most of *its* code is found in this one.
    own_set, other_set = set(own), set(other)
    shared = len(own_set & other_set)
    theirs = _percent(shared / len(other_set)) if other_set else 0
    mine = _percent(shared / len(own_set)) if own_set else 0
    threshold = _percent(similarity.DEFAULT_THRESHOLD)
    return RiskFlag(
        code=similar_submissions.FLAG_CODE,
        severity="high",
        message=(
            f"{theirs}% of evaluation {other_id}'s code fingerprints also occur in this "
            f"submission ({mine}% of this submission's)."
        ),
        evidence=(
            Evidence(
                kind="metric",
                excerpt=(
                    f"{shared} of {len(other_set)} fingerprints of evaluation {other_id} shared "
                    f"with this submission ({theirs}%; threshold {threshold}%)"
                ),
            ),
        ),
    ).to_dict()


def _percent(share: float) -> int:
    """A share as a whole percentage, rounded half up, as the similarity analyser prints it."""
    return int(share * 100 + 0.5)


def reconsider(result: dict[str, Any]) -> dict[str, Any]:
    """A stored result whose risk flags changed, with its recommendation, reasons and confidence
    stated again as scoring states them for a fresh evaluation (the calibrated level, the profile
    and the calibration it was scored with are kept: the analysis did not change)."""
    flags = scoring.sorted_flags(list(result.get("risk_flags") or []))
    signals = result.get("signals") or {}
    tests = AnalyserReport("tests", signals=dict(signals.get("tests") or {}))
    stored = dict(result.get("calibration") or {})
    decision = scoring.decide(
        level=str(result["calibrated_seniority"]),
        target_level=str(result["target_level"]),
        risk_flags=flags,
        well_tested=scoring.well_tested({"tests": tests}),
        probabilities=stored.get("probabilities") or {},
        coverage=float(stored.get("coverage", 1.0)),
        evidence=evidence_balance.balance(signals),
        n_labels=stored.get("n_labels"),
    )
    return {
        **result,
        "risk_flags": flags,
        "recommendation": decision.recommendation,
        "recommendation_reasons": decision.reasons,
        "confidence_score": decision.confidence,
        "calibration": {**stored, "decision_probability": decision.probability}
        if stored
        else stored,
    }
