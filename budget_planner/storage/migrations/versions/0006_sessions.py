"""Sessions kept in the database, uploads being parsed per user, sign-ins being checked per key
(issue 14: storage/sessions.py, storage/inflight.py, storage/throttle.py).

Revision ID: 0006
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from budget_planner.storage.types import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_web_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_sessions")),
    )
    op.create_index(op.f("ix_web_sessions_user_id"), "web_sessions", ["user_id"])
    op.create_index(op.f("ix_web_sessions_expires_at"), "web_sessions", ["expires_at"])
    op.create_table(
        "parses_in_flight",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_parses_in_flight_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parses_in_flight")),
    )
    op.create_index(op.f("ix_parses_in_flight_user_id"), "parses_in_flight", ["user_id"])
    # plain ADD COLUMN (never a batch copy: see 0002)
    op.add_column(
        "login_throttle",
        sa.Column("pending", sa.Integer(), server_default="0", nullable=False),
    )
    op.add_column("login_throttle", sa.Column("pending_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    op.drop_column("login_throttle", "pending_at")
    op.drop_column("login_throttle", "pending")
    op.drop_index(op.f("ix_parses_in_flight_user_id"), table_name="parses_in_flight")
    op.drop_table("parses_in_flight")
    op.drop_index(op.f("ix_web_sessions_expires_at"), table_name="web_sessions")
    op.drop_index(op.f("ix_web_sessions_user_id"), table_name="web_sessions")
    op.drop_table("web_sessions")
