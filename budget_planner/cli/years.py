"""``budget-planner round import-plan``: last year's 分配方案 into the database as a closed round of
the same collecting unit (docs/years.md)."""

from __future__ import annotations

from pathlib import Path

import click

from budget_planner.cli.admin import _stored_round_id, round_group
from budget_planner.cli.base import ROUND_OPTION
from budget_planner.cli.database import database, db_options


@round_group.command("import-plan")
@click.argument("plan_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--year", type=int, default=None, help="上年分配方案的年度（默认：本轮次年度减一）")
@ROUND_OPTION
@db_options
def round_import_plan(
    plan_file: Path,
    year: int | None,
    round_file: Path | None,
    instance_dir: Path,
    database_url: str | None,
) -> None:
    """导入上年分配方案（本系统导出的分配方案，或含 单位、表、类型、拟设置项目、申报金额、核定金额
    列的工作表），作为同一征集单位上一年度的已关闭轮次；有任何错误时不导入任何内容。"""
    from decimal import Decimal

    from budget_planner.aggregate.plan_reader import read_last_year_plan
    from budget_planner.errors import UsageError
    from budget_planner.money import plain
    from budget_planner.storage.last_year import import_plan

    if not plan_file.is_file():
        raise UsageError(f"找不到上年分配方案“{plan_file}”")
    data = plan_file.read_bytes()
    plan = read_last_year_plan(data, plan_file.name)
    with database(instance_dir, database_url) as session:
        round_id = _stored_round_id(session, round_file)
        stored = import_plan(session, round_id, plan, data, plan_file.name, actor=None, year=year)
        requested = sum((line.requested or Decimal(0) for line in plan.lines), Decimal(0))
        approved = sum((line.approved or Decimal(0) for line in plan.lines), Decimal(0))
        click.echo(
            f"已导入 {plan_file.name}：轮次 {stored.id}“{stored.title}”（{stored.year} 年，已关闭），"
            f"{len(plan.lines)} 个项目，{len(plan.controls)} 个控制数；"
            f"申报 {plain(requested)} 万元，核定 {plain(approved)} 万元"
        )
