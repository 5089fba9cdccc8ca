"""Jobs: a paginated list with a create form, and one job with its interview questions
(``job_questions``: the question bank with what a good answer contains) and its applications
(``job_applications``: add one, start its interview, open its report)."""

from __future__ import annotations

import uuid
from typing import TypedDict

import reflex as rx
from pydantic import ValidationError

from backend.db import session_scope
from backend.models.pipeline import Job, JobCreate
from backend.services.errors import DomainError, NotFound
from backend.services.pipeline.applications import list_applications
from backend.services.pipeline.jobs import create_job, get_job, list_jobs
from truelevel_app.components.badges import status_badge
from truelevel_app.components.details import detail_frame, text_and_facts
from truelevel_app.components.dialogs import form_dialog
from truelevel_app.components.feedback import error_callout
from truelevel_app.components.forms import select_field, text_area, text_field
from truelevel_app.components.layout import app_shell, live_marker, new_button, page_header
from truelevel_app.components.tables import data_table, paged_table, pagination
from truelevel_app.display import when
from truelevel_app.pages.job_applications import (
    ApplicationRow,
    JobApplicationsState,
    add_application_dialog,
    application_rows,
    applications_error,
    interview_cell,
    started_notice,
)
from truelevel_app.pages.job_questions import JobQuestionsState
from truelevel_app.pages.job_questions_view import question_dialogs, questions_section
from truelevel_app.state import (
    SIGNIN_ROUTE,
    AuthState,
    CreateDialogState,
    LiveState,
    PagedState,
)

PAGE_SIZE = 20
APPLICATIONS_PAGE_SIZE = 20
JOB_STATUSES = ["Active", "Draft", "On hold", "Closed"]
READ_ONLY = "Viewers cannot change jobs. Ask an admin for the reviewer role."
JOB_LABELS = {
    "title": "Title",
    "desc": "Description",
    "industry": "Industry",
    "city": "City",
    "state_name": "State or region",
    "country": "Country",
    "recruiter_name": "Recruiter name",
    "recruiter_email": "Recruiter email",
    "recruiter_work_phone_no": "Recruiter phone",
    "status": "Status",
    "source_id": "Source id",
}


class JobRow(TypedDict):
    id: str
    title: str
    location: str
    status: str
    recruiter: str
    created: str


class JobView(TypedDict):
    id: str
    title: str
    desc: str
    industry: str
    location: str
    status: str
    recruiter_name: str
    recruiter_email: str
    recruiter_phone: str
    source_id: str
    created: str


def _location(job: Job) -> str:
    return ", ".join(p for p in (job.city, job.state_name, job.country) if p) or "—"


def _job_row(job: Job) -> JobRow:
    return JobRow(
        id=job.id,
        title=job.title,
        location=_location(job),
        status=job.status or "—",
        recruiter=job.recruiter_name or "—",
        created=when(job.created_at),
    )


def _empty_job() -> JobView:
    return JobView(
        id="",
        title="",
        desc="",
        industry="",
        location="",
        status="",
        recruiter_name="",
        recruiter_email="",
        recruiter_phone="",
        source_id="",
        created="",
    )


def _job_view(job: Job) -> JobView:
    return JobView(
        id=job.id,
        title=job.title,
        desc=job.desc,
        industry=job.industry or "—",
        location=_location(job),
        status=job.status or "—",
        recruiter_name=job.recruiter_name or "—",
        recruiter_email=job.recruiter_email or "—",
        recruiter_phone=job.recruiter_work_phone_no or "—",
        source_id=job.source_id or "—",
        created=when(job.created_at),
    )


class JobsState(PagedState, CreateDialogState, AuthState):
    rows: rx.Field[list[JobRow]] = rx.field(default_factory=list)
    total_pages: int = 1
    loading: bool = True
    error: str = ""

    def _refresh(self):
        member = self._resolve_member()
        if member is None:
            return rx.redirect(SIGNIN_ROUTE, replace=True)
        self.error = ""
        try:
            with session_scope() as session:
                result = list_jobs(
                    session, org_id=member.org_id, page=max(self.page, 1), size=PAGE_SIZE
                )
                if result.pages and self.page > result.pages:  # the last page emptied
                    self.page = result.pages
                    result = list_jobs(
                        session, org_id=member.org_id, page=self.page, size=PAGE_SIZE
                    )
                self.rows = [_job_row(job) for job in result.items]
                self.total, self.total_pages = result.total, max(result.pages, 1)
        except Exception:
            self.error = "The jobs could not be loaded. Try again in a moment."
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
        values = {name: str(form_data.get(name) or "").strip() for name in JOB_LABELS}
        # The seed requires a source id (the job's id in an ATS); jobs made here get one.
        values["source_id"] = values["source_id"] or f"web-{uuid.uuid4().hex[:12]}"
        values["city"] = values["city"] or None
        try:
            data = JobCreate.model_validate(values)
        except ValidationError as exc:
            self._refuse(exc, JOB_LABELS)
            return
        self.creating = True
        yield
        try:
            with session_scope() as session:
                job = create_job(session, org_id=member.org_id, data=data)
                new_id = job.id
        except DomainError as exc:
            self.form_error = exc.message
            return
        finally:
            self.creating = False
        self.show_create = False
        yield rx.redirect(f"/jobs/{new_id}")


class JobDetailState(JobQuestionsState, JobApplicationsState, LiveState, AuthState):
    job: rx.Field[JobView] = rx.field(default_factory=_empty_job)
    applications: rx.Field[list[ApplicationRow]] = rx.field(default_factory=list)
    applications_page: int = 1
    applications_total: int = 0
    applications_pages: int = 1
    loading: bool = True
    not_found: bool = False
    error: str = ""

    def _current_id(self) -> str:
        # The [job_id] segment of the route (a var Reflex adds to the root state).
        return str(getattr(self, "job_id", "") or "")

    def _reload(self, org_id: str) -> None:
        job_id = self._current_id()
        with session_scope() as session:
            self.job = _job_view(get_job(session, org_id=org_id, job_id=job_id))
            self._read_questions(session, org_id)
            page = list_applications(
                session,
                org_id=org_id,
                job_id=job_id,
                page=max(self.applications_page, 1),
                size=APPLICATIONS_PAGE_SIZE,
            )
            self.applications = application_rows(
                session, org_id=org_id, applications=list(page.items)
            )
            self.applications_total = page.total
            self.applications_pages = max(page.pages, 1)

    def _refresh(self):
        member = self._resolve_member()
        if member is None:
            return rx.redirect(SIGNIN_ROUTE, replace=True)
        try:
            self._reload(member.org_id)
        except NotFound:
            self.not_found = True
        except Exception:
            self.error = "The job could not be loaded. Try again in a moment."
        self.loading = False
        return None

    @rx.event
    def load(self):
        self.loading = True
        self.not_found = False
        self.error = ""
        self._clear_questions_notices()
        self._clear_applications_notices()
        self.applications_page = 1
        self.job = _empty_job()
        leave = self._refresh()
        if leave is not None or self.not_found:
            return leave
        return self._go_live()

    @rx.event
    def next_applications(self):
        self.applications_page += 1
        return self._refresh()

    @rx.event
    def previous_applications(self):
        self.applications_page = max(1, self.applications_page - 1)
        return self._refresh()


# -- list page ---------------------------------------------------------------------------------


def _job_row_view(row) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.link(row["title"], href="/jobs/" + row["id"].to(str), weight="medium")
        ),
        rx.table.cell(row["location"]),
        rx.table.cell(status_badge(row["status"])),
        rx.table.cell(row["recruiter"]),
        rx.table.cell(row["created"], white_space="nowrap"),
        class_name="job-row",
    )


def _create_dialog() -> rx.Component:
    errors = JobsState.field_errors
    return form_dialog(
        text_field(
            "Title *", "title", required=True, placeholder="Senior Backend Engineer", errors=errors
        ),
        text_area(
            "Description *",
            "desc",
            rows="5",
            required=True,
            placeholder="What the role involves and what you look for.",
            errors=errors,
        ),
        rx.grid(
            text_field(
                "Industry *", "industry", required=True, placeholder="Software", errors=errors
            ),
            select_field("Status *", "status", JOB_STATUSES, default="Active"),
            text_field("City", "city", placeholder="Berlin", errors=errors),
            text_field(
                "State or region *",
                "state_name",
                required=True,
                placeholder="Berlin",
                errors=errors,
            ),
            text_field("Country *", "country", required=True, placeholder="Germany", errors=errors),
            text_field(
                "Source id",
                "source_id",
                hint="The job's id in your ATS. Empty: one is generated.",
                errors=errors,
            ),
            text_field("Recruiter name *", "recruiter_name", required=True, errors=errors),
            text_field(
                "Recruiter email *", "recruiter_email", type="email", required=True, errors=errors
            ),
            text_field(
                "Recruiter phone *",
                "recruiter_work_phone_no",
                type="tel",
                required=True,
                errors=errors,
            ),
            columns="2",
            spacing="3",
            width="100%",
        ),
        open=JobsState.show_create,
        title="New job",
        description="Fields marked * are required by the pipeline API, so ATS integrations see "
        "the same jobs.",
        error=JobsState.form_error,
        error_id="job-error",
        submit_label="Create job",
        submitting=JobsState.creating,
        on_submit=JobsState.create,
        on_cancel=JobsState.close_create,
        form_id="create-job-form",
        max_width="40rem",
    )


@rx.page(route="/jobs", title="Jobs · truelevel", on_load=JobsState.load)
def jobs_page() -> rx.Component:
    return app_shell(
        page_header(
            "Jobs",
            "Open roles, their screening questions and applications.",
            new_button("New job", on_click=JobsState.open_create, id="new-job"),
        ),
        paged_table(
            JobsState,
            noun="jobs",
            columns=["Title", "Location", "Status", "Recruiter", "Created"],
            render_row=_job_row_view,
            empty_title="No jobs yet — create your first job",
            empty_hint="Jobs created here or through the pipeline API appear in this list.",
            empty_icon="briefcase",
            table_id="jobs-table",
        ),
        _create_dialog(),
    )


# -- detail page -------------------------------------------------------------------------------


def _application_view(row) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.cond(
                row["profile_href"] != "",
                rx.link(row["candidate"], href=row["profile_href"], class_name="profile-link"),
                rx.text(row["candidate"]),
            )
        ),
        rx.table.cell(row["email"]),
        rx.table.cell(rx.badge(row["stage"], variant="soft")),
        rx.table.cell(row["status"]),
        rx.table.cell(interview_cell(row, JobDetailState)),
        rx.table.cell(row["created"], white_space="nowrap"),
        class_name="application-row",
        custom_attrs={"data-application": row["id"]},
    )


def _job_details() -> rx.Component:
    job = JobDetailState.job
    return rx.fragment(
        page_header(job["title"], "", status_badge(job["status"])),
        error_callout(JobDetailState.error),
        text_and_facts(
            "Description",
            job["desc"],
            "job-description",
            ("Industry", job["industry"]),
            ("Location", job["location"]),
            ("Recruiter", job["recruiter_name"]),
            ("Recruiter email", job["recruiter_email"]),
            ("Recruiter phone", job["recruiter_phone"]),
            ("Source id", rx.code(job["source_id"], variant="ghost")),
            ("Created", job["created"]),
        ),
        questions_section(JobDetailState),
        rx.hstack(
            rx.heading("Applications", size="4"),
            rx.spacer(),
            new_button("Add application", on_click=JobDetailState.open_add, id="add-application"),
            align="center",
            width="100%",
        ),
        applications_error(JobDetailState),
        started_notice(JobDetailState),
        data_table(
            columns=["Candidate", "Email", "Stage", "Status", "Interview", "Applied"],
            rows=JobDetailState.applications,
            render_row=_application_view,
            loading=JobDetailState.loading,
            error=rx.Var.create(""),
            empty_title="No applications yet",
            empty_hint="Add one here, or they arrive through the pipeline API from your ATS.",
            empty_icon="file-user",
            table_id="applications-table",
        ),
        rx.cond(
            JobDetailState.applications_total > APPLICATIONS_PAGE_SIZE,
            pagination(
                page=JobDetailState.applications_page,
                total_pages=JobDetailState.applications_pages,
                total=JobDetailState.applications_total,
                noun="applications",
                on_previous=JobDetailState.previous_applications,
                on_next=JobDetailState.next_applications,
            ),
        ),
        add_application_dialog(JobDetailState),
        question_dialogs(JobDetailState),
    )


@rx.page(route="/jobs/[job_id]", title="Job · truelevel", on_load=JobDetailState.load)
def job_detail_page() -> rx.Component:
    return app_shell(
        detail_frame(
            back_label="All jobs",
            back_href="/jobs",
            not_found=JobDetailState.not_found,
            not_found_title="Job not found",
            not_found_text="It may have been removed, or the link is wrong.",
            not_found_id="job-not-found",
            loading=JobDetailState.loading & (JobDetailState.job["id"] == ""),
            details=_job_details(),
        ),
        live_marker(JobDetailState),
    )
