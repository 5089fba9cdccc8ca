"""The interview report's Speakers card: each speaker label with its share of the talk and its
first words, a role to choose (interviewer, candidate, or "same person as" another label), and
"Save and re-score" (``backend.services.interviews.speaker_roles``). While a worker re-scores,
the card says so and the report keeps the previous result; then it shows who confirmed the
roles. The page (``interview_report``) owns the state and its events; this module builds the
view models and the card.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypedDict

import reflex as rx

from backend.models.interviews import RescoreStatus, SpeakerRoleConfirmation
from backend.services.interviews import speaker_roles
from truelevel_app.display import when_iso
from truelevel_app.state import AuthState

ROLE_LABELS = {"interviewer": "Interviewer", "candidate": "Candidate"}


class RoleOption(TypedDict):
    value: str
    label: str


class SpeakerCard(TypedDict):
    id: str
    role_label: str
    share: str  # "62 %" of the talk time
    first_words: str
    choice: str  # the select's value: a role, or the label this one is the same person as
    options: list[RoleOption]


class RolesView(TypedDict):
    confirmed: bool  # the result shown was scored with roles a person confirmed
    confirmed_by: str
    confirmed_at: str
    rescoring: bool  # a worker is re-scoring with newer roles
    rescoring_by: str
    failed: str  # why the latest re-scoring failed, else ""


def empty_roles() -> RolesView:
    return RolesView(
        confirmed=False,
        confirmed_by="",
        confirmed_at="",
        rescoring=False,
        rescoring_by="",
        failed="",
    )


def speaker_cards(result: dict[str, Any]) -> list[SpeakerCard]:
    summaries = speaker_roles.speaker_summaries(result)
    cards = []
    for speaker in summaries:
        others = [s.id for s in summaries if s.id != speaker.id]
        options = [RoleOption(value=r, label=label) for r, label in ROLE_LABELS.items()]
        options += [RoleOption(value=o, label=f"Same person as {o}") for o in others]
        cards.append(
            SpeakerCard(
                id=speaker.id,
                role_label=ROLE_LABELS.get(speaker.role, "No role"),
                share=f"{round(100 * speaker.talk_share)} %",
                first_words=speaker.first_words,
                choice=speaker.role or "candidate",
                options=options,
            )
        )
    return cards


def roles_view(result: dict[str, Any], latest: SpeakerRoleConfirmation | None) -> RolesView:
    """Who confirmed the roles the shown result was scored with, and how the newest
    confirmation's re-scoring goes."""
    confirmed = result.get("speaker_roles") if isinstance(result, dict) else None
    confirmed = confirmed if isinstance(confirmed, dict) else {}
    active = latest is not None and latest.status in speaker_roles.ACTIVE
    failed = latest is not None and latest.status == RescoreStatus.failed.value
    return RolesView(
        confirmed=bool(confirmed.get("confirmed_by")),
        confirmed_by=str(confirmed.get("confirmed_by") or ""),
        confirmed_at=when_iso(confirmed.get("confirmed_at")),
        rescoring=active,
        rescoring_by=latest.confirmed_by if active and latest is not None else "",
        failed=(latest.error or "Re-scoring failed.") if failed and latest is not None else "",
    )


def _speaker_row(card, choose: Callable[[Any, Any], Any]) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.hstack(
                rx.text(card["id"], weight="medium", class_name="speaker-label"),
                rx.badge(card["role_label"], variant="soft", class_name="speaker-role"),
                rx.text(card["share"], size="2", color_scheme="gray", class_name="speaker-share"),
                align="center",
                spacing="2",
            ),
            rx.text("“", card["first_words"], "…”", size="2", class_name="speaker-first-words"),
            spacing="1",
            align="start",
            flex="1",
        ),
        rx.cond(
            AuthState.can_edit,
            rx.select.root(
                rx.select.trigger(
                    aria_label="Role of " + card["id"].to(str),
                    min_width="12rem",
                    class_name="speaker-role-select",
                ),
                rx.select.content(
                    rx.foreach(
                        card["options"],
                        lambda o: rx.select.item(o["label"], value=o["value"]),
                    )
                ),
                value=card["choice"],
                on_change=lambda value: choose(card["id"], value),
            ),
        ),
        align="center",
        width="100%",
        padding_y="0.4rem",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        class_name="speaker-row",
        custom_attrs={"data-speaker": card["id"]},
    )


def speakers_card(
    *,
    speakers,
    roles,
    saving,
    error,
    choose: Callable[[Any, Any], Any],
    save: Any,
) -> rx.Component:
    """The card; ``speakers`` and ``roles`` are the state's vars, ``choose`` and ``save`` its
    events."""
    return rx.card(
        rx.vstack(
            rx.heading("Speakers", size="4"),
            rx.text(
                "Who is who decides whose answers are scored. Correct a role, or mark two "
                "labels as the same person, then re-score: the transcript is assessed again, "
                "at no charge.",
                size="2",
                color_scheme="gray",
            ),
            rx.vstack(
                rx.foreach(speakers, lambda c: _speaker_row(c, choose)), spacing="0", width="100%"
            ),
            rx.cond(
                roles["rescoring"],
                rx.callout(
                    rx.hstack(
                        rx.spinner(size="2"),
                        rx.text(
                            "Re-scoring with the roles confirmed by ",
                            roles["rescoring_by"],
                            ". The report below is the previous one until it is done.",
                        ),
                        align="center",
                    ),
                    color_scheme="indigo",
                    size="1",
                    width="100%",
                    id="rescoring",
                ),
            ),
            rx.cond(
                roles["confirmed"],
                rx.text(
                    "Roles confirmed by ",
                    rx.text.strong(roles["confirmed_by"]),
                    ", ",
                    roles["confirmed_at"],
                    ".",
                    size="2",
                    id="roles-confirmed",
                ),
            ),
            rx.cond(
                roles["failed"] != "",
                rx.callout(roles["failed"], icon="triangle-alert", color_scheme="red", size="1"),
            ),
            rx.cond(
                error != "",
                rx.callout(
                    error, icon="triangle-alert", color_scheme="red", size="1", id="speakers-error"
                ),
            ),
            rx.cond(
                AuthState.can_edit,
                rx.button(
                    "Save and re-score",
                    on_click=save,
                    loading=saving,
                    disabled=roles["rescoring"],
                    id="save-speakers",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="speakers",
    )
