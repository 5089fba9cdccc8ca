"""Thin tasks: each calls a backend service and records what happened. Each task lives on the
queue of its kind of work (``workers.queue``): interviews on ``gpu``, code evaluations on ``cpu``,
the minute sweep, email and callbacks on ``ops``. A consumer serves one of them:
``huey_consumer workers.tasks.gpu`` (or ``cpu``, ``ops``); ``python -m workers.consumer`` starts
one per kind."""

from __future__ import annotations

import logging

from huey import crontab

from backend.db import session_scope
from backend.settings import get_settings
from workers.queue import cpu, gpu, ops

log = logging.getLogger(__name__)


# Emails sent per batch, and batches per run: a backlog drains at once, within a bound.
OUTBOX_BATCH = 50
OUTBOX_MAX_BATCHES = 20


@ops.task(retries=3, retry_delay=30)
def deliver_outbox() -> int:
    """Send queued emails (candidate and interview invites) in batches until none is due;
    failures stay queued for the next run."""
    from backend.services.mail import deliver_pending

    sent = 0
    for _ in range(OUTBOX_MAX_BATCHES):
        with session_scope() as session:
            batch = deliver_pending(session, limit=OUTBOX_BATCH)
        sent += batch
        if batch < OUTBOX_BATCH:  # nothing more is due (or the rest failed and waits)
            break
    if sent:
        log.info("delivered %d queued emails", sent)
    return sent


@ops.task()
def expire_overdue_sessions() -> int:
    """Store 'expired' on candidate sessions past their deadline."""
    from backend.services.candidate_sessions import expire_overdue_sessions as expire

    with session_scope() as session:
        changed = expire(session)
    if changed:
        log.info("expired %d overdue candidate sessions", changed)
    return changed


@cpu.task(priority=10)
def evaluate_code(evaluation_id: str) -> str:
    """Run the automated evaluation of one code submission (a no-op when another worker holds
    it or it is done: duplicate messages are harmless)."""
    from workers.evaluation.pipeline import run_evaluation

    outcome = run_evaluation(evaluation_id)
    log.info("evaluation %s: %s", evaluation_id, outcome)
    return outcome


@gpu.task(priority=10)
def process_interview(job_id: str) -> str:
    """Transcribe, diarize, measure and assess one interview job (a no-op when another worker
    holds it or it is finished)."""
    from workers.interviews.pipeline import run_interview_job

    outcome = run_interview_job(job_id)
    log.info("interview job %s: %s", job_id, outcome)
    return outcome


@cpu.task(priority=10)
def assess_interview_text(job_id: str) -> str:
    """Assess one interview job sent as a transcript (text): the interview pipeline without
    speech models, on the CPU queue."""
    from workers.interviews.pipeline import run_interview_job

    outcome = run_interview_job(job_id)
    log.info("interview job %s (text): %s", job_id, outcome)
    return outcome


@cpu.task(priority=10)
def rescore_interview(confirmation_id: str) -> str:
    """Re-score a finished interview with the speaker roles a recruiter confirmed: the text
    path's assessment on the stored transcript (no speech model, nothing charged)."""
    from workers.interviews.rescore import run_rescore

    outcome = run_rescore(confirmation_id)
    log.info("re-scoring %s: %s", confirmation_id, outcome)
    return outcome


@ops.task()
def requeue_stale_evaluations() -> tuple[int, int]:
    """Enqueue again the evaluations whose worker died or whose message was lost."""
    from workers.evaluation.pipeline import requeue_stale

    requeued, failed = requeue_stale()
    if requeued or failed:
        log.info("stale evaluations: %d requeued, %d failed", requeued, failed)
    return requeued, failed


@ops.task()
def requeue_stale_interviews() -> tuple[int, int]:
    """Enqueue again the interview jobs whose worker died or whose message was lost."""
    from workers.interviews.pipeline import requeue_stale

    requeued, failed = requeue_stale()
    if requeued or failed:
        log.info("stale interview jobs: %d requeued, %d failed", requeued, failed)
    return requeued, failed


@ops.task()
def requeue_stale_rescores() -> tuple[int, int]:
    """Enqueue again the re-scorings whose worker died or whose message was lost."""
    from workers.interviews.rescore import requeue_stale

    requeued, failed = requeue_stale()
    if requeued or failed:
        log.info("stale re-scorings: %d requeued, %d failed", requeued, failed)
    return requeued, failed


@gpu.on_startup()
def preload_interview_models() -> None:
    """Models load once per worker process of an interview (gpu) consumer, at start-up, in the
    background; consumers of the other queues never load them."""
    if get_settings().preload_models:
        from workers.interviews.loaded_models import preload_in_background

        preload_in_background()


@ops.task()
def deliver_evaluation_callbacks() -> int:
    """POST finished evaluations to their callback_url; failures retry with backoff."""
    from backend.services.evaluations.callbacks import deliver_due

    with session_scope() as session:
        delivered = deliver_due(session)
    if delivered:
        log.info("delivered %d evaluation callbacks", delivered)
    return delivered


@ops.task()
def deliver_tenant_webhooks() -> int:
    """Send call and application activity to the tenants' webhooks; failures retry with
    backoff."""
    from backend.services.pipeline.webhook_deliveries import deliver_due

    with session_scope() as session:
        delivered = deliver_due(session)
    if delivered:
        log.info("delivered %d tenant webhooks", delivered)
    return delivered


@ops.task()
def deliver_ats_notices() -> int:
    """Tell the ATSs (Greenhouse, Ashby) about the tests they sent that have news; failures
    retry with backoff."""
    from backend.services.ats.notices import deliver_due

    with session_scope() as session:
        delivered = deliver_due(session)
    if delivered:
        log.info("delivered %d ATS notices", delivered)
    return delivered


@ops.task()
def delete_spent_uploads() -> int:
    """Delete uploaded zips no evaluation will read again (``upload_retention``)."""
    from backend.services.evaluations.upload_retention import delete_spent_uploads as sweep

    with session_scope() as session:
        swept = sweep(session)
    if swept.total:
        log.info("deleted %d evaluated and %d unused zip uploads", swept.evaluated, swept.unused)
    return swept.total


@ops.task()
def delete_expired_media() -> int:
    """Delete kept recordings, answers and resumes past their retention (``media_retention``)."""
    from backend.services.media_retention import delete_expired_media as sweep

    with session_scope() as session:
        swept = sweep(session)
    if swept.total:
        log.info(
            "retention deleted %d recordings, %d browser-interview answer sets and %d resumes",
            swept.recordings,
            swept.answers,
            swept.resumes,
        )
    return swept.total


@ops.task()
def delete_expired_audit_events() -> int:
    """Delete audit log rows past ``TRUELEVEL_AUDIT_RETENTION_DAYS`` (``audit``)."""
    from backend.services.audit import delete_expired_events

    with session_scope() as session:
        deleted = delete_expired_events(session)
    if deleted:
        log.info("retention deleted %d audit log rows", deleted)
    return deleted


@ops.periodic_task(crontab(minute="17", hour="3"))
def every_night() -> None:
    """The nightly sweep (one per cluster, like ``every_minute``): audit rows are kept for
    years, so once a day is soon enough."""
    delete_expired_audit_events.call_local()


@ops.periodic_task(crontab(minute="*"))
def every_minute() -> bool:
    """The minute sweep, on ``ops``: never behind interviews or test suites. Only consumers
    started without ``--no-periodic`` schedule it, one per cluster; should two schedule it,
    the sweep runs only in the first one's turn (``workers.periodic_turn``). False when it
    found the turn taken."""
    from workers.periodic_turn import take_turn

    if not take_turn(ops, "every_minute"):
        log.warning(  # the periodic work is scheduled twice: a consumer lacks --no-periodic
            "minute sweep skipped: another scheduler's sweep ran this minute; start every ops "
            "consumer but one with --no-periodic"
        )
        return False
    minute_sweep()
    return True


def minute_sweep() -> None:
    """What the minute sweep does, each part in turn (``every_minute`` runs it once a minute per
    cluster; tests run it directly)."""
    deliver_outbox.call_local()
    expire_overdue_sessions.call_local()
    requeue_stale_evaluations.call_local()
    requeue_stale_interviews.call_local()
    requeue_stale_rescores.call_local()
    deliver_evaluation_callbacks.call_local()
    deliver_tenant_webhooks.call_local()
    deliver_ats_notices.call_local()
    delete_spent_uploads.call_local()
    delete_expired_media.call_local()
