"""Handing durable work to the queue: the one place where the backend names a worker task.

The database row is the durable record; the queue message only wakes a worker sooner. Losing a
message loses nothing: the workers' minute sweep (``workers.tasks.every_minute``) enqueues
again whatever is still waiting. ``workers.tasks`` is imported lazily and is thin (it imports no
model or analyser until a task runs), so the web process stays free of the workers' weight.
"""

from __future__ import annotations

# Seed 000's SLA tiers as Huey priorities (higher runs first): express 2 h, priority 12 h,
# standard 24 h.
SLA_PRIORITY: dict[str, int] = {"express": 30, "priority": 20, "standard": 10}


def priority_for(*, sla_tier: str) -> int:
    """Queue priority of an SLA tier (unknown tiers run as standard)."""
    return SLA_PRIORITY.get(sla_tier, SLA_PRIORITY["standard"])


def enqueue_evaluation(evaluation_id: str, priority: int) -> None:
    """Ask a worker to run the automated evaluation of ``evaluation_id``."""
    from workers import tasks

    tasks.evaluate_code(evaluation_id, priority=priority)


# Interview jobs: a candidate who just finished a browser interview waits for nobody else's
# upload; organisations with a credit balance (a paid plan) come before unlimited self-hosting.
INTERVIEW_PRIORITY: dict[str, int] = {"call": 25, "paid": 20, "standard": 10}


def interview_priority(*, source: str, paid: bool) -> int:
    """Queue priority of an interview job: browser interviews first, then paid plans."""
    if source == "call":
        return INTERVIEW_PRIORITY["call"]
    return INTERVIEW_PRIORITY["paid" if paid else "standard"]


def enqueue_interview(job_id: str, priority: int, *, source: str | None = None) -> None:
    """Ask a worker to transcribe and assess interview job ``job_id``: on the ``gpu`` queue,
    or the ``cpu`` one for a transcript sent as text (sentence embeddings need no GPU)."""
    from workers import tasks

    if source == "transcript":
        tasks.assess_interview_text(job_id, priority=priority)
    else:
        tasks.process_interview(job_id, priority=priority)


def enqueue_rescore(confirmation_id: str, priority: int) -> None:
    """Ask a ``cpu`` worker to re-score an interview with the speaker roles a recruiter
    confirmed (``speaker_roles``): the assessment again on the stored transcript, no speech
    model."""
    from workers import tasks

    tasks.rescore_interview(confirmation_id, priority=priority)


def send_callbacks_now() -> None:
    """Ask an ``ops`` worker to send the callbacks that are due now, instead of at the next minute
    sweep. Best effort: if the queue cannot be reached, the sweep sends them."""
    from workers import tasks

    tasks.deliver_evaluation_callbacks()


def send_tenant_webhooks_now() -> None:
    """Ask an ``ops`` worker to send the tenant webhook deliveries that are due now, instead of
    at the next minute sweep. Best effort: if the queue cannot be reached, the sweep sends them."""
    from workers import tasks

    tasks.deliver_tenant_webhooks()


def send_ats_notices_now() -> None:
    """Ask an ``ops`` worker to tell the ATSs about the tests they sent whose news is due now,
    instead of at the next minute sweep. Best effort: if the queue cannot be reached, the sweep
    sends them."""
    from workers import tasks

    tasks.deliver_ats_notices()
