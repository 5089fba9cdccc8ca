"""Similarity both ways, through the real pipeline: when a later submission copies an earlier
one, both reports carry the flag and the earlier one's reviewer is told; a candidate handing in
their own work again is never flagged."""

from __future__ import annotations

import threading

import pytest

from backend.db import session_scope
from backend.models.evaluations import EvaluationCreate
from backend.services.evaluations import queries, review, submission
from backend.settings import get_settings
from tests.helpers import make_org
from tests.workers.evaluation import projects
from workers.evaluation.pipeline import run_evaluation

ROLE = "Pricing engineer"


@pytest.fixture(scope="module", autouse=True)
def local_git_allowed():
    """The submissions are local repositories, which deployments refuse by default."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRUELEVEL_EVALUATION_ALLOW_LOCAL_URLS", "1")
        patch.setenv("TRUELEVEL_SANDBOX_TIMEOUT_S", "60")
        get_settings.cache_clear()
        yield
    get_settings.cache_clear()


@pytest.fixture(scope="module")
def repos(tmp_path_factory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("similar")
    return {
        "clean": projects.clean_project(root / "clean"),
        "copy": projects.copied_project(root / "copy"),
        "messy": projects.messy_project(root / "messy"),
    }


def _submit(org, url: str, candidate: str) -> str:
    data = EvaluationCreate.model_validate(
        {
            "candidate_ref": candidate,
            "target_role": ROLE,
            "target_level": "junior",
            "artefact": {"type": "github_repo", "url": url},
        }
    )
    with session_scope() as session:
        return submission.submit_evaluation(session, org_id=org.org_id, data=data).id


def _view(org, evaluation_id: str) -> dict:
    with session_scope() as session:
        evaluation = queries.get_evaluation(session, org_id=org.org_id, evaluation_id=evaluation_id)
        return queries.evaluation_view(evaluation).model_dump(mode="json")


def _similar(view: dict) -> list[dict]:
    return [f for f in view["automated_result"]["risk_flags"] if f["code"] == "similar_submission"]


def _queue(org) -> list[str]:
    with session_scope() as session:
        rows, _ = review.review_queue(session, org_id=org.org_id)
        return [row.id for row in rows]


def test_the_earlier_of_two_copies_gains_the_flag_and_returns_to_its_reviewer(repos):
    org = make_org("Similarity both ways")
    original = _submit(org, repos["clean"], "CAND-ORIGINAL")
    assert run_evaluation(original) == "awaiting_review"
    before = _view(org, original)
    assert _similar(before) == []
    assert before["automated_result"]["recommendation"] != "reject"
    with session_scope() as session:
        review.claim(session, org_id=org.org_id, evaluation_id=original, reviewer_id="rita")
        review.finalise(session, org_id=org.org_id, evaluation_id=original, reviewer_id="rita")
    assert _view(org, original)["status"] == "completed"

    copy = _submit(org, repos["copy"], "CAND-COPIER")
    assert run_evaluation(copy) == "awaiting_review"

    later = _view(org, copy)
    assert [original in f["message"] for f in _similar(later)] == [True]
    earlier = _view(org, original)
    [flag] = _similar(earlier)
    assert copy in flag["message"] and "%" in flag["message"]
    assert flag["severity"] == "high"
    assert [e["kind"] for e in flag["evidence"]] == ["metric"]
    assert set(flag) == set(_similar(later)[0])  # the same shape as the engine's own flag
    # The earlier report reads as a fresh evaluation with that flag would: a proposed reject.
    result = earlier["automated_result"]
    assert result["recommendation"] == "reject"
    assert earlier["result"]["recommendation"] == "reject"
    # Its reviewer is told: back in the review queue, marked for attention.
    assert earlier["status"] == "pending"
    assert earlier["progress"]["stage"] == "awaiting_review"
    assert copy in (earlier["attention"] or "")
    assert original in _queue(org)
    assert earlier["human_review"]["reviewer_id"] == "rita"  # the earlier verdict stays visible

    # Re-finalising settles it: the mark is cleared, the flag stays.
    with session_scope() as session:
        review.claim(session, org_id=org.org_id, evaluation_id=original, reviewer_id="rita")
        review.finalise(
            session,
            org_id=org.org_id,
            evaluation_id=original,
            reviewer_id="rita",
            recommendation="reject",
            note="Copied by CAND-COPIER; the original is theirs but the task was shared.",
        )
    settled = _view(org, original)
    assert settled["status"] == "completed" and settled["attention"] is None
    assert len(_similar(settled)) == 1


def test_a_candidates_own_resubmission_is_not_flagged(repos):
    org = make_org("Own resubmission")
    first = _submit(org, repos["clean"], "CAND-SAME")
    second = _submit(org, repos["copy"], "cand-same ")  # the same reference, as typed again
    assert run_evaluation(first) == "awaiting_review"
    assert run_evaluation(second) == "awaiting_review"
    for evaluation_id in (first, second):
        view = _view(org, evaluation_id)
        assert _similar(view) == []
        assert view["attention"] is None


def test_two_copies_evaluated_at_the_same_time_both_end_flagged(repos):
    org = make_org("Concurrent copies")
    first = _submit(org, repos["clean"], "CAND-A")
    second = _submit(org, repos["copy"], "CAND-B")
    unrelated = _submit(org, repos["messy"], "CAND-C")
    outcomes: dict[str, str] = {}

    def work(evaluation_id: str) -> None:
        outcomes[evaluation_id] = run_evaluation(evaluation_id)

    threads = [threading.Thread(target=work, args=(i,)) for i in (first, second, unrelated)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert set(outcomes.values()) == {"awaiting_review"}

    one, two = _view(org, first), _view(org, second)
    assert [second in f["message"] for f in _similar(one)] == [True]
    assert [first in f["message"] for f in _similar(two)] == [True]
    for view in (one, two):
        assert view["automated_result"]["recommendation"] == "reject"
    assert _similar(_view(org, unrelated)) == []
