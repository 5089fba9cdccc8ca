"""Call activity for the tenant webhooks (``call_activity``): when a call's interview is sent
(``call.processing``), assessed (``call.completed``) or fails (``call.failed``), the call as
``GET /calls/{id}`` shows it is queued for each subscribed webhook, in the transaction that
makes the change (``backend.services.pipeline.webhook_deliveries``)."""

from __future__ import annotations

from sqlmodel import Session

from backend.models.interviews import InterviewCall, InterviewJob
from backend.models.pipeline import TriggeredEvent
from backend.services.pipeline import webhook_deliveries


def stage(session: Session, *, job_id: str, action: str) -> int:
    """Queue the activity of the call whose interview job is ``job_id`` (none for an upload's
    job), without committing. Returns how many deliveries were added."""
    from backend.services.interviews.calls import call_view

    # The job as this transaction just wrote it, not as the session last loaded it.
    job = session.get(InterviewJob, job_id, populate_existing=True)
    if job is None or not job.call_id:
        return 0
    call = session.get(InterviewCall, job.call_id, populate_existing=True)
    if call is None:
        return 0
    return webhook_deliveries.stage_event(
        session,
        org_id=call.org_id,
        event=TriggeredEvent.call_activity,
        action=action,
        object_id=call.id,
        obj=call_view(session, call=call, job=job),
    )
