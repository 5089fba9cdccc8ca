"""A code evaluation's report as a PDF a hiring team passes around: the candidate and the
assessment, the verdict and whose it is (the engine's proposal or the reviewer's decision), the
overall score, the category scores as a bar chart, the three strongest and three weakest points
with where to check them (file:line), then every category with its observations, then the risk
flags.

It reads the evaluation's export body (``report_export.export_view``: ``GET /evaluations/{id}``
plus the candidate's name and email and the assessment's title) through the typed result
(``backend.models.evaluation_result``), so it shows nothing the API would not. The pieces it is
made of are ``report_pdf``'s, shared with the interview PDF.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from backend.models.evaluation_result import AutomatedResult, ResultObservation, read_result
from backend.models.overall_score import overall_score_of
from backend.services import report_pdf as pdf
from backend.services.candidate_names import display_name
from backend.services.evaluations.strongest_points import result_points, strongest, weakest
from backend.services.report_export import candidate_heading, evidence_citation


def evaluation_pdf(view: dict[str, Any]) -> bytes:
    """The report on A4; ``view`` is ``export_view``'s body (a bare ``GET /evaluations/{id}``
    body works too, headed by the candidate's reference)."""
    final = read_result(view.get("result")) or AutomatedResult()
    automated = read_result(view.get("automated_result")) or AutomatedResult()
    story: list[Flowable] = [
        *_title(view),
        pdf.verdict_block(_verdict(view, final, automated)),
        Spacer(1, 5 * mm),
        *pdf.figure("Overall score", _overall(view)),
        *pdf.section(
            "Scores by category", [c for c in [_chart(final)] if c], empty="No scores yet."
        ),
        *_points(final),
        *pdf.section("Categories", _categories(final, automated), empty="No scores yet."),
        *pdf.section("Risk flags", _flags(final)),
    ]
    return pdf.render(story, title=f"{candidate_heading(view)} · evaluation {view.get('id', '')}")


def _title(view: dict[str, Any]) -> list[Flowable]:
    name, email = view.get("candidate_name"), view.get("candidate_email")
    level = view.get("target_level")
    return pdf.title_block(
        display_name(name, email, str(view.get("candidate_ref", ""))),
        [
            email if name and email else "",
            str(view.get("assessment_title") or ""),
            str(view.get("target_role") or ""),
            f"target level {level}" if level else "",
        ],
        [
            f"Evaluation {view.get('id', '')}",
            f"ref {view.get('candidate_ref', '')}",
            f"status {view.get('status', '')}",
            _versions(view),
        ],
    )


def _versions(view: dict[str, Any]) -> str:
    parts = [
        ("engine", view.get("engine_version")),
        ("rubric", view.get("rubric_id")),
        ("rubric version", view.get("rubric_version")),
    ]
    return ", ".join(f"{k} {v}" for k, v in parts if v)


def _date(value: Any) -> str:
    return str(value)[:10] if value else "an unknown date"


def _verdict(
    view: dict[str, Any], final: AutomatedResult, automated: AutomatedResult
) -> pdf.Verdict:
    review = view.get("human_review") or {}
    reviewer = review.get("reviewer_id") or "a reviewer"
    more: list[tuple[str, str]] = []
    if review.get("finalised_at"):
        decided_by = f"Reviewer's decision: {reviewer}, {_date(review['finalised_at'])}"
        if final.recommendation != automated.recommendation or (
            final.calibrated_seniority != automated.calibrated_seniority
        ):
            more.append(
                (
                    "Engine proposed",
                    f"{pdf.words(automated.recommendation)}, "
                    f"level {pdf.words(automated.calibrated_seniority)}",
                )
            )
    elif review:
        decided_by = (
            f"Engine's proposal, in review by {reviewer} since {_date(review.get('claimed_at'))}"
        )
    else:
        decided_by = "Engine's proposal, not reviewed yet"
    if review.get("note"):
        more.append(("Reviewer's note", str(review["note"])))
    if view.get("submitted_late"):
        more.append(("Submission", "after the session's deadline"))
    target = view.get("target_level")
    level = pdf.words(final.calibrated_seniority)
    return pdf.Verdict(
        recommendation=pdf.words(final.recommendation),
        confidence=pdf.confidence_text(automated.confidence_score),
        level=f"{level} (target {target})" if target and final.calibrated_seniority else level,
        decided_by=decided_by,
        more=more,
    )


def _overall(view: dict[str, Any]) -> str:
    # The final result carries the reviewer's adjusted scores already.
    score = overall_score_of(view.get("result"), None)
    return pdf.EMPTY if score is None else f"{pdf.number(score)} / 100"


def _chart(final: AutomatedResult) -> Flowable | None:
    return pdf.score_chart(
        [
            pdf.ChartBar(label=c.category, value=c.score or 0, max_value=c.max_score)
            for c in final.rubric_scores
        ]
    )


def _observation(observation: ResultObservation, prefix: str = "") -> list[Flowable]:
    return pdf.point(prefix + observation.text, evidence_citation(observation.evidence))


def _points(final: AutomatedResult) -> list[Flowable]:
    points = result_points(final)
    return [
        *pdf.section(
            "Strongest points",
            [f for p in strongest(points) for f in _observation(p.observation, f"{p.category}: ")],
            empty="No strength observed.",
        ),
        *pdf.section(
            "Weakest points",
            [f for p in weakest(points) for f in _observation(p.observation, f"{p.category}: ")],
            empty="No weakness observed.",
        ),
    ]


def _categories(final: AutomatedResult, automated: AutomatedResult) -> list[Flowable]:
    engine = {c.category: c.score for c in automated.rubric_scores}
    out: list[Flowable] = []
    for category in final.rubric_scores:
        heading = (
            f"{category.category}: {pdf.number(category.score)} / {pdf.number(category.max_score)}"
        )
        original = engine.get(category.category)
        if original is not None and original != category.score:
            heading += f" (engine {pdf.number(original)}, adjusted by the reviewer)"
        out.append(pdf.paragraph(heading, "Heading3"))
        for observation in category.observations:
            out.extend(_observation(observation))
        if not category.observations:
            out.append(pdf.paragraph("No observations.", "Small"))
    return out


def _flags(final: AutomatedResult) -> list[Flowable]:
    return [
        f
        for flag in final.risk_flags
        for f in pdf.point(f"[{flag.severity}] {flag.message}", evidence_citation(flag.evidence))
    ]
