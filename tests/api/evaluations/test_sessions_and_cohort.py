"""Seed 001 from a candidate session: events, the take-home submission, cohort statistics."""

from __future__ import annotations

from datetime import datetime, timedelta

from backend.db import session_scope
from backend.models import CandidateSession
from backend.models.base import utcnow
from tests.api.assessments.helpers import create_assessment, create_rubric, generate_keys, redeem
from tests.api.evaluations.helpers import API, parse_ts, zip_bytes
from tests.helpers import bearer, make_org


def _sessions(client, org, assessment_id: str, count: int) -> list[tuple[str, str]]:
    """Redeem ``count`` new keys: (candidate key, session id) each."""
    out = []
    for key in generate_keys(client, org, assessment_id, count=count):
        response = redeem(client, key["key"])
        assert response.status_code == 201
        out.append((key["key"], response.json()["session"]["id"]))
    return out


def _set_times(session_id: str, **values) -> None:
    with session_scope() as db:
        row = db.get(CandidateSession, session_id)
        for name, value in values.items():
            setattr(row, name, value)
        db.add(row)
        db.commit()


def _post_events(client, key: str, session_id: str, events: list[dict]):
    return client.post(
        f"{API}/sessions/{session_id}/events", json={"events": events}, headers=bearer(key)
    )


def _at(start: datetime, minutes: float) -> str:
    return (start + timedelta(minutes=minutes)).isoformat()


def _cohort(client, org, assessment_id: str, **params):
    response = client.get(
        f"{API}/assessments/{assessment_id}/cohort-stats", params=params, headers=org.headers
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_cohort_stats_with_known_numbers(client):
    org = make_org()
    assessment = create_assessment(client, org)
    (key_a, a), (key_b, b), (key_c, c), (key_d, d) = _sessions(client, org, assessment["id"], 4)
    start = utcnow().replace(microsecond=0) - timedelta(hours=3)
    for session_id in (a, b, c, d):
        _set_times(session_id, started_at=start)

    def command(minute, exit_code, verification=False):
        return {
            "type": "command",
            "at": _at(start, minute),
            "command": "pytest" if verification else "ls",
            "exitCode": exit_code,
            "verification": verification,
        }

    def edit(minute, kind):
        return {"type": "edit", "at": _at(start, minute), "editKind": kind, "path": "app.py"}

    def prompt(minute):
        return {"type": "prompt", "at": _at(start, minute)}

    def tests(minute, passed, failed):
        return {"type": "test_run", "at": _at(start, minute), "passed": passed, "failed": failed}

    # A: 60 min, 4 prompts, 4 commands (1 failed, 2 verifying), 3 of 4 edits manual, first edit
    # at 5 min, last test run 8 passed / 2 failed (an earlier run 1/3 does not count).
    events_a = [prompt(m) for m in (1, 2, 3, 4)]
    events_a += [command(6, 0, True), command(7, 1), command(8, 0, True), command(9, 0)]
    events_a += [edit(5, "manual"), edit(10, "manual"), edit(11, "assisted"), edit(12, "manual")]
    events_a += [tests(50, 8, 2), tests(20, 1, 3)]
    # B: 30 min, 10 prompts, 2 commands both failing, no verification, 2 assisted edits with the
    # first at 10 min, last test run 4 passed / 2 failed.
    events_b = [prompt(m) for m in range(10)]
    events_b += [command(12, 2), command(13, 127), edit(10, "assisted"), edit(14, "assisted")]
    events_b += [tests(25, 4, 2)]
    # C: expires after 90 min without completing; no prompts or commands; one manual edit at
    # 2 min; no test run.
    events_c = [edit(2, "manual")]
    # D stays active: it is not part of the cohort.
    events_d = [prompt(1), command(2, 1), tests(3, 0, 50)]
    for key, session_id, events in (
        (key_a, a, events_a),
        (key_b, b, events_b),
        (key_c, c, events_c),
        (key_d, d, events_d),
    ):
        response = _post_events(client, key, session_id, events)
        assert response.status_code == 201, response.text
        assert response.json() == {"accepted": len(events), "sessionId": session_id}

    assert client.post(f"{API}/sessions/{a}/complete", headers=bearer(key_a)).status_code == 200
    _set_times(a, completed_at=start + timedelta(minutes=60))
    _set_times(b, status="hired", completed_at=start + timedelta(minutes=30))
    _set_times(c, deadline_at=start + timedelta(minutes=90))

    stats = _cohort(client, org, assessment["id"])["cohortStats"]
    assert stats["sessionCount"] == 3
    assert stats["metrics"] == {
        "avgDurationMs": 3_600_000,  # (60 + 30 + 90) / 3 minutes
        "avgPromptCount": 4.7,  # (4 + 10 + 0) / 3
        "avgCommandFailRate": 0.625,  # (1/4 + 2/2) / 2; C ran no commands
        "avgVerifyIntensity": 0.25,  # (2/4 + 0/2) / 2
        "avgManualEditRatio": 0.583,  # (3/4 + 0/2 + 1/1) / 3
        "avgFirstChangeLatencyMs": 340_000,  # (5 + 10 + 2) / 3 minutes
        "testPassRate": 75.0,  # (8 + 4) / (10 + 6)
    }
    assert stats["percentiles"] is None  # no sessionId

    ranked_a = _cohort(client, org, assessment["id"], sessionId=a)["cohortStats"]["percentiles"]
    assert ranked_a == {
        "durationMs": 0.5,  # longer than B, shorter than C
        "promptCount": 0.5,  # more than C, fewer than B
        "commandFailRate": 1.0,  # inverted: 0.25 fails less than B's 1.0; C has no commands
        "verifyIntensity": 1.0,
        "manualEditRatio": 0.5,
        "firstChangeLatencyMs": 0.5,
    }
    ranked_b = _cohort(client, org, assessment["id"], sessionId=b)["cohortStats"]["percentiles"]
    assert ranked_b == {
        "durationMs": 0.0,
        "promptCount": 1.0,
        "commandFailRate": 0.0,  # the highest fail rate ranks lowest
        "verifyIntensity": 0.0,
        "manualEditRatio": 0.0,
        "firstChangeLatencyMs": 1.0,
    }
    ranked_c = _cohort(client, org, assessment["id"], sessionId=c)["cohortStats"]["percentiles"]
    assert ranked_c["commandFailRate"] is None and ranked_c["verifyIntensity"] is None
    assert ranked_c["durationMs"] == 1.0 and ranked_c["manualEditRatio"] == 1.0
    # The active session is not in the cohort: no ranks for it.
    assert _cohort(client, org, assessment["id"], sessionId=d)["cohortStats"]["percentiles"] is None


def test_no_finished_session_means_null_and_one_means_no_percentiles(client):
    org = make_org()
    assessment = create_assessment(client, org)
    assert _cohort(client, org, assessment["id"]) == {"cohortStats": None}
    ((key, session_id),) = _sessions(client, org, assessment["id"], 1)
    assert _cohort(client, org, assessment["id"]) == {"cohortStats": None}  # still active
    client.post(f"{API}/sessions/{session_id}/complete", headers=bearer(key))
    stats = _cohort(client, org, assessment["id"], sessionId=session_id)["cohortStats"]
    assert stats["sessionCount"] == 1
    assert stats["percentiles"] is None
    assert stats["metrics"]["avgPromptCount"] == 0
    assert stats["metrics"]["avgCommandFailRate"] is None
    assert stats["metrics"]["testPassRate"] is None


def test_cohort_stats_access(client):
    org, other = make_org(), make_org()
    assessment = create_assessment(client, org)
    elsewhere = create_assessment(client, org)
    ((key, session_id),) = _sessions(client, org, elsewhere["id"], 1)
    path = f"{API}/assessments/{assessment['id']}/cohort-stats"
    assert client.get(path, headers=other.headers).status_code == 404
    assert client.get(path).status_code == 401
    assert client.get(path, headers=bearer(key)).status_code == 401  # candidates cannot
    wrong_session = client.get(path, params={"sessionId": session_id}, headers=org.headers)
    assert wrong_session.status_code == 404
    unknown = client.get(path, params={"sessionId": "nope"}, headers=org.headers)
    assert unknown.status_code == 404


def test_events_only_from_the_sessions_own_candidate_while_active(client):
    org = make_org()
    assessment = create_assessment(client, org)
    (key, session_id), (other_key, _) = _sessions(client, org, assessment["id"], 2)
    single = client.post(
        f"{API}/sessions/{session_id}/events",
        json={"type": "prompt"},  # one event object is accepted too
        headers=bearer(key),
    )
    assert single.status_code == 201 and single.json()["accepted"] == 1
    assert _post_events(client, other_key, session_id, [{"type": "prompt"}]).status_code == 404
    by_org = client.post(
        f"{API}/sessions/{session_id}/events", json={"type": "prompt"}, headers=org.headers
    )
    assert by_org.status_code == 403 and by_org.json()["error"] == "candidate_key_required"
    for bad in (
        [{"type": "command"}],  # no exit code
        [{"type": "edit"}],  # no edit kind
        [{"type": "test_run", "passed": 3}],
        [{"type": "keystroke"}],
        [],
    ):
        response = _post_events(client, key, session_id, bad)
        assert response.status_code == 400, bad  # seed 001: invalid bodies are 400
        assert response.json()["error"] == "invalid_request"
    client.post(f"{API}/sessions/{session_id}/complete", headers=bearer(key))
    closed = _post_events(client, key, session_id, [{"type": "prompt"}])
    assert closed.status_code == 409 and closed.json()["error"] == "session_not_active"


def test_submission_from_a_session(client):
    org = make_org()
    rubric = create_rubric(client, org)
    assessment = create_assessment(client, org, timeLimitMinutes=90, rubricId=rubric["id"])
    (key, session_id), (other_key, _) = _sessions(client, org, assessment["id"], 2)
    path = f"{API}/sessions/{session_id}/submission"
    body = {"repoUrl": "https://github.com/candidate/orders-take-home"}

    assert client.post(path, json=body, headers=bearer(other_key)).status_code == 404
    assert client.post(path, json=body, headers=org.headers).status_code == 403
    both = {**body, "uploadId": "upl-x"}
    assert client.post(path, json=both, headers=bearer(key)).status_code == 400
    assert client.post(path, json={}, headers=bearer(key)).status_code == 400

    response = client.post(path, json=body, headers=bearer(key))
    assert response.status_code == 201, response.text
    submission = response.json()["submission"]
    assert submission["sessionId"] == session_id
    assert submission["assessmentId"] == assessment["id"]
    assert submission["status"] == "pending"
    assert submission["submittedLate"] is False
    assert parse_ts(submission["estimatedCompletion"]) - parse_ts(
        submission["submittedAt"]
    ) == timedelta(hours=24)

    view = client.get(f"{API}/evaluations/{submission['evaluationId']}", headers=org.headers).json()
    assert view["candidate_ref"] == key
    assert view["target_role"] == assessment["role"]
    assert view["target_level"] == "mid"
    assert view["assessment_id"] == assessment["id"] and view["session_id"] == session_id
    assert view["rubric_id"] == rubric["id"]
    assert view["artefact"]["url"] == body["repoUrl"]

    again = client.post(path, json=body, headers=bearer(key))
    assert again.status_code == 409
    assert again.json()["error"] == "already_submitted"
    assert again.json()["evaluationId"] == submission["evaluationId"]


def test_late_zip_submission_is_accepted_and_marked(client):
    org = make_org()
    assessment = create_assessment(client, org, timeLimitMinutes=30)
    (key, session_id), (other_key, _) = _sessions(client, org, assessment["id"], 2)
    _set_times(session_id, deadline_at=utcnow() - timedelta(minutes=1))

    uploaded = client.post(
        f"{API}/evaluations/uploads",
        files={"file": ("take-home.zip", zip_bytes(), "application/zip")},
        headers=bearer(key),
    )
    assert uploaded.status_code == 201, uploaded.text
    upload_id = uploaded.json()["upload_id"]
    path = f"{API}/sessions/{session_id}/submission"
    # Another candidate's upload cannot be submitted.
    theirs = client.post(
        f"{API}/evaluations/uploads",
        files={"file": ("x.zip", zip_bytes(), "application/zip")},
        headers=bearer(other_key),
    ).json()["upload_id"]
    refused = client.post(path, json={"uploadId": theirs}, headers=bearer(key))
    assert refused.status_code == 400 and refused.json()["error"] == "unknown_upload"

    response = client.post(path, json={"uploadId": upload_id}, headers=bearer(key))
    assert response.status_code == 201, response.text
    submission = response.json()["submission"]
    assert submission["submittedLate"] is True
    view = client.get(f"{API}/evaluations/{submission['evaluationId']}", headers=org.headers).json()
    assert view["submitted_late"] is True
    assert view["artefact"] == {"type": "zip_upload", "url": None, "upload_id": upload_id}
