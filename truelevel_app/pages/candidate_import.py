"""The candidates page's "Import CSV" dialog: a recruiter chooses a spreadsheet's CSV file,
checks the preview (each refused row shows why), may pick an assessment to invite everyone to,
imports, and reads what happened. The reading, the import and the invites are
``backend.services.candidate_import``'s; this module only shows them."""

from __future__ import annotations

import asyncio
from typing import Any, TypedDict

import reflex as rx

from backend.db import session_scope
from backend.services.candidate_import import (
    MAX_FILE_BYTES,
    MAX_ROWS,
    ImportPreview,
    ImportResult,
    import_candidates,
    preview_csv,
)
from backend.services.errors import DomainError
from truelevel_app.components.feedback import error_callout, success_callout
from truelevel_app.list_query import assessment_options
from truelevel_app.state import AuthState

UPLOAD_ID = "candidate-csv"
# The assessment select's value for "import only" (Radix selects cannot hold an empty value).
NO_INVITE = "none"
READ_ONLY = "Viewers cannot import candidates. Ask an admin for the reviewer role."
FAILED = "The candidates could not be imported. Try again in a moment."


class PreviewRow(TypedDict):
    row: int
    name: str
    email: str
    problem: str  # "" when the row will be imported


class SkippedRow(TypedDict):
    row: int
    email: str
    reason: str


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def result_summary(result: ImportResult, assessment_title: str) -> str:
    """``"2 candidates added, 1 already in your candidates, 2 invited to Rate limiter."``"""
    parts = [
        f"{_plural(result.created, 'candidate')} added",
        f"{result.already_existed} already in your candidates",
    ]
    if assessment_title:
        parts.append(f"{result.invited} invited to {assessment_title}")
    return ", ".join(parts) + "."


def _read_upload(upload: rx.UploadFile) -> bytes:
    # One byte more than allowed is enough to refuse a file as too big.
    return upload.file.read(MAX_FILE_BYTES + 1)


class CandidateImportState(AuthState):
    show_import: bool = False
    file_name: str = ""
    file_problem: str = ""
    rows: rx.Field[list[PreviewRow]] = rx.field(default_factory=list)
    valid_count: int = 0
    refused_count: int = 0
    assessments: rx.Field[list[dict[str, str]]] = rx.field(default_factory=list)
    invite_to: str = NO_INVITE
    reading: bool = False
    importing: bool = False
    error: str = ""
    summary: str = ""
    skipped: rx.Field[list[SkippedRow]] = rx.field(default_factory=list)
    _preview: ImportPreview | None = None

    def _clear(self) -> None:
        self.file_name = self.file_problem = self.error = self.summary = ""
        self.rows, self.skipped = [], []
        self.valid_count = self.refused_count = 0
        self.invite_to = NO_INVITE
        self.reading = self.importing = False
        self._preview = None

    @rx.event
    def open_import(self):
        self._clear()
        member = self._authorise("edit")
        if member is None:
            self.error = READ_ONLY
        else:
            with session_scope() as session:
                self.assessments = assessment_options(session, org_id=member.org_id)
        self.show_import = True
        return rx.clear_selected_files(UPLOAD_ID)

    @rx.event
    def close_import(self):
        self.show_import = False

    @rx.event
    def set_invite_to(self, value: str):
        self.invite_to = value

    @rx.event
    async def read_file(self, files: list[rx.UploadFile]):
        self._clear()
        if self._authorise("edit") is None:
            self.error = READ_ONLY
            return
        if not files:
            return
        self.file_name = files[0].name or "the file"
        self.reading = True
        yield
        data = await asyncio.to_thread(_read_upload, files[0])
        preview = preview_csv(data)
        self._preview = preview
        self.file_problem = preview.file_problem or ""
        self.rows = [
            PreviewRow(row=r.row, name=r.name, email=r.email, problem=r.problem or "")
            for r in preview.rows
        ]
        self.valid_count, self.refused_count = len(preview.valid), len(preview.refused)
        self.reading = False

    @rx.event
    def confirm_import(self):
        preview = self._preview
        if preview is None and self.summary:
            return  # a second click on an import already done
        self.error = ""
        member = self._authorise("edit")
        if member is None:
            self.error = READ_ONLY
            return
        if preview is None or not preview.valid:
            self.error = "Choose a CSV file with at least one candidate to import."
            return
        assessment_id = None if self.invite_to == NO_INVITE else self.invite_to
        title = next((a["label"] for a in self.assessments if a["value"] == assessment_id), "")
        self.importing = True
        yield
        try:
            with session_scope() as session:
                result = import_candidates(
                    session, org_id=member.org_id, preview=preview, assessment_id=assessment_id
                )
        except DomainError as exc:
            self.error = exc.message
            return
        except Exception:
            self.error = FAILED
            return
        finally:
            self.importing = False
        self._preview = None
        self.rows = []
        self.summary = result_summary(result, title)
        self.skipped = [
            SkippedRow(row=s.row, email=s.email or "—", reason=s.reason) for s in result.skipped
        ]


S = CandidateImportState


def _preview_row(row) -> rx.Component:
    refused = row["problem"] != ""
    return rx.table.row(
        rx.table.cell(row["row"]),
        rx.table.cell(row["name"]),
        rx.table.cell(row["email"]),
        rx.table.cell(
            rx.cond(
                refused,
                rx.text(row["problem"], color_scheme="red", size="2", class_name="row-problem"),
                rx.badge("Ready", color_scheme="green", variant="soft"),
            )
        ),
        class_name=rx.cond(refused, "import-row import-row-refused", "import-row"),
        data_row=row["row"].to(str),
    )


def _preview() -> rx.Component:
    return rx.cond(
        S.rows.length() > 0,
        rx.vstack(
            rx.text(
                _count_text(S.valid_count, "candidate", " ready to import"),
                rx.cond(
                    S.refused_count > 0,
                    rx.text.span(
                        "; ",
                        _count_text(S.refused_count, "row", " will be skipped"),
                        color_scheme="red",
                    ),
                ),
                size="2",
                id="import-counts",
            ),
            rx.scroll_area(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            *[
                                rx.table.column_header_cell(name)
                                for name in ("Row", "Name", "Email", "")
                            ]
                        )
                    ),
                    rx.table.body(rx.foreach(S.rows, _preview_row)),
                    size="1",
                    variant="surface",
                    width="100%",
                    id="import-preview",
                ),
                max_height="18rem",
                type="auto",
                scrollbars="vertical",
            ),
            spacing="2",
            width="100%",
        ),
    )


def _count_text(count, noun: str, rest: str):
    return rx.cond(count == 1, f"1 {noun}{rest}", count.to_string() + f" {noun}s{rest}")


def _invite_select() -> rx.Component:
    return rx.el.label(
        rx.vstack(
            rx.text("Invite them to an assessment (optional)", size="2", weight="medium"),
            rx.select.root(
                rx.select.trigger(width="100%", id="import-assessment"),
                rx.select.content(
                    rx.select.item("Don't invite now — import only", value=NO_INVITE),
                    rx.foreach(
                        S.assessments,
                        lambda a: rx.select.item(a["label"], value=a["value"]),
                    ),
                ),
                value=S.invite_to,
                on_change=S.set_invite_to,
            ),
            rx.text(
                "Each candidate gets a key and an invite email, as when you generate keys on "
                "the assessment. People who already hold a key to it are not invited again.",
                size="1",
                color_scheme="gray",
            ),
            spacing="1",
            width="100%",
        ),
        width="100%",
    )


def _picker() -> rx.Component:
    return rx.vstack(
        rx.upload.root(
            rx.vstack(
                rx.icon("file-spreadsheet", size=20),
                rx.text("Drop a CSV file here, or click to choose it", size="2"),
                align="center",
                spacing="1",
            ),
            id=UPLOAD_ID,
            accept={"text/csv": [".csv"], "text/plain": [".csv", ".txt"]},
            max_files=1,
            multiple=False,
            on_drop=S.read_file(rx.upload_files(upload_id=UPLOAD_ID)),
            disabled=S.importing,
            border=f"1px dashed {rx.color('gray', 7)}",
            border_radius="var(--radius-3)",
            padding="1rem",
            width="100%",
            cursor="pointer",
        ),
        rx.text(
            f"A header row naming the columns: email, and name (or first name and last name). "
            f"Other columns are ignored. Comma- or semicolon-separated, UTF-8, at most "
            f"{MAX_ROWS} candidates.",
            size="1",
            color_scheme="gray",
        ),
        rx.cond(
            S.file_name != "",
            rx.hstack(
                rx.cond(S.reading, rx.spinner(size="1")),
                rx.text(S.file_name, size="2", weight="medium", id="import-file-name"),
                align="center",
                spacing="2",
            ),
        ),
        spacing="2",
        width="100%",
    )


def _result() -> rx.Component:
    return rx.vstack(
        success_callout(S.summary, id="import-summary"),
        rx.cond(
            S.skipped.length() > 0,
            rx.vstack(
                rx.text("Skipped", size="2", weight="medium"),
                rx.foreach(
                    S.skipped,
                    lambda s: rx.text(
                        "Row ",
                        s["row"].to(str),
                        " (",
                        s["email"],
                        "): ",
                        s["reason"],
                        size="2",
                        class_name="import-skipped",
                    ),
                ),
                spacing="1",
                width="100%",
                id="import-skipped",
            ),
        ),
        spacing="3",
        width="100%",
    )


def import_button() -> rx.Component:
    """The page header's button; shown only to members who may edit."""
    return rx.cond(
        AuthState.can_edit,
        rx.button(
            rx.icon("upload", size=16),
            "Import CSV",
            variant="soft",
            on_click=S.open_import,
            id="import-csv",
        ),
    )


def import_dialog(*, on_imported: Any) -> rx.Component:
    """The dialog; ``on_imported`` runs after an import (the page reloads its list)."""
    done = S.summary != ""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Import candidates from a CSV file"),
            rx.dialog.description(
                "Check the rows before importing: a row with a problem is skipped. Importing "
                "the same file again adds nobody twice.",
                size="2",
                color_scheme="gray",
                margin_bottom="1rem",
            ),
            rx.vstack(
                error_callout(S.error, id="import-error"),
                rx.cond(
                    done,
                    _result(),
                    rx.vstack(
                        _picker(),
                        error_callout(S.file_problem, id="import-file-problem"),
                        _preview(),
                        rx.cond(S.valid_count > 0, _invite_select()),
                        spacing="3",
                        width="100%",
                    ),
                ),
                rx.hstack(
                    rx.button(
                        rx.cond(done, "Done", "Cancel"),
                        type="button",
                        variant="soft",
                        color_scheme="gray",
                        on_click=S.close_import,
                        id="close-import",
                    ),
                    rx.cond(
                        done,
                        rx.fragment(),
                        rx.button(
                            "Import ",
                            _count_text(S.valid_count, "candidate", ""),
                            on_click=[S.confirm_import, on_imported],
                            loading=S.importing,
                            disabled=S.valid_count == 0,
                            id="confirm-import",
                        ),
                    ),
                    justify="end",
                    spacing="3",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            max_width="44rem",
        ),
        open=S.show_import,
        on_open_change=lambda _open: S.close_import(),
    )
