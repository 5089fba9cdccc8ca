"""The interview report's words for states and recommendations, and how it writes a length
of time; the interviews list shows the same."""

from __future__ import annotations

from typing import Any

from backend.models.interview_result import clock

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
READ_ONLY = "Viewers cannot record a decision. Ask an admin for the reviewer role."
CONFIRM, OVERRIDE = "confirm", "override"
NOTE_REQUIRED = "Say why you override the recommendation."
FAILED_TEXT = "The recording could not be processed."


def interview_length(job: Any, result: dict[str, Any] | None = None) -> str:
    """How long the interview is, the same on the list and the report: the recording's length
    as measured when it was accepted (what its credits are charged for); for a transcript sent
    as text, which has no recording, the span of its transcript."""
    seconds = job.duration_s or (result or {}).get("duration_s")
    return clock(float(seconds)) if seconds else "—"


def recommendation_label(value: str | None) -> str:
    if not value:
        return "—"
    return RECOMMENDATION_LABELS.get(value, value.replace("_", " ").capitalize())
