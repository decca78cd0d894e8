"""The version workflow (issue 13): each version's state, 撤销通过 reviews, 核减 reasons, 发布
snapshots and 补报 grants.

Revision ID: 0005
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from budget_planner.storage.types import CleanText, Money, UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN (never a batch copy of ``versions``: with foreign keys on, SQLite's DROP of
    # the old table would delete every project row, scan and review through ON DELETE CASCADE)
    op.add_column(
        "versions", sa.Column("state", CleanText(length=16), server_default="draft", nullable=False)
    )
    op.add_column(
        "allocations", sa.Column("reason", CleanText(), server_default="", nullable=False)
    )
    _states_from_history()
    with op.batch_alter_table("reviews", recreate="always") as batch:  # nothing refers to reviews
        batch.drop_constraint(op.f("ck_reviews_decision"), type_="check")
        batch.create_check_constraint(
            op.f("ck_reviews_decision"), "decision IN ('approve', 'return', 'revoke')"
        )
    op.create_table(
        "publications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", CleanText(length=64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("by_name", CleanText(length=100), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_id"], ["users.id"], name=op.f("fk_publications_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["rounds.id"],
            name=op.f("fk_publications_round_id_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publications")),
        sa.UniqueConstraint("round_id", "number", name=op.f("uq_publications_round_id_number")),
    )
    op.create_table(
        "published_allocations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("key", CleanText(length=500), nullable=False),
        sa.Column("table_id", CleanText(length=16), nullable=False),
        sa.Column("category", CleanText(length=100), nullable=False),
        sa.Column("project", CleanText(), nullable=False),
        sa.Column("requested", Money(), nullable=True),
        sa.Column("amount", Money(), nullable=False),
        sa.Column("reason", CleanText(), nullable=False),
        sa.ForeignKeyConstraint(
            ["publication_id"],
            ["publications.id"],
            name=op.f("fk_published_allocations_publication_id_publications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["units.id"],
            name=op.f("fk_published_allocations_unit_id_units"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_published_allocations")),
    )
    op.create_index(
        op.f("ix_published_allocations_publication_id"),
        "published_allocations",
        ["publication_id"],
    )
    op.create_table(
        "late_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", CleanText(length=64), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("until", sa.Date(), nullable=False),
        sa.Column("by_name", CleanText(length=100), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["rounds.id"],
            name=op.f("fk_late_grants_round_id_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_late_grants_unit_id_units"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_late_grants")),
        sa.UniqueConstraint("round_id", "unit_id", name=op.f("uq_late_grants_round_id_unit_id")),
    )


def _states_from_history() -> None:
    """Each stored version's state from what version one recorded: errors, its approval, its last
    review, its submission (only the newest submitted one of a thread still waits)."""
    bind = op.get_bind()
    versions = sa.table(
        "versions",
        sa.column("id", sa.Integer()),
        sa.column("submission_id", sa.Integer()),
        sa.column("number", sa.Integer()),
        sa.column("has_errors", sa.Boolean()),
        sa.column("submitted_at", UTCDateTime()),
        sa.column("approved_at", UTCDateTime()),
        sa.column("state", CleanText()),
    )
    reviews = sa.table(
        "reviews",
        sa.column("version_id", sa.Integer()),
        sa.column("decision", CleanText()),
        sa.column("at", UTCDateTime()),
        sa.column("id", sa.Integer()),
    )
    last_review: dict[int, str] = {}
    for version_id, decision in bind.execute(
        sa.select(reviews.c.version_id, reviews.c.decision).order_by(reviews.c.at, reviews.c.id)
    ):
        last_review[version_id] = decision
    rows = bind.execute(
        sa.select(
            versions.c.id,
            versions.c.submission_id,
            versions.c.number,
            versions.c.has_errors,
            versions.c.submitted_at,
            versions.c.approved_at,
        ).order_by(versions.c.submission_id, versions.c.number.desc())
    ).all()
    reviewed: set[int] = set()  # threads where a newer version was submitted (newest first)
    for vid, thread, _number, has_errors, submitted_at, approved_at in rows:
        if has_errors:
            state = "errors"
        elif approved_at is not None:
            state = "approved"
        elif last_review.get(vid) == "return":
            state = "returned"
        elif submitted_at is not None or vid in last_review:
            state = "superseded" if thread in reviewed else "submitted"
        else:
            state = "draft"
        if state not in ("draft", "errors"):
            reviewed.add(thread)
        if state != "draft":
            bind.execute(versions.update().where(versions.c.id == vid).values(state=state))


def downgrade() -> None:
    op.drop_table("late_grants")
    op.drop_index(
        op.f("ix_published_allocations_publication_id"), table_name="published_allocations"
    )
    op.drop_table("published_allocations")
    op.drop_table("publications")
    op.execute("DELETE FROM reviews WHERE decision = 'revoke'")
    with op.batch_alter_table("reviews", recreate="always") as batch:
        batch.drop_constraint(op.f("ck_reviews_decision"), type_="check")
        batch.create_check_constraint(
            op.f("ck_reviews_decision"), "decision IN ('approve', 'return')"
        )
    op.drop_column("allocations", "reason")
    op.drop_column("versions", "state")
