"""Billing test helpers: the admin command line run as a person runs it, and the requests
seed 001 guards."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.helpers import OrgHandle

ROOT = Path(__file__).resolve().parents[3]
API = "/api/v1"
BRIEF = {
    "title": "Backend API Challenge",
    "role": "Senior Backend Engineer",
    "taskBrief": "Add pagination to the /orders endpoint.",
}


def billing_cli(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """``python -m backend.cli billing ...`` in a process of its own, with this environment."""
    return subprocess.run(
        [sys.executable, "-m", "backend.cli", "billing", *args],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=check,
    )


def billing_json(*args: str) -> dict[str, Any]:
    return json.loads(billing_cli(*args).stdout)


def post_assessment(client: Any, org: OrgHandle, **fields: Any) -> Any:
    return client.post(f"{API}/assessments", json={**BRIEF, **fields}, headers=org.headers)


def post_keys(client: Any, org: OrgHandle, assessment_id: str) -> Any:
    return client.post(
        f"{API}/assessments/{assessment_id}/keys", json={"count": 1}, headers=org.headers
    )
