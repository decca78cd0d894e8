"""The lasting unit tree (issue 17): units outlive rounds, a round is collected by one unit from its
members, an account belongs to a unit and holds 审核 and/or 财务 there.

What it does to the data (docs/units-and-rounds.md, "Migrating"):
- each round's collecting unit is made a root of the tree, named by the round's ``[collector]``
  or, for a round file without one, by its issuer (广东省市场监督管理局… → 广东省); rounds of the
  same collector share it;
- a round's units become the collector's children and the round's members, in the round's
  order; the same short name under the same collector in several rounds is one unit (the newest
  round's full name and contacts kept), and every reference to the others — submissions,
  control numbers, 核定金额, 补报, published amounts, accounts, audit entries — moves to it;
- an ``admin`` account holds 审核, a ``finance`` account 财务, both at the collector of the round
  the old site worked on (the newest open one, else the newest; with no round at all, they stay
  without a unit until one is given); a ``unit`` account
  stays with its (merged) unit, holding neither.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from budget_planner.storage.types import CleanText

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# the tables holding a unit id, with the column (every one moves with a merged unit)
UNIT_REFERENCES = (
    ("submissions", "unit_id"),
    ("control_numbers", "unit_id"),
    ("allocations", "unit_id"),
    ("late_grants", "unit_id"),
    ("published_allocations", "unit_id"),
    ("audit_log", "unit_id"),
    ("users", "unit_id"),
    ("round_members", "unit_id"),
)
# frozen here, as this revision read round files (templates/round.py: place_name)
_PLACE = re.compile(r"^(.+?(?:自治区|省|自治州|市|州|盟|自治县|县|旗|区))")


def _collector_of(config_toml: str, issuer: str, title: str) -> tuple[str, str]:
    """(short name, full name) of a round's collecting unit, as its file gives them."""
    try:
        raw = tomllib.loads(config_toml).get("collector", {}) if config_toml else {}
    except tomllib.TOMLDecodeError:
        raw = {}
    full = str(raw.get("full_name", "")).strip() or issuer.strip() or title.strip()
    short = str(raw.get("short_name", "")).strip()
    if not short:
        found = _PLACE.match(re.sub(r"\s+", "", full))
        short = found.group(1) if found else full
    return short[:100], full[:200]


def upgrade() -> None:
    bind = op.get_bind()
    rounds = bind.execute(
        sa.text("SELECT id, issuer, title, config_toml, year, status, created_at FROM rounds")
    ).all()
    old_units = bind.execute(
        sa.text("SELECT id, round_id, position, short_name, full_name, contact, phone FROM units")
    ).all()
    users = bind.execute(sa.text("SELECT id, role, unit_id FROM users")).all()

    op.create_table(
        "round_members",
        sa.Column("round_id", CleanText(length=64), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["rounds.id"],
            name=op.f("fk_round_members_round_id_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["units.id"],
            name=op.f("fk_round_members_unit_id_units"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("round_id", "unit_id", name=op.f("pk_round_members")),
    )
    op.create_index(op.f("ix_round_members_unit_id"), "round_members", ["unit_id"])
    members = sa.table(
        "round_members",
        sa.column("round_id", CleanText()),
        sa.column("unit_id", sa.Integer()),
        sa.column("position", sa.Integer()),
    )
    if old_units:
        op.bulk_insert(
            members,
            [{"round_id": u.round_id, "unit_id": u.id, "position": u.position} for u in old_units],
        )

    # units: no round of their own any more, a parent instead (a copy on SQLite, with foreign
    # keys off: storage.db._migrating)
    with op.batch_alter_table("units") as batch:
        batch.drop_constraint(op.f("uq_units_round_id_short_name"), type_="unique")
        batch.drop_constraint(op.f("fk_units_round_id_rounds"), type_="foreignkey")
        batch.drop_column("round_id")
        batch.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_units_parent_id_units"), "units", ["parent_id"], ["id"])
        batch.create_index(op.f("ix_units_parent_id"), ["parent_id"])

    with op.batch_alter_table("rounds") as batch:
        batch.add_column(sa.Column("collector_id", sa.Integer(), nullable=True))

    collectors = _collectors(bind, rounds)
    _merge_units(bind, old_units, rounds, collectors)
    _accounts(bind, users, rounds, collectors)

    with op.batch_alter_table("rounds") as batch:
        batch.alter_column("collector_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(
            op.f("fk_rounds_collector_id_units"), "units", ["collector_id"], ["id"]
        )
        batch.create_index(op.f("ix_rounds_collector_id"), ["collector_id"])
    op.create_index(
        "uq_units_parent_id_short_name", "units", ["parent_id", "short_name"], unique=True
    )

    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("reviewer", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(
            sa.Column("finance", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    for user in users:
        if user.role in ("admin", "finance"):
            column = "reviewer" if user.role == "admin" else "finance"
            bind.execute(
                sa.text(f"UPDATE users SET {column} = :yes WHERE id = :id"),
                {"yes": True, "id": user.id},
            )
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(op.f("ck_users_role"), type_="check")
        batch.drop_column("role")


def _collectors(bind: Any, rounds: Sequence[Any]) -> dict[str, int]:
    """Each round's collecting unit, made as a root of the tree (one per name): round id → unit."""
    made: dict[str, int] = {}
    found: dict[str, int] = {}
    position = 0
    for item in sorted(rounds, key=lambda r: (r.year, str(r.created_at), r.id)):
        short, full = _collector_of(item.config_toml, item.issuer, item.title)
        if short not in made:
            made[short] = bind.execute(
                sa.text(
                    "INSERT INTO units (parent_id, position, short_name, full_name, contact, phone)"
                    " VALUES (NULL, :position, :short, :full, '', '') RETURNING id"
                ),
                {"position": position, "short": short, "full": full},
            ).scalar_one()
            position += 1
        found[item.id] = made[short]
        bind.execute(
            sa.text("UPDATE rounds SET collector_id = :unit WHERE id = :id"),
            {"unit": made[short], "id": item.id},
        )
    return found


def _merge_units(
    bind: Any, old_units: Sequence[Any], rounds: Sequence[Any], collectors: dict[str, int]
) -> None:
    """Every old unit under its round's collector; the same short name under one collector is one
    unit (the lowest id kept, the newest round's names and contacts)."""
    newest = {
        r.id: rank
        for rank, r in enumerate(sorted(rounds, key=lambda r: (r.year, str(r.created_at), r.id)))
    }
    groups: dict[tuple[int, str], list[Any]] = defaultdict(list)
    for unit in old_units:
        groups[(collectors[unit.round_id], unit.short_name)].append(unit)
    for (collector, _short), same in groups.items():
        keep = min(u.id for u in same)
        latest = max(same, key=lambda u: newest[u.round_id])
        bind.execute(
            sa.text(
                "UPDATE units SET parent_id = :parent, position = :position, full_name = :full,"
                " contact = :contact, phone = :phone WHERE id = :id"
            ),
            {
                "parent": collector,
                "position": latest.position,
                "full": latest.full_name,
                "contact": latest.contact,
                "phone": latest.phone,
                "id": keep,
            },
        )
        for unit in same:
            if unit.id == keep:
                continue
            for table, column in UNIT_REFERENCES:
                bind.execute(
                    sa.text(f"UPDATE {table} SET {column} = :keep WHERE {column} = :old"),
                    {"keep": keep, "old": unit.id},
                )
            bind.execute(sa.text("DELETE FROM units WHERE id = :old"), {"old": unit.id})


def _accounts(
    bind: Any, users: Sequence[Any], rounds: Sequence[Any], collectors: dict[str, int]
) -> None:
    """admin and finance accounts go to the collector of the round the old site worked on: the
    newest open round, else the newest (none without a round)."""
    if not rounds:
        return
    newest = max(rounds, key=lambda r: (r.status == "open", r.year, str(r.created_at), r.id))
    for user in users:
        if user.role in ("admin", "finance") and user.unit_id is None:
            bind.execute(
                sa.text("UPDATE users SET unit_id = :unit WHERE id = :id"),
                {"unit": collectors[newest.id], "id": user.id},
            )


def downgrade() -> None:
    """Back to units per round: a unit in several rounds is copied into each (the references of a
    round's rows follow their round); units in no round (collectors, units added by hand) go, with
    their accounts' unit. An account holding 审核 becomes ``admin``, 财务 ``finance``, else
    ``unit``."""
    bind = op.get_bind()
    links = bind.execute(
        sa.text("SELECT round_id, unit_id, position FROM round_members ORDER BY round_id")
    ).all()
    holders = bind.execute(sa.text("SELECT id, reviewer, finance, unit_id FROM users")).all()
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("role", CleanText(length=16), server_default="unit", nullable=False)
        )
    for user in holders:
        role = "admin" if user.reviewer else "finance" if user.finance else "unit"
        bind.execute(
            sa.text("UPDATE users SET role = :role WHERE id = :id"), {"role": role, "id": user.id}
        )
    with op.batch_alter_table("users") as batch:
        batch.drop_column("finance")
        batch.drop_column("reviewer")
        batch.alter_column("role", existing_type=CleanText(length=16), server_default=None)
        batch.create_check_constraint(op.f("ck_users_role"), "role IN ('admin', 'finance', 'unit')")
    admins = [u.id for u in holders if u.reviewer or u.finance]
    op.drop_index("uq_units_parent_id_short_name", table_name="units")
    with op.batch_alter_table("units") as batch:
        batch.add_column(sa.Column("round_id", CleanText(length=64), nullable=True))
    first_round: dict[int, str] = {}
    for link in links:
        if link.unit_id not in first_round:
            first_round[link.unit_id] = link.round_id
            bind.execute(
                sa.text("UPDATE units SET round_id = :round, position = :position WHERE id = :id"),
                {"round": link.round_id, "position": link.position, "id": link.unit_id},
            )
            continue
        copy = bind.execute(
            sa.text(
                "INSERT INTO units (round_id, position, short_name, full_name, contact, phone,"
                " parent_id) SELECT :round, :position, short_name, full_name, contact, phone, NULL"
                " FROM units WHERE id = :id RETURNING id"
            ),
            {"round": link.round_id, "position": link.position, "id": link.unit_id},
        ).scalar_one()
        for table in ("submissions", "control_numbers", "allocations", "late_grants", "audit_log"):
            bind.execute(
                sa.text(
                    f"UPDATE {table} SET unit_id = :copy WHERE unit_id = :id AND round_id = :round"
                ),
                {"copy": copy, "id": link.unit_id, "round": link.round_id},
            )
        bind.execute(
            sa.text(
                "UPDATE published_allocations SET unit_id = :copy WHERE unit_id = :id AND"
                " publication_id IN (SELECT id FROM publications WHERE round_id = :round)"
            ),
            {"copy": copy, "id": link.unit_id, "round": link.round_id},
        )
    if admins:
        bind.execute(
            sa.text("UPDATE users SET unit_id = NULL WHERE id IN :ids").bindparams(
                sa.bindparam("ids", expanding=True)
            ),
            {"ids": admins},
        )
    roundless = "SELECT id FROM units WHERE round_id IS NULL"
    bind.execute(sa.text(f"UPDATE users SET unit_id = NULL WHERE unit_id IN ({roundless})"))
    bind.execute(sa.text(f"UPDATE audit_log SET unit_id = NULL WHERE unit_id IN ({roundless})"))
    with op.batch_alter_table("rounds") as batch:
        batch.drop_index(op.f("ix_rounds_collector_id"))
        batch.drop_constraint(op.f("fk_rounds_collector_id_units"), type_="foreignkey")
        batch.drop_column("collector_id")
    with op.batch_alter_table("units") as batch:
        batch.drop_index(op.f("ix_units_parent_id"))
        batch.drop_constraint(op.f("fk_units_parent_id_units"), type_="foreignkey")
        batch.drop_column("parent_id")
    bind.execute(sa.text("DELETE FROM units WHERE round_id IS NULL"))
    with op.batch_alter_table("units") as batch:
        batch.alter_column("round_id", existing_type=CleanText(length=64), nullable=False)
        batch.create_foreign_key(
            op.f("fk_units_round_id_rounds"), "rounds", ["round_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_unique_constraint(
            op.f("uq_units_round_id_short_name"), ["round_id", "short_name"]
        )
    op.drop_index(op.f("ix_round_members_unit_id"), table_name="round_members")
    op.drop_table("round_members")
