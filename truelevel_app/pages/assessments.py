"""Assessments: the list with a create form, and one assessment with its candidate keys."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx
from pydantic import ValidationError
from sqlalchemy import func
from sqlmodel import Session, col, select

from backend.db import session_scope
from backend.models import Assessment, CandidateKey, Evaluation
from backend.models.assessments import (
    DEFAULT_TARGET_LEVEL,
    LEVELS,
    MAX_KEYS,
    MIN_KEYS,
    AssessmentCreate,
    KeysCreate,
)
from backend.services.assessments import (
    create_assessment,
    delete_assessment,
    get_assessment,
    page_of_assessments,
)
from backend.services.candidate_keys import (
    generate_keys,
    invite_link,
    page_of_keys,
    public_keys,
    revoke_key,
)
from backend.services.errors import DomainError, NotFound
from backend.services.evaluations.comparison import MAX_COMPARED, MIN_COMPARED
from backend.services.invite_delivery import InviteDelivery, invite_deliveries, mail_enabled
from backend.services.organisation_settings import default_target_level
from backend.services.rubrics import list_rubrics
from truelevel_app.components.badges import status_badge
from truelevel_app.components.details import detail_frame, text_and_facts
from truelevel_app.components.dialogs import confirm_dialog, form_dialog
from truelevel_app.components.feedback import copy_link_button, error_callout, success_callout
from truelevel_app.components.forms import labelled, select_field, text_area, text_field
from truelevel_app.components.layout import app_shell, live_marker, new_button, page_header
from truelevel_app.components.tables import data_table, list_pagination, paged_table
from truelevel_app.display import invite_text, minutes_text, when, when_iso
from truelevel_app.paging import page_count
from truelevel_app.state import (
    SIGNIN_ROUTE,
    AuthState,
    CreateDialogState,
    LiveState,
    PagedState,
)
from truelevel_app.validation import field_errors

PAGE_SIZE = 20
READ_ONLY = "Viewers cannot change assessments. Ask an admin for the reviewer role."
ASSESSMENT_LABELS = {
    "title": "Title",
    "role": "Role",
    "task_brief": "Task brief",
    "taskBrief": "Task brief",
    "repo_url": "Repository URL",
    "repoUrl": "Repository URL",
    "time_limit_minutes": "Time limit",
    "timeLimitMinutes": "Time limit",
    "expires_in_days": "Key expiry",
    "expiresInDays": "Key expiry",
    "target_level": "Target level",
    "targetLevel": "Target level",
}
COUNT_ERROR = f"Enter how many keys to make: a whole number from {MIN_KEYS} to {MAX_KEYS}."
COUNT_ERROR_EMAILS = f"One key is made per candidate line: at most {MAX_KEYS} candidates at a time."
KEY_LABELS = {
    "count": "Number of keys",
    "candidate_emails": "Candidate emails",
    "candidateEmails": "Candidate emails",
    "candidate_names": "Candidate names",
    "candidateNames": "Candidate names",
}


class AssessmentRow(TypedDict):
    id: str
    title: str
    role: str
    time_limit: str
    expiry: str
    keys: int
    created: str


class KeyRow(TypedDict):
    id: str
    key: str
    candidate: str
    status: str
    expires: str
    created: str
    invite_link: str
    invite: str
    invite_state: str
    evaluation_id: str  # "" until the candidate's session has a submission


class RubricChoice(TypedDict):
    value: str  # a rubric version's id, or BUILT_IN_RUBRIC
    label: str


# The "Rubric" choice that names no rubric: the organisation's default scores the assessment.
BUILT_IN_RUBRIC = "default"


def rubric_choices(session: Session, org_id: str) -> list[RubricChoice]:
    """The rubrics a new assessment can use: the default, then the latest version of each of
    the organisation's own (an assessment keeps the version it was created with)."""
    own = [r for r in list_rubrics(session, org_id=org_id) if not r.is_default]
    return [
        RubricChoice(value=BUILT_IN_RUBRIC, label="Default rubric"),
        *(RubricChoice(value=r.id, label=f"{r.name} · version {r.version}") for r in own),
    ]


class AssessmentView(TypedDict):
    id: str
    title: str
    role: str
    task_brief: str
    repo_url: str
    time_limit: str
    expiry: str
    target_level: str
    created: str


def _live_key_counts(session: Session, assessment_ids: list[str]) -> dict[str, int]:
    """Live (not revoked) keys per assessment, in one query (a small read helper)."""
    if not assessment_ids:
        return {}
    rows = session.exec(
        select(CandidateKey.assessment_id, func.count())
        .where(
            col(CandidateKey.assessment_id).in_(assessment_ids),
            col(CandidateKey.revoked_at).is_(None),
        )
        .group_by(CandidateKey.assessment_id)
    )
    return dict(rows.all())


def _whole_number(raw: str) -> int | None:
    try:
        return int(raw.strip())
    except ValueError:
        return None


def _optional_int(raw: str) -> int | str | None:
    """An optional number field: None when empty; what is not a number goes to validation
    as typed, which says so on its field."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        return raw


def _assessment_row(a: Assessment, keys: int) -> AssessmentRow:
    return AssessmentRow(
        id=a.id,
        title=a.title,
        role=a.role,
        time_limit=minutes_text(a.time_limit_minutes),
        expiry=f"{a.expires_in_days} days",
        keys=keys,
        created=when(a.created_at),
    )


class AssessmentsState(PagedState, CreateDialogState, AuthState):
    rows: rx.Field[list[AssessmentRow]] = rx.field(default_factory=list)
    loading: bool = True
    error: str = ""
    # The organisation's default (its Settings page), chosen in the "New assessment" form.
    default_level: str = DEFAULT_TARGET_LEVEL
    rubrics: rx.Field[list[RubricChoice]] = rx.field(default_factory=list)

    @rx.var
    def total_pages(self) -> int:
        return page_count(self.total, PAGE_SIZE)

    def _reload(self, org_id: str) -> None:
        with session_scope() as session:
            result = page_of_assessments(session, org_id=org_id, page=self.page, size=PAGE_SIZE)
            self.total, self.page, shown = result.total, result.page, result.items
            counts = _live_key_counts(session, [a.id for a in shown])
            self.rows = [_assessment_row(a, counts.get(a.id, 0)) for a in shown]
            self.default_level = default_target_level(session, org_id=org_id)
            self.rubrics = rubric_choices(session, org_id)

    def _refresh(self):
        member = self._resolve_member()
        if member is None:
            return rx.redirect(SIGNIN_ROUTE, replace=True)
        self.error = ""
        try:
            self._reload(member.org_id)
        except Exception:
            self.error = "The assessments could not be loaded. Try again in a moment."
        self.loading = False
        return None

    @rx.event
    def load(self):
        self._reset_create_dialog()
        return self._refresh()

    @rx.event
    def create(self, form_data: dict[str, str]):
        self._clear_form_errors()
        member = self._authorise("edit")
        if member is None:
            self.form_error = READ_ONLY
            return
        try:
            data = AssessmentCreate.model_validate(
                {
                    "title": form_data.get("title", ""),
                    "role": form_data.get("role", ""),
                    "task_brief": form_data.get("task_brief", ""),
                    "repo_url": form_data.get("repo_url", "").strip() or None,
                    "time_limit_minutes": _optional_int(form_data.get("time_limit_minutes", "")),
                    "expires_in_days": _optional_int(form_data.get("expires_in_days", "")),
                    "target_level": form_data.get("target_level") or None,
                    "rubric_id": None
                    if form_data.get("rubric", BUILT_IN_RUBRIC) == BUILT_IN_RUBRIC
                    else form_data.get("rubric"),
                }
            )
        except ValidationError as exc:
            self._refuse(exc, ASSESSMENT_LABELS)
            return
        self.creating = True
        yield
        try:
            with session_scope() as session:
                assessment = create_assessment(session, org_id=member.org_id, data=data)
                new_id = assessment.id
        except DomainError as exc:
            self.form_error = exc.message
            return
        finally:
            self.creating = False
        self.show_create = False
        yield rx.redirect(f"/assessments/{new_id}")


def _evaluations_by_session(session: Session, org_id: str, keys: list) -> dict[str, str]:
    """Session id → the id of the evaluation submitted from it (one per session)."""
    session_ids = [k.session_id for k in keys if k.session_id]
    if not session_ids:
        return {}
    rows = session.exec(
        select(Evaluation.session_id, Evaluation.id).where(
            col(Evaluation.org_id) == org_id, col(Evaluation.session_id).in_(session_ids)
        )
    )
    return dict(rows.all())


def _key_row(data: dict, delivery: InviteDelivery, evaluation_id: str = "") -> KeyRow:
    name, email = data.get("candidate_name"), data.get("candidate_email")
    candidate = f"{name} <{email}>" if name and email else (email or name or "—")
    return KeyRow(
        id=data["id"],
        key=data["key"],
        candidate=candidate,
        status=data["status"],
        expires=when_iso(data["expires_at"]),
        created=when_iso(data["created_at"]),
        invite_link=invite_link(data["key"]),
        invite=invite_text(delivery),
        invite_state=delivery.state,
        evaluation_id=evaluation_id,
    )


def _generated_notice(made: int, invited: int, *, mail_on: bool) -> str:
    """After generating: how many keys, and honestly whether their invites can leave."""
    text = f"Generated {made} {'key' if made == 1 else 'keys'}."
    if not invited:
        return text
    emails, were = ("email", "was") if invited == 1 else ("emails", "were")
    if not mail_on:
        return (
            f"{text} The {invited} invite {emails} {were} NOT sent: email is not set up on this "
            "server. Copy each candidate's link below and send it yourself."
        )
    return f"{text} {invited} invite {emails} queued; the Invite column shows when each is sent."


def _parse_candidates(text: str) -> tuple[list[str], list[str]]:
    """Lines of ``email`` or ``email, name`` (or ``Name <email>``) into emails and names."""
    emails: list[str] = []
    names: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if "<" in line and line.endswith(">"):
            name, _, email = line[:-1].partition("<")
        else:
            email, _, name = line.partition(",")
        emails.append(email.strip())
        names.append(name.strip().strip('"'))
    return emails, names


def _candidates_problem(exc: ValidationError, emails: list[str]) -> str:
    """The first refused candidate line, in the words of the field."""
    for error in exc.errors():
        where = [p for p in error.get("loc", ()) if isinstance(p, int)]
        if where and where[0] < len(emails):
            return (
                f"“{emails[where[0]]}” is not an email address. Write one candidate per line "
                "as “email, name”."
            )
    return " ".join(field_errors(exc, KEY_LABELS).values()) or "Check the candidates."


class AssessmentDetailState(LiveState, PagedState, AuthState):
    assessment: rx.Field[AssessmentView] = rx.field(
        default_factory=lambda: AssessmentView(
            id="",
            title="",
            role="",
            task_brief="",
            repo_url="",
            time_limit="",
            expiry="",
            target_level="",
            created="",
        )
    )
    keys: rx.Field[list[KeyRow]] = rx.field(default_factory=list)
    loading: bool = True
    not_found: bool = False
    error: str = ""
    keys_error: str = ""
    count_error: str = ""
    # What to fix in the candidates field (under it): {"candidates": message}.
    candidate_errors: rx.Field[dict[str, str]] = rx.field(default_factory=dict)
    notice: str = ""
    generating: bool = False
    confirm_key_id: str = ""
    confirm_key: str = ""
    confirm_delete: bool = False
    mail_enabled: bool = True
    compare_ids: rx.Field[list[str]] = rx.field(default_factory=list)

    def _current_id(self) -> str:
        # The [assessment_id] segment of the route (a var Reflex adds to the root state).
        return str(getattr(self, "assessment_id", "") or "")

    @rx.var
    def total_pages(self) -> int:
        return page_count(self.total, PAGE_SIZE)

    def _reload(self, org_id: str) -> None:
        with session_scope() as session:
            a = get_assessment(session, org_id=org_id, assessment_id=self._current_id())
            self.assessment = AssessmentView(
                id=a.id,
                title=a.title,
                role=a.role,
                task_brief=a.task_brief,
                repo_url=a.repo_url or "",
                time_limit=minutes_text(a.time_limit_minutes),
                expiry=f"{a.expires_in_days} days after generation",
                target_level=a.target_level,
                created=when(a.created_at),
            )
            # A page of keys, newest first, so freshly generated keys are at the top. The
            # candidates chosen to compare stay chosen from page to page.
            shown = page_of_keys(
                session, org_id=org_id, assessment_id=a.id, page=self.page, size=PAGE_SIZE
            )
            self.total, self.page, keys = shown.total, shown.page, shown.items
            deliveries = invite_deliveries(session, keys=keys)
            self.mail_enabled = mail_enabled()
            submitted = _evaluations_by_session(session, org_id, keys)
            self.keys = [
                _key_row(k.model_dump(), deliveries[k.id], submitted.get(k.session_id or "", ""))
                for k in public_keys(session, keys=keys)
            ]

    @rx.event
    def toggle_compare(self, evaluation_id: str, checked: bool):
        chosen = [i for i in self.compare_ids if i != evaluation_id]
        if checked and evaluation_id and len(chosen) < MAX_COMPARED:
            chosen.append(evaluation_id)
        self.compare_ids = chosen

    @rx.event
    def open_compare(self):
        if MIN_COMPARED <= len(self.compare_ids) <= MAX_COMPARED:
            ids = ",".join(self.compare_ids)
            return rx.redirect(f"/assessments/{self._current_id()}/compare?ids={ids}")
        return None

    def _refresh(self):
        """Read the assessment and its page of keys (on load, on PagedState's buttons, then
        every few seconds: each key's status follows its candidate)."""
        member = self._resolve_member()
        if member is None:
            return rx.redirect(SIGNIN_ROUTE, replace=True)
        try:
            self._reload(member.org_id)
            self.error = ""
        except NotFound:
            self.not_found = True
        except Exception:
            self.error = "The assessment could not be loaded. Try again in a moment."
        self.loading = False
        return None

    @rx.event
    def load(self):
        self.loading = True
        self.not_found = False
        self.error = self.keys_error = self.count_error = self.notice = ""
        self.confirm_key_id = ""
        self.confirm_delete = False
        self.keys = []
        self.compare_ids = []
        self.page = 1
        leave = self._refresh()
        if leave is not None or self.not_found:
            return leave
        return self._go_live()

    @rx.event
    def generate(self, form_data: dict[str, str]):
        self.keys_error = self.count_error = self.notice = ""
        self.candidate_errors = {}
        member = self._authorise("edit")
        if member is None:
            self.keys_error = READ_ONLY
            return
        emails, names = _parse_candidates(form_data.get("candidates", ""))
        count = len(emails) or _whole_number(form_data.get("count", ""))
        if count is None or not MIN_KEYS <= count <= MAX_KEYS:
            # Never round a refused number up to a key nobody asked for.
            self.count_error = COUNT_ERROR_EMAILS if emails else COUNT_ERROR
            return
        try:
            data = KeysCreate.model_validate(
                {
                    "count": count,
                    "candidate_emails": emails or None,
                    "candidate_names": names if any(names) else None,
                }
            )
        except ValidationError as exc:
            self.candidate_errors = {"candidates": _candidates_problem(exc, emails)}
            return
        self.generating = True
        yield
        try:
            with session_scope() as session:
                made = generate_keys(
                    session, org_id=member.org_id, assessment_id=self._current_id(), data=data
                )
                invited = sum(1 for k in made if k.candidate_email)
            self.notice = _generated_notice(len(made), invited, mail_on=mail_enabled())
            self.page = 1  # where the new keys are
            self._reload(member.org_id)
        except DomainError as exc:
            self.keys_error = exc.message
            return
        finally:
            self.generating = False
        yield rx.call_script("document.getElementById('generate-keys-form')?.reset()")

    @rx.event
    def ask_revoke(self, key_id: str, key: str):
        self.confirm_key_id, self.confirm_key = key_id, key

    @rx.event
    def cancel_revoke(self):
        self.confirm_key_id = ""

    @rx.event
    def confirm_revoke(self):
        key_id, self.confirm_key_id = self.confirm_key_id, ""
        self.keys_error = self.notice = ""
        member = self._authorise("edit")
        if member is None:
            self.keys_error = READ_ONLY
            return
        try:
            with session_scope() as session:
                key = revoke_key(
                    session, org_id=member.org_id, assessment_id=self._current_id(), key_id=key_id
                )
                self.notice = f"Key {key.key} was revoked; it can no longer be used."
            self._reload(member.org_id)
        except DomainError as exc:
            self.keys_error = exc.message

    @rx.event
    def ask_delete(self):
        self.confirm_delete = True

    @rx.event
    def cancel_delete(self):
        self.confirm_delete = False

    @rx.event
    def confirm_delete_assessment(self):
        self.confirm_delete = False
        member = self._authorise("edit")
        if member is None:
            self.error = READ_ONLY
            return None
        try:
            with session_scope() as session:
                delete_assessment(session, org_id=member.org_id, assessment_id=self._current_id())
        except DomainError as exc:
            self.error = exc.message
            return None
        return rx.redirect("/assessments")


# -- list page ---------------------------------------------------------------------------------


def _assessment_row_view(row) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.link(row["title"], href="/assessments/" + row["id"].to(str), weight="medium")
        ),
        rx.table.cell(row["role"]),
        rx.table.cell(row["time_limit"]),
        rx.table.cell(row["expiry"]),
        rx.table.cell(row["keys"]),
        rx.table.cell(row["created"], white_space="nowrap"),
        class_name="assessment-row",
    )


def _create_dialog() -> rx.Component:
    errors = AssessmentsState.field_errors
    return form_dialog(
        text_field(
            "Title",
            "title",
            required=True,
            placeholder="Backend take-home: rate limiter",
            errors=errors,
        ),
        text_field(
            "Role", "role", required=True, placeholder="Senior Backend Engineer", errors=errors
        ),
        text_area(
            "Task brief",
            "task_brief",
            rows="6",
            placeholder="What the candidate builds, and what good looks like.",
            errors=errors,
        ),
        text_field(
            "Repository URL",
            "repo_url",
            placeholder="https://github.com/acme/starter (optional)",
            errors=errors,
        ),
        rx.hstack(
            text_field(
                "Time limit (minutes)",
                "time_limit_minutes",
                type="number",
                placeholder="e.g. 180",
                min="1",
                max="10080",
                hint="Empty: no limit.",
                errors=errors,
            ),
            text_field(
                "Keys expire after (days)",
                "expires_in_days",
                type="number",
                default_value="7",
                min="1",
                max="365",
                errors=errors,
            ),
            spacing="3",
            width="100%",
        ),
        labelled(
            "Rubric",
            rx.select.root(
                rx.select.trigger(width="100%", id="assessment-rubric"),
                rx.select.content(
                    rx.foreach(
                        AssessmentsState.rubrics,
                        lambda r: rx.select.item(r["label"], value=r["value"]),
                    )
                ),
                name="rubric",
                default_value=BUILT_IN_RUBRIC,
            ),
            "Scores every take-home of this assessment. Edit rubrics under Rubrics; an "
            "assessment keeps the version chosen here.",
        ),
        select_field(
            "Target level",
            "target_level",
            list(LEVELS),
            default=AssessmentsState.default_level,
            hint="Every take-home submitted for this assessment is judged against this level.",
            id="target-level",
            errors=errors,
        ),
        open=AssessmentsState.show_create,
        title="New assessment",
        description="Candidates see the title, role and brief when they open their invite.",
        error=AssessmentsState.form_error,
        error_id="assessment-error",
        submit_label="Create assessment",
        submitting=AssessmentsState.creating,
        on_submit=AssessmentsState.create,
        on_cancel=AssessmentsState.close_create,
        form_id="create-assessment-form",
        max_width="36rem",
    )


@rx.page(route="/assessments", title="Assessments · truelevel", on_load=AssessmentsState.load)
def assessments_page() -> rx.Component:
    return app_shell(
        page_header(
            "Assessments",
            "Take-home tasks with their brief, repository, time limit and candidate keys.",
            new_button(
                "New assessment", on_click=AssessmentsState.open_create, id="new-assessment"
            ),
        ),
        paged_table(
            AssessmentsState,
            noun="assessments",
            columns=["Title", "Role", "Time limit", "Key expiry", "Live keys", "Created"],
            render_row=_assessment_row_view,
            empty_title="No assessments yet — create your first assessment",
            empty_hint="An assessment is a task brief or repository that candidates work on "
            "with a key you send them.",
            empty_icon="clipboard-list",
            table_id="assessments-table",
        ),
        _create_dialog(),
    )


# -- detail page -------------------------------------------------------------------------------


def _compare_cell(row) -> rx.Component:
    return rx.table.cell(
        rx.cond(
            row["evaluation_id"] != "",
            rx.checkbox(
                checked=AssessmentDetailState.compare_ids.contains(row["evaluation_id"]),
                on_change=lambda checked: AssessmentDetailState.toggle_compare(
                    row["evaluation_id"], checked
                ),
                aria_label="Compare " + row["candidate"].to(str),
                class_name="compare-pick",
            ),
        )
    )


def _compare_bar() -> rx.Component:
    chosen = AssessmentDetailState.compare_ids.length()  # type: ignore[attr-defined]
    return rx.hstack(
        rx.button(
            rx.icon("columns-3", size=14),
            "Compare",
            rx.cond(chosen > 0, rx.text.span(" (", chosen, ")")),
            variant="soft",
            disabled=chosen < MIN_COMPARED,
            on_click=AssessmentDetailState.open_compare,
            id="compare-candidates",
        ),
        rx.text(
            f"Tick {MIN_COMPARED}–{MAX_COMPARED} candidates with a submission to compare them.",
            size="1",
            color_scheme="gray",
        ),
        spacing="3",
        align="center",
        wrap="wrap",
    )


def _key_row_view(row) -> rx.Component:
    return rx.table.row(
        _compare_cell(row),
        rx.table.row_header_cell(
            rx.code(row["key"], size="2", variant="ghost", class_name="candidate-key")
        ),
        rx.table.cell(row["candidate"]),
        rx.table.cell(status_badge(row["status"])),
        rx.table.cell(
            rx.text(
                row["invite"],
                size="2",
                color_scheme=rx.match(
                    row["invite_state"],
                    ("sent", "green"),
                    ("failed", "red"),
                    ("none", "gray"),
                    "orange",
                ),
                class_name="invite-delivery",
            )
        ),
        rx.table.cell(row["expires"], white_space="nowrap"),
        rx.table.cell(
            rx.hstack(
                copy_link_button(
                    row["invite_link"],
                    copied="Invite link copied to the clipboard.",
                    aria_label="Copy invite link",
                    class_name="copy-invite",
                ),
                rx.cond(
                    AuthState.can_edit,
                    rx.button(
                        "Revoke",
                        size="1",
                        variant="soft",
                        color_scheme="red",
                        on_click=AssessmentDetailState.ask_revoke(row["id"], row["key"]),
                        class_name="revoke-candidate-key",
                    ),
                ),
                spacing="2",
                align="center",
            )
        ),
        class_name="candidate-key-row",
    )


def _generate_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Generate candidate keys", size="3"),
            error_callout(AssessmentDetailState.keys_error, id="keys-error"),
            rx.form(
                rx.vstack(
                    rx.hstack(
                        rx.box(
                            text_field(
                                "Number of keys",
                                "count",
                                type="number",
                                default_value="1",
                                id="key-count",
                                aria_invalid=AssessmentDetailState.count_error != "",
                                aria_describedby="key-count-error",
                            ),
                            rx.cond(
                                AssessmentDetailState.count_error != "",
                                rx.text(
                                    AssessmentDetailState.count_error,
                                    size="1",
                                    color_scheme="red",
                                    role="alert",
                                    id="key-count-error",
                                    margin_top="0.25rem",
                                ),
                            ),
                            width="12rem",
                        ),
                        rx.box(
                            text_area(
                                "Candidates (optional)",
                                "candidates",
                                rows="3",
                                placeholder="ada@example.com, Ada Lovelace\ngrace@example.com",
                                errors=AssessmentDetailState.candidate_errors,
                                error_id="candidates-error",
                            ),
                            flex="1",
                        ),
                        spacing="4",
                        width="100%",
                        align="start",
                    ),
                    rx.text(
                        "One candidate per line as “email, name”. With candidates, one key is "
                        "made per line and an invite email is queued for each.",
                        size="1",
                        color_scheme="gray",
                    ),
                    rx.button(
                        "Generate keys", type="submit", loading=AssessmentDetailState.generating
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=AssessmentDetailState.generate,
                reset_on_submit=False,
                id="generate-keys-form",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="generate-keys",
    )


def _assessment_details() -> rx.Component:
    a = AssessmentDetailState.assessment
    return rx.fragment(
        page_header(
            a["title"],
            "",
            rx.cond(
                AuthState.can_edit,
                rx.button(
                    "Delete assessment",
                    variant="soft",
                    color_scheme="red",
                    on_click=AssessmentDetailState.ask_delete,
                    id="delete-assessment",
                ),
            ),
        ),
        error_callout(AssessmentDetailState.error),
        text_and_facts(
            "Task brief",
            a["task_brief"],
            "task-brief",
            ("Role", a["role"]),
            ("Time limit", a["time_limit"]),
            ("Target level", a["target_level"]),
            ("Keys expire", a["expiry"]),
            (
                "Repository",
                rx.cond(
                    a["repo_url"] != "",
                    rx.link(a["repo_url"], href=a["repo_url"], is_external=True),
                    rx.text("—"),
                ),
            ),
            ("Created", a["created"]),
        ),
        success_callout(AssessmentDetailState.notice, id="keys-notice"),
        rx.cond(AuthState.can_edit, _generate_card()),
        rx.heading("Candidate keys", size="4"),
        _compare_bar(),
        rx.cond(
            ~AssessmentDetailState.mail_enabled,
            rx.callout(
                "Invites are not emailed: email (SMTP) is not set up on this server. Use "
                "“Copy link” on each key and send the candidate their link yourself.",
                icon="mail-x",
                color_scheme="orange",
                role="status",
                size="1",
                width="100%",
                id="mail-off-notice",
            ),
        ),
        data_table(
            columns=["", "Key", "Candidate", "Status", "Invite", "Expires", ""],
            rows=AssessmentDetailState.keys,
            render_row=_key_row_view,
            loading=AssessmentDetailState.loading,
            error=AssessmentDetailState.keys_error,
            empty_title="No candidate keys yet — generate keys to invite candidates",
            empty_hint="Each key lets one candidate start this assessment once.",
            empty_icon="key-round",
            table_id="candidate-keys-table",
        ),
        list_pagination(AssessmentDetailState, "keys"),
        confirm_dialog(
            open=AssessmentDetailState.confirm_key_id != "",
            title="Revoke candidate key",
            description=rx.fragment(
                "Revoke ",
                rx.code(AssessmentDetailState.confirm_key),
                "? The candidate can no longer start or continue with it.",
            ),
            confirm_label="Revoke key",
            on_confirm=AssessmentDetailState.confirm_revoke,
            on_cancel=AssessmentDetailState.cancel_revoke,
            confirm_id="confirm-revoke-key",
        ),
        confirm_dialog(
            open=AssessmentDetailState.confirm_delete,
            title="Delete assessment",
            description="The assessment and all its candidate keys stop working. This cannot "
            "be undone.",
            confirm_label="Delete",
            on_confirm=AssessmentDetailState.confirm_delete_assessment,
            on_cancel=AssessmentDetailState.cancel_delete,
            confirm_id="confirm-delete-assessment",
        ),
    )


@rx.page(
    route="/assessments/[assessment_id]",
    title="Assessment · truelevel",
    on_load=AssessmentDetailState.load,
)
def assessment_detail_page() -> rx.Component:
    return app_shell(
        detail_frame(
            back_label="All assessments",
            back_href="/assessments",
            not_found=AssessmentDetailState.not_found,
            not_found_title="Assessment not found",
            not_found_text="It may have been deleted, or the link is wrong.",
            not_found_id="assessment-not-found",
            loading=AssessmentDetailState.loading & (AssessmentDetailState.assessment["id"] == ""),
            details=_assessment_details(),
        ),
        live_marker(AssessmentDetailState),
    )
