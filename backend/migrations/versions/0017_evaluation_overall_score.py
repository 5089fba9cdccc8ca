"""evaluation.overall_score: the stored overall score a cohort reads (instead of every engine
result's JSON), filled in for the evaluations already scored; and the cohort's indexes (an
assessment's or a role's evaluations, newest first)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-08 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from backend.models.overall_score import stored_overall_score

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 500
_INDEXES = {
    "ix_evaluation_assessment_cohort": ["org_id", "assessment_id", "created_at"],
    "ix_evaluation_role_cohort": ["org_id", "target_role", "created_at"],
}


def _fill_in() -> None:
    """Score the evaluations that already have a result, a batch at a time."""
    evaluation = sa.table(
        "evaluation",
        sa.column("id", sa.String()),
        sa.column("automated_result", sa.JSON()),
        sa.column("review_scores", sa.JSON()),
        sa.column("overall_score", sa.Float()),
    )
    connection = op.get_bind()
    last_id = ""
    while True:
        rows = connection.execute(
            sa.select(evaluation.c.id, evaluation.c.automated_result, evaluation.c.review_scores)
            .where(evaluation.c.automated_result.is_not(None), evaluation.c.id > last_id)
            .order_by(evaluation.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        scored = [
            {"row_id": row_id, "score": score}
            for row_id, result, review_scores in rows
            if (score := stored_overall_score(result, review_scores)) is not None
        ]
        if scored:
            connection.execute(
                evaluation.update()
                .where(evaluation.c.id == sa.bindparam("row_id"))
                .values(overall_score=sa.bindparam("score")),
                scored,
            )
        last_id = rows[-1][0]


def upgrade() -> None:
    with op.batch_alter_table("evaluation") as batch_op:
        batch_op.add_column(sa.Column("overall_score", sa.Float(), nullable=True))
    for name, columns in _INDEXES.items():
        op.create_index(name, "evaluation", columns)
    _fill_in()


def downgrade() -> None:
    for name in reversed(_INDEXES):
        op.drop_index(name, table_name="evaluation")
    with op.batch_alter_table("evaluation") as batch_op:
        batch_op.drop_column("overall_score")
