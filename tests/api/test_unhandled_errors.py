"""A route that fails unexpectedly answers 500 in its contract's JSON error shape, with the
security headers, and nothing of the failure's internals; never a plain-text page."""

from __future__ import annotations

import logging

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from backend.api import API_PREFIX, create_api
from backend.api.errors import DetailErrorRoute, FlatErrorRoute


@pytest.fixture(scope="module")
def failing_api():
    api = create_api()
    flat = APIRouter(route_class=FlatErrorRoute)
    detail = APIRouter(route_class=DetailErrorRoute)

    @flat.get("/test-only/flat-failure")
    def flat_failure():
        raise RuntimeError("database password is hunter2")

    @detail.get("/test-only/detail-failure")
    async def detail_failure():
        raise KeyError("job_internal_state")

    api.include_router(flat, prefix=API_PREFIX)
    api.include_router(detail, prefix=API_PREFIX)
    return api


def test_an_unhandled_error_answers_the_documented_json_shape(failing_api, caplog):
    with caplog.at_level(logging.ERROR, logger="truelevel.api"):
        with TestClient(failing_api) as client:
            answer = client.get("/api/v1/test-only/flat-failure")
    assert answer.status_code == 500
    assert answer.headers["content-type"] == "application/json"
    body = answer.json()
    assert body["error"] == "internal_error"
    assert "Something went wrong on our side" in body["message"]
    assert "hunter2" not in answer.text and "Traceback" not in answer.text
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["x-frame-options"] == "DENY"
    # The traceback is in the log for the operator.
    assert any("hunter2" in (r.exc_text or "") for r in caplog.records)


def test_seed_004_routes_wrap_it_in_detail(failing_api):
    with TestClient(failing_api) as client:
        answer = client.get("/api/v1/test-only/detail-failure")
    assert answer.status_code == 500
    assert answer.json()["detail"]["error"] == "internal_error"
    assert "job_internal_state" not in answer.text
