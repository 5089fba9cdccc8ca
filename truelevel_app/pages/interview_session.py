"""The candidate's interview page (``/interview/[token]``), opened from the link an instant call
sends: what is recorded and how it is evaluated (with a way to ask for another process), then
each question shown and read aloud, answered with the microphone, listened to, recorded again or
sent, and finally "Finish", which hands the answers to the interview pipeline.

The microphone, the level meter, playback and the upload with its progress bar live in
``assets/interview_recorder.js``; this state keeps only the step the candidate is on. Answers
go straight from the browser to ``PUT /api/v1/interview-sessions/{token}/answers/{index}`` (the
same route an integrator's client uses) as the raw recording, so audio bytes never pass through
Reflex state.
"""

from __future__ import annotations

import json
from typing import Any

import reflex as rx

from backend.db import session_scope
from backend.services.errors import DomainError
from backend.services.interviews import calls as interview_calls
from truelevel_app.components.charts import bar_track
from truelevel_app.components.feedback import error_callout
from truelevel_app.components.layout import public_frame

API_BASE = "/api/v1/interview-sessions"
UNKNOWN_LINK = (
    "This interview link is not valid any more. Ask the organisation that invited you for a new "
    "one."
)
DONE_STATUSES = ("processing", "completed", "failed")


class InterviewSessionState(rx.State):
    """Public: the link's token is the candidate's only credential, and it is never shown."""

    loaded: bool = False
    not_found: bool = False
    org_name: str = ""
    role_title: str = ""
    questions: rx.Field[list[str]] = rx.field(default_factory=list)
    answered: rx.Field[list[bool]] = rx.field(default_factory=list)
    index: int = 0
    # consent → question → done, or alternative when the candidate asked for another process.
    phase: str = "consent"
    consent_given: bool = False
    show_alternative_form: bool = False
    recording: bool = False
    has_take: bool = False
    take_seconds: float = 0.0
    uploading: bool = False
    finishing: bool = False
    error: str = ""

    def _token(self) -> str:
        # The [token] segment of the route (a var Reflex adds to the root state).
        return str(getattr(self, "token", "") or "")

    def _apply(self, view: dict[str, Any]) -> None:
        self.org_name = str(view.get("org_name") or "")
        self.role_title = str(view.get("role_title") or "")
        self.questions = [str(q) for q in view.get("questions") or []]
        self.answered = [bool(a) for a in view.get("answered") or []]
        if view.get("alternative_requested"):
            self.phase = "alternative"
        elif view.get("status") in DONE_STATUSES:
            self.phase = "done"

    def _next_unanswered(self, start: int) -> int:
        count = len(self.answered)
        for offset in range(count):
            i = (start + offset) % count
            if not self.answered[i]:
                return i
        return min(start, max(count - 1, 0))

    @rx.var
    def answered_count(self) -> int:
        return sum(1 for done in self.answered if done)

    @rx.var
    def all_answered(self) -> bool:
        return bool(self.answered) and all(self.answered)

    @rx.var
    def current_question(self) -> str:
        if 0 <= self.index < len(self.questions):
            return self.questions[self.index]
        return ""

    @rx.var
    def current_answered(self) -> bool:
        return 0 <= self.index < len(self.answered) and self.answered[self.index]

    @rx.var
    def progress_percent(self) -> int:
        if not self.questions:
            return 0
        return round(100 * self.answered_count / len(self.questions))

    @rx.event
    def load(self):
        self.loaded = self.not_found = False
        self.error = ""
        self.phase = "consent"
        self.consent_given = self.show_alternative_form = False
        self.recording = self.has_take = self.uploading = self.finishing = False
        try:
            with session_scope() as session:
                view = interview_calls.candidate_view(session, token=self._token())
        except DomainError:
            self.not_found = True
            self.loaded = True
            return
        self._apply(view)
        self.index = self._next_unanswered(0)
        self.loaded = True

    @rx.event
    def set_consent(self, checked: bool):
        self.consent_given = bool(checked)
        if self.consent_given:
            self.error = ""

    @rx.event
    def begin(self):
        if not self.consent_given:
            self.error = "Please confirm that you have read how your answers are recorded."
            return None
        self.error = ""
        self.phase = "question"
        return InterviewSessionState.read_aloud

    @rx.event
    def read_aloud(self):
        """The browser's speech synthesis reads the question (skipped where it is missing)."""
        return rx.call_script(f"window.tlInterview.speak({json.dumps(self.current_question)})")

    @rx.event
    def go_to(self, index: int):
        if self.recording or self.uploading:
            return None
        self.index = max(0, min(int(index), len(self.questions) - 1))
        self.has_take = False
        self.error = ""
        return [rx.call_script("window.tlInterview.discard()"), InterviewSessionState.read_aloud]

    @rx.event
    def start_recording(self):
        self.error = ""
        return rx.call_script(
            "window.tlInterview.start()", callback=InterviewSessionState.recording_started
        )

    @rx.event
    def recording_started(self, result: dict[str, Any]):
        if result and result.get("ok"):
            self.recording = True
            self.has_take = False
        else:
            self.error = (result or {}).get("error") or "Recording could not start."

    @rx.event
    def stop_recording(self):
        return rx.call_script(
            "window.tlInterview.stop()", callback=InterviewSessionState.recording_stopped
        )

    @rx.event
    def recording_stopped(self, result: dict[str, Any]):
        self.recording = False
        result = result or {}
        if result.get("ok"):
            self.has_take = True
            self.take_seconds = float(result.get("seconds") or 0)
        else:
            self.has_take = False
            self.error = result.get("error") or "Nothing was recorded."

    @rx.event
    def record_again(self):
        """The retry: forget this take; the candidate records the answer again."""
        self.has_take = False
        self.error = ""
        return rx.call_script("window.tlInterview.discard()")

    @rx.event
    def send_answer(self):
        if not self.has_take or self.uploading:
            return None
        self.uploading = True
        self.error = ""
        url = f"{API_BASE}/{self._token()}/answers/{self.index}"
        return rx.call_script(
            f"window.tlInterview.upload({json.dumps(url)})",
            callback=InterviewSessionState.answer_sent,
        )

    @rx.event
    def answer_sent(self, result: dict[str, Any]):
        self.uploading = False
        result = result or {}
        if not result.get("ok"):
            self.error = result.get("error") or "The upload failed. Please send it again."
            return None
        answered = list(self.answered)
        answered[self.index] = True
        self.answered = answered
        self.has_take = False
        if not all(answered):
            self.index = self._next_unanswered(self.index + 1)
            return InterviewSessionState.read_aloud
        return None

    @rx.event
    def finish(self):
        if self.finishing:
            return
        self.finishing = True
        self.error = ""
        yield
        try:
            with session_scope() as session:
                interview_calls.finish_interview(session, token=self._token())
        except DomainError as exc:
            self.error = exc.message or "Your answers could not be sent. Please try again."
            self.finishing = False
            return
        self.finishing = False
        self.phase = "done"
        yield rx.call_script("window.tlInterview.discard()")

    @rx.event
    def toggle_alternative_form(self):
        self.show_alternative_form = not self.show_alternative_form

    @rx.event
    def ask_for_alternative(self, form_data: dict[str, Any]):
        note = str(form_data.get("note") or "").strip() or None
        try:
            with session_scope() as session:
                interview_calls.request_alternative(session, token=self._token(), note=note)
        except DomainError as exc:
            self.error = exc.message or UNKNOWN_LINK
            return None
        self.phase = "alternative"
        return rx.call_script("window.tlInterview.discard()")


# -- view ---------------------------------------------------------------------------------------

S = InterviewSessionState


def _alternative_form() -> rx.Component:
    return rx.cond(
        S.show_alternative_form,
        rx.form(
            rx.vstack(
                rx.text(
                    "Tell us what would work better for you (optional): a live call, written "
                    "answers, more time, an accessibility need…",
                    size="2",
                ),
                rx.text_area(name="note", rows="3", width="100%", id="alternative-note"),
                rx.hstack(
                    rx.button("Send my request", type="submit", id="send-alternative"),
                    rx.button(
                        "Cancel",
                        type="button",
                        variant="soft",
                        color_scheme="gray",
                        on_click=S.toggle_alternative_form,
                    ),
                    spacing="2",
                ),
                spacing="2",
                width="100%",
            ),
            on_submit=S.ask_for_alternative,
            width="100%",
            id="alternative-form",
        ),
    )


def _consent() -> rx.Component:
    return rx.vstack(
        rx.text(S.org_name, " invites you to a recorded interview for", size="2"),
        rx.heading(S.role_title, size="6", id="interview-role"),
        rx.text(
            "You will answer ",
            S.questions.length(),
            " questions by speaking. Each question is shown and read aloud; you record your "
            "answer, can listen to it and record it again, and send it when you are happy.",
            size="2",
        ),
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.icon("mic", size=16),
                    rx.text("What is recorded", weight="medium"),
                    align="center",
                ),
                rx.text(
                    "Only the audio of your answers, from the moment you press Record until you "
                    "press Stop. Nothing is recorded between answers, and no video.",
                    size="2",
                ),
                rx.hstack(
                    rx.icon("scale", size=16),
                    rx.text("How it is evaluated", weight="medium"),
                    align="center",
                ),
                rx.text(
                    "Automated tools transcribe your answers and help evaluate them against the "
                    "role's criteria. People at ",
                    S.org_name,
                    " review the results and make every decision; no one is rejected by a machine.",
                    size="2",
                ),
                spacing="2",
            ),
            variant="surface",
            width="100%",
            id="recording-notice",
        ),
        rx.checkbox(
            "I have read this and agree to record my answers.",
            checked=S.consent_given,
            on_change=S.set_consent,
            id="consent-checkbox",
        ),
        error_callout(S.error, id="interview-error"),
        rx.hstack(
            rx.button("Start the interview", on_click=S.begin, size="3", id="start-interview"),
            rx.button(
                "I would prefer an alternative process",
                on_click=S.toggle_alternative_form,
                variant="soft",
                color_scheme="gray",
                size="3",
                id="ask-alternative",
            ),
            wrap="wrap",
            spacing="3",
        ),
        _alternative_form(),
        spacing="4",
        width="100%",
        align="start",
    )


def _level_meter() -> rx.Component:
    # The bar's width is set by interview_recorder.js from the microphone's loudness.
    return rx.vstack(
        rx.text(
            rx.cond(S.recording, "Recording… speak now", "Microphone level"),
            size="1",
            color_scheme=rx.cond(S.recording, "red", "gray"),
        ),
        bar_track(
            "0%",
            colour=rx.color("grass", 9),
            height="10px",
            fill={"id": "level-meter-bar", "transition": "width 60ms linear"},
            custom_attrs={"role": "meter"},
            aria_label="Microphone level",
            id="level-meter",
        ),
        spacing="1",
        width="100%",
    )


def _upload_progress() -> rx.Component:
    # Always in the page so that interview_recorder.js finds it; shown while uploading.
    return rx.vstack(
        bar_track(
            "0%",
            colour=rx.color("accent", 9),
            height="8px",
            fill={"id": "upload-progress-bar"},
            role="progressbar",
            aria_label="Upload progress",
        ),
        rx.text("", id="upload-progress-text", size="1", color_scheme="gray"),
        width="100%",
        spacing="1",
        display=rx.cond(S.uploading, "flex", "none"),
        id="upload-progress",
    )


def _question_dots() -> rx.Component:
    return rx.hstack(
        rx.foreach(
            S.questions,
            lambda _, i: rx.button(
                i + 1,
                size="1",
                variant=rx.cond(i == S.index, "solid", "soft"),
                color_scheme=rx.cond(S.answered[i], "grass", "gray"),
                on_click=S.go_to(i),
                disabled=S.recording | S.uploading,
                aria_label=rx.cond(S.answered[i], "Question answered", "Question not answered"),
                class_name="question-dot",
            ),
        ),
        spacing="1",
        wrap="wrap",
    )


def _take() -> rx.Component:
    # The playback element stays in the page (hidden without a take) so that the recorder can
    # hand it the recording the moment Stop resolves.
    return rx.vstack(
        rx.text(
            "Your answer (",
            S.take_seconds,
            " s). Listen to it before sending, or record it again:",
            size="2",
        ),
        rx.el.audio(id="answer-playback", controls=True, style={"width": "100%"}),
        rx.hstack(
            rx.button(
                rx.icon("send", size=16),
                "Send answer",
                on_click=S.send_answer,
                loading=S.uploading,
                size="3",
                id="send-answer",
            ),
            rx.button(
                rx.icon("rotate-ccw", size=16),
                "Record again",
                on_click=S.record_again,
                variant="soft",
                size="3",
                disabled=S.uploading,
                id="record-again",
            ),
            spacing="3",
        ),
        width="100%",
        spacing="2",
        display=rx.cond(S.has_take & ~S.recording, "flex", "none"),
        id="answer-take",
    )


def _question() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(
                "Question ",
                S.index + 1,
                " of ",
                S.questions.length(),
                size="2",
                color_scheme="gray",
                id="question-position",
            ),
            rx.spacer(),
            rx.text(S.answered_count, " answered", size="2", color_scheme="gray", id="answered"),
            width="100%",
        ),
        rx.progress(value=S.progress_percent, width="100%"),
        _question_dots(),
        rx.heading(S.current_question, size="5", id="question-text"),
        rx.button(
            rx.icon("volume-2", size=16),
            "Read the question again",
            on_click=S.read_aloud,
            variant="ghost",
            size="2",
            id="read-aloud",
        ),
        _level_meter(),
        rx.cond(
            S.recording,
            rx.button(
                rx.icon("square", size=16),
                "Stop",
                on_click=S.stop_recording,
                color_scheme="red",
                size="3",
                id="stop-recording",
            ),
            rx.cond(
                ~S.has_take,
                rx.button(
                    rx.icon("mic", size=16),
                    rx.cond(S.current_answered, "Record a new answer", "Record"),
                    on_click=S.start_recording,
                    size="3",
                    id="start-recording",
                ),
            ),
        ),
        _take(),
        _upload_progress(),
        error_callout(S.error, id="interview-error"),
        rx.cond(
            S.all_answered,
            rx.callout(
                rx.vstack(
                    rx.text("Every question has an answer. Send them when you are ready."),
                    rx.button(
                        "Finish and send my answers",
                        on_click=S.finish,
                        loading=S.finishing,
                        disabled=S.recording | S.uploading,
                        size="3",
                        id="finish-interview",
                    ),
                    spacing="2",
                ),
                icon="circle-check",
                color_scheme="grass",
                width="100%",
            ),
        ),
        spacing="4",
        width="100%",
        align="start",
    )


def _done() -> rx.Component:
    return rx.vstack(
        rx.icon("circle-check", size=32, color=rx.color("grass", 9)),
        rx.heading("Thank you — your answers are sent", size="5", id="interview-done"),
        rx.text(
            S.org_name,
            " will review your interview and get back to you. You can close this page.",
            size="2",
        ),
        spacing="3",
        align="center",
        width="100%",
    )


def _alternative() -> rx.Component:
    return rx.vstack(
        rx.heading("We have passed on your request", size="5", id="alternative-requested"),
        rx.text(
            S.org_name,
            " has been told that you would prefer an alternative process and will contact you. "
            "Asking does not count against you, and nothing you recorded is kept.",
            size="2",
        ),
        spacing="3",
        width="100%",
    )


@rx.page(
    route="/interview/[token]",
    title="Your interview · truelevel",
    on_load=InterviewSessionState.load,
)
def interview_session_page() -> rx.Component:
    body = rx.cond(
        ~S.loaded,
        rx.center(rx.spinner(size="3"), padding="2rem"),
        rx.cond(
            S.not_found,
            error_callout(UNKNOWN_LINK, id="interview-link-error"),
            rx.match(
                S.phase,
                ("question", _question()),
                ("done", _done()),
                ("alternative", _alternative()),
                _consent(),
            ),
        ),
    )
    return rx.fragment(
        rx.script(src="/interview_recorder.js"),
        public_frame(body, max_width="44rem"),
    )
