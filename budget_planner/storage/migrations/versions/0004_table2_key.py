"""表二's project key gains its 后补助承接单位 (issue 12: one 后补助 may go to several 承接单位).

Stored 表二 project rows keyed ``unit|表二||后补助名称`` become ``unit|表二||后补助名称|承接单位`` (the
承接单位 read from the row's stored cells), and each 核定金额 (allocation) keyed the old way moves to
the new key of that project in the unit's newest version holding it — so an approved amount survives.
Keys of the other tables and of 预算表 are unchanged. Data only: the schema stays as it is.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from budget_planner.text import compact

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLE = "表二"
RECIPIENT = "subsidy_recipient"  # the column key of 后补助承接单位 (templates/tables.toml)

_submissions = sa.table(
    "submissions",
    sa.column("id", sa.Integer),
    sa.column("round_id", sa.String),
    sa.column("unit_id", sa.Integer),
    sa.column("table_id", sa.String),
)
_versions = sa.table(
    "versions", sa.column("id", sa.Integer), sa.column("submission_id", sa.Integer)
)
_rows = sa.table(
    "project_rows",
    sa.column("id", sa.Integer),
    sa.column("version_id", sa.Integer),
    sa.column("key", sa.String),
    sa.column("values_json", sa.JSON),
)
_allocations = sa.table(
    "allocations",
    sa.column("id", sa.Integer),
    sa.column("round_id", sa.String),
    sa.column("unit_id", sa.Integer),
    sa.column("key", sa.String),
)


def _recipient(values: object) -> str:
    cell = values.get(RECIPIENT) if isinstance(values, dict) else None
    value = cell.get("value") if isinstance(cell, dict) else None
    return compact(value)


def _old_table2_key(key: str, recipient: str) -> bool:
    """unit|表二|类型|名称 without the 承接单位 yet (a name may hold "|" itself: not split on)."""
    parts = key.split("|", 3)
    return len(parts) == 4 and parts[1] == TABLE and not key.endswith(f"|{recipient}")


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(
            _rows.c.id,
            _rows.c.key,
            _rows.c.values_json,
            _submissions.c.round_id,
            _submissions.c.unit_id,
        )
        .join(_versions, _versions.c.id == _rows.c.version_id)
        .join(_submissions, _submissions.c.id == _versions.c.submission_id)
        .where(_submissions.c.table_id == TABLE)
        .order_by(_versions.c.id.desc(), _rows.c.id)
    ).all()
    moved: dict[tuple[str, int, str], str] = {}  # (round, unit, old key) → its newest new key
    for row in rows:
        recipient = _recipient(row.values_json)
        if not recipient or not _old_table2_key(row.key, recipient):
            continue
        new_key = f"{row.key}|{recipient}"
        conn.execute(sa.update(_rows).where(_rows.c.id == row.id).values(key=new_key))
        moved.setdefault((row.round_id, row.unit_id, row.key), new_key)
    for (round_id, unit_id, old_key), new_key in moved.items():
        taken = conn.execute(
            sa.select(_allocations.c.id).where(
                _allocations.c.round_id == round_id,
                _allocations.c.unit_id == unit_id,
                _allocations.c.key == new_key,
            )
        ).first()
        if taken is not None:
            continue
        conn.execute(
            sa.update(_allocations)
            .where(
                _allocations.c.round_id == round_id,
                _allocations.c.unit_id == unit_id,
                _allocations.c.key == old_key,
            )
            .values(key=new_key)
        )


def downgrade() -> None:
    """Back to keys without the 承接单位 (two 承接单位 of one 后补助 share a key again: of their
    allocations, the first keeps the old key, the others are dropped)."""
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(
            _rows.c.id,
            _rows.c.key,
            _rows.c.values_json,
            _submissions.c.round_id,
            _submissions.c.unit_id,
        )
        .join(_versions, _versions.c.id == _rows.c.version_id)
        .join(_submissions, _submissions.c.id == _versions.c.submission_id)
        .where(_submissions.c.table_id == TABLE)
    ).all()
    back: dict[tuple[str, int, str], str] = {}  # (round, unit, new key) → old key
    for row in rows:
        recipient = _recipient(row.values_json)
        if recipient and row.key.endswith(f"|{recipient}") and row.key.split("|", 2)[1] == TABLE:
            old = row.key[: -len(recipient) - 1]
            conn.execute(sa.update(_rows).where(_rows.c.id == row.id).values(key=old))
            back[(row.round_id, row.unit_id, row.key)] = old
    allocations = conn.execute(
        sa.select(
            _allocations.c.id, _allocations.c.round_id, _allocations.c.unit_id, _allocations.c.key
        ).order_by(_allocations.c.id)
    ).all()
    kept = {(a.round_id, a.unit_id, a.key) for a in allocations}
    for a in allocations:
        old = back.get((a.round_id, a.unit_id, a.key))
        if old is None:
            continue
        if (a.round_id, a.unit_id, old) in kept:
            conn.execute(sa.delete(_allocations).where(_allocations.c.id == a.id))
            continue
        kept.add((a.round_id, a.unit_id, old))
        conn.execute(sa.update(_allocations).where(_allocations.c.id == a.id).values(key=old))
