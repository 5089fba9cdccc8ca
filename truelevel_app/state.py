"""Identity and navigation shared by every page: who is signed in, in which organisation, and
what their role lets them do.

The browser keeps a session token in the HttpOnly ``tl_session`` cookie, which only backend routes
set and clear (backend/api/web_session.py): page scripts never see it. After a password sign-in
(or a sign-up) this app hands the browser a one-time sign-in ticket that the browser exchanges for
the cookie, then loads /dashboard afresh; the single sign-on callback sets the cookie itself. The
state reads the cookie on the server, from the headers of the websocket's handshake, and resolves
it again for every page load and every change rather than remembering it from sign-in.
Page states subclass :class:`AuthState`: their on_load handler calls ``_resolve_member()`` and
redirects to SIGNIN_ROUTE when it returns None; their changing handlers call
``_authorise(permission)`` first, so role checks happen on the server for every action.
List pages add the mixins :class:`PagedState` and :class:`CreateDialogState`; pages that keep
what they show up to date while open add :class:`FollowingState` (a row until it ends) or
:class:`LiveState` (every row, for as long as the page is shown), and the reports a reviewer
decides on (an evaluation, an interview) :class:`ReviewedReportState`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Callable
from typing import TypeVar

import reflex as rx
from pydantic import ValidationError
from sqlmodel import Session
from starlette.requests import cookie_parser

from backend.api.web_session import LOGOUT_PATH, SESSION_COOKIE, WEB_SESSION_PATH
from backend.db import session_scope
from backend.models import Member
from backend.services.errors import NotFound
from backend.services.organisations import end_web_session, get_organisation, member_for_token
from backend.services.sign_in_tickets import issue_ticket
from truelevel_app.display import show_times_in
from truelevel_app.validation import field_errors

SIGNIN_ROUTE = "/signin"
HOME_ROUTE = "/dashboard"

# Role checks live here and nowhere else. Viewers are read-only.
PERMISSIONS: dict[str, frozenset[str]] = {
    "manage_members": frozenset({"admin"}),
    "manage_api_keys": frozenset({"admin"}),
    "manage_billing": frozenset({"admin"}),
    "manage_webhooks": frozenset({"admin"}),
    "manage_settings": frozenset({"admin"}),
    "read_audit_log": frozenset({"admin"}),
    "export_person_data": frozenset({"admin"}),
    "edit": frozenset({"admin", "reviewer"}),
}

ROLE_LABELS = {"admin": "Admin", "reviewer": "Reviewer", "viewer": "Viewer"}

_Tick = TypeVar("_Tick")


def role_can(role: str, permission: str) -> bool:
    """Whether a member with ``role`` may do ``permission`` (a key of PERMISSIONS)."""
    return role in PERMISSIONS[permission]


@dataclasses.dataclass
class MemberView:
    """The signed-in member as the pages need it; never the ORM row."""

    id: str = ""
    name: str = ""
    email: str = ""
    role: str = ""
    org_id: str = ""
    org_name: str = ""
    timezone: str = ""  # IANA name; "": UTC


class AuthState(rx.State):
    """The signed-in member, resolved from the session cookie."""

    member: rx.Field[MemberView] = rx.field(default_factory=MemberView)

    @rx.var
    def is_signed_in(self) -> bool:
        return bool(self.member.id)

    @rx.var
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.member.role, self.member.role)

    @rx.var
    def member_display_name(self) -> str:
        return self.member.name or self.member.email

    @rx.var
    def can_manage_members(self) -> bool:
        return role_can(self.member.role, "manage_members")

    @rx.var
    def can_manage_api_keys(self) -> bool:
        return role_can(self.member.role, "manage_api_keys")

    @rx.var
    def can_manage_billing(self) -> bool:
        return role_can(self.member.role, "manage_billing")

    @rx.var
    def can_manage_webhooks(self) -> bool:
        return role_can(self.member.role, "manage_webhooks")

    @rx.var
    def can_manage_settings(self) -> bool:
        return role_can(self.member.role, "manage_settings")

    @rx.var
    def can_read_audit_log(self) -> bool:
        return role_can(self.member.role, "read_audit_log")

    @rx.var
    def can_export_person_data(self) -> bool:
        return role_can(self.member.role, "export_person_data")

    @rx.var
    def can_edit(self) -> bool:
        return role_can(self.member.role, "edit")

    # -- helpers for page states (not event handlers) -------------------------------------

    def _session_token(self) -> str:
        """The session cookie the browser sent when it opened this page's websocket ("" when
        none): read here, on the server, since page scripts cannot read it."""
        return cookie_parser(self.router.headers.cookie).get(SESSION_COOKIE, "").strip()

    def _resolve_member(self) -> MemberView | None:
        """Look the cookie's token up again; updates ``member`` and returns it (None: signed
        out). Called on every page load and before every change, so a revoked session or a
        deactivated member stops working at once."""
        found: MemberView | None = None
        if token := self._session_token():
            with session_scope() as session:
                row = member_for_token(session, token=token)
                if row is not None:
                    found = _member_view(session, row)
        self.member = found or MemberView()
        show_times_in(self.member.timezone or None)
        return found

    def _authorise(self, permission: str | None = None) -> MemberView | None:
        """The member if signed in and (when given) allowed ``permission``; otherwise None."""
        member = self._resolve_member()
        if member is None:
            return None
        if permission is not None and not role_can(member.role, permission):
            return None
        return member

    def _signed_in(self, signed_in: SignedIn):
        """The event that turns a sign-in checked by :func:`open_web_session` into the session
        cookie: the browser exchanges the ticket at the backend, which sets the cookie, and then
        loads the dashboard afresh, so that its new websocket carries the cookie. A refused
        ticket lands on the sign-in page with the reason."""
        return rx.call_script(_exchange_ticket_script(signed_in.ticket))

    # -- events ------------------------------------------------------------------------------

    @rx.event
    def route_home(self):
        """on_load of "/": the dashboard when signed in, otherwise the sign-in page."""
        target = HOME_ROUTE if self._resolve_member() is not None else SIGNIN_ROUTE
        return rx.redirect(target, replace=True)

    @rx.event
    def logout(self):
        """Revoke the session here (a copy of the cookie stops working even if the browser
        never reaches the next step), then let the backend clear the cookie and start the
        sign-in page afresh."""
        if token := self._session_token():
            with session_scope() as session:
                end_web_session(session, token=token)
        self.member = MemberView()
        return rx.call_script(_leave_script())


@dataclasses.dataclass(frozen=True)
class SignedIn:
    """A sign-in just checked: the one-time ticket the browser exchanges for the session cookie
    (backend/services/sign_in_tickets.py) and who it is for."""

    ticket: str
    member: MemberView


def open_web_session(session: Session, row: Member) -> SignedIn:
    """A sign-in ticket for ``row`` (plain database work: callers run it, with the password
    check before it, in a worker thread)."""
    return SignedIn(issue_ticket(row), _member_view(session, row))


# The browser's side of signing in and out: same-origin requests that send their Origin (the
# pages' Referrer-Policy is no-referrer, which would otherwise make it "null"), followed by a
# full page load so that the next websocket carries the new cookie (or none).
_FETCH_OPTIONS = '{method: "POST", credentials: "same-origin", referrerPolicy: "same-origin"'
_UNREACHABLE = "The server could not be reached. Try again in a moment."


def _exchange_ticket_script(ticket: str) -> str:
    signin_error = f"{json.dumps(SIGNIN_ROUTE + '?error=')} + encodeURIComponent"
    return (
        f"fetch({json.dumps(WEB_SESSION_PATH)}, {_FETCH_OPTIONS}, "
        'headers: {"Content-Type": "application/json"}, '
        f"body: JSON.stringify({{ticket: {json.dumps(ticket)}}})}})"
        ".then(async (answer) => {"
        f" if (answer.ok) {{ window.location.replace({json.dumps(HOME_ROUTE)}); return; }}"
        " let reason = null;"
        " try { reason = (await answer.json()).message; } catch (e) {}"
        f" window.location.replace({signin_error}(reason || {json.dumps(_UNREACHABLE)}));"
        f" }}, () => window.location.replace({signin_error}({json.dumps(_UNREACHABLE)})))"
    )


def _leave_script() -> str:
    return (
        f"fetch({json.dumps(LOGOUT_PATH)}, {_FETCH_OPTIONS}}})"
        f".finally(() => window.location.replace({json.dumps(SIGNIN_ROUTE)}))"
    )


def _member_view(session: Session, row: Member) -> MemberView:
    org = get_organisation(session, org_id=row.org_id)
    return MemberView(
        id=row.id,
        name=row.name,
        email=row.email,
        role=row.role.value if hasattr(row.role, "value") else str(row.role),
        org_id=org.id,
        org_name=org.name,
        timezone=row.timezone or "",
    )


# -- helpers for list pages (mixins: each page state gets its own copy of these vars) -----------


class PagedState(rx.State, mixin=True):
    """First / previous / next / last for a paginated list. The page state defines
    ``_refresh()``, which loads ``page`` (clamping it into range) and sets ``total``, and a
    ``total_pages`` var."""

    page: int = 1
    total: int = 0

    def _refresh(self):
        raise NotImplementedError

    def _show_page(self, page: int):
        """Show ``page``: here, by loading it; a list whose filters live in the address goes
        there instead (``FilteredListState``)."""
        self.page = max(1, page)
        return self._refresh()

    @rx.event
    def next_page(self):
        return self._show_page(self.page + 1)

    @rx.event
    def previous_page(self):
        return self._show_page(self.page - 1)

    @rx.event
    def first_page(self):
        return self._show_page(1)

    @rx.event
    def last_page(self):
        return self._show_page(int(self.total_pages))  # type: ignore[attr-defined]


class CreateDialogState(rx.State, mixin=True):
    """A list page's "create" dialog: whether it is open, its submit spinner, what to fix on
    each field (``field_errors``, shown under the fields) and an error about the whole form."""

    form_error: str = ""
    field_errors: rx.Field[dict[str, str]] = rx.field(default_factory=dict)
    show_create: bool = False
    creating: bool = False

    def _clear_form_errors(self) -> None:
        self.form_error = ""
        self.field_errors = {}

    def _refuse(self, exc: ValidationError, labels: dict[str, str]) -> None:
        """Show a rejected form's problems under their fields (one naming no field above)."""
        errors = field_errors(exc, labels)
        self.form_error = errors.pop("", "")
        self.field_errors = errors

    @rx.event
    def open_create(self):
        self._clear_form_errors()
        self.show_create = True

    @rx.event
    def close_create(self):
        self.show_create = False

    def _reset_create_dialog(self) -> None:
        """On page load: a reload (the state outlives it) must not reopen the dialog."""
        self._clear_form_errors()
        self.show_create = False
        self.creating = False


# -- helper for pages that follow a row while they are open (a mixin, like the ones above) ------


class FollowingState(rx.State, mixin=True):
    """Re-read what the page shows every few seconds while it is open: an evaluation or an
    interview job until it ends, the model status for as long as the page is shown.

    One loop at a time: on_load calls ``_start_following()``, which supersedes any earlier loop
    (a reload starts a new one; the old one sees the change and stops); the page's background
    event captures ``_follow_generation`` with whatever else it needs and runs ``_follow``;
    on_unmount calls ``stop_following``."""

    following: bool = False
    _follow_generation: int = 0

    def _start_following(self, follow: bool = True) -> bool:
        """End any earlier loop; whether a new one should run (``follow``) is returned."""
        self._follow_generation += 1
        self.following = follow
        return follow

    @rx.event
    def stop_following(self):
        """on_unmount: the page was left, so the follow loop ends at its next tick."""
        self.following = False
        self._follow_generation += 1

    def _still_following(self, generation: int) -> bool:
        return self.following and self._follow_generation == generation

    async def _follow(
        self,
        generation: int,
        read: Callable[[], _Tick | None],
        apply: Callable[[_Tick], bool],
        *,
        seconds: float,
    ) -> None:
        """The loop of a background event: every ``seconds`` run ``read`` off the event loop
        (None: nothing new), then ``apply`` its answer to the state; stop once ``apply`` says
        the row reached its end, or the loop of ``generation`` is no longer the current one."""
        while True:
            await asyncio.sleep(seconds)
            async with self:
                if not self._still_following(generation):
                    return
                # A background event starts outside the member's handlers: their time zone.
                member = getattr(self, "member", None)
                show_times_in(getattr(member, "timezone", "") or None)
            try:
                tick = await asyncio.to_thread(read)
            except Exception:  # a passing database hiccup: try again at the next tick
                continue
            if tick is None:
                continue
            async with self:
                if not self._still_following(generation):
                    return
                if apply(tick):
                    self.following = False
                    return


# How often a live page re-reads what it shows.
LIVE_SECONDS = 5.0


class LiveState(FollowingState, mixin=True):
    """A page whose rows change while it is open (lists of evaluations and interviews, an
    assessment's keys, a job's applications): it re-reads them every ``LIVE_SECONDS`` for as
    long as it is shown, so a status moves without a reload.

    The page defines ``_refresh()`` (the same read its on_load does: signed-in check, query,
    rows set), returns ``self._go_live()`` from on_load after its first read, and puts
    :func:`truelevel_app.components.layout.live_marker` (or any ``on_unmount`` that calls
    ``stop_following``) on the page, so leaving it ends the loop."""

    def _refresh(self):
        raise NotImplementedError

    def _go_live(self):
        """on_load: end any earlier loop of this state and start a new one."""
        self._start_following()
        return type(self).keep_live

    @rx.event(background=True)
    async def keep_live(self):
        async with self:
            generation = self._follow_generation
        while True:
            await asyncio.sleep(LIVE_SECONDS)
            async with self:
                if not self._still_following(generation):
                    return
                # Off the event loop (other pages keep answering); the page's own events
                # wait for the lock, so they never see half of a refresh.
                leave = await asyncio.to_thread(self._refresh)
                if leave is not None:  # signed out meanwhile: the page's redirect
                    self.following = False
            if leave is not None:
                yield leave
                return


class ReviewedReportState(FollowingState, mixin=True):
    """A report on one of the organisation's rows, named by the route (an evaluation, an
    interview job), that follows the row while it is worked on and that a reviewer decides on:
    its loading, "not found" and error states, and the reviewer's feedback."""

    loading: bool = True
    not_found: bool = False
    error: str = ""
    review_error: str = ""
    review_notice: str = ""

    def _begin_load(self) -> MemberView | None:
        """on_load's start: the member who asks (None: not signed in), the last load's
        messages cleared."""
        member = self._resolve_member()  # type: ignore[attr-defined]
        if member is not None:
            self.loading = True
            self.not_found = False
            self.error = self.review_error = self.review_notice = ""
        return member

    def _load_row(
        self, read: Callable[[Session], _Tick], apply: Callable[[_Tick], None], *, failed: str
    ) -> None:
        """Show what ``read`` finds; a foreign or unknown id reads as "not found", any other
        failure as the ``failed`` message."""
        try:
            with session_scope() as session:
                apply(read(session))
        except NotFound:
            self.not_found = True
        except Exception:
            self.error = failed
        self.loading = False

    def _reviewer(self, read_only: str) -> MemberView | None:
        """The member who may review, or None with ``read_only`` as the review error."""
        self.review_error = self.review_notice = ""
        member = self._authorise("edit")  # type: ignore[attr-defined]
        if member is None:
            self.review_error = read_only
        return member
