"""An evaluation report as files a hiring team can pass around: CSV (one row per observation,
for spreadsheets and ATS imports) and PDF (the report as a reviewer reads it).

Both are built from the evaluation's public shape (seed 000's body: ``result`` with
``recommendation``, ``confidence_score``, ``calibrated_seniority``, ``rubric_scores`` and
``risk_flags``, beside ``automated_result`` and the ``human_review``), so an export never shows
anything the API would not, plus the candidate's ``candidate_name`` and ``candidate_email`` when
they are known (``export_view``): a report is headed by the person, the key only as a fallback.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlmodel import Session

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
    """The evaluation's public body (JSON-ready) with its candidate's name and email added."""
    view = evaluation_view(evaluation).model_dump(mode="json")
    candidate = evaluation_candidate(session, evaluation)
    view["candidate_name"], view["candidate_email"] = candidate.name, candidate.email
    return view


def _candidate(view: dict[str, Any]) -> str:
    """``Ada Lovelace <ada@example.com>``, or whichever part is known, else the reference."""
    name, email = view.get("candidate_name"), view.get("candidate_email")
    shown = display_name(name, email, str(view.get("candidate_ref", "")))
    return f"{shown} <{email}>" if name and email else shown


def _evidence_text(evidence: list[dict[str, Any]] | None) -> str:
    """``src/app.py:12-18; commit 1a2b3c4`` — where each observation can be checked."""
    parts = []
    for item in evidence or []:
        if not isinstance(item, dict):
            continue
        if item.get("file"):
            where = str(item["file"])
            if item.get("line"):
                where += f":{item['line']}"
                if item.get("end_line") and item["end_line"] != item["line"]:
                    where += f"-{item['end_line']}"
            parts.append(where)
        elif item.get("commit"):
            parts.append(f"commit {str(item['commit'])[:10]}")
        elif item.get("excerpt"):
            parts.append(f'"{str(item["excerpt"])[:80]}"')
    return "; ".join(parts)


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


def _review_status(view: dict[str, Any]) -> str:
    review = view.get("human_review") or {}
    if review.get("finalised_at"):
        return str(review.get("recommendation") or "confirmed")
    if review:
        return f"in review by {review.get('reviewer_id') or 'a reviewer'}"
    return "not reviewed yet"


def evaluation_pdf(view: dict[str, Any]) -> bytes:
    """The report on A4: the automated and the human verdict first, then the final scores with
    their observations and evidence, then risk flags. ``view`` is the body of
    ``GET /evaluations/{id}``."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    result = view.get("result") or {}
    automated = view.get("automated_result") or {}
    review = view.get("human_review") or {}
    automated_scores = _automated_scores(view)
    story: list[Any] = []

    def para(text: str, style: str = "BodyText") -> None:
        story.append(Paragraph(escape(str(text)), styles[style]))

    def cell(text: Any) -> Any:
        # Paragraph cells wrap; plain strings would run off the page.
        return Paragraph(
            escape("—" if text is None or text == "" else str(text)), styles["BodyText"]
        )

    para(_candidate(view), "Title")
    para(
        f"Evaluation {view.get('id', '')} · ref {view.get('candidate_ref', '')} · "
        f"{view.get('target_role', '')} · target level {view.get('target_level', '')} · "
        f"status {view.get('status', '')}"
    )
    story.append(Spacer(1, 4 * mm))
    verdict = [
        ["Automated recommendation", automated.get("recommendation")],
        ["Confidence", _number(automated.get("confidence_score"))],
        ["Calibrated seniority", automated.get("calibrated_seniority")],
        ["Reviewer's decision", _review_status(view)],
    ]
    if review.get("calibrated_seniority"):
        verdict.append(["Reviewer's seniority", review["calibrated_seniority"]])
    if review.get("note"):
        verdict.append(["Reviewer's note", review["note"]])
    if view.get("submitted_late"):
        verdict.append(["Submission", "after the session's deadline"])
    versions = ", ".join(
        f"{k} {v}"
        for k, v in (
            ("engine", view.get("engine_version")),
            ("rubric", view.get("rubric_id")),
            ("rubric version", view.get("rubric_version")),
        )
        if v
    )
    if versions:
        verdict.append(["Versions", versions])
    table = Table([[cell(k), cell(v)] for k, v in verdict], colWidths=[55 * mm, 110 * mm])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(table)
    story.append(Spacer(1, 6 * mm))
    para("Rubric scores", "Heading2")
    if not result.get("rubric_scores"):
        para("No scores yet.")
    for score in result.get("rubric_scores") or []:
        category = score.get("category", "")
        final = _number(score.get("score", ""))
        heading = f"{category}: {final} / {_number(score.get('max_score', 5))}"
        original = automated_scores.get(category)
        if original is not None and original != final:
            heading += f" (automated {original})"
        para(heading, "Heading3")
        for text, evidence in _observations(score):
            para(f"• {text}" + (f" ({evidence})" if evidence else ""))
    para("Risk flags", "Heading2")
    flags = result.get("risk_flags") or []
    if not flags:
        para("None.")
    for flag in flags:
        if isinstance(flag, dict):
            evidence = _evidence_text(flag.get("evidence"))
            para(
                f"[{flag.get('severity', '')}] {flag.get('message', '')}"
                + (f" ({evidence})" if evidence else "")
            )
        else:
            para(str(flag))
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"{_candidate(view)} · evaluation {view.get('id', '')}",
        author="truelevel",
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        # Byte-identical output for the same view: no creation date or random document id.
        invariant=1,
    ).build(story)
    return buffer.getvalue()
