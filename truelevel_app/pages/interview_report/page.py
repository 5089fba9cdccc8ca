"""One interview job (``/interviews/[job_id]``): its states as they happen, then the report —
the recording synced with the speaker-labelled transcript, the conversation metrics as charts,
competency scores with their rationale and quotes, red flags, questions for the next round, the
submittal note — a browser interview's answers, each to play beside its transcript
(``interview_answers``) — the speakers (a recruiter corrects their roles to have the interview
re-scored, ``interview_speakers``) and the reviewer's confirm-or-override with a note.

While the job runs, a background event asks for new job events every second and the page follows
without a reload; once an event says the job ended it reads the report once and stops (also when
the member leaves the page). The player and the transcript move together in the browser
(``assets/report_player.js``): any element with ``data-seek`` seeks the recording when clicked,
and the line being spoken is highlighted. State keeps small view models only.
"""

from __future__ import annotations

import reflex as rx

from truelevel_app.components.details import detail_frame
from truelevel_app.components.feedback import error_callout
from truelevel_app.components.layout import app_shell
from truelevel_app.components.report import failure_callout
from truelevel_app.pages.interview_answers import answers_card
from truelevel_app.pages.interview_report.metrics_view import metrics_card
from truelevel_app.pages.interview_report.review_view import report_speakers_card, review_card
from truelevel_app.pages.interview_report.scores_view import list_card, scores_card, submittal_card
from truelevel_app.pages.interview_report.state import InterviewReportState, J, S
from truelevel_app.pages.interview_report.transcript_view import transcript_card
from truelevel_app.pages.interview_report.verdict_view import header, progress, verdict_card


def _report() -> rx.Component:
    return rx.vstack(
        verdict_card(),
        report_speakers_card(),
        answers_card(S.answers),
        transcript_card(),
        metrics_card(),
        scores_card(),
        rx.grid(
            list_card(
                "Highlights", S.highlights, id="highlights", icon="sparkles", empty="None noted."
            ),
            list_card("Red flags", S.red_flags, id="red-flags", icon="flag", empty="None."),
            list_card(
                "Questions for the next round",
                S.next_questions,
                id="next-questions",
                icon="circle-help",
                empty="None suggested.",
            ),
            columns=rx.breakpoints(initial="1", md="3"),
            spacing="4",
            width="100%",
        ),
        submittal_card(),
        review_card(),
        spacing="4",
        width="100%",
    )


def _body() -> rx.Component:
    return rx.vstack(
        header(),
        error_callout(S.error),
        progress(),
        failure_callout(J["failed"], J["failure"], id="job-failure"),
        rx.cond(J["has_result"], _report()),
        spacing="4",
        width="100%",
    )


@rx.page(
    route="/interviews/[job_id]",
    title="Interview report · truelevel",
    on_load=InterviewReportState.load,
)
def interview_report_page() -> rx.Component:
    return rx.fragment(
        rx.script(src="/report_player.js"),
        # The line being spoken (report_player.js toggles the class).
        rx.el.style(
            ".transcript-line.transcript-active { background: var(--accent-4) !important; }"
        ),
        app_shell(
            detail_frame(
                back_label="All interviews",
                back_href="/interviews",
                not_found=S.not_found,
                not_found_title="Interview not found",
                not_found_text="It may belong to another organisation, or the link is wrong.",
                not_found_id="interview-not-found",
                loading=S.loading & (J["id"] == ""),
                details=_body(),
            ),
            rx.box(on_unmount=S.stop_following, display="none"),
        ),
    )
