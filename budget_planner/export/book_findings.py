"""The consolidated workbook's findings sheets (issue 19): 重复申报, 延续项目, 新增延续不符, 政策依据
and 上年对比, each written from the same ``aggregate.findings_tables.Table`` the site shows."""

from __future__ import annotations

from decimal import Decimal

from budget_planner.aggregate.findings_tables import (
    Table,
    continued_table,
    doubles_table,
    mismatches_table,
    policy_table,
    years_table,
)
from budget_planner.aggregate.project_findings import ProjectFindings
from budget_planner.aggregate.years import YearComparison
from budget_planner.export.book_styles import SheetWriter, setup_sheet
from budget_planner.export.xlsx_safe import Styles

HEADER_ROW = 2
MONEY_WIDTH, TEXT_WIDTH, WIDE = 12.0, 14.0, 30.0
EMPTY = "无。"


def _widths(table: Table) -> list[float]:
    widths = []
    for col, header in enumerate(table.headers):
        if col in table.money:
            widths.append(MONEY_WIDTH)
        elif header in ("序号", "表", "引用项目数", "申报书勾选"):
            widths.append(8.0)
        elif header.startswith(("项目", "政策文件", "说明", "引用的项目", "判断依据")) or (
            header.endswith("年项目")
        ):
            widths.append(WIDE)
        else:
            widths.append(TEXT_WIDTH)
    return widths


def write_table_sheet(wb, styles: Styles, table: Table, heading: str) -> None:
    """One findings table on its own sheet: a title, the note, the header, the rows."""
    widths = _widths(table)
    ws = wb.add_worksheet(table.title)
    sheet = SheetWriter(ws, styles, widths)
    ws.write_string(0, 0, f"{heading} · {table.title}", styles["title"])
    sheet.merged_text(1, 0, len(widths) - 1, table.note, "note")
    sheet.end_row(1)
    sheet.texts(HEADER_ROW, table.headers, "header")
    sheet.end_row(HEADER_ROW)
    row = HEADER_ROW + 1
    if not table.rows:
        sheet.text(row, 0, EMPTY, "note")
        row += 1
    for line in table.rows:
        total = line[0] == "合计" or (len(line) > 1 and line[1] == "合计")
        for col, value in enumerate(line):
            if col in table.money:
                money = value if isinstance(value, Decimal) else None
                sheet.money(row, col, money, "total_money" if total else "money")
            elif isinstance(value, int):
                ws.write_number(row, col, value, styles["text_center"])
            else:
                sheet.text(row, col, value, "total_text" if total else "text")
        sheet.end_row(row)
        row += 1
    setup_sheet(ws, widths=widths, last_row=row, header_row=HEADER_ROW, freeze_cols=1)


def write_findings_sheets(
    wb,
    styles: Styles,
    heading: str,
    findings: ProjectFindings,
    comparison: YearComparison | None,
) -> None:
    write_table_sheet(wb, styles, doubles_table(findings), heading)
    if findings.last_year is not None:
        write_table_sheet(wb, styles, continued_table(findings), heading)
        write_table_sheet(wb, styles, mismatches_table(findings), heading)
    write_table_sheet(wb, styles, policy_table(findings.policy), heading)
    if comparison is not None:
        write_table_sheet(wb, styles, years_table(comparison), heading)
