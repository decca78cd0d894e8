"""The allocation plan workbook (分配方案): per unit its projects with 申报金额 and 核定金额, a 小计
per table (the 表四 one against the control number), a 总计; and a sheet of one line per unit.

Subtotals and totals are formulas (``SUBTOTAL(9, …)``, which skips the subtotals inside a range)
with the exact amounts as cached values, so the plan stays right when finance edits a figure in it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from xlsxwriter.utility import xl_range, xl_rowcol_to_cell

from budget_planner.aggregate.allocation import Plan, UnitPlan
from budget_planner.aggregate.versions import beijing
from budget_planner.export.book_styles import SheetWriter, book_styles, setup_sheet
from budget_planner.export.xlsx_safe import Styles, new_workbook
from budget_planner.templates.spec import CONTROLLED_TABLE, control_spec, load_specs

PLAN_SHEET, UNITS_SHEET = "分配方案", "按单位"
REQUESTED, APPROVED, CUT, DIFFERENCE = "申报金额", "核定金额", "核减（申报-核定）", "核定减控制数"
STATE, REASON = "版本状态", "核减理由"
HEADER_ROW = 3
WIDTHS = [9.0, 7.0, 16.0, 34.0, 12.0, 12.0, 12.0, 12.0, 13.0, 13.0, 28.0]
COL_REQUESTED, COL_APPROVED, COL_CUT, COL_CONTROL, COL_DIFF = 4, 5, 6, 7, 8
COL_STATE, COL_REASON = 9, 10


def _labels() -> tuple[str, str, str]:
    spec = load_specs().table(CONTROLLED_TABLE)
    assert spec.category_column is not None
    return spec.category_column.label, spec.project_column.label, control_spec().amount.label


def write_allocation_plan(
    target: str | Path | BinaryIO, plan: Plan, *, made_at: dt.datetime | None = None
) -> Path | BinaryIO:
    target = Path(target) if isinstance(target, str) else target
    wb = new_workbook(target)
    wb.set_properties({"title": f"{plan.title}分配方案", "comments": "由 budget-planner 生成"})
    styles = book_styles(wb)
    made = beijing(made_at or dt.datetime.now(dt.UTC))
    _plan_sheet(wb, styles, plan, made)
    _units_sheet(wb, styles, plan, made)
    wb.close()
    return target


def _plan_sheet(wb, styles: Styles, plan: Plan, made: str) -> None:
    category, project, control = _labels()
    ws = wb.add_worksheet(PLAN_SHEET)
    sheet = SheetWriter(ws, styles, WIDTHS)
    ws.write_string(0, 0, f"{plan.title} · 分配方案", styles["title"])
    sheet.text(
        1,
        0,
        f"单位：万元　生成时间 {made}（北京时间）。每个单位的项目后为各表小计；"
        f"{CONTROLLED_TABLE}小计列出{control}与“{DIFFERENCE}”（正数为超出）。"
        f"只有已提交或已通过、无错误的版本中有项目名称的行计入{APPROVED}。",
        "note",
    )
    if plan.held:
        sheet.text(
            2,
            0,
            f"另有 {len(plan.held)} 项已录入的核定金额，其项目所在版本已不能核定（撤回、退回或"
            "项目已不在计入的版本中），暂不列入本表。",
            "bad_text",
        )
    headers = [
        "单位",
        "表",
        category,
        project,
        REQUESTED,
        APPROVED,
        CUT,
        control,
        DIFFERENCE,
        STATE,
        REASON,
    ]
    sheet.texts(HEADER_ROW, headers, "header")
    sheet.end_row(HEADER_ROW)
    row = first = HEADER_ROW + 1
    if not plan.units:
        ws.write_string(row, 0, "本轮暂无计入汇总的项目。", styles["note"])
        setup_sheet(ws, widths=WIDTHS, last_row=row, header_row=HEADER_ROW, freeze_cols=1)
        return
    for unit in plan.units:
        row = _unit_block(sheet, row, unit)
    sheet.text(row, 0, "总计", "total_text")
    sheet.fill(row, "total_text")
    for col, amount in ((COL_REQUESTED, plan.requested), (COL_APPROVED, plan.approved)):
        formula = f"=SUBTOTAL(9,{xl_range(first, col, row - 1, col)})"
        sheet.total(row, col, formula, amount, "total_money")
    if plan.control is not None:
        sheet.money(row, COL_CONTROL, plan.control, "total_money")
    sheet.end_row(row)
    setup_sheet(ws, widths=WIDTHS, last_row=row, header_row=HEADER_ROW, freeze_cols=1)
    ws.outline_settings(True, False, True, False)


def _unit_block(sheet: SheetWriter, row: int, unit: UnitPlan) -> int:
    for table in unit.tables():
        start = row
        for line in unit.lines_of(table):
            sheet.text(row, 0, unit.unit, "text_center")
            sheet.text(row, 1, table, "text_center")
            sheet.text(row, 2, line.category)
            sheet.text(row, 3, line.project)
            sheet.money(row, COL_REQUESTED, line.requested)
            sheet.money(row, COL_APPROVED, line.approved, "approved")
            sheet.money(row, COL_CUT, line.cut)
            sheet.blank(row, COL_CONTROL, "money")
            sheet.blank(row, COL_DIFF, "money")
            sheet.text(row, COL_STATE, line.state, "text_center")
            sheet.text(row, COL_REASON, line.reason)
            sheet.end_row(row, level=1)
            row += 1
        sheet.text(row, 0, f"{unit.unit} {table} 小计", "subtotal_text")
        sheet.fill(row, "subtotal_text")
        cuts = sum((line.cut for line in unit.lines_of(table) if line.cut is not None), Decimal(0))
        for col, amount in (
            (COL_REQUESTED, unit.requested(table)),
            (COL_APPROVED, unit.approved(table)),
            (COL_CUT, cuts),  # of the projects approved so far
        ):
            formula = f"=SUBTOTAL(9,{xl_range(start, col, row - 1, col)})"
            sheet.total(row, col, formula, amount, "subtotal_money")
        if table == CONTROLLED_TABLE and unit.control is not None:
            _control_cells(sheet, row, unit)
        sheet.end_row(row)
        row += 1
    if not unit.lines:  # a control number and nothing counted yet
        sheet.text(row, 0, f"{unit.unit} {CONTROLLED_TABLE} 小计", "subtotal_text")
        sheet.fill(row, "subtotal_text")
        sheet.text(row, 3, f"尚无计入的{CONTROLLED_TABLE}", "subtotal_text")
        _control_cells(sheet, row, unit)
        sheet.end_row(row)
        row += 1
    return row


def _control_cells(sheet: SheetWriter, row: int, unit: UnitPlan) -> None:
    assert unit.control is not None and unit.difference is not None
    style = "bad_money" if unit.over else "subtotal_money"
    sheet.money(row, COL_CONTROL, unit.control, "subtotal_money")
    diff = f"={xl_rowcol_to_cell(row, COL_APPROVED)}-{xl_rowcol_to_cell(row, COL_CONTROL)}"
    sheet.total(row, COL_DIFF, diff, unit.difference, style)


def _units_sheet(wb, styles: Styles, plan: Plan, made: str) -> None:
    _category, _project, control = _labels()
    widths = [10.0, 13.0, 13.0, 13.0, 13.0, 15.0, 13.0, 11.0, 16.0]
    ws = wb.add_worksheet(UNITS_SHEET)
    sheet = SheetWriter(ws, styles, widths)
    ws.write_string(0, 0, f"{plan.title} · 分配方案（按单位）", styles["title"])
    sheet.text(1, 0, f"单位：万元　生成时间 {made}（北京时间）。", "note")
    header = 2
    sheet.texts(
        header,
        [
            "单位",
            control,
            f"{CONTROLLED_TABLE}{REQUESTED}",
            f"{CONTROLLED_TABLE}{APPROVED}",
            DIFFERENCE,
            f"其他表{APPROVED}",
            f"{APPROVED}合计",
            "未核定项目",
            "结论",
        ],
        "header",
    )
    sheet.end_row(header)
    row = first = header + 1
    for unit in plan.every_unit or plan.units:
        over = unit.over
        others = unit.approved() - unit.approved(CONTROLLED_TABLE)
        sheet.text(row, 0, unit.unit, "bad" if over else "text_center")
        sheet.money(row, 1, unit.control)
        sheet.money(row, 2, unit.requested(CONTROLLED_TABLE))
        sheet.money(row, 3, unit.approved(CONTROLLED_TABLE), "bad_money" if over else "money")
        if unit.difference is None:
            sheet.blank(row, 4, "money")
        else:
            diff = f"={xl_rowcol_to_cell(row, 3)}-{xl_rowcol_to_cell(row, 1)}"
            sheet.total(row, 4, diff, unit.difference, "bad_money" if over else "money")
        sheet.money(row, 5, others)
        total = f"={xl_rowcol_to_cell(row, 3)}+{xl_rowcol_to_cell(row, 5)}"
        sheet.total(row, 6, total, unit.approved(), "money")
        sheet.ws.write_number(row, 7, unit.unapproved, styles["text_center"])
        sheet.text(row, 8, *unit.verdict)  # the site's 结论, word for word
        sheet.end_row(row)
        row += 1
    sheet.text(row, 0, "合计", "total_text")
    sheet.fill(row, "total_text")
    requested = sum((u.requested(CONTROLLED_TABLE) for u in plan.units), Decimal(0))
    approved = sum((u.approved(CONTROLLED_TABLE) for u in plan.units), Decimal(0))
    totals = {
        1: plan.control,
        2: requested,
        3: approved,
        5: plan.approved - approved,
        6: plan.approved,
    }
    for col, amount in totals.items():
        if amount is not None and row > first:
            formula = f"=SUM({xl_range(first, col, row - 1, col)})"
            sheet.total(row, col, formula, amount, "total_money")
    sheet.end_row(row)
    setup_sheet(ws, widths=widths, last_row=row, header_row=header, freeze_cols=1)
