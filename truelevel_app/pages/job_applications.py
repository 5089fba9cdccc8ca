"""A job's applications on its page (``/jobs/[job_id]``): add one by name and email, start the
candidate's browser interview (the instant call of seed 003, made by the same service as
``POST /applications/{id}/instant-call``), copy its link, see whether the invite email left and
how far the interview got, and open its report once there is one.

The job page's state takes :class:`JobApplicationsState` as a mixin; it provides
``_authorise``, ``_current_id`` and ``_reload`` (which reads the rows with
:func:`application_rows`).
"""

from __future__ import annotations

from typing import TypedDict

import reflex as rx
from sqlmodel import Session, col, select

from backend.db import session_scope
from backend.models.pipeline import Application, Candidate
from backend.services.candidate_profile import profile_href
from backend.services.errors import DomainError
from backend.services.interviews import calls
from backend.services.invite_delivery import InviteDelivery, call_invite_deliveries
from backend.services.pipeline.applicants import NewApplicant, add_applicant
from truelevel_app.components.dialogs import form_dialog
from truelevel_app.components.feedback import copy_link_button, error_callout
from truelevel_app.components.forms import text_field
from truelevel_app.display import when
from truelevel_app.state import AuthState

READ_ONLY = (
    "Viewers cannot add applications or start interviews. Ask an admin for the reviewer role."
)
CALL_LABELS = {
    "pending": "Not started",
    "in_progress": "In progress",
    "processing": "Processing",
    "completed": "Completed",
    "failed": "Failed",
    "alternative_requested": "Asked for another process",
}
# A call in these states still takes (or is processing) answers: no second one is started.
OPEN_CALLS = ("pending", "in_progress", "processing")
INVITE_TEXT = {
    "none": "No email address: send the link yourself.",
    "queued": "Invite email queued.",
    "sent": "Invite email sent.",
    "failed": "Invite email failed: send the link yourself.",
    "not_sent": "No invite email: mail is off. Send the link yourself.",
}


class ApplicationRow(TypedDict):
    id: str
    candidate: str
    email: str
    stage: str
    status: str
    created: str
    # The newest browser interview: "" when none was started.
    call_status: str
    call_label: str
    can_start: bool  # no interview is open (none yet, or the last one ended)
    interview_url: str
    invite: str
    invite_state: str
    report_url: str  # the interview report once the answers were sent, else ""
    profile_href: str  # the candidate's profile page ("" without an email)


def _candidates_by_id(session: Session, ids: list[str]) -> dict[str, Candidate]:
    """The candidates of one page of applications, in one query (a small read helper)."""
    if not ids:
        return {}
    rows = session.exec(select(Candidate).where(col(Candidate.id).in_(ids)))
    return {c.id: c for c in rows}


def _invite_text(delivery: InviteDelivery | None) -> tuple[str, str]:
    state = delivery.state if delivery is not None else "none"
    return INVITE_TEXT.get(state, ""), state


def application_rows(
    session: Session, *, org_id: str, applications: list[Application]
) -> list[ApplicationRow]:
    """One page of a job's applications with their people and newest browser interviews."""
    people = _candidates_by_id(session, [a.candidate_id for a in applications])
    latest = calls.latest_calls(
        session, org_id=org_id, application_ids=[a.id for a in applications]
    )
    views = {v["application_id"]: v for v in calls.call_views(session, latest.values())}
    invites = call_invite_deliveries(session, call_ids=[c.id for c in latest.values()])
    rows = []
    for application in applications:
        person = people.get(application.candidate_id)
        name = " ".join(p for p in (person.first_name, person.last_name) if p) if person else ""
        view = views.get(application.id) or {}
        status = str(view.get("status") or "")
        invite, invite_state = _invite_text(invites.get(str(view.get("id") or "")))
        job_id = view.get("interview_job_id")
        rows.append(
            ApplicationRow(
                id=application.id,
                candidate=name or "—",
                email=person.email if person else "—",
                stage=application.application_stage,
                status=application.source_application_status,
                created=when(application.created_at),
                call_status=status,
                call_label=CALL_LABELS.get(status, status),
                can_start=status not in OPEN_CALLS,
                interview_url=str(view.get("interview_url") or ""),
                invite=invite if view else "",
                invite_state=invite_state if view else "",
                report_url=f"/interviews/{job_id}" if job_id else "",
                profile_href=profile_href(person.email if person else None),
            )
        )
    return rows


class JobApplicationsState(rx.State, mixin=True):
    """The add-application dialog and the "Start interview" action of the job page."""

    show_add: bool = False
    adding: bool = False
    add_error: str = ""
    applications_error: str = ""
    starting: str = ""  # the application whose interview is being started
    # The interview just started: for whom, its link and what happened to the invite email.
    started_for: str = ""
    started_link: str = ""
    started_invite: str = ""

    def _clear_applications_notices(self) -> None:
        self.show_add = self.adding = False
        self.add_error = self.applications_error = ""
        self.starting = self.started_for = self.started_link = self.started_invite = ""

    @rx.event
    def open_add(self):
        self.add_error = ""
        self.show_add = True

    @rx.event
    def close_add(self):
        self.show_add = False

    @rx.event
    def add_application(self, form_data: dict[str, str]):
        self.add_error = ""
        member = self._authorise("edit")  # type: ignore[attr-defined]
        if member is None:
            self.add_error = READ_ONLY
            return
        applicant = NewApplicant(
            name=str(form_data.get("name") or ""), email=str(form_data.get("email") or "")
        )
        self.adding = True
        yield
        try:
            with session_scope() as session:
                add_applicant(
                    session,
                    org_id=member.org_id,
                    job_id=self._current_id(),  # type: ignore[attr-defined]
                    applicant=applicant,
                )
            self._reload(member.org_id)  # type: ignore[attr-defined]
        except DomainError as exc:
            self.add_error = exc.message
            return
        finally:
            self.adding = False
        self.show_add = False

    @rx.event
    def start_interview(self, application_id: str):
        self.applications_error = ""
        self.started_for = self.started_link = self.started_invite = ""
        member = self._authorise("edit")  # type: ignore[attr-defined]
        if member is None:
            self.applications_error = READ_ONLY
            return
        self.starting = application_id
        yield
        try:
            with session_scope() as session:
                call, _created = calls.instant_call(
                    session, org_id=member.org_id, application_id=application_id
                )
                invite = call_invite_deliveries(session, call_ids=[call.id]).get(call.id)
                link = calls.interview_url(call.token)
            self._reload(member.org_id)  # type: ignore[attr-defined]
        except DomainError as exc:
            self.applications_error = exc.message
            return
        finally:
            self.starting = ""
        rows = self.applications  # type: ignore[attr-defined]
        self.started_for = next(
            (r["candidate"] for r in rows if r["id"] == application_id), "the candidate"
        )
        self.started_link = link
        self.started_invite = _invite_text(invite)[0]


# -- views ---------------------------------------------------------------------------------------


def _copy_button(link, *, id: str | None = None, class_name: str = "") -> rx.Component:
    return copy_link_button(
        link,
        copied="Interview link copied to the clipboard.",
        aria_label="Copy the candidate's interview link",
        class_name=class_name,
        id=id,
    )


def interview_cell(row, state: type[JobApplicationsState]) -> rx.Component:
    """The application's browser interview: its state, link, invite and report, or a button."""
    start = rx.cond(
        AuthState.can_edit & row["can_start"],
        rx.button(
            rx.icon("mic", size=14),
            "Start interview",
            size="1",
            loading=state.starting == row["id"],
            on_click=state.start_interview(row["id"]),
            class_name="start-interview",
        ),
    )
    started = rx.vstack(
        rx.hstack(
            rx.badge(
                row["call_label"],
                variant="soft",
                color_scheme=rx.match(
                    row["call_status"],
                    ("completed", "green"),
                    ("failed", "red"),
                    ("processing", "blue"),
                    ("in_progress", "blue"),
                    "gray",
                ),
                class_name="call-status",
            ),
            rx.cond(
                row["report_url"] != "",
                rx.link("Open report", href=row["report_url"], size="2", class_name="open-report"),
                _copy_button(row["interview_url"], class_name="copy-interview-link"),
            ),
            spacing="2",
            align="center",
        ),
        rx.cond(
            row["report_url"] == "",
            rx.text(row["invite"], size="1", color_scheme="gray", class_name="invite-delivery"),
        ),
        start,
        spacing="1",
        align="start",
    )
    return rx.cond(row["call_status"] != "", started, rx.cond(AuthState.can_edit, start, "—"))


def started_notice(state: type[JobApplicationsState]) -> rx.Component:
    """The link of the interview just started, to copy and send, and whether email went."""
    return rx.cond(
        state.started_link != "",
        rx.callout(
            rx.vstack(
                rx.text("Interview started for ", rx.text.strong(state.started_for), "."),
                rx.hstack(
                    rx.code(state.started_link, id="interview-link", variant="ghost"),
                    _copy_button(state.started_link, id="copy-interview-link"),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                rx.text(state.started_invite, size="1", id="interview-invite"),
                spacing="1",
            ),
            icon="mic",
            color_scheme="green",
            width="100%",
            id="interview-started",
        ),
    )


def add_application_dialog(state: type[JobApplicationsState]) -> rx.Component:
    return form_dialog(
        text_field(
            "Name *", "name", required=True, placeholder="Grace Hopper", id="applicant-name"
        ),
        text_field(
            "Email *",
            "email",
            type="email",
            required=True,
            placeholder="grace@example.com",
            id="applicant-email",
        ),
        open=state.show_add,
        title="Add application",
        description="Someone already in your candidates (the same email) is reused; anyone "
        "else is added as a new candidate.",
        error=state.add_error,
        error_id="add-application-error",
        submit_label="Add application",
        submitting=state.adding,
        on_submit=state.add_application,
        on_cancel=state.close_add,
        form_id="add-application-form",
        max_width="28rem",
    )


def applications_error(state: type[JobApplicationsState]) -> rx.Component:
    return error_callout(state.applications_error, id="applications-error")
