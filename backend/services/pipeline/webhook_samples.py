"""Sample objects for tenant webhook test events: an application and a call shaped exactly as
the real events' objects are (``GET /applications/{id}`` and ``GET /calls/{id}``), made by the
same functions from rows that are never saved, with sample values and ``test-`` ids.

A test event sends the webhook's selected ``fields`` of its event's sample, as a real event
would, plus ``"test": true`` so that a receiver can tell it apart
(``webhook_deliveries.send_test_event``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import Session

from backend.models.base import utcnow
from backend.models.interviews import CallStatus, InterviewCall, InterviewJob, InterviewJobStatus
from backend.models.pipeline import Application, ApplicationPublic, TriggeredEvent

# Added to every test event's body (whatever fields the webhook selected).
TEST_MARK = "test"
APPLICATION_ID = "test-application"
CALL_ID = "test-call"
JOB_ID = "test-job"
CANDIDATE_ID = "test-candidate"
SUMMARY = "A test event from truelevel: this call and its assessment are samples."


def sample_application() -> dict[str, Any]:
    """An application as ``application_activty`` events carry it, with sample values."""
    now = utcnow()
    row = Application(
        id=APPLICATION_ID,
        org_id="test",
        job_id=JOB_ID,
        candidate_id=CANDIDATE_ID,
        source_id="test-application-source",
        job_source_id="test-job-source",
        candidate_source_id="test-candidate-source",
        source_application_status="Applied",
        application_stage="ACTIVE",
        resume_path="test",
        resume_filename="resume.pdf",
        resume_size=12_345,
        resume_content_type="application/pdf",
        created_at=now,
        updated_at=now,
    )
    return ApplicationPublic.from_row(row).model_dump(mode="json")


def sample_call(session: Session) -> dict[str, Any]:
    """A completed call as ``call_activity`` events carry it, with a sample assessment."""
    from backend.services.interviews.calls import call_view

    now = utcnow()
    call = InterviewCall(
        id=CALL_ID,
        org_id="test",
        application_id=APPLICATION_ID,
        job_id=JOB_ID,
        candidate_id=CANDIDATE_ID,
        token="test",
        status=CallStatus.processing.value,
        questions=[
            {"id": "test-question-1", "text": "Walk us through a system you designed."},
            {"id": "test-question-2", "text": "How do you test a service before it ships?"},
        ],
        interview_job_id="test-interview-job",
        created_at=now - timedelta(minutes=30),
        started_at=now - timedelta(minutes=25),
        completed_at=now - timedelta(minutes=10),
    )
    job = InterviewJob(
        id="test-interview-job",
        org_id="test",
        role_title="Sample role",
        call_id=CALL_ID,
        status=InterviewJobStatus.completed.value,
        result={
            "assessment": {"summary": SUMMARY, "recommendation": "advance"},
            "transcript": [],
        },
        finished_at=now,
    )
    return call_view(session, call=call, job=job, answered=[True, True])


def sample_object(session: Session, event: TriggeredEvent) -> dict[str, Any]:
    """The object a real ``event`` carries, with sample values, marked ``"test": true``."""
    if event is TriggeredEvent.call_activity:
        obj = sample_call(session)
    else:
        obj = sample_application()
    return {**obj, TEST_MARK: True}
