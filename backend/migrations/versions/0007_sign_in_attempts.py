"""failed credential checks (sign-in lockout, candidate-key throttling), in the database so
every web host counts them together

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 21:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.models.base

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_attempts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("bucket", sa.String(length=100), nullable=False),
        sa.Column("attempted_at", backend.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sign_in_attempts_bucket_at", "sign_in_attempts", ["bucket", "attempted_at"])
    op.create_index(op.f("ix_sign_in_attempts_attempted_at"), "sign_in_attempts", ["attempted_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_sign_in_attempts_attempted_at"), table_name="sign_in_attempts")
    op.drop_index("ix_sign_in_attempts_bucket_at", table_name="sign_in_attempts")
    op.drop_table("sign_in_attempts")
