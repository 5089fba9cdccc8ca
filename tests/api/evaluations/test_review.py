"""Human review (queue, claim, adjust, finalise) and the CSV/PDF report exports."""

from __future__ import annotations

import csv
import io

from backend.services.report_export import CSV_COLUMNS
from tests.api.evaluations.helpers import API, automated_result, finish_automated, submit
from tests.helpers import make_org


def _ready(client, org, **fields) -> str:
    """An evaluation whose automated result waits for a reviewer."""
    evaluation_id = submit(client, org, **fields)["id"]
    finish_automated(evaluation_id)
    return evaluation_id


def _post(client, org, path, body=None, **params):
    return client.post(f"{API}{path}", json=body, params=params, headers=org.headers)


def test_review_queue_lists_waiting_evaluations_oldest_first(client):
    org = make_org()
    first = _ready(client, org, candidate_ref="CAND-1")
    still_running = submit(client, org, candidate_ref="CAND-2")["id"]
    second = _ready(client, org, candidate_ref="CAND-3")
    queue = client.get(f"{API}/review-queue", headers=org.headers).json()
    assert queue["total"] == 2
    assert [e["id"] for e in queue["evaluations"]] == [first, second]
    assert still_running not in [e["id"] for e in queue["evaluations"]]
    page = client.get(f"{API}/review-queue", params={"limit": 1, "offset": 1}, headers=org.headers)
    assert [e["id"] for e in page.json()["evaluations"]] == [second]

    _post(client, org, f"/evaluations/{first}/claim")
    queue = client.get(f"{API}/review-queue", headers=org.headers).json()
    assert [e["id"] for e in queue["evaluations"]] == [second]


def test_before_review_the_result_is_the_automated_one(client):
    org = make_org()
    evaluation_id = _ready(client, org)
    view = client.get(f"{API}/evaluations/{evaluation_id}", headers=org.headers).json()
    assert view["status"] == "pending"
    assert view["progress"]["stage"] == "awaiting_review"
    assert view["result"] == view["automated_result"]
    assert view["result"]["recommendation"] == "proceed"
    assert view["result"]["confidence_score"] == 82
    assert [s["category"] for s in view["result"]["rubric_scores"]] == ["Code Quality", "Testing"]
    observation = view["result"]["rubric_scores"][0]["observations"][0]
    assert observation["text"] == "Consistent naming conventions throughout"
    assert observation["evidence"][0]["file"] == "src/app.py"
    assert view["result"]["risk_flags"][0]["code"] == "single_giant_commit"
    assert view["human_review"] is None
    assert view["completed_at"] is None and view["turnaround_hours"] is None
    assert view["engine_version"] == "code-1.0.0"
    assert (view["rubric_id"], view["rubric_version"]) == ("default-rubric", 3)


def test_claim_adjust_finalise_keeps_both_verdicts(client):
    org = make_org()
    evaluation_id = _ready(client, org)
    path = f"/evaluations/{evaluation_id}"

    claimed = _post(client, org, f"{path}/claim", {"reviewer": "alice"})
    assert claimed.status_code == 200, claimed.text
    view = claimed.json()
    assert view["status"] == "in_progress"
    assert view["progress"]["stage"] == "review"
    assert view["human_review"]["reviewer_id"] == "alice"
    assert view["human_review"]["claimed_at"] is not None
    assert client.get(f"{API}/status/{evaluation_id}", headers=org.headers).json()["status"] == (
        "in_progress"
    )

    adjusted = _post(
        client,
        org,
        f"{path}/review",
        {"scores": [{"category": "Testing", "score": 2}], "note": "Edge cases are untested."},
        reviewer="alice",
    )
    assert adjusted.status_code == 200, adjusted.text
    review = adjusted.json()["human_review"]
    assert review["scores"] == [
        {"category": "Testing", "automated_score": 3.0, "score": 2.0, "max_score": 5.0}
    ]
    assert review["note"] == "Edge cases are untested."
    # Not final yet: the result is still the automated one.
    assert adjusted.json()["result"]["rubric_scores"][1]["score"] == 3

    finalised = _post(
        client,
        org,
        f"{path}/finalise",
        {"recommendation": "hold", "calibrated_seniority": "mid", "note": "Solid but shallow."},
        reviewer="alice",
    )
    assert finalised.status_code == 200, finalised.text
    view = finalised.json()
    assert view["status"] == "completed"
    assert view["progress"]["stage"] == "finalised"
    assert view["completed_at"] is not None
    assert view["turnaround_hours"] is not None and view["turnaround_hours"] >= 0
    assert view["result"]["recommendation"] == "hold"
    assert view["result"]["calibrated_seniority"] == "mid"
    assert {s["category"]: s["score"] for s in view["result"]["rubric_scores"]} == {
        "Code Quality": 4,
        "Testing": 2,
    }
    assert view["automated_result"]["recommendation"] == "proceed"
    assert view["automated_result"]["calibrated_seniority"] == "senior"
    assert view["automated_result"]["rubric_scores"][1]["score"] == 3
    human = view["human_review"]
    assert human["recommendation"] == "hold" and human["calibrated_seniority"] == "mid"
    assert human["finalised_at"] is not None
    assert human["note"] == "Edge cases are untested.\n\nSolid but shallow."
    # Reading it back gives the same report.
    assert client.get(f"{API}{path}", headers=org.headers).json() == view


def test_finalise_without_changes_confirms_the_automated_verdict(client):
    org = make_org()
    evaluation_id = _ready(client, org)
    _post(client, org, f"/evaluations/{evaluation_id}/claim")  # the API key is the reviewer
    view = _post(client, org, f"/evaluations/{evaluation_id}/finalise").json()
    assert view["status"] == "completed"
    assert view["result"]["recommendation"] == "proceed"
    assert view["result"]["calibrated_seniority"] == "senior"
    assert view["human_review"]["reviewer_id"].startswith("api-key:")
    assert view["human_review"]["recommendation"] == "proceed"


def test_a_proposed_reject_becomes_final_only_through_a_reviewer(client):
    org = make_org()
    evaluation_id = submit(client, org)["id"]
    finish_automated(evaluation_id, automated_result(recommendation="reject"))
    view = client.get(f"{API}/evaluations/{evaluation_id}", headers=org.headers).json()
    assert view["status"] == "pending" and view["result"]["recommendation"] == "reject"
    _post(client, org, f"/evaluations/{evaluation_id}/claim", {"reviewer": "bob"})
    done = _post(
        client,
        org,
        f"/evaluations/{evaluation_id}/finalise",
        {"recommendation": "reject"},
        reviewer="bob",
    )
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "completed"
    assert done.json()["human_review"]["recommendation"] == "reject"


def test_review_conflicts(client):
    org = make_org()
    evaluation_id = _ready(client, org)
    path = f"/evaluations/{evaluation_id}"

    # Nothing before a claim.
    early = _post(client, org, f"{path}/review", {"scores": [], "note": "x"}, reviewer="alice")
    assert early.status_code == 409 and early.json()["error"] == "not_claimed"
    assert _post(client, org, f"{path}/finalise", reviewer="alice").status_code == 409

    assert _post(client, org, f"{path}/claim", {"reviewer": "alice"}).status_code == 200
    # Claiming again as alice changes nothing; bob cannot take it.
    assert _post(client, org, f"{path}/claim", {"reviewer": "alice"}).status_code == 200
    taken = _post(client, org, f"{path}/claim", {"reviewer": "bob"})
    assert taken.status_code == 409
    assert taken.json()["error"] == "claimed_by_another_reviewer"
    assert taken.json()["reviewer_id"] == "alice"
    by_bob = _post(client, org, f"{path}/review", {"scores": [], "note": "x"}, reviewer="bob")
    assert by_bob.status_code == 409
    assert _post(client, org, f"{path}/finalise", reviewer="bob").status_code == 409
    # Without naming alice the API key is the reviewer, which is not alice.
    assert _post(client, org, f"{path}/finalise").status_code == 409

    # Scores must name a scored category, as a whole number within its range.
    for scores, code in (
        ([{"category": "Design", "score": 3}], "unknown_category"),
        ([{"category": "Testing", "score": 6}], "score_out_of_range"),
        ([{"category": "Testing", "score": 0}], "score_out_of_range"),
        ([{"category": "Testing", "score": 2.5}], "score_out_of_range"),
    ):
        response = _post(
            client, org, f"{path}/review", {"scores": scores, "note": "why"}, reviewer="alice"
        )
        assert response.status_code == 400, scores
        assert response.json()["error"] == code
    # A note is required; bad recommendations are validation errors.
    no_note = _post(client, org, f"{path}/review", {"scores": []}, reviewer="alice")
    assert no_note.status_code == 422
    bad = _post(client, org, f"{path}/finalise", {"recommendation": "maybe"}, reviewer="alice")
    assert bad.status_code == 422

    assert _post(client, org, f"{path}/finalise", reviewer="alice").status_code == 200
    again = _post(client, org, f"{path}/claim", {"reviewer": "alice"})
    assert again.status_code == 409 and again.json()["error"] == "already_finalised"
    late_review = _post(
        client, org, f"{path}/review", {"scores": [], "note": "x"}, reviewer="alice"
    )
    assert late_review.status_code == 409


def test_an_evaluation_still_with_the_engine_cannot_be_claimed(client):
    org = make_org()
    evaluation_id = submit(client, org)["id"]
    response = _post(client, org, f"/evaluations/{evaluation_id}/claim")
    assert response.status_code == 409
    assert response.json()["error"] == "not_awaiting_review"
    assert response.json()["current_stage"] == "queued"


# --- exports ------------------------------------------------------------------------------


def _finalised(client, org) -> str:
    evaluation_id = _ready(client, org)
    path = f"/evaluations/{evaluation_id}"
    _post(client, org, f"{path}/claim", {"reviewer": "alice"})
    _post(
        client,
        org,
        f"{path}/review",
        {"scores": [{"category": "Testing", "score": 2}], "note": "Edge cases untested."},
        reviewer="alice",
    )
    _post(client, org, f"{path}/finalise", {"recommendation": "hold"}, reviewer="alice")
    return evaluation_id


def test_csv_export_has_both_verdicts_and_evidence(client):
    org = make_org()
    evaluation_id = _finalised(client, org)
    response = client.get(f"{API}/evaluations/{evaluation_id}/report.csv", headers=org.headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert f'filename="{evaluation_id}.csv"' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert list(rows[0]) == CSV_COLUMNS
    sections = [r["section"] for r in rows]
    assert sections == [
        "automated_verdict",
        "human_review",
        "rubric_score",
        "rubric_score",
        "risk_flag",
    ]
    assert "recommendation=proceed" in rows[0]["text"]
    assert "final_recommendation=hold" in rows[1]["text"] and "reviewer=alice" in rows[1]["text"]
    quality, testing = rows[2], rows[3]
    assert quality["category"] == "Code Quality" and quality["evidence"] == "src/app.py:12-18"
    assert (testing["score"], testing["automated_score"]) == ("2", "3")
    assert testing["evidence"] == "commit 1a2b3c4d5e"
    assert rows[4]["severity"] == "low" and rows[4]["text"] == "All work arrived in one commit."


def test_pdf_export(client):
    org = make_org()
    evaluation_id = _finalised(client, org)
    response = client.get(f"{API}/evaluations/{evaluation_id}/report.pdf", headers=org.headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert len(response.content) > 1000
    # Exports of an evaluation still with the engine work too (no scores yet).
    pending = submit(client, org)["id"]
    early = client.get(f"{API}/evaluations/{pending}/report.pdf", headers=org.headers)
    assert early.status_code == 200 and early.content.startswith(b"%PDF")
    early_csv = client.get(f"{API}/evaluations/{pending}/report.csv", headers=org.headers)
    section = CSV_COLUMNS.index("section")
    rows = list(csv.reader(io.StringIO(early_csv.text)))
    assert [r[section] for r in rows][1:] == ["automated_verdict"]
