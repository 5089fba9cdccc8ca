"""The public page a candidate opens from an invite (``/candidate?key=...``) or by typing a key:
what is assessed, how the work is evaluated, and how to ask for another process."""

from __future__ import annotations

from typing import TypedDict
from urllib.parse import quote

import reflex as rx

from backend.db import session_scope
from backend.services.candidate_keys import KeyExpired, usable_candidate_key
from backend.services.errors import DomainError
from backend.services.organisations import get_organisation
from truelevel_app.components.feedback import error_callout
from truelevel_app.components.layout import public_frame
from truelevel_app.display import minutes_text, when

UNKNOWN_KEY = "We could not find that key. Check it against your invite and try again."


class InviteView(TypedDict):
    key: str
    org_name: str
    title: str
    role: str
    task_brief: str
    time_limit: str
    expires: str
    used: bool


class CandidateLandingState(rx.State):
    """Public: no member, only what one valid key may show."""

    invite: rx.Field[InviteView | None] = rx.field(None)
    error: str = ""
    checking: bool = False

    def _look_up(self, raw: str) -> None:
        self.invite = None
        self.error = ""
        raw = raw.strip()
        if not raw:
            return
        with session_scope() as session:
            try:
                key, assessment = usable_candidate_key(session, raw=raw)
            except KeyExpired:
                self.error = (
                    "This key has expired. Ask the organisation that invited you for a new one."
                )
                return
            except DomainError:
                self.error = UNKNOWN_KEY
                return
            self.invite = InviteView(
                key=key.key,
                org_name=get_organisation(session, org_id=key.org_id).name,
                title=assessment.title,
                role=assessment.role,
                task_brief=assessment.task_brief,
                time_limit=minutes_text(assessment.time_limit_minutes),
                expires=when(key.expires_at),
                used=key.redeemed_at is not None,
            )

    @rx.event
    def load(self):
        self._look_up(self.router.url.query_parameters.get("key", ""))

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
        rx.cond(
            invite["used"],
            rx.callout(
                "This key has already been used to start the assessment.",
                icon="info",
                color_scheme="blue",
                size="1",
                width="100%",
            ),
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
        rx.text(
            "Your key ",
            rx.code(invite["key"]),
            " is valid until ",
            invite["expires"],
            ". The time limit starts when you start the assessment. Please keep the key to "
            "yourself.",
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


@rx.page(
    route="/candidate", title="Your assessment · truelevel", on_load=CandidateLandingState.load
)
def candidate_page() -> rx.Component:
    return public_frame(
        rx.cond(CandidateLandingState.invite, _invite(), _key_form()),
        max_width="40rem",
    )
