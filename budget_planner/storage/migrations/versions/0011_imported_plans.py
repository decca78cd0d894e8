"""Last year's 分配方案 imported as a closed round (issue 19, storage/last_year.py): the file and
who imported it, and its project lines.

Revision ID: 0011
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from budget_planner.storage.types import CleanText, Money, UTCDateTime

revision = "0011"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "imported_plans",
        sa.Column("round_id", CleanText(length=64), nullable=False),
        sa.Column("file_name", CleanText(length=255), nullable=False),
        sa.Column("blob_sha256", sa.String(length=64), nullable=False),
        sa.Column("by_name", CleanText(length=100), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["rounds.id"],
            name=op.f("fk_imported_plans_round_id_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["blob_sha256"], ["blobs.sha256"], name=op.f("fk_imported_plans_blob_sha256_blobs")
        ),
        sa.PrimaryKeyConstraint("round_id", name=op.f("pk_imported_plans")),
    )
    op.create_index(op.f("ix_imported_plans_blob_sha256"), "imported_plans", ["blob_sha256"])
    op.create_table(
        "imported_plan_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", CleanText(length=64), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("table_id", CleanText(length=16), nullable=False),
        sa.Column("category", CleanText(length=100), nullable=False),
        sa.Column("project", CleanText(), nullable=False),
        sa.Column("requested", Money(), nullable=True),
        sa.Column("approved", Money(), nullable=True),
        sa.Column("source", CleanText(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["imported_plans.round_id"],
            name=op.f("fk_imported_plan_lines_round_id_imported_plans"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["units.id"],
            name=op.f("fk_imported_plan_lines_unit_id_units"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imported_plan_lines")),
    )
    op.create_index(op.f("ix_imported_plan_lines_round_id"), "imported_plan_lines", ["round_id"])
    op.create_index(op.f("ix_imported_plan_lines_unit_id"), "imported_plan_lines", ["unit_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_imported_plan_lines_unit_id"), table_name="imported_plan_lines")
    op.drop_index(op.f("ix_imported_plan_lines_round_id"), table_name="imported_plan_lines")
    op.drop_table("imported_plan_lines")
    op.drop_index(op.f("ix_imported_plans_blob_sha256"), table_name="imported_plans")
    op.drop_table("imported_plans")
