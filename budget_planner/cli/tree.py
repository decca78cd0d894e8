"""Commands on the unit tree: list it with each unit's accounts, add a unit under another
(docs/units-and-rounds.md). The tree itself is loaded from the round files (``round load``)."""

from __future__ import annotations

from pathlib import Path

import click

from budget_planner.cli.base import main
from budget_planner.cli.database import database, db_options


def unit_named(session, name: str):
    from budget_planner.errors import UsageError
    from budget_planner.storage.tree import find_one

    unit = find_one(session, name)
    if unit is None:
        raise UsageError(f"单位树中没有单位“{name}”（可用 budget-planner units list 查看）")
    return unit


def unit_path(session, unit_id: int) -> str:
    """广东省 / 清远市: the unit with the units above it."""
    from budget_planner.storage.models import Unit
    from budget_planner.storage.tree import ancestors

    names = [
        session.get(Unit, u).short_name for u in [*reversed(ancestors(session, unit_id)), unit_id]
    ]
    return " / ".join(names)


@main.group()
def units() -> None:
    """单位树：省 → 地市 → 县市区 / 园区（由轮次导入，可在此查看和补充）。"""


@units.command("list")
@db_options
def units_list(instance_dir: Path, database_url: str | None) -> None:
    """列出单位树及各单位的账号。"""
    from budget_planner.storage.tree import outline
    from budget_planner.storage.unit_accounts import list_users

    with database(instance_dir, database_url) as session:
        accounts_of: dict[int, list[str]] = {}
        for account in list_users(session):
            if account.unit_id is not None:
                held = "、".join(h.label for h in account.holdings)
                accounts_of.setdefault(account.unit_id, []).append(
                    account.username + (f"（{held}）" if held else "")
                )
        for depth, unit in outline(session):
            names = "、".join(accounts_of.get(unit.id, []))
            click.echo("  " * depth + unit.short_name + (f"\t账号：{names}" if names else ""))


@units.command("add")
@click.argument("short_name")
@click.option("--parent", "parent_name", required=True, help="上级单位（简称或全称）。")
@click.option("--full-name", default="", help="单位全称（默认同简称）。")
@db_options
def units_add(
    short_name: str, parent_name: str, full_name: str, instance_dir: Path, database_url: str | None
) -> None:
    """在某单位下新增一个单位（如县市区、园区）。"""
    from budget_planner.storage.tree_edits import add_unit

    with database(instance_dir, database_url) as session:
        parent = unit_named(session, parent_name)
        unit = add_unit(session, parent.id, short_name, full_name or short_name, actor=None)
        click.echo(f"已新增单位 {unit_path(session, unit.id)}（{unit.full_name}）")
