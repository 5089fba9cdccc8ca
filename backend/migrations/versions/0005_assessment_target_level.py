"""an assessment names the level its take-homes are judged against; an evaluation's stored result
has a revision (a later copy adds its flag) and a reason for a reviewer's attention

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "target_level", sa.String(length=16), nullable=False, server_default="mid"
            )
        )
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("result_revision", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("attention", sa.String(length=2000), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.drop_column("attention")
        batch_op.drop_column("result_revision")
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_column("target_level")
