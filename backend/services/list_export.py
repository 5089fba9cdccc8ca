"""The web app's lists as CSV files: the evaluations list and the candidates list, either the
rows a recruiter ticked or every row matching the list's search and filters.

An export is a snapshot: the matching ids are read once, in the list's order (at most
``MAX_EXPORT_ROWS``), then the rows are read and written a batch at a time, each batch in a
session of its own, so a file of ten thousand rows is streamed without holding a database
connection while the browser downloads it. Every row is headed by the candidate's name and
email, as a spreadsheet or an ATS import wants them, and no text cell can start a formula
(``report_export.spreadsheet_safe``).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any

from sqlmodel import Session, col, select

from backend.db import session_scope
from backend.models.assessments import Assessment, CandidateKey, key_status
from backend.models.base import iso, utcnow
from backend.models.evaluations import Evaluation
from backend.services.candidate_key_search import keys_with_assessments
from backend.services.candidate_keys import sessions_by_key
from backend.services.candidate_names import CandidateName, evaluation_candidates
from backend.services.evaluations.search import recommendation_now
from backend.services.report_export import SpreadsheetSafeWriter

MAX_EXPORT_ROWS = 50_000
BATCH = 500

Sessions = Callable[[], AbstractContextManager[Session]]

EVALUATION_COLUMNS = [
    "candidate_name",
    "candidate_email",
    "candidate_ref",
    "evaluation_id",
    "target_role",
    "target_level",
    "status",
    "stage",
    "recommendation",
    "decided_by",
    "automated_recommendation",
    "confidence_score",
    "calibrated_seniority",
    "overall_score",
    "risk_flags",
    "needs_another_look",
    "reviewer",
    "submitted_at",
    "finalised_at",
]

CANDIDATE_COLUMNS = [
    "candidate_name",
    "candidate_email",
    "key",
    "assessment",
    "status",
    "expires_at",
    "redeemed_at",
    "completed_at",
    "created_at",
]


def _csv(rows: Sequence[list[Any]]) -> str:
    out = io.StringIO()
    writer = SpreadsheetSafeWriter(out)
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


def _batches(ids: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


# -- evaluations ---------------------------------------------------------------------------------


def evaluation_export_row(evaluation: Evaluation, candidate: CandidateName) -> list[Any]:
    """One evaluation as a row of EVALUATION_COLUMNS: the verdict that counts now (the
    reviewer's once finalised), and the engine's beside it."""
    automated = evaluation.automated_result or {}
    decided = evaluation.finalised_at is not None
    confidence = automated.get("confidence_score")
    return [
        candidate.name or "",
        candidate.email or "",
        evaluation.candidate_ref,
        evaluation.id,
        evaluation.target_role,
        evaluation.target_level,
        evaluation.status,
        evaluation.stage,
        recommendation_now(evaluation),
        "reviewer" if decided else ("engine" if automated else ""),
        automated.get("recommendation") or "",
        "" if confidence is None else confidence,
        (evaluation.final_level if decided else None)
        or automated.get("calibrated_seniority")
        or "",
        "" if evaluation.overall_score is None else evaluation.overall_score,
        len(automated.get("risk_flags") or []),
        "yes" if evaluation.attention else "no",
        evaluation.reviewer_id or "",
        iso(evaluation.created_at) or "",
        iso(evaluation.finalised_at) or "",
    ]


def evaluations_csv(
    ids: Sequence[str], *, org_id: str, sessions: Sessions = session_scope
) -> Iterator[str]:
    """The header, then the organisation's evaluations of ``ids`` in that order (ids of other
    organisations, or gone since, are left out), a batch of rows per piece of text."""
    yield _csv([EVALUATION_COLUMNS])
    for batch in _batches(ids):
        with sessions() as session:
            found = session.exec(
                select(Evaluation).where(
                    col(Evaluation.org_id) == org_id, col(Evaluation.id).in_(list(batch))
                )
            ).all()
            by_id = {e.id: e for e in found}
            ordered = [by_id[i] for i in batch if i in by_id]
            names = evaluation_candidates(session, ordered)
            yield _csv([evaluation_export_row(e, names[e.id]) for e in ordered])


# -- candidates (their keys) ---------------------------------------------------------------------


def candidate_export_row(key: CandidateKey, assessment: Assessment, status: str) -> list[Any]:
    return [
        key.candidate_name or "",
        key.candidate_email or "",
        key.key,
        assessment.title,
        status,
        iso(key.expires_at) or "",
        iso(key.redeemed_at) or "",
        iso(key.completed_at) or "",
        iso(key.created_at) or "",
    ]


def candidates_csv(
    ids: Sequence[str], *, org_id: str, sessions: Sessions = session_scope
) -> Iterator[str]:
    """The header, then the organisation's candidate keys of ``ids`` in that order, each with
    its assessment and status, a batch of rows per piece of text."""
    yield _csv([CANDIDATE_COLUMNS])
    for batch in _batches(ids):
        with sessions() as session:
            rows = keys_with_assessments(session, org_id=org_id, ids=batch)
            candidate_sessions = sessions_by_key(session, [key for key, _ in rows])
            now = utcnow()
            yield _csv(
                [
                    candidate_export_row(
                        key, assessment, key_status(key, candidate_sessions.get(key.id), now)
                    )
                    for key, assessment in rows
                ]
            )


def export_filename(noun: str) -> str:
    """``evaluations-2026-12-07.csv``."""
    return f"{noun}-{utcnow().date().isoformat()}.csv"
