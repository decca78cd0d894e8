"""A city's return forwarded to the province (issue 18): every row of a version made by
生成上报版本 keeps the county version, row and cell it came from (``forwarded_rows``).

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from budget_planner.storage.types import CleanText, Money

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "forwarded_rows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("source_round_id", CleanText(length=64), nullable=False),
        sa.Column("source_unit_id", sa.Integer(), nullable=False),
        sa.Column("source_version_id", sa.Integer(), nullable=False),
        sa.Column("source_row_id", sa.Integer(), nullable=True),
        sa.Column("sheet", CleanText(length=255), nullable=False),
        sa.Column("cell", CleanText(length=16), nullable=True),
        sa.Column("excel_row", sa.Integer(), nullable=True),
        sa.Column("requested", Money(), nullable=True),
        sa.Column("approved", Money(), nullable=True),
        sa.ForeignKeyConstraint(
            ["row_id"],
            ["project_rows.id"],
            name="fk_forwarded_rows_row_id_project_rows",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_round_id"],
            ["rounds.id"],
            name="fk_forwarded_rows_source_round_id_rounds",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_unit_id"],
            ["units.id"],
            name="fk_forwarded_rows_source_unit_id_units",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_version_id"],
            ["versions.id"],
            name="fk_forwarded_rows_source_version_id_versions",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_row_id"],
            ["project_rows.id"],
            name="fk_forwarded_rows_source_row_id_project_rows",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_forwarded_rows"),
        sa.UniqueConstraint("row_id", name="uq_forwarded_rows_row_id"),
    )
    op.create_index("ix_forwarded_rows_source_version_id", "forwarded_rows", ["source_version_id"])
    op.create_index("ix_forwarded_rows_source_row_id", "forwarded_rows", ["source_row_id"])


def downgrade() -> None:
    op.drop_index("ix_forwarded_rows_source_row_id", table_name="forwarded_rows")
    op.drop_index("ix_forwarded_rows_source_version_id", table_name="forwarded_rows")
    op.drop_table("forwarded_rows")
