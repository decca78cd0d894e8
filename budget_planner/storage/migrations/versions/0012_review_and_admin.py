"""The review and the admin's day (issue 20): a version's 修改说明 (what a unit changed when it
answers a return) and its 逾期提交 mark (submitted after the round's deadline, kept once set); the
reminders sent (催报: to whom, when, how); the one-time password sheets waiting for their single
download (stored only encrypted, with a key the server does not keep).

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from budget_planner.storage.types import CleanText, UTCDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN (never a batch copy: see 0002)
    op.add_column("versions", sa.Column("note", CleanText(), nullable=False, server_default=""))
    op.add_column(
        "versions",
        sa.Column("submitted_late", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "reminders_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", CleanText(length=64), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("how", CleanText(length=16), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("by_name", CleanText(length=100), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["rounds.id"],
            name="fk_reminders_sent_round_id_rounds",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name="fk_reminders_sent_unit_id_units", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["by_id"], ["users.id"], name="fk_reminders_sent_by_id_users", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_reminders_sent"),
    )
    op.create_index("ix_reminders_sent_round_id", "reminders_sent", ["round_id"])
    op.create_table(
        "one_time_sheets",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", CleanText(length=255), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_one_time_sheets_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_one_time_sheets"),
    )


def downgrade() -> None:
    op.drop_table("one_time_sheets")
    op.drop_index("ix_reminders_sent_round_id", table_name="reminders_sent")
    op.drop_table("reminders_sent")
    with op.batch_alter_table("versions") as batch:
        batch.drop_column("submitted_late")
        batch.drop_column("note")
