"""storage quota: the stored uploads (key, owner, size) and each organisation's and candidate
key's running total of stored bytes (``backend.services.storage_quota``). Uploads stored before
this revision are not counted: their totals start at zero and fall no lower.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-08 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import backend.models.base

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        "stored_objects",
        sa.Column("key", text(length=512), nullable=False),
        sa.Column("org_id", text(length=36), nullable=False),
        sa.Column("candidate_key_id", text(length=36), nullable=True),
        sa.Column("kind", text(length=20), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("stored_at", backend.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_stored_objects_org_id", "stored_objects", ["org_id"])
    op.create_index("ix_stored_objects_candidate_key_id", "stored_objects", ["candidate_key_id"])
    op.create_table(
        "storage_usage",
        sa.Column("subject", text(length=64), nullable=False),
        sa.Column("used_bytes", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("subject"),
    )


def downgrade() -> None:
    op.drop_table("storage_usage")
    op.drop_index("ix_stored_objects_candidate_key_id", table_name="stored_objects")
    op.drop_index("ix_stored_objects_org_id", table_name="stored_objects")
    op.drop_table("stored_objects")
