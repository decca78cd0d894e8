"""The consolidated workbook's table sheets: every row of every unit, per table, with subtotals.

One sheet per collection table (单位 first, then the table's own columns from the spec, 核定金额 for
finance, where each row came from); rows of a unit are followed by its 小计 (detail rows are outline
level 1, so finance can fold a sheet down to the units' subtotals); below them the totals by 类型 and
the 总计. The 预算表 sheet lists every counted 项目支出预算明细表 with its sources and expense lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from xlsxwriter.utility import xl_range, xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook

from budget_planner.aggregate.consolidate import Consolidation, Record, from_yuan
from budget_planner.aggregate.reconcile import BudgetCheck
from budget_planner.export.book_styles import SheetWriter, setup_sheet
from budget_planner.export.xlsx_safe import Styles
from budget_planner.templates.spec import BUDGET, ColumnKind, load_specs
from budget_planner.text import file_name

HEADER_ROW = 2
APPROVED = "核定金额"
TRAILING = (APPROVED, "版本状态", "来源文件", "位置")
TRAILING_WIDTHS = [11.0, 7.0, 18.0, 11.0]


def _yuan(value: int | None) -> Decimal | None:
    return None if value is None else from_yuan(value)


def _width(kind: ColumnKind, spec_width: int) -> float:
    if kind is ColumnKind.AMOUNT:
        return 11.0
    if kind is ColumnKind.CATEGORY:
        return 12.0
    return float(min(spec_width, 24))


def _approved_sum(approved: Mapping[str, Decimal], records: Iterable[Record]) -> Decimal:
    return sum((approved.get(rec["key"], Decimal(0)) for rec in records), Decimal(0))


def _by_unit(records: list[Record]) -> dict[str, list[Record]]:
    """The records of each unit, units in order of their first record."""
    groups: dict[str, list[Record]] = {}
    for rec in records:
        groups.setdefault(rec["unit"], []).append(rec)
    return groups


def _head(sheet: SheetWriter, title: str, note: str, headers: list[str]) -> None:
    sheet.ws.write_string(0, 0, title, sheet.styles["title"])
    sheet.ws.write_string(1, 0, note, sheet.styles["note"])
    sheet.texts(HEADER_ROW, list(headers), "header")
    sheet.end_row(HEADER_ROW)


def write_table_sheet(
    wb: Workbook, styles: Styles, cons: Consolidation, table: str, approved: Mapping[str, Decimal]
) -> None:
    spec = load_specs().table(table)
    records = cons.table_records(table)
    columns = spec.columns
    keys = [c.key for c in columns]
    amount_key = spec.amount_column.key
    cat_key = spec.category_column.key if spec.category_column else None
    amount_col = 1 + keys.index(amount_key)
    approved_col = 1 + len(columns)
    cat_col = 1 + keys.index(cat_key) if cat_key else None
    headers = ["单位", *(c.label for c in columns), *TRAILING]
    widths = [8.0, *(_width(c.kind, c.width) for c in columns), *TRAILING_WIDTHS]
    ws = wb.add_worksheet(table)
    sheet = SheetWriter(ws, styles, widths)
    groups = _by_unit(records)
    _head(
        sheet,
        f"{cons.round.title} · {table} {spec.subtitle}（汇总）",
        f"单位：万元　共 {len(groups)} 个单位、{len(records)} 行；每个单位后为小计，表末为按类型合计与总计；"
        "“核定金额”由财务填写；“版本状态”为该行所在版本在网站上的状态。",
        headers,
    )
    row = first = HEADER_ROW + 1
    if not records:
        ws.write_string(row, 0, "本表暂无纳入汇总的报送。", styles["note"])
        setup_sheet(ws, widths=widths, last_row=row, header_row=HEADER_ROW, freeze_cols=1)
        return
    for unit, group in groups.items():
        start = row
        for rec in group:
            where = f"{rec['file']} {rec['sheet']}!{rec['cell']}"
            sheet.text(row, 0, unit, "text_center")
            for col, column in enumerate(columns, start=1):
                if column.key == amount_key:
                    sheet.money(row, col, _yuan(rec["amount_yuan"]))
                elif column.key == cat_key:
                    sheet.text(row, col, rec["category"] or rec["category_text"], where=where)
                else:
                    style = "text_center" if column.kind is ColumnKind.SERIAL else "text"
                    sheet.text(row, col, rec.get(column.key), style, where=where)
            sheet.money(row, approved_col, approved.get(rec["key"]), "approved")
            sheet.text(
                row,
                approved_col + 1,
                rec["state"],
                "warn" if rec["flagged"] else "text_center",
            )
            sheet.text(row, approved_col + 2, file_name(rec["file"]))
            sheet.text(row, approved_col + 3, f"{rec['sheet']}!{rec['cell']}")
            sheet.end_row(row, level=1)
            row += 1
        sheet.text(row, 0, f"{unit} 小计", "subtotal_text")
        sheet.fill(row, "subtotal_text")
        amounts = (
            (amount_col, cons.unit_totals.get(unit, {}).get(table, Decimal(0))),
            (approved_col, _approved_sum(approved, group)),
        )
        for col, amount in amounts:
            formula = f"=SUBTOTAL(9,{xl_range(start, col, row - 1, col)})"
            sheet.total(row, col, formula, amount, "subtotal_money")
        sheet.end_row(row)
        row += 1
    last = row - 1
    ws.autofilter(HEADER_ROW, 0, last, len(headers) - 1)
    row += 1
    if cat_col is not None:
        sheet.text(row, 0, "按类型合计", "subtitle")
        row += 1
        cats = xl_range(first, cat_col, last, cat_col)
        for category in spec.categories:
            sheet.text(row, 0, "全部单位", "subtotal_text")
            sheet.fill(row, "subtotal_text")
            sheet.text(row, cat_col, category, "subtotal_text")
            amounts = (
                (amount_col, cons.category_totals[table].get(category, Decimal(0))),
                (
                    approved_col,
                    _approved_sum(
                        approved, (rec for rec in records if rec["category"] == category)
                    ),
                ),
            )
            for col, amount in amounts:
                formula = f"=SUMIFS({xl_range(first, col, last, col)},{cats},{xl_rowcol_to_cell(row, cat_col)})"
                sheet.total(row, col, formula, amount, "subtotal_money")
            sheet.end_row(row)
            row += 1
    sheet.text(row, 0, "总计", "total_text")
    sheet.fill(row, "total_text")
    amounts = (
        (amount_col, cons.table_totals[table]),
        (approved_col, _approved_sum(approved, records)),
    )
    for col, amount in amounts:
        sheet.total(
            row, col, f"=SUBTOTAL(9,{xl_range(first, col, last, col)})", amount, "total_money"
        )
    setup_sheet(ws, widths=widths, last_row=row, header_row=HEADER_ROW, freeze_cols=1)
    ws.outline_settings(True, False, True, False)


def _check_text(check: BudgetCheck | None) -> tuple[str, str]:
    if check is None:
        return "", "muted"
    if check.table_ref is None:
        return "未注明所属表", "warn"
    if check.row is None:
        return "需求表中未找到", "warn"
    if any(i.code == "budget.row_mismatch" for i in check.issues):
        return "金额不符", "bad"
    return "一致", "good"


def write_budget_sheet(
    wb: Workbook, styles: Styles, cons: Consolidation, approved: Mapping[str, Decimal]
) -> None:
    spec = load_specs().budget
    assert spec is not None
    records = cons.table_records(BUDGET)
    checks = {id(c.version): c for c in cons.reconciliation.budgets}
    versions = {(v.unit, v.project): v for v in cons.counted if v.table == BUDGET}
    header_cols = [c for c in spec.header if c.key != "unit"]
    money_cols = [*spec.sources, *spec.expenses]
    money_keys = ["amount_yuan" if c.key == "total" else f"{c.key}_yuan" for c in money_cols]
    headers = [
        "单位",
        *(c.label for c in header_cols),
        *(c.label for c in money_cols),
        "需求表金额",
        "与需求表核对",
        *TRAILING,
    ]
    widths = [
        8.0,
        20.0,
        6.0,
        12.0,
        12.0,
        12.0,
        *([9.0] * len(money_cols)),
        10.0,
        10.0,
        *TRAILING_WIDTHS,
    ]
    ws = wb.add_worksheet(BUDGET)
    sheet = SheetWriter(ws, styles, widths)
    _head(
        sheet,
        f"{cons.round.title} · {spec.title}（汇总）",
        f"单位：万元　共 {len(records)} 个项目；“合计”为资金来源合计，是需求表项目的明细，不计入全省需求合计。",
        headers,
    )
    row = first = HEADER_ROW + 1
    money_start = 1 + len(header_cols)
    row_col = money_start + len(money_cols)
    approved_col = row_col + 2
    for rec in records:
        version = versions.get((rec["unit"], rec["project"] or ""))
        check = checks.get(id(version)) if version else None
        where = f"{rec['file']} {rec['sheet']}"
        sheet.text(row, 0, rec["unit"], "text_center")
        for col, column in enumerate(header_cols, start=1):
            value = rec["project"] if column.key == "project_name" else rec.get(column.key)
            if column.key == "table_ref" and not value and check is not None:
                value = check.table_ref  # found by its row (as 预算核对 says)
            sheet.text(row, col, value, where=where)
        for col, key in enumerate(money_keys, start=money_start):
            sheet.money(row, col, _yuan(rec.get(key)))
        sheet.money(row, row_col, check.row_amount if check else None)
        text, style = _check_text(check)
        sheet.text(row, row_col + 1, text, style)
        sheet.money(row, approved_col, approved.get(rec["key"]), "approved")
        sheet.text(row, approved_col + 1, rec["state"], "warn" if rec["flagged"] else "text_center")
        sheet.text(row, approved_col + 2, file_name(rec["file"]))
        sheet.text(row, approved_col + 3, f"{rec['sheet']}!{rec['cell'] or ''}")
        sheet.end_row(row)
        row += 1
    if not records:
        ws.write_string(row, 0, "本轮暂无纳入汇总的项目支出预算明细表。", styles["note"])
        setup_sheet(ws, widths=widths, last_row=row, header_row=HEADER_ROW, freeze_cols=2)
        return
    ws.autofilter(HEADER_ROW, 0, row - 1, len(headers) - 1)
    sheet.text(row, 0, "总计", "total_text")
    sheet.fill(row, "total_text")
    for col, key in enumerate(money_keys, start=money_start):
        total = from_yuan(sum(rec.get(key) or 0 for rec in records))
        sheet.total(
            row, col, f"=SUBTOTAL(9,{xl_range(first, col, row - 1, col)})", total, "total_money"
        )
    formula = f"=SUBTOTAL(9,{xl_range(first, approved_col, row - 1, approved_col)})"
    sheet.total(row, approved_col, formula, _approved_sum(approved, records), "total_money")
    setup_sheet(ws, widths=widths, last_row=row, header_row=HEADER_ROW, freeze_cols=2)
