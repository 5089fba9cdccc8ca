"""An assessment names the level its take-homes are judged against (``targetLevel``), and the
evaluations submitted from its sessions use it instead of ``mid``."""

from __future__ import annotations

from tests.api.assessments.helpers import API, create_assessment, generate_keys, redeem
from tests.api.evaluations.helpers import submit
from tests.helpers import bearer, make_org


def _submit_from_new_session(client, org, assessment_id: str) -> dict:
    [key] = generate_keys(client, org, assessment_id)
    session_id = redeem(client, key["key"]).json()["session"]["id"]
    response = client.post(
        f"{API}/sessions/{session_id}/submission",
        json={"repoUrl": "https://github.com/candidate/orders-take-home"},
        headers=bearer(key["key"]),
    )
    assert response.status_code == 201, response.text
    evaluation_id = response.json()["submission"]["evaluationId"]
    return client.get(f"{API}/evaluations/{evaluation_id}", headers=org.headers).json()


def test_target_level_is_set_read_and_listed(client):
    org = make_org()
    created = create_assessment(client, org, targetLevel="senior")
    assert created["targetLevel"] == "senior"
    one = client.get(f"{API}/assessments/{created['id']}", headers=org.headers).json()
    assert one["assessment"]["targetLevel"] == "senior"
    listed = client.get(f"{API}/assessments", headers=org.headers).json()["assessments"]
    assert [a["targetLevel"] for a in listed] == ["senior"]


def test_an_unknown_level_is_a_400_naming_the_field(client):
    org = make_org()
    response = client.post(
        f"{API}/assessments",
        json={"title": "T", "role": "R", "taskBrief": "B", "targetLevel": "principal"},
        headers=org.headers,
    )
    assert response.status_code == 400
    assert "targetLevel" in response.text


def test_patch_changes_the_level_of_later_submissions_only(client):
    org = make_org()
    assessment = create_assessment(client, org, targetLevel="senior")
    first = _submit_from_new_session(client, org, assessment["id"])
    assert first["target_level"] == "senior"

    path = f"{API}/assessments/{assessment['id']}"
    response = client.patch(path, json={"targetLevel": "staff"}, headers=org.headers)
    assert response.status_code == 200, response.text
    assert response.json()["assessment"]["targetLevel"] == "staff"
    assert response.json()["assessment"]["title"] == assessment["title"]

    second = _submit_from_new_session(client, org, assessment["id"])
    assert second["target_level"] == "staff"
    again = client.get(f"{API}/evaluations/{first['id']}", headers=org.headers).json()
    assert again["target_level"] == "senior"  # judged against the level it was given

    assert client.patch(path, json={"targetLevel": "lead"}, headers=org.headers).status_code == 400
    other = make_org()
    refused = client.patch(path, json={"targetLevel": "junior"}, headers=other.headers)
    assert refused.status_code == 404


def test_without_a_level_the_assessment_judges_against_mid(client):
    org = make_org()
    assessment = create_assessment(client, org)
    assert assessment["targetLevel"] == "mid"
    assert _submit_from_new_session(client, org, assessment["id"])["target_level"] == "mid"


def test_a_direct_submission_keeps_its_own_level(client):
    org = make_org()
    create_assessment(client, org, targetLevel="staff")
    accepted = submit(client, org, target_level="junior")
    view = client.get(f"{API}/evaluations/{accepted['id']}", headers=org.headers).json()
    assert view["target_level"] == "junior"


def test_openapi_documents_the_level_choices(client):
    schemas = client.get(f"{API}/openapi.json").json()["components"]["schemas"]
    for name in ("AssessmentCreate", "AssessmentUpdate"):
        prop = schemas[name]["properties"]["targetLevel"]
        text = str(prop)
        assert all(level in text for level in ("junior", "mid", "senior", "staff")), prop
    assert "targetLevel" in schemas["AssessmentPublic"]["required"]
