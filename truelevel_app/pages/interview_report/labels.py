"""The interview report's words for job states and recommendations, and its fixed texts; the
interviews list shows the same words."""

from __future__ import annotations

POLL_SECONDS = 1.0
TERMINAL = ("completed", "failed")
STATE_LABELS: dict[str, str] = {
    "queued": "Queued",
    "loading_weights": "Loading models",
    "processing_inference": "Processing",
    "completed": "Completed",
    "failed": "Failed",
}
STATE_ORDER = ("queued", "loading_weights", "processing_inference", "completed")
RECOMMENDATIONS = ("advance", "hold", "reject")
RECOMMENDATION_LABELS = {"advance": "Advance", "hold": "Hold", "reject": "Reject"}
AUDIO_ROUTE = "/api/v1/web/interviews/{job_id}/audio"
REPORT_PDF_ROUTE = "/api/v1/web/interviews/{job_id}/report.pdf"
READ_ONLY = "Viewers cannot record a decision. Ask an admin for the reviewer role."
CONFIRM, OVERRIDE = "confirm", "override"
# How an interview reached us (``InterviewSource``), in the report and the interviews list.
SOURCE_LABELS: dict[str, str] = {
    "upload": "Uploaded recording",
    "call": "Browser interview",
    "transcript": "Transcript",
}
NOTE_REQUIRED = "Say why you override the recommendation."
FAILED_TEXT = "The recording could not be processed."


def recommendation_label(value: str | None) -> str:
    if not value:
        return "—"
    return RECOMMENDATION_LABELS.get(value, value.replace("_", " ").capitalize())
