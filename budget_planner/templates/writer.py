"""The template writer's entry points: one workbook per table, as bytes or as a set of files.

Every workbook holds the data sheet first, then 填表说明, then the hidden dropdown lists and the very
hidden metadata sheet (``templates/metadata.py``) that names table, spec version, round, year and unit.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from pathlib import Path

from xlsxwriter.workbook import Workbook

from budget_planner.errors import UsageError
from budget_planner.templates import metadata
from budget_planner.templates.budget_writer import BudgetSheetWriter
from budget_planner.templates.formats import Styles
from budget_planner.templates.instructions import (
    budget_instructions,
    table_instructions,
    write_instructions,
)
from budget_planner.templates.round import Round, Unit
from budget_planner.templates.sheet_setup import ListSheet, write_metadata
from budget_planner.templates.spec import ALL_TABLES, BUDGET, COLLECTION_TABLES, load_specs
from budget_planner.templates.table_writer import TableSheetWriter

WORKBOOK_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}
_UNSAFE_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def resolve_unit(round_: Round, name: Unit | str | None) -> Unit | None:
    """The round's unit for a short name, full name or alias; UsageError naming the valid ones."""
    if name is None or isinstance(name, Unit):
        return name
    unit = round_.unit(name)
    if unit is None:
        shorts = "、".join(u.short_name for u in round_.units)
        raise UsageError(
            f"本轮次（{round_.id}）没有名为“{name}”的单位。--unit 可用简称、全称或别名，"
            f"本轮次的单位简称有：{shorts}；完整名单见轮次配置文件的 [[units]]（可用 --round 指定）。"
        )
    return unit


def unit_tables(round_: Round, unit: Unit | None) -> tuple[str, ...]:
    """The tables a unit's personalised set holds (what it owes or may send); all for a blank set."""
    if unit is None:
        return ALL_TABLES
    requirement = round_.requirement(unit)
    wanted = {*requirement.required, *requirement.optional}
    return tuple(t for t in ALL_TABLES if t in wanted)


def template_filename(round_: Round, table_id: str, unit: Unit | str | None = None) -> str:
    """``2024年度知识产权项目需求征集表（四）-清远市.xlsx``, ``项目支出预算明细表.xlsx`` …"""
    resolved = resolve_unit(round_, unit)
    specs = load_specs()
    if table_id == BUDGET:
        assert specs.budget is not None
        stem = specs.budget.title
    else:
        stem = specs.table(table_id).title(round_.year)
    if resolved is not None:
        stem += "-" + _UNSAFE_IN_FILE_NAMES.sub("_", resolved.short_name)
    return f"{stem}.xlsx"


def _new_workbook(buffer: io.BytesIO, round_: Round, title: str) -> Workbook:
    workbook = Workbook(buffer, WORKBOOK_OPTIONS)
    workbook.set_properties(
        {
            "title": title,
            "subject": round_.title,
            "author": round_.issuer,
            "company": round_.issuer,
            "comments": "由 budget_planner 生成的报送模板",
        }
    )
    return workbook


def _meta(table: str, round_: Round, unit: Unit | None) -> list[tuple[str, str]]:
    return metadata.rows(
        table=table,
        spec_version=load_specs().version,
        round_id=round_.id,
        year=round_.year,
        unit=unit.short_name if unit else "",
        unit_full_name=unit.full_name if unit else "",
    )


def write_table_template(round_: Round, table_id: str, unit: Unit | str | None = None) -> bytes:
    """One collection table (表一–表四) as an .xlsx; ``预算表`` gives the budget form."""
    if table_id == BUDGET:
        return write_budget_template(round_, unit)
    if table_id not in COLLECTION_TABLES:
        raise UsageError(f"没有“{table_id}”这张表，可选：{'、'.join(ALL_TABLES)}")
    resolved = resolve_unit(round_, unit)
    spec = load_specs().table(table_id)
    buffer = io.BytesIO()
    workbook = _new_workbook(buffer, round_, spec.title(round_.year))
    styles, lists = Styles(workbook), ListSheet()
    unit_names = [u.full_name for u in round_.units]
    TableSheetWriter(workbook, styles, lists).write(
        spec,
        year=round_.year,
        presets=round_.presets_for(table_id),
        unit=resolved,
        unit_names=unit_names,
    )
    budget = load_specs().budget
    assert budget is not None
    unit_label = budget.field("unit").label
    doc = table_instructions(spec, round_, resolved, unit_label, budget.unit_label)
    write_instructions(workbook, styles, doc)
    lists.write(workbook)
    write_metadata(workbook, _meta(table_id, round_, resolved))
    workbook.close()
    return buffer.getvalue()


def write_budget_template(round_: Round, unit: Unit | str | None = None) -> bytes:
    """The 项目支出预算明细表 as an .xlsx, personalised when a unit is given."""
    resolved = resolve_unit(round_, unit)
    budget = load_specs().budget
    assert budget is not None
    buffer = io.BytesIO()
    workbook = _new_workbook(buffer, round_, budget.title)
    styles, lists = Styles(workbook), ListSheet()
    BudgetSheetWriter(workbook, styles, lists).write(
        budget,
        subtitle=round_.title,
        unit=resolved,
        unit_names=[u.full_name for u in round_.units],
    )
    write_instructions(workbook, styles, budget_instructions(budget, round_, resolved))
    lists.write(workbook)
    write_metadata(workbook, _meta(BUDGET, round_, resolved))
    workbook.close()
    return buffer.getvalue()


def write_template_set(
    round_: Round, out_dir: Path, units: Iterable[Unit | str] = ()
) -> list[Path]:
    """The blank set (表一–表四, 预算表) into ``out_dir``; with units, one personalised set per unit.

    Every unit name is checked before anything is written. Returns the written paths in order.
    """
    resolved = [resolve_unit(round_, u) for u in units]
    targets: list[Unit | None] = list(dict.fromkeys(resolved)) if resolved else [None]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for unit in targets:
        for table_id in unit_tables(round_, unit):
            path = out_dir / template_filename(round_, table_id, unit)
            path.write_bytes(write_table_template(round_, table_id, unit))
            written.append(path)
    return written
