"""Sharing an evaluation report read-only (``backend.services.evaluations.report_shares``): the
card on the report page where a reviewer or admin creates a link for a hiring manager, copies
it, and sees and revokes the links made before."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from backend.db import session_scope
from backend.models.base import iso
from backend.models.report_shares import DEFAULT_SHARE_DAYS
from backend.services.audit import Action, Subject
from backend.services.errors import DomainError
from backend.services.evaluations import report_shares
from truelevel_app.audit_trail import record_by
from truelevel_app.components.feedback import error_callout
from truelevel_app.state import AuthState


class ShareLinkView(TypedDict):
    id: str
    created: str
    expires: str
    state: str  # "active", "expired" or "revoked"
    opened: str


class ReportSharingState(AuthState):
    links: rx.Field[list[ShareLinkView]] = rx.field(default_factory=list)
    new_url: str = ""
    share_error: str = ""

    def _evaluation_id(self) -> str:
        return str(getattr(self, "evaluation_id", "") or "")

    def _read(self, org_id: str) -> None:
        with session_scope() as session:
            rows = report_shares.list_shares(
                session, org_id=org_id, evaluation_id=self._evaluation_id()
            )
            self.links = [
                ShareLinkView(
                    id=row.id,
                    created=(iso(row.created_at) or "")[:16].replace("T", " "),
                    expires=(iso(row.expires_at) or "")[:16].replace("T", " "),
                    state=(
                        "revoked"
                        if row.revoked_at is not None
                        else "active"
                        if report_shares.is_live(row)
                        else "expired"
                    ),
                    opened=f"opened {row.opened_count}×",
                )
                for row in rows
            ]

    @rx.event
    def load(self):
        self.new_url, self.share_error, self.links = "", "", []
        member = self._authorise("edit")
        if member is not None:
            try:
                self._read(member.org_id)
            except DomainError:
                self.links = []

    @rx.event
    def create(self):
        member = self._authorise("edit")
        if member is None:
            self.share_error = "Only reviewers and admins can share reports."
            return
        try:
            with session_scope() as session:
                _, self.new_url = report_shares.create_share(
                    session,
                    org_id=member.org_id,
                    evaluation_id=self._evaluation_id(),
                    created_by=f"member:{member.id}",
                )
            shared = self._evaluation_id()
            record_by(member, Action.shared, Subject.evaluation, shared, "share link created")
            self._read(member.org_id)
            self.share_error = ""
        except DomainError as exc:
            self.share_error = exc.message

    @rx.event
    def revoke(self, share_id: str):
        member = self._authorise("edit")
        if member is None:
            return
        try:
            with session_scope() as session:
                report_shares.revoke_share(
                    session,
                    org_id=member.org_id,
                    evaluation_id=self._evaluation_id(),
                    share_id=share_id,
                )
            revoked = self._evaluation_id()
            record_by(member, Action.shared, Subject.evaluation, revoked, "share link revoked")
            self.new_url = ""
            self._read(member.org_id)
        except DomainError as exc:
            self.share_error = exc.message


S = ReportSharingState


def _link_row(link) -> rx.Component:
    return rx.hstack(
        rx.badge(
            link["state"],
            color_scheme=rx.match(link["state"], ("active", "green"), ("revoked", "red"), "gray"),
            variant="soft",
        ),
        rx.text(
            "made ", link["created"], " · until ", link["expires"], " · ", link["opened"], size="2"
        ),
        rx.spacer(),
        rx.cond(
            link["state"] == "active",
            rx.button(
                "Revoke",
                size="1",
                variant="soft",
                color_scheme="red",
                on_click=S.revoke(link["id"]),
                class_name="revoke-share",
            ),
        ),
        width="100%",
        align="center",
        wrap="wrap",
        class_name="share-link",
    )


def share_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Share with a hiring manager", size="3"),
                rx.spacer(),
                rx.button(
                    rx.icon("link", size=14),
                    f"Create a read-only link ({DEFAULT_SHARE_DAYS} days)",
                    variant="soft",
                    on_click=S.create,
                    id="create-share-link",
                ),
                width="100%",
                align="center",
                wrap="wrap",
            ),
            rx.text(
                "Whoever has the link sees the verdict, the scores with their observations and "
                "the risk flags, without signing in, until it expires or you revoke it.",
                size="2",
                color_scheme="gray",
            ),
            error_callout(S.share_error),
            rx.cond(
                S.new_url != "",
                rx.hstack(
                    rx.code(S.new_url, id="new-share-url", word_break="break-all"),
                    rx.button(
                        rx.icon("copy", size=14),
                        "Copy",
                        size="1",
                        variant="soft",
                        on_click=rx.set_clipboard(S.new_url),
                        id="copy-share-url",
                    ),
                    align="center",
                    wrap="wrap",
                ),
            ),
            rx.foreach(S.links, _link_row),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="share-card",
    )
