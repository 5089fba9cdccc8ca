"""Request bodies and small creators for the pipeline tests (seed 003)."""

from __future__ import annotations

import base64
import uuid
from typing import Any

from fastapi.testclient import TestClient

from tests.helpers import OrgHandle

API = "/api/v1"

# A complete, tiny PDF (the seed's own example file).
PDF_BASE64 = (
    "JVBERi0xLjcKJeLjz9MKMSAwIG9iago8PCAvVHlwZSAvQ2F0YWxvZyAvUGFnZXMgMiAwIFIgPj4KZW5kb2JqCjIgMCBv"
    "YmoKPDwgL1R5cGUgL1BhZ2VzIC9LaWRzIFsgMyAwIFIgXSAvQ291bnQgMSA+PgplbmRvYmoKMyAwIG9iago8PCAvVHlw"
    "ZSAvUGFnZSAvUGFyZW50IDIgMCBSIC9SZXNvdXJjZXMgPDwgL0ZvbnQgPDwgL0YxIDQgMCBSID4+ID4+IC9NZWRpYUJv"
    "eCBbMCAwIDU5NS4yNzU1OTEgODQxLjg4OTc2OF0gL0NvbnRlbnRzIDUgMCBSID4+CmVuZG9iago0IDAgb2JqCjw8IC9U"
    "eXBlIC9Gb250IC9TdWJ0eXBlIC9UeXBlMSAvQmFzZUZvbnQgL1RpbWVzLVJvbWFuID4+CmVuZG9iago1IDAgb2JqCjw8"
    "IC9MZW5ndGggNDQgPj4Kc3RyZWFtCkJUCjcwIDUwIFRECi9GMSAxMiBUZgooSGVsbG8sIFdvcmxkISkgVGoKRVQKZW5k"
    "c3RyZWFtCmVuZG9iagp4cmVmCjAgNgowMDAwMDAwMDAwIDY1NTM1IGYgCjAwMDAwMDAwMTAgMDAwMDAgbiAKMDAwMDAw"
    "MDA3OSAwMDAwMCBuIAowMDAwMDAwMTczIDAwMDAwIG4gCjAwMDAwMDAzMDEgMDAwMDAgbiAKMDAwMDAwMDM4MCAwMDAw"
    "MCBuIAp0cmFpbGVyCjw8IC9TaXplIDYgL1Jvb3QgMSAwIFIgPj4Kc3RhcnR4cmVmCjQ5MgolJUVPRgo="
)
PDF_BYTES = base64.b64decode(PDF_BASE64)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def job_body(**overrides: Any) -> dict[str, Any]:
    """The seed's example job, with a fresh source_id."""
    body: dict[str, Any] = {
        "address": "130 Bayech Drive",
        "city": "San Jose",
        "source_id": unique("job"),
        "client_name": "Pippedpipper",
        "country": "United States",
        "desc": "We need an LLM engineer with Python and 5 years of experience.",
        "pay_rate_currency": "USD",
        "workplace_type": "remote",
        "industry": "Reasearch Scientist",
        "duration": "2",
        "employment_type": "Contract",
        "end_date": "2025-01-25T05:00:00Z",
        "job_code": "123",
        "max_pay_rate": 38.45,
        "min_pay_rate": 48.45,
        "pay_frequency": "Per Hour",
        "posting_date": "2024-06-21T18:29:21Z",
        "recruiter_email": "John@ninjahire.co",
        "recruiter_name": "John",
        "recruiter_work_phone_no": "+19179991111",
        "start_date": "2024-07-22T04:00:00Z",
        "state_name": "CA",
        "status": "Active",
        "title": "LLM Engineer",
        "zip_code": "95134",
    }
    body.update(overrides)
    return body


def candidate_body(**overrides: Any) -> dict[str, Any]:
    """The seed's example candidate, with a fresh source_id."""
    body: dict[str, Any] = {
        "city": "Dallas",
        "country": "United States",
        "email": "candidate@Ninjahire.ai",
        "first_name": "firstname",
        "last_name": "lastname",
        "phone_no": "+919803879562",
        "source_id": unique("cand"),
        "source": "LinkedIn",
        "state_name": "Minnesota",
    }
    body.update(overrides)
    return body


def create_job(client: TestClient, org: OrgHandle, **overrides: Any) -> dict[str, Any]:
    response = client.post(f"{API}/jobs", json=job_body(**overrides), headers=org.headers)
    assert response.status_code == 201, response.text
    return response.json()


def create_candidate(client: TestClient, org: OrgHandle, **overrides: Any) -> dict[str, Any]:
    response = client.post(
        f"{API}/candidates", json=candidate_body(**overrides), headers=org.headers
    )
    assert response.status_code == 201, response.text
    return response.json()


def create_application(
    client: TestClient,
    org: OrgHandle,
    *,
    job: dict[str, Any] | None = None,
    candidate: dict[str, Any] | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    job = job or create_job(client, org)
    candidate = candidate or create_candidate(client, org)
    body: dict[str, Any] = {
        "candidate_id": candidate["id"],
        "job_id": job["id"],
        "candidate_source_id": candidate["source_id"],
        "job_source_id": job["source_id"],
        "source_application_status": "Applied",
        "application_stage": "ACTIVE",
    }
    body.update(overrides)
    response = client.post(f"{API}/applications", json=body, headers=org.headers)
    assert response.status_code == 201, response.text
    return response.json()


def error_fields(response: Any) -> set[str]:
    """The fields named in a 422 body's ``errors`` list."""
    return {e["field"] for e in response.json().get("errors", [])}
