"""tenant webhook secret rotation: the previous secret (sealed) and until when it still signs

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 04:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import backend.models.base

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tenantwebhook") as batch_op:
        batch_op.add_column(
            sa.Column(
                "previous_secret", sqlmodel.sql.sqltypes.AutoString(length=1024), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column(
                "previous_secret_until",
                backend.models.base.UTCDateTime(timezone=True),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("tenantwebhook") as batch_op:
        batch_op.drop_column("previous_secret_until")
        batch_op.drop_column("previous_secret")
