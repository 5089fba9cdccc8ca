"""Upload helpers and database look-ups for the interview API tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient

from tests.api.interviews.recordings import JFK
from tests.helpers import OrgHandle

API = "/api/v1"


def submit(
    client: TestClient | httpx.Client,
    org: OrgHandle | dict[str, str],
    *,
    data: bytes | None = None,
    filename: str = "jfk.flac",
    role_title: str | None = "Backend Engineer",
    duration_s: str | None = None,
    content_type: str = "application/octet-stream",
) -> Any:
    """POST a recording (the JFK speech unless ``data``) to /recruitscreen/jobs."""
    headers = org if isinstance(org, dict) else org.headers
    fields: dict[str, str] = {}
    if role_title is not None:
        fields["role_title"] = role_title
    if duration_s is not None:
        fields["duration_s"] = duration_s
    payload = JFK.read_bytes() if data is None else data
    return client.post(
        f"{API}/recruitscreen/jobs",
        headers=headers,
        data=fields,
        files={"file": (filename, payload, content_type)},
    )


def accepted(client: TestClient, org: OrgHandle, **kwargs: Any) -> dict[str, Any]:
    response = submit(client, org, **kwargs)
    assert response.status_code == 202, response.text
    return response.json()


def set_balance(org: OrgHandle, credits: int | None) -> None:
    from backend.db import session_scope
    from backend.services.interviews import credits as credit_service

    with session_scope() as session:
        credit_service.set_balance(session, org_id=org.org_id, credits=credits)


def balance(org: OrgHandle) -> int | None:
    from backend.db import session_scope
    from backend.services.interviews import credits as credit_service

    with session_scope() as session:
        return credit_service.balance(session, org_id=org.org_id)


def org_footprint(org: OrgHandle) -> tuple[int, int, int | None]:
    """(jobs, ledger entries, balance) of an organisation: a refused upload changes none."""
    from sqlmodel import col, func, select

    from backend.db import session_scope
    from backend.models.interviews import CreditLedgerEntry, InterviewJob

    with session_scope() as session:
        jobs = session.exec(
            select(func.count())
            .select_from(InterviewJob)
            .where(col(InterviewJob.org_id) == org.org_id)
        ).one()
        ledger = session.exec(
            select(func.count())
            .select_from(CreditLedgerEntry)
            .where(col(CreditLedgerEntry.org_id) == org.org_id)
        ).one()
    return int(jobs), int(ledger), balance(org)


def stored_recordings() -> set[str]:
    """The job folders under data_dir/interviews."""
    from backend.settings import get_settings

    root = Path(get_settings().data_dir) / "interviews"
    return {p.name for p in root.iterdir()} if root.is_dir() else set()


def claim(job_id: str, owner: str = "test-worker") -> str:
    """Take the worker lease on ``job_id`` as ``owner``, as a worker would."""
    from sqlmodel import col

    from backend.db import session_scope
    from backend.models.interviews import ACTIVE_STATUSES, InterviewJob
    from backend.services import leases

    with session_scope() as session:
        assert leases.claim(
            session,
            InterviewJob,
            work_id=job_id,
            owner=owner,
            claimable=[col(InterviewJob.status).in_([s.value for s in ACTIVE_STATUSES])],
        )
    return owner


def processed(job_id: str, *, days_ago: float) -> str:
    """Play the worker: complete the job ``days_ago`` days ago; the input's storage key."""
    from datetime import timedelta

    from sqlmodel import col, update

    from backend.db import session_scope
    from backend.models.base import utcnow
    from backend.models.interviews import InterviewJob
    from backend.services.interviews import jobs
    from backend.services.storage import stored_key

    owner = claim(job_id)
    with session_scope() as session:
        assert jobs.complete(session, job_id=job_id, owner=owner, result={"transcript": []})
        session.exec(
            update(InterviewJob)
            .where(col(InterviewJob.id) == job_id)
            .values(finished_at=utcnow() - timedelta(days=days_ago))
        )
        session.commit()
        return stored_key(session.get(InterviewJob, job_id).input_path)
