"""API tokens: one per account, kept only as its SHA-256 (the token itself is shown once).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from budget_planner.storage.types import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN (never a batch copy of ``users``: with foreign keys on, SQLite's DROP of the
    # old table would set every reference to the accounts to NULL)
    op.add_column("users", sa.Column("api_token_hash", sa.String(length=64), nullable=True))
    op.add_column("users", sa.Column("api_token_at", UTCDateTime(), nullable=True))
    op.create_index(op.f("ix_users_api_token_hash"), "users", ["api_token_hash"], unique=True)


def downgrade() -> None:
    op.drop_index(op.f("ix_users_api_token_hash"), table_name="users")
    op.drop_column("users", "api_token_at")
    op.drop_column("users", "api_token_hash")
