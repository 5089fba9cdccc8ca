"""The engine's static analysers in separate processes against the same analysers run one
after the other in this process, on real git repositories built in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.services.rubrics import default_rubric_categories
from tests.workers.evaluation import projects
from workers.evaluation.code import engine
from workers.evaluation.code.git_adapter import HistoryLimits


def context(**kwargs) -> engine.SubmissionContext:
    return engine.SubmissionContext(
        target_level="mid", rubric_categories=default_rubric_categories(), **kwargs
    )


@pytest.mark.parametrize("build", [projects.clean_project, projects.leaky_project])
def test_parallel_analysers_give_the_same_result_bytes_as_a_sequential_run(
    tmp_path: Path, build
) -> None:
    root = tmp_path / "submission"
    build(root)

    alone = engine.evaluate(root, context(), run_tests=False, analyser_processes=1)
    together = engine.evaluate(root, context(), run_tests=False, analyser_processes=3)

    assert engine.canonical_json(together.result) == engine.canonical_json(alone.result)
    assert together.result["signals"]["history"]["commits"] >= 2  # the analysers saw the work
    assert set(together.seconds_by_analyser) >= set(engine.STATIC_WORK)


def test_the_history_cap_reaches_the_analysers_in_their_processes(tmp_path: Path) -> None:
    root = tmp_path / "submission"
    projects.clean_project(root)

    outcome = engine.evaluate(
        root,
        context(history_limits=HistoryLimits(max_commits=2)),
        run_tests=False,
        analyser_processes=2,
    )

    text = engine.canonical_json(outcome.result)
    assert "The newest 2 of 4 commits (the older ones unread: the cap on commits read)" in text
    assert "the lines the newest 2 of 4 commits added (older commits left unread" in text


def test_a_small_submission_stays_in_this_process(tmp_path: Path) -> None:
    # Starting processes would cost more than the analysers take on a take-home of a few files.
    root = tmp_path / "submission"
    projects.clean_project(root)

    assert engine.default_analyser_processes(root) == 1
