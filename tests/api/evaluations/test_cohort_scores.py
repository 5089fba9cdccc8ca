"""A report's cohort reads each evaluation's stored overall score (``Evaluation.overall_score``),
so the stored score must follow every write: the engine's result, a reviewer's adjustment, a
later copy flag, any ORM write, and the migration that filled it in for rows scored before.
Rows are made the real way (keys redeemed, submissions through the candidate routes, results
through the engine's lifecycle, the review through the review routes); what is checked is what
the evaluation report shows: the candidate's rank in the assessment's cohort."""

from __future__ import annotations

import importlib

from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlmodel import col, update

from backend.db import session_scope
from backend.models.evaluations import Evaluation
from backend.services.evaluations.similar_submissions import add_flag
from tests.api.assessments.helpers import create_assessment
from tests.api.evaluations.helpers import automated_result, finish_automated
from tests.api.evaluations.test_comparison import _post, _rubric, _submitted
from tests.helpers import make_org
from truelevel_app.pages.evaluation_report import read_report


def _cohort(org_id: str, evaluation_id: str) -> tuple[str, str]:
    """(score, rank) as the evaluation report shows them."""
    with session_scope() as session:
        cohort = read_report(session, org_id=org_id, evaluation_id=evaluation_id).cohort
    return cohort["score"], cohort["rank"]


def _fill_in_as_the_migration_does() -> None:
    migration = importlib.import_module("backend.migrations.versions.0017_evaluation_overall_score")
    with session_scope() as session:
        connection = session.connection()
        with Operations.context(MigrationContext.configure(connection)):
            migration._fill_in()
        session.commit()


def test_the_cohort_follows_every_write_of_a_score(client):
    org = make_org()
    assessment = create_assessment(client, org)
    people = [("ada@example.com", "Ada Lovelace"), ("grace@example.com", "Grace Hopper")]
    ada, grace = _submitted(client, org, assessment["id"], people)
    finish_automated(ada, automated_result(rubric_scores=_rubric(5, 4)))  # 90
    finish_automated(grace, automated_result(rubric_scores=_rubric(3, 3)))  # 60
    assert _cohort(org.org_id, ada) == ("90", "1 of 2")
    assert _cohort(org.org_id, grace) == ("60", "2 of 2")

    # A reviewer's adjustment: Grace 60 → 100 now leads Ada's cohort too.
    _post(client, org, f"/evaluations/{grace}/claim", {"reviewer": "rita"})
    _post(
        client,
        org,
        f"/evaluations/{grace}/review",
        {
            "scores": [
                {"category": "Code Quality", "score": 5},
                {"category": "Testing", "score": 5},
            ],
            "note": "Better than the engine read.",
        },
        reviewer="rita",
    )
    assert _cohort(org.org_id, grace) == ("100", "1 of 2")
    assert _cohort(org.org_id, ada) == ("90", "2 of 2")

    # A later copy flag rewrites Ada's result; her score, and so the cohort, stay.
    flag = {"code": "similar_submission", "severity": "high", "message": f"Copies {grace}."}
    with session_scope() as session:
        assert add_flag(
            session, evaluation_id=ada, other_id=grace, flag=flag, reconsider=lambda r: r
        )
    assert _cohort(org.org_id, grace) == ("100", "1 of 2")

    # Any ORM write of a result: Ada's rubric now reads 1 and 1 (20), still below Grace.
    with session_scope() as session:
        row = session.get(Evaluation, ada)
        row.automated_result = {**row.automated_result, "rubric_scores": _rubric(1, 1)}
        session.add(row)
        session.commit()
    assert _cohort(org.org_id, ada) == ("20", "2 of 2")

    # Rows scored before the stored score existed get theirs from the migration.
    with session_scope() as session:
        session.exec(update(Evaluation).where(col(Evaluation.id) == ada).values(overall_score=None))
        session.commit()
    assert _cohort(org.org_id, grace) == ("100", "1 of 1")  # Ada dropped out of the cohort
    _fill_in_as_the_migration_does()
    assert _cohort(org.org_id, grace) == ("100", "1 of 2")
    assert _cohort(org.org_id, ada) == ("20", "2 of 2")
