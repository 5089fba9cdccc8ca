"""Small builders for the evaluation tests, on top of tests/helpers.py."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from typing import Any

from sqlmodel import col

from backend.db import session_scope
from backend.models import Evaluation
from backend.models.evaluations import ENGINE_STAGES, EvaluationStatus
from backend.services import leases
from backend.services.evaluations import lifecycle
from tests.helpers import OrgHandle

API = "/api/v1"
TEST_WORKER = "tests:evaluation-worker"


def submission_body(**fields: Any) -> dict[str, Any]:
    """A seed 000 submission body (its own example), with overrides."""
    body: dict[str, Any] = {
        "candidate_ref": "CAND-2024-0847",
        "target_role": "Backend Engineer",
        "target_level": "senior",
        "artefact": {"type": "github_repo", "url": "https://github.com/candidate/take-home"},
        "sla_tier": "priority",
    }
    body.update(fields)
    return {k: v for k, v in body.items() if v is not None}


def submit(client: Any, org: OrgHandle, **fields: Any) -> dict[str, Any]:
    """POST /evaluations; returns the 202 body."""
    response = client.post(
        f"{API}/evaluations", json=submission_body(**fields), headers=org.headers
    )
    assert response.status_code == 202, response.text
    return response.json()


def zip_bytes(files: dict[str, bytes] | None = None, *, stored: bool = False) -> bytes:
    """A real zip archive in memory (``stored``: no compression, so its size is predictable)."""
    buffer = io.BytesIO()
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        for name, data in (files or {"README.md": b"# Take-home\n"}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def automated_result(**overrides: Any) -> dict[str, Any]:
    """A result shaped like the engine's (observations carry text and evidence)."""
    result: dict[str, Any] = {
        "recommendation": "proceed",
        "confidence_score": 82,
        "calibrated_seniority": "senior",
        "rubric_scores": [
            {
                "category": "Code Quality",
                "score": 4,
                "max_score": 5,
                "observations": [
                    {
                        "category": "Code Quality",
                        "text": "Consistent naming conventions throughout",
                        "polarity": "positive",
                        "evidence": [
                            {
                                "kind": "file",
                                "file": "src/app.py",
                                "line": 12,
                                "end_line": 18,
                                "excerpt": "def create_order(...):",
                            }
                        ],
                    }
                ],
            },
            {
                "category": "Testing",
                "score": 3,
                "max_score": 5,
                "observations": [
                    {
                        "category": "Testing",
                        "text": "Tests cover the happy path only",
                        "polarity": "negative",
                        "evidence": [{"kind": "commit", "commit": "1a2b3c4d5e6f7a8b9c0d"}],
                    }
                ],
            },
        ],
        "risk_flags": [
            {
                "code": "single_giant_commit",
                "severity": "low",
                "message": "All work arrived in one commit.",
                "evidence": [{"kind": "commit", "commit": "1a2b3c4d5e6f7a8b9c0d"}],
            }
        ],
        "signals": {"tests": {"tests_run": 4, "tests_passed": 4}},
        "engine": {"version": "code-1.0.0", "rubric_id": None, "rubric_version": None},
    }
    result.update(overrides)
    return result


def finish_automated(evaluation_id: str, result: dict[str, Any] | None = None) -> None:
    """Play the worker: take the lease, move through a stage, store the automated result, so
    the evaluation waits for a reviewer (pending, awaiting_review)."""
    engine_stage_values = [s.value for s in ENGINE_STAGES]
    claimable = [
        col(Evaluation.status) == EvaluationStatus.pending.value,
        col(Evaluation.stage).in_(engine_stage_values),
    ]
    with session_scope() as db:
        assert leases.claim(
            db, Evaluation, work_id=evaluation_id, owner=TEST_WORKER, claimable=claimable
        )
        assert lifecycle.mark_stage(
            db, evaluation_id=evaluation_id, owner=TEST_WORKER, stage="analysing"
        )
        assert lifecycle.complete_automated(
            db,
            evaluation_id=evaluation_id,
            owner=TEST_WORKER,
            result=result or automated_result(),
            engine_version="code-1.0.0",
            rubric_ref=("default-rubric", 3),
        )


def fail_evaluation(evaluation_id: str, *, code: str, reason: str) -> None:
    """Play the worker failing the evaluation (an inaccessible repository, say)."""
    claimable = [col(Evaluation.status) == EvaluationStatus.pending.value]
    with session_scope() as db:
        assert leases.claim(
            db, Evaluation, work_id=evaluation_id, owner=TEST_WORKER, claimable=claimable
        )
        assert lifecycle.fail(
            db, evaluation_id=evaluation_id, owner=TEST_WORKER, code=code, reason=reason
        )


def set_created_at(evaluation_id: str, when: datetime) -> None:
    with session_scope() as db:
        row = db.get(Evaluation, evaluation_id)
        row.created_at = when
        db.add(row)
        db.commit()


def parse_ts(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
