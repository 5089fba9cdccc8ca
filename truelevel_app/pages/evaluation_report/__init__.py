"""One code evaluation as a recruiter reads it, by idea: its data (``data``: the row and its
typed result read into view models), its state (``state``) and its view (``page`` and the
``*_view`` modules it assembles). Importing the package registers the page."""

from truelevel_app.pages.evaluation_report.data import ReportData, read_report
from truelevel_app.pages.evaluation_report.page import evaluation_report_page
from truelevel_app.pages.evaluation_report.state import EvaluationReportState
from truelevel_app.pages.evaluation_report.views import (
    CategoryView,
    FlagView,
    ReportView,
    ScorePoint,
    empty_report,
)

__all__ = [
    "CategoryView",
    "EvaluationReportState",
    "FlagView",
    "ReportData",
    "ReportView",
    "ScorePoint",
    "empty_report",
    "evaluation_report_page",
    "read_report",
]
