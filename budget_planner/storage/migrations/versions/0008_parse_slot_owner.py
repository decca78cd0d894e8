"""A parse slot names the server process holding it (host, pid), so that a restarted server frees
the slots of the process it replaces at once (storage/inflight.py).

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from budget_planner.storage.types import CleanText

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN (never a batch copy: see 0002)
    op.add_column("parses_in_flight", sa.Column("host", CleanText(length=255), nullable=True))
    op.add_column("parses_in_flight", sa.Column("pid", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("parses_in_flight") as batch:
        batch.drop_column("pid")
        batch.drop_column("host")
