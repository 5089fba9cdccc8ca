"""One candidate's profile (``/candidates/profile?email=…``): who they are, a few figures, and
everything the organisation did with them on one timeline, newest first, each step linking to
its evaluation report, interview report, assessment or job.

The person is found by email in the signed-in member's organisation only
(``backend.services.candidate_profile``); an address it holds nothing about, or no address,
shows an empty state."""

from __future__ import annotations

from typing import TypedDict
from urllib.parse import urlencode

import reflex as rx

from backend.db import session_scope
from backend.services.audit import Subject
from backend.services.candidate_profile import (
    PROFILE_ROUTE,
    CandidateProfile,
    EventKind,
    TimelineEvent,
    candidate_profile,
)
from backend.services.errors import InvalidInput
from backend.services.person_records import find_person
from truelevel_app.audit_trail import viewed_by
from truelevel_app.components.feedback import empty_state, error_callout
from truelevel_app.components.layout import app_shell
from truelevel_app.display import when
from truelevel_app.pages.evaluations import recommendation_badge, recommendation_label
from truelevel_app.state import SIGNIN_ROUTE, AuthState

EMAIL_PARAM = "email"
# The person's data as a zip, for admins (backend/api/person_downloads.py).
PERSON_EXPORT_ROUTE = "/api/v1/web/candidates/person-export.zip"

# What each step is called on the page, and its icon.
KIND_LABELS: dict[EventKind, tuple[str, str]] = {
    EventKind.invited: ("Invited", "mail"),
    EventKind.key_redeemed: ("Started", "key-round"),
    EventKind.submitted: ("Submitted", "upload"),
    EventKind.evaluated: ("Evaluated", "gauge"),
    EventKind.evaluation_failed: ("Evaluation failed", "circle-x"),
    EventKind.reviewed: ("Reviewed", "badge-check"),
    EventKind.key_revoked: ("Key revoked", "ban"),
    EventKind.application_created: ("Applied", "file-user"),
    EventKind.stage_changed: ("Stage changed", "arrow-right-left"),
    EventKind.interview_invited: ("Interview link", "link"),
    EventKind.interview_answered: ("Interviewed", "mic"),
    EventKind.interview_assessed: ("Interview assessed", "gauge"),
    EventKind.interview_reviewed: ("Interview reviewed", "badge-check"),
}


class EventRow(TypedDict):
    kind: str
    label: str
    icon: str
    when: str
    text: str
    recommendation: str
    recommendation_label: str
    proposal: bool  # the engine's, not yet a person's
    score: str
    level: str
    href: str


def _event_row(event: TimelineEvent) -> EventRow:
    label, icon = KIND_LABELS.get(event.kind, (event.kind.value, "circle"))
    return EventRow(
        kind=event.kind.value,
        label=label,
        icon=icon,
        when=when(event.at),
        text=event.text,
        recommendation=event.recommendation,
        recommendation_label=recommendation_label(event.recommendation)
        if event.recommendation
        else "",
        proposal=event.automated and bool(event.recommendation),
        score=f"{event.score:g}%" if event.score is not None else "",
        level=event.level.capitalize(),
        href=event.href,
    )


class CandidateProfileState(AuthState):
    email: str = ""
    name: str = ""
    other_names: str = ""
    found: bool = False
    loading: bool = True
    error: str = ""
    assessments_taken: int = 0
    invites: int = 0
    applications: int = 0
    interviews: int = 0
    verdict: str = ""
    verdict_label: str = ""
    verdict_proposal: bool = False
    verdict_href: str = ""
    events: rx.Field[list[EventRow]] = rx.field(default_factory=list)

    @rx.var
    def export_href(self) -> str:
        """Everything held about the person, as the access-request zip."""
        return f"{PERSON_EXPORT_ROUTE}?{urlencode({EMAIL_PARAM: self.email})}"

    def _show(self, profile: CandidateProfile | None, asked: str) -> None:
        self.email = profile.email if profile else asked
        self.found = bool(profile and profile.found)
        names = profile.names if profile else []
        self.name = names[0] if names else (self.email or "Candidate profile")
        self.other_names = ", ".join(names[1:])
        summary = profile.summary if profile else None
        self.assessments_taken = summary.assessments_taken if summary else 0
        self.invites = summary.invites if summary else 0
        self.applications = summary.applications if summary else 0
        self.interviews = summary.interviews if summary else 0
        self.verdict = summary.latest_verdict if summary else ""
        self.verdict_label = recommendation_label(self.verdict) if self.verdict else "—"
        self.verdict_proposal = bool(summary and summary.latest_verdict_automated)
        self.verdict_href = summary.latest_verdict_href if summary else ""
        self.events = [_event_row(e) for e in profile.timeline] if profile else []

    @rx.event
    def load(self):
        member = self._resolve_member()
        if member is None:
            return rx.redirect(SIGNIN_ROUTE, replace=True)
        self.loading, self.error = True, ""
        asked = str(self.router.url.query_parameters.get(EMAIL_PARAM, "") or "").strip()[:320]
        profile = None
        try:
            if asked:
                with session_scope() as session:
                    profile = candidate_profile(session, org_id=member.org_id, email=asked)
                    # Named by a row id of the person, which erasure clears from the log.
                    person = find_person(session, org_id=member.org_id, email=asked)
                if person.found:
                    viewed_by(member, Subject.candidate, person.subject_id, "profile page")
        except InvalidInput:
            profile = None  # not an address: nobody to show
        except Exception:
            self.error = "The profile could not be loaded. Try again in a moment."
        self._show(profile, asked)
        self.loading = False
        return None


S = CandidateProfileState


def _chip(label: str, value: rx.Var, id: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(label, size="1", color_scheme="gray"),
            rx.text(value, size="5", weight="bold"),
            spacing="0",
        ),
        size="1",
        id=id,
        class_name="profile-chip",
    )


def _verdict_chip() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text("Latest verdict", size="1", color_scheme="gray"),
            rx.hstack(
                rx.cond(
                    S.verdict != "",
                    rx.link(
                        recommendation_badge(S.verdict, S.verdict_label, size="3"),
                        href=S.verdict_href,
                    ),
                    rx.text("—", size="5", weight="bold"),
                ),
                rx.cond(S.verdict_proposal, rx.text("proposal", size="1", color_scheme="gray")),
                align="center",
                spacing="2",
            ),
            spacing="1",
        ),
        size="1",
        id="profile-verdict",
        class_name="profile-chip",
    )


def _export_button() -> rx.Component:
    """Admins download the person's data (an access request); recorded in the audit log."""
    return rx.cond(
        S.found & S.can_export_person_data,
        rx.el.a(
            rx.button(rx.icon("download", size=14), "Export candidate data", variant="soft"),
            href=S.export_href,
            download="",
            id="export-candidate-data",
            # A file from the API, not a page: the browser fetches it, not the router.
            custom_attrs={"reloadDocument": True},
        ),
    )


def _header() -> rx.Component:
    return rx.vstack(
        rx.link(
            rx.hstack(rx.icon("arrow-left", size=14), "All candidates", align="center"),
            href="/candidates",
            size="2",
        ),
        rx.hstack(
            rx.heading(S.name, size="6", id="profile-name", word_break="break-word"),
            rx.spacer(),
            _export_button(),
            width="100%",
            align="center",
        ),
        rx.text(S.email, size="2", color_scheme="gray", id="profile-email", word_break="break-all"),
        rx.cond(
            S.other_names != "",
            rx.text("Also named ", S.other_names, size="2", color_scheme="gray"),
        ),
        spacing="1",
        align="start",
        width="100%",
    )


def _summary() -> rx.Component:
    return rx.grid(
        _chip("Assessments taken", S.assessments_taken, "profile-assessments"),
        _chip("Invites", S.invites, "profile-invites"),
        _chip("Applications", S.applications, "profile-applications"),
        _chip("Interviews", S.interviews, "profile-interviews"),
        _verdict_chip(),
        columns=rx.breakpoints(initial="2", sm="3", md="5"),
        spacing="3",
        width="100%",
    )


def _event_view(row) -> rx.Component:
    text = rx.cond(
        row["href"] != "",
        rx.link(row["text"], href=row["href"], size="2", class_name="timeline-link"),
        rx.text(row["text"], size="2"),
    )
    return rx.hstack(
        rx.center(
            rx.icon(row["icon"], size=16),
            width="2rem",
            height="2rem",
            min_width="2rem",
            border_radius="50%",
            background=rx.color("accent", 3),
            color=rx.color("accent", 11),
        ),
        rx.vstack(
            rx.hstack(
                rx.text(row["label"], size="2", weight="medium", class_name="timeline-kind"),
                rx.text(row["when"], size="1", color_scheme="gray", white_space="nowrap"),
                spacing="2",
                align="baseline",
                wrap="wrap",
            ),
            text,
            rx.hstack(
                rx.cond(
                    row["recommendation"] != "",
                    recommendation_badge(row["recommendation"], row["recommendation_label"]),
                ),
                rx.cond(row["proposal"], rx.text("proposal", size="1", color_scheme="gray")),
                rx.cond(
                    row["score"] != "",
                    rx.badge("Score ", row["score"], variant="outline", color_scheme="gray"),
                ),
                rx.cond(
                    row["level"] != "",
                    rx.badge(row["level"], variant="outline", color_scheme="gray"),
                ),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            spacing="1",
            align="start",
            min_width="0",
        ),
        spacing="3",
        align="start",
        width="100%",
        padding_y="0.6rem",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        class_name="timeline-event",
        custom_attrs={"data-kind": row["kind"]},
    )


def _timeline() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Timeline", size="4"),
            rx.vstack(rx.foreach(S.events, _event_view), spacing="0", width="100%"),
            spacing="2",
            width="100%",
        ),
        width="100%",
        id="profile-timeline",
    )


def _empty() -> rx.Component:
    return rx.card(
        empty_state(
            "No one with this email in your organisation",
            "Nobody was invited, applied or interviewed with this address. Check the address, "
            "or find the person on the candidates list.",
            icon="user-x",
        ),
        width="100%",
        id="profile-empty",
    )


@rx.page(route=PROFILE_ROUTE, title="Candidate · truelevel", on_load=S.load)
def candidate_profile_page() -> rx.Component:
    return app_shell(
        _header(),
        error_callout(S.error),
        rx.cond(
            S.loading,
            rx.spinner(size="3"),
            rx.cond(
                S.found, rx.fragment(_summary(), _timeline()), rx.cond(S.error == "", _empty())
            ),
        ),
    )
