"""The read-only report behind a share link (``/shared/<token>``), for a hiring manager without
an account: the verdict, the rubric scores with their observations, and the risk flags. Nothing
here needs a session; an expired, revoked or altered link says so and shows nothing else.

No code viewer here, by choice: a share link grants the verdict and its reasons, not the
candidate's source code, which a link forwarded beyond the hiring team would otherwise carry.
Observations are listed without their evidence chips, and the viewer reads the kept files only
for a signed-in member of the evaluation's organisation (``cited_files.read_cited_file``,
through ``evaluation_report.code_viewer``); nothing on this page calls it."""

from __future__ import annotations

import reflex as rx

from backend.db import session_scope
from backend.models.base import iso
from backend.services.errors import NotFound
from backend.services.evaluations import report_shares
from truelevel_app.components.charts import score_bar
from truelevel_app.components.layout import brand
from truelevel_app.pages.evaluation_report import (
    CategoryView,
    FlagView,
    ReportView,
    ScorePoint,
    empty_report,
    read_report,
)
from truelevel_app.pages.evaluations import recommendation_badge


class SharedReportState(rx.State):
    report: rx.Field[ReportView] = rx.field(default_factory=empty_report)
    scores: rx.Field[list[ScorePoint]] = rx.field(default_factory=list)
    categories: rx.Field[list[CategoryView]] = rx.field(default_factory=list)
    flags: rx.Field[list[FlagView]] = rx.field(default_factory=list)
    expires: str = ""
    gone: str = ""
    loading: bool = True

    @rx.event
    def load(self):
        token = str(getattr(self, "share_token", "") or "")
        self.loading, self.gone = True, ""
        try:
            with session_scope() as session:
                share, evaluation = report_shares.open_share(session, token=token)
                data = read_report(session, org_id=share.org_id, evaluation_id=evaluation.id)
                self.expires = (iso(share.expires_at) or "")[:10]
        except NotFound:
            self.gone = report_shares.GONE
            self.report, self.scores, self.categories, self.flags = empty_report(), [], [], []
        else:
            self.report = data.report
            self.scores = [s for s in data.scores if s["max_score"] > 0]
            self.categories = data.categories
            self.flags = data.flags
        self.loading = False


R = SharedReportState.report


def _category(category) -> rx.Component:
    return rx.vstack(
        rx.heading(category["category"], " · ", category["score"], size="3"),
        rx.foreach(
            category["observations"],
            lambda o: rx.text(
                rx.cond(o["polarity"] > 0, "+ ", rx.cond(o["polarity"] < 0, "− ", "· ")),
                o["text"],
                size="2",
            ),
        ),
        spacing="1",
        width="100%",
    )


def _flag(flag) -> rx.Component:
    return rx.hstack(
        rx.badge(flag["severity"], color_scheme="orange", variant="soft"),
        rx.text(flag["message"], size="2"),
        spacing="2",
        align="start",
    )


def _report() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.vstack(
                rx.heading(R["candidate"], size="6", id="shared-candidate"),
                rx.text(R["role"], " · target level ", R["target_level"], size="2"),
                spacing="1",
                align="start",
            ),
            rx.spacer(),
            rx.badge("Read-only · shared until ", SharedReportState.expires, variant="outline"),
            width="100%",
            wrap="wrap",
            align="center",
        ),
        rx.cond(
            R["has_result"],
            rx.vstack(
                rx.card(
                    rx.hstack(
                        recommendation_badge(
                            R["recommendation"],
                            R["recommendation_label"],
                            size="3",
                            id="shared-recommendation",
                        ),
                        rx.text(
                            rx.cond(R["finalised"], "Reviewer's verdict", "Proposed by the engine"),
                            " · confidence ",
                            R["confidence"],
                            " / 100 · level ",
                            R["seniority"],
                            size="2",
                        ),
                        spacing="3",
                        align="center",
                        wrap="wrap",
                    ),
                    width="100%",
                ),
                rx.card(
                    rx.vstack(
                        rx.heading("Rubric scores", size="3"),
                        rx.foreach(
                            SharedReportState.scores,
                            lambda s: rx.hstack(
                                rx.text(s["category"], size="2", min_width="12rem"),
                                score_bar(s["score"], s["max_score"]),
                                wrap="wrap",
                            ),
                        ),
                        spacing="2",
                        width="100%",
                    ),
                    width="100%",
                    id="shared-scores",
                ),
                rx.card(
                    rx.vstack(
                        rx.foreach(SharedReportState.categories, _category),
                        spacing="4",
                        width="100%",
                    ),
                    width="100%",
                ),
                rx.cond(
                    SharedReportState.flags.length() > 0,
                    rx.card(
                        rx.vstack(
                            rx.heading("Risk flags", size="3"),
                            rx.foreach(SharedReportState.flags, _flag),
                            spacing="2",
                            width="100%",
                        ),
                        width="100%",
                    ),
                ),
                spacing="4",
                width="100%",
            ),
            rx.text("The evaluation has no result yet.", size="2"),
        ),
        spacing="4",
        width="100%",
    )


@rx.page(
    route="/shared/[share_token]",
    title="Shared evaluation report · truelevel",
    on_load=SharedReportState.load,
)
def shared_report_page() -> rx.Component:
    return rx.center(
        rx.vstack(
            brand(),
            rx.cond(
                SharedReportState.loading,
                rx.spinner(),
                rx.cond(
                    SharedReportState.gone != "",
                    rx.callout(
                        SharedReportState.gone,
                        icon="link-2-off",
                        color_scheme="gray",
                        id="shared-gone",
                    ),
                    _report(),
                ),
            ),
            spacing="5",
            width="100%",
            max_width="60rem",
            padding_y="2rem",
        ),
        width="100%",
        padding_x="1rem",
    )
