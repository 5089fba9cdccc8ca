"""Whole evaluations of real repositories (local git over file://) through the worker's
pipeline and the real database: what a recruiter reads in the report."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from backend.db import session_scope
from backend.models.evaluations import Evaluation, EvaluationCreate
from backend.services.evaluations import queries, submission
from backend.settings import get_settings
from tests.helpers import make_org
from tests.workers.evaluation import projects
from workers.evaluation.pipeline import run_evaluation


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
def org():
    return make_org("Evaluations journey")


def _submit(org, url: str, *, role: str = "Backend Engineer", level: str = "mid") -> str:
    data = EvaluationCreate.model_validate(
        {
            "candidate_ref": f"CAND-{Path(url).name}",
            "target_role": role,
            "target_level": level,
            "artefact": {"type": "github_repo", "url": url},
        }
    )
    with session_scope() as session:
        return submission.submit_evaluation(session, org_id=org.org_id, data=data).id


def _evaluate(org, url: str, **kwargs) -> dict:
    evaluation_id = _submit(org, url, **kwargs)
    run_evaluation(evaluation_id)
    return _view(org, evaluation_id)


def _view(org, evaluation_id: str) -> dict:
    with session_scope() as session:
        evaluation = queries.get_evaluation(session, org_id=org.org_id, evaluation_id=evaluation_id)
        return queries.evaluation_view(evaluation).model_dump(mode="json")


def _scores(view: dict) -> dict[str, int]:
    return {s["category"]: s["score"] for s in view["automated_result"]["rubric_scores"]}


def _flags(view: dict) -> dict[str, dict]:
    return {f["code"]: f for f in view["automated_result"]["risk_flags"]}


@pytest.fixture(scope="module")
def clean_and_messy(org, tmp_path_factory):
    root = tmp_path_factory.mktemp("submissions")
    clean = _evaluate(org, projects.clean_project(root / "clean"), role="Pricing engineer")
    messy = _evaluate(org, projects.messy_project(root / "messy"), role="Pricing engineer")
    return clean, messy


def test_evaluated_submissions_wait_for_a_reviewer_with_the_automated_result(clean_and_messy):
    for view in clean_and_messy:
        assert view["status"] == "pending"
        assert view["progress"]["stage"] == "awaiting_review"
        result = view["automated_result"]
        assert result["recommendation"] in ("proceed", "hold", "reject")
        assert 0 <= result["confidence_score"] <= 100
        assert result["calibrated_seniority"] in ("junior", "mid", "senior", "staff")
        assert {s["category"] for s in result["rubric_scores"]} == {
            "Code Quality",
            "Technical Depth",
            "Reasoning and Trade-offs",
            "Testing",
            "Security",
        }
        assert view["engine_version"] and view["rubric_version"] == 1


def test_clean_tested_documented_project_outscores_the_messy_one(clean_and_messy):
    clean, messy = clean_and_messy
    clean_scores, messy_scores = _scores(clean), _scores(messy)
    for category in ("Code Quality", "Reasoning and Trade-offs", "Testing"):
        assert clean_scores[category] > messy_scores[category], category
    for category in clean_scores:
        assert clean_scores[category] >= messy_scores[category], category
    order = ["junior", "mid", "senior", "staff"]
    assert order.index(clean["automated_result"]["calibrated_seniority"]) > order.index(
        messy["automated_result"]["calibrated_seniority"]
    )
    assert messy["automated_result"]["recommendation"] != "proceed"


def test_every_observation_cites_its_evidence(clean_and_messy):
    for view in clean_and_messy:
        for score in view["automated_result"]["rubric_scores"]:
            assert score["observations"], score["category"]
            for observation in score["observations"]:
                assert observation["text"]
                assert observation["evidence"], observation["text"]
    clean, _ = clean_and_messy
    cited_files = {
        e.get("file")
        for s in clean["automated_result"]["rubric_scores"]
        for o in s["observations"]
        for e in o["evidence"]
    }
    assert "README.md" in cited_files
    assert any(f and f.startswith("tests/") for f in cited_files)


def test_the_candidates_tests_ran_in_the_sandbox(clean_and_messy):
    clean = clean_and_messy[0]
    testing = next(
        s for s in clean["automated_result"]["rubric_scores"] if s["category"] == "Testing"
    )
    assert any("5 passed" in o["text"] or "5 tests" in o["text"] for o in testing["observations"])
    assert "tests_failing" not in _flags(clean)


def test_a_copied_submission_is_flagged_with_the_original_and_the_overlap(
    org, clean_and_messy, tmp_path
):
    clean, _ = clean_and_messy
    copy = _evaluate(org, projects.copied_project(tmp_path / "copy"), role="Pricing engineer")
    flag = _flags(copy)["similar_submission"]
    assert flag["severity"] == "high"
    assert clean["id"] in flag["message"]
    assert "%" in flag["message"]
    assert "similar_submission" not in _flags(clean_and_messy[1])


def test_a_committed_secret_is_flagged_without_repeating_it(org, tmp_path):
    view = _evaluate(org, projects.leaky_project(tmp_path / "leaky"), role="Cloud engineer")
    flag = _flags(view)["committed_secret"]
    assert flag["severity"] == "high"
    assert flag["evidence"]
    text = json.dumps(view)
    assert projects.LEAKED_KEY not in text and projects.LEAKED_SECRET not in text
    assert _scores(view)["Security"] <= 2


def test_an_inaccessible_repository_fails_with_its_reason(org, tmp_path):
    view = _evaluate(org, (tmp_path / "nowhere").as_uri(), role="Anyone")
    assert view["status"] == "failed"
    assert view["failure"]["code"] == "repository_inaccessible"
    assert "nowhere" in view["failure"]["reason"]


def test_the_same_repository_gives_byte_identical_results(org, tmp_path):
    url = projects.clean_project(tmp_path / "twice")
    first = _evaluate(org, url, role="Determinism A")
    second = _evaluate(org, url, role="Determinism B")
    assert json.dumps(first["automated_result"], sort_keys=True) == json.dumps(
        second["automated_result"], sort_keys=True
    )
    with session_scope() as session:
        rows = [session.get(Evaluation, v["id"]).automated_result for v in (first, second)]
    assert json.dumps(rows[0], sort_keys=True) == json.dumps(rows[1], sort_keys=True)


def _zip(files: dict[str, str]) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    buffer.seek(0)
    return buffer


def _submit_zip(org, stream: io.BytesIO) -> str:
    with session_scope() as session:
        upload = submission.save_upload(session, org_id=org.org_id, stream=stream)
        data = EvaluationCreate.model_validate(
            {
                "candidate_ref": "CAND-ZIP",
                "target_role": "Zip engineer",
                "target_level": "junior",
                "artefact": {"type": "zip_upload", "upload_id": upload.id},
            }
        )
        return submission.submit_evaluation(session, org_id=org.org_id, data=data).id


def test_a_zip_upload_is_evaluated(org):
    stream = _zip(
        {
            "take-home/pricing/core.py": projects.CLEAN_PRICING,
            "take-home/README.md": projects.CLEAN_README,
        }
    )
    evaluation_id = _submit_zip(org, stream)
    run_evaluation(evaluation_id)
    view = _view(org, evaluation_id)
    assert view["progress"]["stage"] == "awaiting_review"
    assert view["artefact"]["type"] == "zip_upload"


def test_a_hostile_zip_fails_the_evaluation_with_its_reason(org):
    evaluation_id = _submit_zip(org, _zip({"../../etc/cron.d/evil": "* * * * * root sh\n"}))
    run_evaluation(evaluation_id)
    view = _view(org, evaluation_id)
    assert view["status"] == "failed"
    assert view["failure"]["code"] == "zip_path_traversal"
    assert "../../etc/cron.d/evil" in view["failure"]["reason"]


def test_a_second_worker_does_not_run_a_claimed_evaluation(org, tmp_path):
    evaluation_id = _submit(org, projects.messy_project(tmp_path / "once"), role="Once")
    assert run_evaluation(evaluation_id) == "awaiting_review"
    assert run_evaluation(evaluation_id) == "skipped"
    with session_scope() as session:
        assert session.get(Evaluation, evaluation_id).attempts == 1


def test_evidence_paths_are_relative_to_the_submission(clean_and_messy):
    for view in clean_and_messy:
        assert "/tmp/" not in json.dumps(view["automated_result"])
        assert str(Path.home()) not in json.dumps(view["automated_result"])
