"""The public page a candidate opens from an invite (``/candidate?key=...``) or by typing a key:
what is assessed, how the work is evaluated, and how to ask for another process. Once the
candidate starts the assessment (the key becomes a session) the page shows the time left and
takes the submission: a repository URL, or a zip uploaded from the browser.

The key is the candidate's credential, as it is for the REST API: every action looks it up again,
so a revoked key stops working at once. The countdown ticks in the browser
(``assets/countdown.js``); whether a submission is late is decided on the server.
"""

from __future__ import annotations

import asyncio
from typing import Any, TypedDict
from urllib.parse import quote

import reflex as rx
from pydantic import ValidationError
from sqlmodel import Session

from backend.db import session_scope
from backend.models.assessments import CandidateKey, CandidateSession, session_status
from backend.models.base import iso
from backend.models.evaluations import Evaluation, SubmissionIn
from backend.services.candidate_key_checks import checked_candidate_key
from backend.services.candidate_keys import KeyExpired, usable_candidate_key
from backend.services.errors import Conflict, DomainError
from backend.services.organisations import get_organisation
from backend.services.throttle import Throttled
from backend.settings import get_settings
from truelevel_app.components.feedback import error_callout
from truelevel_app.components.layout import public_frame
from truelevel_app.components.uploads import (
    limit_props,
    percent_sent,
    refused_file,
    upload_progress,
)
from truelevel_app.display import minutes_text, when

UNKNOWN_KEY = "We could not find that key. Check it against your invite and try again."
ZIP_UPLOAD_ID = "submission-zip"


def _zip_limit_mb() -> int:
    return get_settings().evaluation_max_zip_mb


SESSION_STATUS_TEXT = {
    "active": "In progress",
    "completed": "Completed",
    "expired": "Time is up",
    "hired": "Closed",
}


class InviteView(TypedDict):
    key: str
    org_name: str
    title: str
    role: str
    task_brief: str
    time_limit: str
    expires: str
    # The session the key became (empty until the candidate starts).
    started: bool
    session_status: str
    deadline: str
    deadline_iso: str
    # The submission, once made.
    evaluation_id: str
    submitted_at: str
    submitted_late: bool


def _submission(session: Session, session_id: str) -> Evaluation | None:
    # Read lazily: the session_submission module belongs to the evaluations area.
    from backend.services.evaluations.session_submission import submission_for_session

    return submission_for_session(session, session_id=session_id)


def _status_text(candidate_session: CandidateSession | None, submitted: Any) -> str:
    """The badge beside the submission: "Submitted" once work is in, whatever the clock says
    (not "In progress" or "Time is up" next to the "Submitted" notice)."""
    if candidate_session is None:
        return ""
    status = session_status(candidate_session)
    if submitted is not None and status in {"active", "expired"}:
        return "Submitted"
    return SESSION_STATUS_TEXT.get(status, "")


def _invite_view(session: Session, key: CandidateKey, assessment: Any) -> InviteView:
    candidate_session = session.get(CandidateSession, key.session_id) if key.session_id else None
    submitted = _submission(session, candidate_session.id) if candidate_session else None
    return InviteView(
        key=key.key,
        org_name=get_organisation(session, org_id=key.org_id).name,
        title=assessment.title,
        role=assessment.role,
        task_brief=assessment.task_brief,
        time_limit=minutes_text(assessment.time_limit_minutes),
        expires=when(key.expires_at),
        started=candidate_session is not None,
        session_status=_status_text(candidate_session, submitted),
        deadline=when(candidate_session.deadline_at, "") if candidate_session else "",
        deadline_iso=(iso(candidate_session.deadline_at) or "") if candidate_session else "",
        evaluation_id=submitted.id if submitted else "",
        submitted_at=when(submitted.created_at) if submitted else "",
        submitted_late=bool(submitted and submitted.submitted_late),
    )


def _submit_for_key(raw: str, data_for_key) -> str:
    """Look the key up again and submit ``data_for_key(session, key)`` (a SubmissionIn) from
    its session. Returns an error for the candidate, or "" once submitted."""
    from backend.services.evaluations.session_submission import submit_from_session

    with session_scope() as session:
        key, _ = usable_candidate_key(session, raw=raw)
        if key.session_id is None:
            return "Start the assessment before you submit."
        data = data_for_key(session, key)
        submit_from_session(session, candidate_key_id=key.id, session_id=key.session_id, data=data)
    return ""


class CandidateLandingState(rx.State):
    """Public: no member, only what one valid key may show."""

    invite: rx.Field[InviteView | None] = rx.field(None)
    error: str = ""
    checking: bool = False
    starting: bool = False
    submitting: bool = False
    submit_error: str = ""
    # 0–100 while the browser sends the zip; 100 while the server stores it.
    zip_percent: int = 0

    def _look_up(self, raw: str) -> None:
        self.invite = None
        self.error = ""
        raw = raw.strip()
        if not raw:
            return
        with session_scope() as session:
            try:
                key, assessment = checked_candidate_key(
                    session, raw=raw, client_address=self.router.session.client_ip
                )
            except Throttled as exc:
                self.error = exc.message
                return
            except KeyExpired:
                self.error = (
                    "This key has expired. Ask the organisation that invited you for a new one."
                )
                return
            except DomainError:
                self.error = UNKNOWN_KEY
                return
            self.invite = _invite_view(session, key, assessment)

    def _current_key(self) -> str:
        return self.invite["key"] if self.invite else ""

    @rx.event
    def load(self):
        self.submit_error = ""
        self._look_up(self.router.url.query_parameters.get("key", ""))

    @rx.event
    def start(self):
        """Redeem the key: the session starts now and the time limit runs from here."""
        from backend.services.candidate_sessions import redeem_key

        raw = self._current_key()
        if not raw:
            return
        self.starting = True
        yield
        try:
            with session_scope() as session:
                redeem_key(session, key=raw)
        except Conflict:
            pass  # started meanwhile (another tab): show that session
        except DomainError as exc:
            self.submit_error = exc.message
        finally:
            self.starting = False
        self._look_up(raw)

    @rx.event
    async def submit_repository(self, form_data: dict[str, Any]):
        self.submit_error = ""
        url = str(form_data.get("repo_url") or "").strip()
        try:
            data = SubmissionIn(repo_url=url)
        except ValidationError:
            self.submit_error = (
                "Enter the address of a git repository, such as "
                "https://git.example.com/you/take-home.git."
            )
            return
        self.submitting = True
        yield
        try:
            self.submit_error = await asyncio.to_thread(
                _submit_for_key, self._current_key(), lambda _session, _key: data
            )
        except DomainError as exc:
            self.submit_error = exc.message
        finally:
            self.submitting = False
        self._look_up(self._current_key())

    @rx.event
    def zip_progress(self, progress: dict):
        """on_upload_progress: the browser's count of the zip's bytes sent."""
        self.submitting = True
        self.zip_percent = percent_sent(progress)

    @rx.event
    def refuse_zip(self, codes: str, name: str):
        """on_drop_rejected: the browser refused the file (too big, not a zip) unsent."""
        self.submit_error = refused_file(
            codes, name, limit_mb=_zip_limit_mb(), wanted="a .zip file of your work"
        )

    @rx.event
    async def submit_zip(self, files: list[rx.UploadFile]):
        self.submit_error = ""
        if not files:
            self.submit_error = "Choose the zip file of your work first."
            return
        upload = files[0]
        self.submitting = True
        self.zip_percent = 100
        yield
        address = self.router.session.client_ip

        def save_then_data(session: Session, key: CandidateKey) -> SubmissionIn:
            from backend.services.evaluations.submission import save_upload
            from backend.services.upload_throttle import admit_upload

            # The same per-address and per-key upload throttle as the API's upload route.
            admit_upload(session, address=address or "unknown", credential=key.id)
            saved = save_upload(
                session, org_id=key.org_id, stream=upload.file, candidate_key_id=key.id
            )
            return SubmissionIn(upload_id=saved.id)

        try:
            # Copying a large zip to disk should not hold up other browsers' events.
            self.submit_error = await asyncio.to_thread(
                _submit_for_key, self._current_key(), save_then_data
            )
        except DomainError as exc:
            self.submit_error = exc.message
        finally:
            self.submitting = False
            self.zip_percent = 0
        self._look_up(self._current_key())
        yield rx.clear_selected_files(ZIP_UPLOAD_ID)

    @rx.event
    def submit(self, form_data: dict[str, str]):
        raw = str(form_data.get("key") or "").strip()
        if not raw:
            self.error = "Enter the key from your invite, such as TL-ABCD-EFGH."
            return None
        self.checking = True
        yield
        self._look_up(raw)
        self.checking = False
        if self.invite is not None:
            # Keep the key in the address so a reload shows the same page.
            yield rx.redirect(f"/candidate?key={quote(self.invite['key'])}", replace=True)

    @rx.event
    def forget(self):
        self.invite = None
        self.error = ""
        return rx.redirect("/candidate", replace=True)


def _key_form() -> rx.Component:
    return rx.vstack(
        rx.heading("Start your assessment", size="5"),
        rx.text(
            "Enter the key from your invite to see what you will be working on.",
            size="2",
            color_scheme="gray",
        ),
        error_callout(CandidateLandingState.error, id="candidate-error"),
        rx.form(
            rx.hstack(
                rx.input(
                    name="key",
                    placeholder="TL-XXXX-XXXX",
                    required=True,
                    size="3",
                    flex="1",
                    auto_complete="off",
                    aria_label="Candidate key",
                    text_transform="uppercase",
                ),
                rx.button(
                    "Continue", type="submit", size="3", loading=CandidateLandingState.checking
                ),
                width="100%",
                spacing="2",
            ),
            on_submit=CandidateLandingState.submit,
            reset_on_submit=False,
            width="100%",
            id="candidate-key-form",
        ),
        spacing="3",
        width="100%",
    )


def _invite() -> rx.Component:
    invite = CandidateLandingState.invite
    return rx.vstack(
        rx.text(invite["org_name"], " invites you to", size="2", color_scheme="gray"),
        rx.heading(invite["title"], size="6", id="assessment-title"),
        rx.hstack(
            rx.badge(invite["role"], size="2", variant="soft"),
            rx.badge(
                rx.icon("timer", size=12),
                invite["time_limit"],
                size="2",
                variant="surface",
                color_scheme="gray",
            ),
            wrap="wrap",
            spacing="2",
        ),
        rx.box(
            rx.heading("The task", size="3", margin_bottom="0.5rem"),
            rx.text(invite["task_brief"], white_space="pre-wrap", size="2", id="task-brief"),
            width="100%",
        ),
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.icon("scale", size=16),
                    rx.text("How your work is evaluated", weight="medium"),
                    align="center",
                    spacing="2",
                ),
                rx.text(
                    "Automated tools help evaluate your work — for example by running its tests "
                    "and analysing the code. People at ",
                    invite["org_name"],
                    " review the results and make every decision.",
                    size="2",
                ),
                rx.text(
                    "If you would prefer an alternative process, or need an adjustment, reply to "
                    "the email that sent you this key and say so. Asking will not count "
                    "against you.",
                    size="2",
                    id="alternative-process",
                ),
                spacing="2",
            ),
            variant="surface",
            width="100%",
        ),
        rx.cond(invite["started"], _session_panel(), _start_card()),
        rx.text(
            "Your key ",
            rx.code(invite["key"]),
            " is valid until ",
            invite["expires"],
            ". The time limit starts when you start the assessment; open this page again "
            "with the key to come back to it. Please keep the key to yourself.",
            size="2",
            color_scheme="gray",
        ),
        rx.button(
            "Use a different key", variant="ghost", size="1", on_click=CandidateLandingState.forget
        ),
        spacing="4",
        width="100%",
        align="start",
    )


def _start_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(
                "When you are ready, start the assessment. Your time limit (",
                CandidateLandingState.invite["time_limit"],
                ") runs from then; you submit your work on this page.",
                size="2",
            ),
            error_callout(CandidateLandingState.submit_error, id="start-error"),
            rx.button(
                rx.icon("play", size=14),
                "Start the assessment",
                size="3",
                loading=CandidateLandingState.starting,
                on_click=CandidateLandingState.start,
                id="start-assessment",
            ),
            spacing="3",
            align="start",
        ),
        width="100%",
    )


def _countdown() -> rx.Component:
    invite = CandidateLandingState.invite
    return rx.cond(
        invite["deadline_iso"] != "",
        rx.hstack(
            rx.icon("timer", size=18),
            # Filled and ticked by assets/countdown.js; React renders it empty so that the
            # script's text is never overwritten.
            rx.el.span(
                id="countdown",
                custom_attrs={"data-deadline": invite["deadline_iso"]},
                style={"font_weight": "700", "font_variant_numeric": "tabular-nums"},
            ),
            rx.text("· until ", invite["deadline"], size="2", color_scheme="gray"),
            align="center",
            spacing="2",
        ),
        rx.text("No time limit.", size="2", color_scheme="gray"),
    )


def _submitted() -> rx.Component:
    invite = CandidateLandingState.invite
    return rx.callout(
        rx.vstack(
            rx.text("Submitted", weight="bold", id="submitted"),
            rx.text(
                "Your work was received on ",
                invite["submitted_at"],
                ". Evaluation ",
                rx.code(invite["evaluation_id"], id="submitted-evaluation-id"),
                ".",
                size="2",
            ),
            rx.cond(
                invite["submitted_late"],
                rx.text(
                    "It was submitted after the time limit; the reviewers will see that.",
                    size="2",
                    weight="medium",
                    id="submitted-late",
                ),
            ),
            rx.text("People at ", invite["org_name"], " will review it and be in touch.", size="2"),
            spacing="1",
            align="start",
        ),
        icon="circle-check",
        color_scheme="green",
        width="100%",
    )


def _submission_forms() -> rx.Component:
    state = CandidateLandingState
    repository = rx.form(
        rx.vstack(
            rx.text("A git repository", weight="medium", size="2"),
            rx.hstack(
                rx.input(
                    name="repo_url",
                    placeholder="https://git.example.com/you/take-home.git",
                    required=True,
                    flex="1",
                    aria_label="Repository URL",
                ),
                rx.button("Submit repository", type="submit", loading=state.submitting),
                width="100%",
                spacing="2",
            ),
            rx.text(
                "Any address git can clone: make sure we can read it.",
                size="1",
                color_scheme="gray",
            ),
            spacing="2",
            width="100%",
        ),
        on_submit=state.submit_repository,
        reset_on_submit=False,
        width="100%",
        id="submit-repository-form",
    )
    zip_upload = rx.vstack(
        rx.text("Or a zip file", weight="medium", size="2"),
        rx.text(
            f"Up to {_zip_limit_mb()} MB. Leave out dependencies and build output "
            "(node_modules, .venv, dist).",
            size="1",
            color_scheme="gray",
            id="zip-limit",
        ),
        rx.upload(
            rx.vstack(
                rx.icon("file-archive", size=20),
                rx.text("Drop your zip here, or click to choose it", size="2"),
                align="center",
                spacing="1",
            ),
            id=ZIP_UPLOAD_ID,
            accept={
                "application/zip": [".zip"],
                "application/x-zip-compressed": [".zip"],
            },
            max_files=1,
            multiple=False,
            **limit_props(_zip_limit_mb(), state.refuse_zip),
            border=f"1px dashed {rx.color('gray', 7)}",
            border_radius="var(--radius-3)",
            padding="1rem",
            width="100%",
            cursor="pointer",
        ),
        rx.foreach(
            rx.selected_files(ZIP_UPLOAD_ID),
            lambda name: rx.text(name, size="2", class_name="selected-zip"),
        ),
        rx.button(
            "Upload and submit",
            variant="soft",
            loading=state.submitting,
            on_click=state.submit_zip(
                rx.upload_files(upload_id=ZIP_UPLOAD_ID, on_upload_progress=state.zip_progress)
            ),
            id="submit-zip",
        ),
        rx.cond(
            state.zip_percent > 0,
            upload_progress(
                state.zip_percent, received="Uploaded. Storing your work…", id="zip-progress"
            ),
        ),
        spacing="2",
        width="100%",
        align="start",
    )
    return rx.vstack(
        error_callout(state.submit_error, id="submit-error"),
        repository,
        zip_upload,
        rx.text(
            "You submit once. After the time limit you can still submit; it will be marked late.",
            size="1",
            color_scheme="gray",
        ),
        spacing="4",
        width="100%",
    )


def _session_panel() -> rx.Component:
    invite = CandidateLandingState.invite
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Your submission", size="4"),
                rx.spacer(),
                rx.badge(invite["session_status"], variant="soft", id="session-status"),
                align="center",
                width="100%",
            ),
            rx.cond(invite["evaluation_id"] == "", _countdown()),
            rx.cond(invite["evaluation_id"] != "", _submitted(), _submission_forms()),
            spacing="4",
            width="100%",
        ),
        width="100%",
        id="session-panel",
    )


@rx.page(
    route="/candidate", title="Your assessment · truelevel", on_load=CandidateLandingState.load
)
def candidate_page() -> rx.Component:
    return public_frame(
        rx.script(src="/countdown.js"),
        rx.cond(CandidateLandingState.invite, _invite(), _key_form()),
        max_width="40rem",
    )
