"""code evaluations (seed 000) and session events (seed 001)

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import backend.models.base

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "evaluationupload",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("org_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("candidate_key_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("path", sqlmodel.sql.sqltypes.AutoString(length=1024), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", backend.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organization.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("evaluationupload", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evaluationupload_org_id"), ["org_id"], unique=False)

    op.create_table(
        "evaluation",
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_owner", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
        sa.Column(
            "lease_expires_at", backend.models.base.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("org_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("candidate_ref", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("target_role", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("target_level", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("artefact_type", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("artefact_url", sqlmodel.sql.sqltypes.AutoString(length=2048), nullable=True),
        sa.Column("upload_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("sla_tier", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("callback_url", sqlmodel.sql.sqltypes.AutoString(length=2048), nullable=True),
        sa.Column("assessment_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("session_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("submitted_late", sa.Boolean(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("stage", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column(
            "stage_started_at", backend.models.base.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("failure_code", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("failure_reason", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("created_at", backend.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", backend.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("completed_at", backend.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "estimated_completion", backend.models.base.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("automated_result", sa.JSON(), nullable=True),
        sa.Column("engine_version", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("rubric_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("rubric_version", sa.Integer(), nullable=True),
        sa.Column("reviewer_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("claimed_at", backend.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("review_scores", sa.JSON(), nullable=True),
        sa.Column("review_note", sqlmodel.sql.sqltypes.AutoString(length=10000), nullable=True),
        sa.Column(
            "final_recommendation", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True
        ),
        sa.Column("final_level", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("finalised_at", backend.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("callback_state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("callback_attempts", sa.Integer(), nullable=False),
        sa.Column(
            "callback_next_at", backend.models.base.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "callback_last_error", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organization.id"],
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["candidatesession.id"],
        ),
        sa.ForeignKeyConstraint(
            ["upload_id"],
            ["evaluationupload.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evaluation_assessment_id"), ["assessment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_evaluation_callback_state"), ["callback_state"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_evaluation_candidate_ref"), ["candidate_ref"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_evaluation_created_at"), ["created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_evaluation_lease_expires_at"), ["lease_expires_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_evaluation_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evaluation_priority"), ["priority"], unique=False)
        batch_op.create_index(batch_op.f("ix_evaluation_session_id"), ["session_id"], unique=True)
        batch_op.create_index(batch_op.f("ix_evaluation_stage"), ["stage"], unique=False)
        batch_op.create_index(batch_op.f("ix_evaluation_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_evaluation_target_level"), ["target_level"], unique=False
        )

    op.create_table(
        "sessionevent",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("org_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("assessment_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("session_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("type", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("at", backend.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("command", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("exit_code", sa.Integer(), nullable=True),
        sa.Column("verification", sa.Boolean(), nullable=False),
        sa.Column("edit_kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("path", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("passed", sa.Integer(), nullable=True),
        sa.Column("failed", sa.Integer(), nullable=True),
        sa.Column("created_at", backend.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organization.id"],
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["candidatesession.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sessionevent", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sessionevent_assessment_id"), ["assessment_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_sessionevent_org_id"), ["org_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_sessionevent_session_id"), ["session_id"], unique=False
        )

    op.create_table(
        "evaluationfingerprint",
        sa.Column("evaluation_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("group_key", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("hashes", sa.JSON(), nullable=False),
        sa.Column("created_at", backend.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["evaluation.id"],
        ),
        sa.PrimaryKeyConstraint("evaluation_id"),
    )
    with op.batch_alter_table("evaluationfingerprint", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evaluationfingerprint_group_key"), ["group_key"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("evaluationfingerprint", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluationfingerprint_group_key"))

    op.drop_table("evaluationfingerprint")
    with op.batch_alter_table("sessionevent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sessionevent_session_id"))
        batch_op.drop_index(batch_op.f("ix_sessionevent_org_id"))
        batch_op.drop_index(batch_op.f("ix_sessionevent_assessment_id"))

    op.drop_table("sessionevent")
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluation_target_level"))
        batch_op.drop_index(batch_op.f("ix_evaluation_status"))
        batch_op.drop_index(batch_op.f("ix_evaluation_stage"))
        batch_op.drop_index(batch_op.f("ix_evaluation_session_id"))
        batch_op.drop_index(batch_op.f("ix_evaluation_priority"))
        batch_op.drop_index(batch_op.f("ix_evaluation_org_id"))
        batch_op.drop_index(batch_op.f("ix_evaluation_lease_expires_at"))
        batch_op.drop_index(batch_op.f("ix_evaluation_created_at"))
        batch_op.drop_index(batch_op.f("ix_evaluation_candidate_ref"))
        batch_op.drop_index(batch_op.f("ix_evaluation_callback_state"))
        batch_op.drop_index(batch_op.f("ix_evaluation_assessment_id"))

    op.drop_table("evaluation")
    with op.batch_alter_table("evaluationupload", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluationupload_org_id"))

    op.drop_table("evaluationupload")
