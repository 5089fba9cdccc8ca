"""The page ``/evaluations/[evaluation_id]``: one code evaluation as a recruiter reads it.
The summary comes first (the verdict, the overall score, the strongest and weakest points),
then the risk flags, the scores beside the cohort, the categories folded away, and the review.

While the engine still works on it (stages queued … scoring) the page follows the stage without a
reload: a background event reads the row every few seconds and stops once the engine is done or
the page is left.
"""

from __future__ import annotations

import reflex as rx

from truelevel_app.components.details import detail_frame, fact
from truelevel_app.components.feedback import error_callout
from truelevel_app.components.layout import app_shell
from truelevel_app.components.report import failure_callout
from truelevel_app.pages.evaluation_report.evidence_view import evidence_dialog
from truelevel_app.pages.evaluation_report.observations_view import categories_card, flags_card
from truelevel_app.pages.evaluation_report.review_view import review_panel
from truelevel_app.pages.evaluation_report.scores_view import cohort_card, scores_card
from truelevel_app.pages.evaluation_report.state import EvaluationReportState, R, S
from truelevel_app.pages.evaluation_report.summary_view import summary_card
from truelevel_app.pages.evaluation_report.verdict_view import (
    engine_progress,
    header,
    verdicts_card,
)
from truelevel_app.pages.report_sharing import ReportSharingState, share_card
from truelevel_app.state import AuthState


def _report_body() -> rx.Component:
    return rx.vstack(
        header(),
        error_callout(S.error),
        rx.cond(R["engine_running"], engine_progress()),
        failure_callout(R["failed"], R["failure"], id="failure"),
        rx.cond(
            R["has_result"],
            rx.vstack(
                summary_card(),
                flags_card(),
                rx.grid(
                    scores_card(),
                    cohort_card(),
                    columns=rx.breakpoints(initial="1", lg="2"),
                    spacing="4",
                    width="100%",
                ),
                categories_card(),
                verdicts_card(),
                rx.cond(AuthState.can_edit, review_panel()),
                rx.cond(AuthState.can_edit, share_card()),
                spacing="4",
                width="100%",
            ),
        ),
        rx.card(
            rx.grid(
                *[
                    rx.data_list.root(fact(label, value), orientation="vertical", size="1")
                    for label, value in (
                        ("Evaluation", rx.code(R["id"], variant="ghost")),
                        ("Artefact", rx.text(R["artefact"], word_break="break-all")),
                        ("SLA tier", R["sla"]),
                        ("Submitted", R["created"]),
                        ("Completed", R["completed"]),
                        ("Turnaround", R["turnaround"]),
                    )
                ],
                columns=rx.breakpoints(initial="2", md="3"),
                spacing="4",
                width="100%",
            ),
            width="100%",
            id="evaluation-facts",
        ),
        evidence_dialog(),
        spacing="4",
        width="100%",
    )


@rx.page(
    route="/evaluations/[evaluation_id]",
    title="Evaluation report · truelevel",
    on_load=[EvaluationReportState.load, ReportSharingState.load],
)
def evaluation_report_page() -> rx.Component:
    return app_shell(
        rx.box(
            detail_frame(
                back_label="All evaluations",
                back_href="/evaluations",
                not_found=S.not_found,
                not_found_title="Evaluation not found",
                not_found_text="It may belong to another organisation, or the link is wrong.",
                not_found_id="evaluation-not-found",
                loading=S.loading & (R["id"] == ""),
                details=_report_body(),
            ),
            on_unmount=S.stop_following,
            width="100%",
        ),
    )
