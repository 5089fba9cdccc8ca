"""Run as a process of its own (``python -m tests.workers.submit_through_queue REPO AUDIO``) with
the queue settings under test: submits work through the same functions the API calls, so each
message reaches the queue with its real priority. Prints the ids as JSON.

Submitted, in this order:
- ``lost``: a standard evaluation whose queue message is then lost (the queue is flushed, as a
  Redis restart without persistence would) and whose row is made five minutes old, so only the
  minute sweep can bring it back;
- ``standard``: a standard evaluation (priority 10), on the ``cpu`` queue;
- ``interview``: an interview job of an organisation with credits (priority 20), on ``gpu``;
- ``express``: an express evaluation (priority 30) on ``cpu``, enqueued after the standard one;
- the minute sweep itself on ``ops``, as the scheduler enqueues it (no priority).
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from pathlib import Path

from sqlmodel import col, update

from backend.db import session_scope
from backend.models import Evaluation, Organization
from backend.models.base import utcnow
from backend.models.evaluations import EvaluationCreate
from backend.services.evaluations import submission as evaluations
from backend.services.interviews import submission as interviews
from backend.services.organisations import create_organisation
from workers import tasks


def _evaluation(org_id: str, repo_url: str, sla_tier: str) -> str:
    data = EvaluationCreate.model_validate(
        {
            "candidate_ref": f"CAND-{sla_tier.upper()}",
            "target_role": "Queue engineer",
            "target_level": "mid",
            "sla_tier": sla_tier,
            "artefact": {"type": "github_repo", "url": repo_url},
        }
    )
    with session_scope() as session:
        return evaluations.submit_evaluation(session, org_id=org_id, data=data).id


def main(repo_url: str, audio: Path) -> dict[str, str]:
    with session_scope() as session:
        org, _ = create_organisation(
            session, name="Queue org", admin_email="ada@acme.test", admin_password="a long phrase"
        )
        org.credit_balance = 10  # a paid plan: its interviews run at priority 20
        session.add(org)
        session.commit()
        org_id = org.id

    lost = _evaluation(org_id, repo_url, "standard")
    tasks.cpu.flush()  # the message is gone; the row stays
    with session_scope() as session:
        session.exec(
            update(Evaluation)
            .where(col(Evaluation.id) == lost)
            .values(created_at=utcnow() - timedelta(minutes=5))
        )
        session.commit()

    standard = _evaluation(org_id, repo_url, "standard")
    with session_scope() as session, audio.open("rb") as stream:
        job = interviews.submit_recording(
            session, org_id=org_id, stream=stream, filename=audio.name, role_title="Orator"
        )
        session.commit()
        job_id, priority = job.id, job.priority
    assert interviews.dispatch_job(job_id, priority), "the interview was not enqueued"

    express = _evaluation(org_id, repo_url, "express")
    tasks.every_minute()  # what the consumer's scheduler enqueues every minute
    with session_scope() as session:
        assert session.get(Organization, org_id).credit_balance == 9
    return {"lost": lost, "standard": standard, "interview": job_id, "express": express}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], Path(sys.argv[2]))))
