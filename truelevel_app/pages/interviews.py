"""Interviews (``/interviews``): every interview the organisation sent for processing, newest
first — uploaded recordings and browser interviews — with its state and recommendation, and a
form to upload a recording (the same acceptance as ``POST /api/v1/recruitscreen/jobs``: stored,
probed, charged, queued) with a progress bar while the bytes travel."""

from __future__ import annotations

import asyncio
from typing import ClassVar, TypedDict

import reflex as rx

from backend.db import session_scope
from backend.models.interviews import InterviewJob, InterviewJobStatus, InterviewSource
from backend.services.candidate_names import CandidateName, interview_candidates
from backend.services.errors import DomainError
from backend.services.interviews import jobs as interview_jobs
from backend.services.interviews import submission as interview_submission
from backend.services.interviews.search import (
    InterviewFilter,
    InterviewRecommendation,
    InterviewSort,
    find_interviews,
)
from backend.settings import get_settings
from truelevel_app.components.forms import field_error
from truelevel_app.components.layout import app_shell, live_marker, page_header
from truelevel_app.components.list_filters import any_of, filter_bar, filter_select, search_box
from truelevel_app.components.tables import paged_table
from truelevel_app.components.uploads import (
    limit_props,
    percent_sent,
    refused_file,
    upload_progress,
)
from truelevel_app.display import when
from truelevel_app.list_query import ANY, FilteredListState
from truelevel_app.pages.interview_report import (
    SOURCE_LABELS,
    STATE_LABELS,
    interview_length,
    job_state_badge,
    recommendation_badge,
    recommendation_label,
)
from truelevel_app.paging import page_count
from truelevel_app.state import SIGNIN_ROUTE, AuthState, LiveState, PagedState

PAGE_SIZE = 20
UPLOAD_ID = "interview-upload"
ACCEPTED_TYPES = {
    "audio/*": [".mp3", ".m4a", ".wav", ".flac", ".ogg", ".opus", ".webm"],
    "video/mp4": [".mp4"],
}


class InterviewRow(TypedDict):
    id: str
    # The candidate's name when the interview came from a call, else the job title.
    heading: str
    # Beneath it: the job title once a name heads the row, else nothing.
    subheading: str
    role_title: str
    status: str
    status_label: str
    source: str
    duration: str
    credits: int
    recommendation: str
    recommendation_label: str
    # An automated recommendation no person has confirmed yet.
    proposal: bool
    created: str


def interview_row(job: InterviewJob, candidate: CandidateName) -> InterviewRow:
    """One table row: the reviewer's decision once recorded, the automated proposal before."""
    automated = interview_jobs.automated_recommendation(job) or ""
    recommendation = job.review_recommendation or automated
    return InterviewRow(
        id=job.id,
        heading=candidate.display,
        subheading=job.role_title if candidate.known else "",
        role_title=job.role_title,
        status=job.status,
        status_label=STATE_LABELS.get(job.status, job.status),
        source=SOURCE_LABELS.get(job.source, job.source),
        duration=interview_length(job),
        credits=job.credits_charged,
        recommendation=recommendation,
        recommendation_label=recommendation_label(recommendation),
        proposal=bool(automated) and not job.review_recommendation,
        created=when(job.created_at),
    )


def _accept_upload(org_id: str, upload: rx.UploadFile, role_title: str) -> str:
    """Store, probe and charge the recording (off the event loop); the new job's id."""
    with session_scope() as session:
        job = interview_submission.submit_recording(
            session,
            org_id=org_id,
            stream=upload.file,
            filename=upload.filename,
            role_title=role_title,
        )
        return job.id


SORT_LABELS: dict[str, str] = {
    InterviewSort.newest: "Newest first",
    InterviewSort.oldest: "Oldest first",
    InterviewSort.candidate: "Candidate A–Z",
}


class InterviewsState(FilteredListState, PagedState, LiveState, AuthState):
    FILTERS: ClassVar[dict[str, tuple[str, ...] | None]] = {
        "status": (ANY, *[s.value for s in InterviewJobStatus]),
        "recommendation": (ANY, *[r.value for r in InterviewRecommendation]),
        "source": (ANY, *[s.value for s in InterviewSource]),
        "sort": tuple(s.value for s in InterviewSort),
    }

    rows: rx.Field[list[InterviewRow]] = rx.field(default_factory=list)
    status: str = ANY
    recommendation: str = ANY
    source: str = ANY
    sort: str = InterviewSort.newest.value
    total_pages: int = 1
    loading: bool = True
    error: str = ""
    role_title: str = ""
    upload_error: str = ""
    role_title_error: str = ""
    uploading: bool = False
    # 0–100 while the browser sends the file; 100 while the server checks it.
    upload_percent: int = 0

    def _filter(self) -> InterviewFilter:
        return InterviewFilter(
            search=self.search or None,
            status=None if self.status == ANY else InterviewJobStatus(self.status),
            recommendation=(
                None if self.recommendation == ANY else InterviewRecommendation(self.recommendation)
            ),
            source=None if self.source == ANY else InterviewSource(self.source),
            sort=InterviewSort(self.sort),
        )

    def _refresh(self):
        member = self._resolve_member()
        if member is None:
            return rx.redirect(SIGNIN_ROUTE, replace=True)
        self.error = ""
        where = self._filter()
        try:
            with session_scope() as session:
                page = max(self.page, 1)
                rows, total = find_interviews(
                    session,
                    org_id=member.org_id,
                    where=where,
                    limit=PAGE_SIZE,
                    offset=(page - 1) * PAGE_SIZE,
                )
                pages = page_count(total, PAGE_SIZE)
                if total and page > pages:  # the last page emptied meanwhile
                    self.page = page = pages
                    rows, total = find_interviews(
                        session,
                        org_id=member.org_id,
                        where=where,
                        limit=PAGE_SIZE,
                        offset=(page - 1) * PAGE_SIZE,
                    )
                names = interview_candidates(session, rows)
                self.rows = [interview_row(job, names[job.id]) for job in rows]
                self.total, self.total_pages = total, pages
        except Exception:
            self.error = "The interviews could not be loaded. Try again in a moment."
        self.loading = False
        return None

    @rx.event
    def load(self):
        self._read_query()
        self.upload_error = self.role_title_error = ""
        self.uploading = False
        self.upload_percent = 0
        return self._refresh() or self._go_live()

    @rx.event
    def set_role_title(self, value: str):
        self.role_title = value
        self.role_title_error = ""

    @rx.event
    def upload_progress(self, progress: dict):
        """on_upload_progress: the browser's count of bytes sent."""
        self.uploading = True
        self.upload_percent = percent_sent(progress)

    @rx.event
    def refuse_recording(self, codes: str, name: str):
        """on_drop_rejected: the browser refused the file before sending it."""
        self.upload_error = refused_file(
            codes,
            name,
            limit_mb=get_settings().interview_max_upload_mb,
            wanted="a recording (mp3, m4a, wav, flac, ogg, webm or mp4)",
        )

    @rx.event
    async def upload(self, files: list[rx.UploadFile]):
        member = self._authorise("edit")
        if member is None:
            self.upload_error = "Viewers cannot upload interviews. Ask an admin for the role."
            return
        self.upload_error = self.role_title_error = ""
        role_title = self.role_title.strip()
        if not role_title:
            self.role_title_error = "Enter the role the interview was for."
            return
        if not files:
            self.upload_error = "Choose a recording to upload."
            return
        self.uploading = True
        self.upload_percent = 100
        yield
        try:
            job_id = await asyncio.to_thread(_accept_upload, member.org_id, files[0], role_title)
        except DomainError as exc:
            self.upload_error = exc.message
            self.uploading = False
            self.upload_percent = 0
            return
        except Exception:
            self.upload_error = "The recording could not be stored. Try again in a moment."
            self.uploading = False
            self.upload_percent = 0
            return
        # The row is committed: tell the queue (the workers' sweep covers a lost message).
        await asyncio.to_thread(interview_submission.dispatch_job, job_id)
        self.uploading = False
        self.upload_percent = 0
        self.role_title = ""
        yield rx.clear_selected_files(UPLOAD_ID)
        yield rx.redirect(f"/interviews/{job_id}")


S = InterviewsState


def _row_view(row) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.vstack(
                rx.link(
                    row["heading"],
                    href="/interviews/" + row["id"].to(str),
                    weight="medium",
                    class_name="candidate-name",
                ),
                rx.cond(
                    row["subheading"] != "",
                    rx.text(row["subheading"], size="1", color_scheme="gray"),
                ),
                spacing="0",
                align="start",
            )
        ),
        rx.table.cell(
            job_state_badge(row["status"], row["status_label"], class_name="interview-status")
        ),
        rx.table.cell(
            rx.cond(
                row["recommendation"] != "",
                rx.hstack(
                    recommendation_badge(row["recommendation"], row["recommendation_label"]),
                    rx.cond(row["proposal"], rx.text("proposal", size="1", color_scheme="gray")),
                    spacing="1",
                    align="center",
                ),
                rx.text("—", color_scheme="gray"),
            )
        ),
        rx.table.cell(row["source"]),
        rx.table.cell(row["duration"]),
        rx.table.cell(row["credits"]),
        rx.table.cell(row["created"], white_space="nowrap"),
        class_name="interview-row",
    )


def _upload_card() -> rx.Component:
    chosen = rx.selected_files(UPLOAD_ID)
    return rx.card(
        rx.vstack(
            rx.heading("Upload a recording", size="3"),
            rx.text(
                f"mp3, m4a, wav, flac, ogg, webm or mp4 video, up to "
                f"{get_settings().interview_max_upload_mb} MB. Stereo recordings give one "
                "speaker per channel. When billing is on, each started minute costs one credit.",
                size="2",
                color_scheme="gray",
            ),
            rx.hstack(
                rx.vstack(
                    rx.input(
                        placeholder="Role, e.g. Backend Engineer",
                        value=S.role_title,
                        on_change=S.set_role_title,
                        width="18rem",
                        id="interview-role-title",
                        name="role_title",
                        aria_label="Role",
                        aria_invalid=S.role_title_error != "",
                        aria_describedby="interview-role-title-error",
                    ),
                    field_error(S.role_title_error, id="interview-role-title-error"),
                    spacing="1",
                ),
                rx.upload.root(
                    rx.button(
                        rx.icon("file-audio", size=16),
                        "Choose a recording",
                        variant="soft",
                        type="button",
                    ),
                    id=UPLOAD_ID,
                    max_files=1,
                    multiple=False,
                    accept=ACCEPTED_TYPES,
                    disabled=S.uploading,
                    **limit_props(get_settings().interview_max_upload_mb, S.refuse_recording),
                    border="none",
                    padding="0",
                ),
                rx.foreach(
                    chosen,
                    lambda name: rx.text(name, size="2", class_name="selected-recording"),
                ),
                rx.button(
                    rx.icon("upload", size=16),
                    "Upload and process",
                    on_click=S.upload(
                        rx.upload_files(upload_id=UPLOAD_ID, on_upload_progress=S.upload_progress)
                    ),
                    loading=S.uploading,
                    disabled=chosen.length() == 0,
                    id="interview-upload-button",
                ),
                align="center",
                spacing="3",
                wrap="wrap",
            ),
            rx.cond(
                S.uploading,
                upload_progress(
                    S.upload_percent,
                    received="Uploaded. Checking the recording…",
                    id="upload-progress",
                ),
            ),
            rx.cond(
                S.upload_error != "",
                rx.callout(
                    S.upload_error,
                    icon="triangle-alert",
                    color_scheme="red",
                    size="1",
                    width="100%",
                    id="upload-error",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="upload-card",
    )


def _filters() -> rx.Component:
    state = InterviewsState
    return filter_bar(
        state,
        search_box(state, placeholder="Search name, email or role", id="interview-search"),
        filter_select(
            state,
            "status",
            label="State",
            items=[any_of("Any state"), *STATE_LABELS.items()],
            id="filter-interview-status",
        ),
        filter_select(
            state,
            "recommendation",
            label="Recommendation",
            items=[
                any_of("Any recommendation"),
                *[(r.value, recommendation_label(r.value)) for r in InterviewRecommendation],
            ],
            id="filter-interview-recommendation",
        ),
        filter_select(
            state,
            "source",
            label="Source",
            items=[any_of("Any source"), *SOURCE_LABELS.items()],
            id="filter-interview-source",
        ),
        filter_select(
            state, "sort", label="Order", items=list(SORT_LABELS.items()), id="sort-interviews"
        ),
    )


@rx.page(route="/interviews", title="Interviews · truelevel", on_load=InterviewsState.load)
def interviews_page() -> rx.Component:
    return app_shell(
        page_header(
            "Interviews",
            "Recorded interviews and browser interviews: transcribed, measured and scored, "
            "then decided by a person.",
        ),
        rx.cond(AuthState.can_edit, _upload_card()),
        _filters(),
        paged_table(
            InterviewsState,
            noun="interviews",
            columns=["Role", "State", "Recommendation", "Source", "Length", "Credits", "Submitted"],
            render_row=_row_view,
            empty_title=rx.cond(
                InterviewsState.filtered,
                "No interviews match these filters",
                "No interviews yet",
            ),
            empty_hint="Upload a recording above, or start an instant call for an application "
            "through the API.",
            empty_icon="mic",
            table_id="interviews-table",
        ),
        live_marker(InterviewsState),
    )
