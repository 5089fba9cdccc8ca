"""A job's scheduling switch and its schedule settings (bounds exactly as the seed)."""

from __future__ import annotations

import pytest

from tests.api.pipeline.builders import API, create_job, error_fields
from tests.helpers import make_org

SEED_SETTING = {
    "window_start_time": "08:00:00",
    "window_end_time": "18:00:00",
    "daily_attempts": 3,
    "total_attempts": 10,
    "retry_interval": 15,
    "days_of_week": [1, 2, 3, 4, 5],
    "email_enabled": True,
    "email_notify_minutes": 10,
    "email_repeat": False,
    "sms_enabled": True,
    "sms_notify_minutes": 5,
    "sms_repeat": True,
    "voicemail_enabled": False,
    "repeat_calling": True,
    "call_schedule_minutes": 30,
    "name": "Default Schedule",
}


@pytest.fixture()
def org():
    return make_org()


@pytest.fixture()
def job(client, org):
    return create_job(client, org)


def test_scheduling_is_off_by_default_and_can_be_switched(client, org, job):
    url = f"{API}/jobs/{job['id']}/scheduling"
    assert client.get(url, headers=org.headers).json() == {
        "job_id": job["id"],
        "scheduling": False,
    }
    response = client.patch(url, json={"scheduling": True}, headers=org.headers)
    assert response.status_code == 200
    assert response.json() == {"job_id": job["id"], "scheduling": True}
    assert client.get(url, headers=org.headers).json()["scheduling"] is True
    assert client.get(f"{API}/jobs/{job['id']}", headers=org.headers).json()["scheduling"]
    response = client.patch(url, json={"scheduling": False}, headers=org.headers)
    assert response.json()["scheduling"] is False


@pytest.mark.parametrize("body", [{}, {"scheduling": None}, {"scheduling": "maybe"}])
def test_scheduling_body_is_validated(client, org, job, body):
    response = client.patch(f"{API}/jobs/{job['id']}/scheduling", json=body, headers=org.headers)
    assert response.status_code == 422
    assert "scheduling" in error_fields(response)


def test_scheduling_of_foreign_job_is_404(client, org):
    foreign = create_job(client, make_org())
    url = f"{API}/jobs/{foreign['id']}/scheduling"
    assert client.get(url, headers=org.headers).status_code == 404
    response = client.patch(url, json={"scheduling": True}, headers=org.headers)
    assert response.status_code == 404


def test_schedule_setting_defaults_before_any_put(client, org, job):
    response = client.get(f"{API}/jobs/{job['id']}/schedule-setting", headers=org.headers)
    assert response.status_code == 200
    setting = response.json()
    assert setting["job_id"] == job["id"]
    assert setting["configured"] is False
    assert setting["updated_at"] is None
    assert setting["window_start_time"] == "09:00:00"
    assert setting["window_end_time"] == "17:00:00"
    assert setting["days_of_week"] == [1, 2, 3, 4, 5]
    assert 0 <= setting["daily_attempts"] <= 5


def test_put_the_seed_example_then_get_it(client, org, job):
    url = f"{API}/jobs/{job['id']}/schedule-setting"
    response = client.put(url, json=SEED_SETTING, headers=org.headers)
    assert response.status_code == 200
    saved = response.json()
    for name, value in SEED_SETTING.items():
        assert saved[name] == value, name
    assert saved["configured"] is True and saved["updated_at"]
    assert saved["default"] is False
    assert client.get(url, headers=org.headers).json() == saved


def test_put_replaces_the_whole_setting(client, org, job):
    url = f"{API}/jobs/{job['id']}/schedule-setting"
    client.put(url, json=SEED_SETTING, headers=org.headers)
    response = client.put(
        url,
        json={"window_start_time": "07:30", "window_end_time": "12:00", "days_of_week": [7, 6, 6]},
        headers=org.headers,
    )
    assert response.status_code == 200
    setting = response.json()
    # Short times are normalised; days are distinct and sorted; omitted fields are defaults.
    assert setting["window_start_time"] == "07:30:00"
    assert setting["window_end_time"] == "12:00:00"
    assert setting["days_of_week"] == [6, 7]
    assert setting["sms_enabled"] is False and setting["name"] is None
    assert setting["retry_interval"] == 60


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("daily_attempts", 6),
        ("daily_attempts", -1),
        ("total_attempts", -1),
        ("total_attempts", 10**12),
        ("retry_interval", -1),
        ("email_notify_minutes", -1),
        ("sms_notify_minutes", -1),
        ("call_schedule_minutes", -1),
        ("call_schedule_minutes", 10**9),
        ("days_of_week", [0]),
        ("days_of_week", [8]),
        ("days_of_week", []),
        ("days_of_week", "monday"),
        ("days_of_week", list(range(1, 9))),
        ("window_start_time", "25:00"),
        ("window_start_time", "8am"),
        ("window_end_time", "18:60:00"),
        ("window_end_time", ""),
        ("name", "n" * 256),
        ("email_enabled", "sometimes"),
    ],
)
def test_schedule_setting_bounds(client, org, job, field, value):
    response = client.put(
        f"{API}/jobs/{job['id']}/schedule-setting",
        json={**SEED_SETTING, field: value},
        headers=org.headers,
    )
    assert response.status_code == 422, response.text
    assert any(f == field or f.startswith(f"{field}.") for f in error_fields(response))


@pytest.mark.parametrize("value", [0, 5])
def test_daily_attempts_edges_are_allowed(client, org, job, value):
    response = client.put(
        f"{API}/jobs/{job['id']}/schedule-setting",
        json={**SEED_SETTING, "daily_attempts": value, "total_attempts": 0, "retry_interval": 0},
        headers=org.headers,
    )
    assert response.status_code == 200
    assert response.json()["daily_attempts"] == value


@pytest.mark.parametrize(("start", "end"), [("18:00:00", "08:00:00"), ("09:00", "09:00:00")])
def test_window_start_must_be_before_end(client, org, job, start, end):
    response = client.put(
        f"{API}/jobs/{job['id']}/schedule-setting",
        json={**SEED_SETTING, "window_start_time": start, "window_end_time": end},
        headers=org.headers,
    )
    assert response.status_code == 422
    assert "window_start_time" in response.json()["message"]


@pytest.mark.parametrize("missing", ["window_start_time", "window_end_time"])
def test_window_times_are_required(client, org, job, missing):
    body = dict(SEED_SETTING)
    del body[missing]
    response = client.put(
        f"{API}/jobs/{job['id']}/schedule-setting", json=body, headers=org.headers
    )
    assert response.status_code == 422
    assert missing in error_fields(response)


def test_schedule_setting_of_foreign_job_is_404(client, org):
    other = make_org()
    foreign = create_job(client, other)
    url = f"{API}/jobs/{foreign['id']}/schedule-setting"
    assert client.get(url, headers=org.headers).status_code == 404
    assert client.put(url, json=SEED_SETTING, headers=org.headers).status_code == 404
    # The owner's setting is untouched.
    assert client.get(url, headers=other.headers).json()["configured"] is False
