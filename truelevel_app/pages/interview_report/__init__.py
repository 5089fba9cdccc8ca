"""One interview job as a recruiter reads it, by idea: its words (``labels``), its view models
(``views``), reading a job into them (``data``), its state (``state``) and its view (``page`` and
the ``*_view`` modules it assembles). Importing the package registers the page."""

from backend.models.interview_result import interview_length
from truelevel_app.pages.interview_report.data import ReportData, read_report
from truelevel_app.pages.interview_report.labels import (
    SOURCE_LABELS,
    STATE_LABELS,
    recommendation_label,
)
from truelevel_app.pages.interview_report.page import interview_report_page
from truelevel_app.pages.interview_report.state import InterviewReportState
from truelevel_app.pages.interview_report.verdict_view import job_state_badge, recommendation_badge

__all__ = [
    "SOURCE_LABELS",
    "STATE_LABELS",
    "InterviewReportState",
    "ReportData",
    "interview_length",
    "interview_report_page",
    "job_state_badge",
    "read_report",
    "recommendation_badge",
    "recommendation_label",
]
