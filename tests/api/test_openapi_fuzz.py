"""Schemathesis generates requests from the published OpenAPI document, valid and invalid,
and every answer must be something other than a server error."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from backend.api import create_api
from tests.helpers import make_org

schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_api())


@pytest.fixture(scope="module")
def org_headers() -> dict[str, str]:
    return make_org("Fuzzing Ltd").headers


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_server_error(case, org_headers):
    response = case.call(headers=org_headers)
    case.validate_response(response, checks=[not_a_server_error])
