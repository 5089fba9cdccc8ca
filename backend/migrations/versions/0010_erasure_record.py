"""erasure_record: the audit trail of candidate erasures (a hash of the email, never the email)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import backend.models.base

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "erasure_record",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("org_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("email_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("requested_by", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("deleted", sa.JSON(), nullable=False),
        sa.Column("erased_at", backend.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_erasure_record_org_id", "erasure_record", ["org_id"])
    op.create_index("ix_erasure_record_email_sha256", "erasure_record", ["email_sha256"])


def downgrade() -> None:
    op.drop_index("ix_erasure_record_email_sha256", table_name="erasure_record")
    op.drop_index("ix_erasure_record_org_id", table_name="erasure_record")
    op.drop_table("erasure_record")
