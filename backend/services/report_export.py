"""An evaluation report as files a hiring team can pass around: CSV (one row per observation,
for spreadsheets and ATS imports) and PDF (the report as a reviewer reads it, ``evaluation_pdf``).

Both are built from the evaluation's public shape (seed 000's body: ``result`` with
``recommendation``, ``confidence_score``, ``calibrated_seniority``, ``rubric_scores`` and
``risk_flags``, beside ``automated_result`` and the ``human_review``), so an export never shows
anything the API would not, plus the candidate's ``candidate_name`` and ``candidate_email`` when
they are known, and its assessment's title (``export_view``): a report is headed by the person,
the key only as a fallback.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session

from backend.models.assessments import Assessment
from backend.models.evaluation_result import ResultEvidence, read_evidence
from backend.models.evaluations import Evaluation
from backend.services.candidate_names import display_name, evaluation_candidate
from backend.services.evaluations.queries import evaluation_view

CSV_COLUMNS = [
    "evaluation_id",
    "candidate_ref",
    "candidate_name",
    "candidate_email",
    "target_role",
    "target_level",
    "section",
    "category",
    "score",
    "max_score",
    "automated_score",
    "severity",
    "text",
    "evidence",
]


def export_view(session: Session, evaluation: Evaluation) -> dict[str, Any]:
    """The evaluation's public body (JSON-ready) with its candidate's name and email added, and
    the title of its assessment (None without one)."""
    view = evaluation_view(evaluation).model_dump(mode="json")
    candidate = evaluation_candidate(session, evaluation)
    view["candidate_name"], view["candidate_email"] = candidate.name, candidate.email
    assessment = (
        session.get(Assessment, evaluation.assessment_id) if evaluation.assessment_id else None
    )
    view["assessment_title"] = (
        assessment.title
        if assessment is not None and assessment.org_id == evaluation.org_id
        else None
    )
    return view


def candidate_heading(view: dict[str, Any]) -> str:
    """``Ada Lovelace <ada@example.com>``, or whichever part is known, else the reference."""
    name, email = view.get("candidate_name"), view.get("candidate_email")
    shown = display_name(name, email, str(view.get("candidate_ref", "")))
    return f"{shown} <{email}>" if name and email else shown


def evidence_citation(evidence: Sequence[ResultEvidence]) -> str:
    """``src/app.py:12-18; commit 1a2b3c4`` — where an observation can be checked."""
    parts = []
    for item in evidence:
        if item.file:
            where = item.file
            if item.line:
                where += f":{item.line}"
                if item.end_line and item.end_line != item.line:
                    where += f"-{item.end_line}"
            parts.append(where)
        elif item.commit:
            parts.append(f"commit {item.commit[:10]}")
        elif item.excerpt:
            parts.append(f'"{item.excerpt[:80]}"')
    return "; ".join(parts)


def _evidence_text(evidence: Any) -> str:
    return evidence_citation(read_evidence(evidence))


def _observations(score: dict[str, Any]) -> list[tuple[str, str]]:
    """(text, evidence) pairs of one rubric score. The engine's observations are objects with
    ``text`` and ``evidence``; plain strings (seed 000's example) are accepted too."""
    out = []
    for item in score.get("observations") or []:
        if isinstance(item, dict):
            out.append((str(item.get("text", "")), _evidence_text(item.get("evidence"))))
        else:
            out.append((str(item), ""))
    return out


def _number(value: Any) -> Any:
    """``4`` rather than ``4.0`` for whole scores, as the rubric's levels read."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _automated_scores(view: dict[str, Any]) -> dict[str, Any]:
    automated = view.get("automated_result") or {}
    return {
        s.get("category"): _number(s.get("score")) for s in automated.get("rubric_scores") or []
    }


def _verdict_text(result: dict[str, Any]) -> str:
    confidence = result.get("confidence_score")
    return (
        f"recommendation={result.get('recommendation') or ''}; "
        f"confidence={'' if confidence is None else confidence}; "
        f"calibrated_seniority={result.get('calibrated_seniority') or ''}"
    )


# A cell a spreadsheet would run as a formula; candidates choose file names and commit messages.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """A text cell that would start a formula, prefixed with an apostrophe; anything else as is."""
    return f"'{value}" if isinstance(value, str) and value.startswith(_FORMULA_START) else value


class SpreadsheetSafeWriter:
    """csv.writer whose text cells cannot start a formula (:func:`spreadsheet_safe`)."""

    def __init__(self, out: io.StringIO) -> None:
        self._writer = csv.writer(out, lineterminator="\n")

    def writerow(self, row: list[Any]) -> None:
        self._writer.writerow([spreadsheet_safe(v) for v in row])


def evaluation_csv(view: dict[str, Any]) -> str:
    """One header row, then the automated verdict, the human review (when there is one), a row
    per observation of the final rubric scores and a row per risk flag. ``view`` is the body of
    ``GET /evaluations/{id}``."""
    result = view.get("result") or {}
    automated = view.get("automated_result") or {}
    review = view.get("human_review") or {}
    automated_scores = _automated_scores(view)
    base = [
        view.get("id", ""),
        view.get("candidate_ref", ""),
        view.get("candidate_name") or "",
        view.get("candidate_email") or "",
        view.get("target_role", ""),
        view.get("target_level", ""),
    ]
    out = io.StringIO()
    writer = SpreadsheetSafeWriter(out)
    writer.writerow(CSV_COLUMNS)
    writer.writerow([*base, "automated_verdict", "", "", "", "", "", _verdict_text(automated), ""])
    if review:
        decision = (
            f"final_recommendation={review.get('recommendation') or ''}; "
            f"final_seniority={review.get('calibrated_seniority') or ''}; "
            f"reviewer={review.get('reviewer_id') or ''}; "
            f"finalised_at={review.get('finalised_at') or ''}; note={review.get('note') or ''}"
        )
        writer.writerow([*base, "human_review", "", "", "", "", "", decision, ""])
    for score in result.get("rubric_scores") or []:
        category = score.get("category", "")
        for text, evidence in _observations(score) or [("", "")]:
            writer.writerow(
                [
                    *base,
                    "rubric_score",
                    category,
                    _number(score.get("score", "")),
                    _number(score.get("max_score", "")),
                    automated_scores.get(category, ""),
                    "",
                    text,
                    evidence,
                ]
            )
    for flag in result.get("risk_flags") or []:
        if isinstance(flag, dict):
            message, severity = flag.get("message", ""), flag.get("severity", "")
            evidence = _evidence_text(flag.get("evidence"))
        else:
            message, severity, evidence = str(flag), "", ""
        writer.writerow([*base, "risk_flag", "", "", "", "", severity, message, evidence])
    return out.getvalue()
