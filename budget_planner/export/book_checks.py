"""The consolidated workbook's analysis sheets: 单位×类型, 预算核对, 问题汇总 and the charts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from xlsxwriter.utility import xl_range, xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook

from budget_planner.aggregate.consolidate import Consolidation, all_categories
from budget_planner.aggregate.status import request_verdict
from budget_planner.export.book_styles import SheetWriter, setup_sheet
from budget_planner.export.xlsx_safe import Styles
from budget_planner.templates.spec import COLLECTION_TABLES, CONTROLLED_TABLE
from budget_planner.text import file_name
from budget_planner.validators.report.codes import Severity, code
from budget_planner.validators.report.issues import Issue, sort_issues

ERROR, WARNING = Severity.ERROR.label, Severity.WARNING.label

UNCATEGORISED = "未分类"
PIVOT_SHEET = "单位×类型"
RECONCILE_SHEET = "预算核对"


def write_pivot_sheet(wb: Workbook, styles: Styles, cons: Consolidation) -> tuple[int, int, int]:
    """Units × 类型 over 表一–表四, totals both ways. Returns (label row, total row, last 类型 col)."""
    cats = [*all_categories(), UNCATEGORISED]
    widths = [9.0, *([10.0] * len(cats)), 12.0]
    ws = wb.add_worksheet(PIVOT_SHEET)
    sheet = SheetWriter(ws, styles, widths)
    ws.write_string(0, 0, f"{cons.round.title} · 各单位按类型汇总（表一至表四）", styles["title"])
    ws.write_string(
        1, 0, f"单位：万元　“{UNCATEGORISED}”为没有有效类型的行（表二无类型）。", styles["note"]
    )
    header = 2
    sheet.texts(header, ["单位", *cats, "合计"], "header")
    sheet.end_row(header)
    first = row = header + 1
    keys = ["" if c == UNCATEGORISED else c for c in cats]
    for unit in cons.round.units:
        amounts = cons.unit_categories.get(unit.short_name, {})
        sheet.text(row, 0, unit.short_name, "text_center")
        for col, key in enumerate(keys, start=1):
            sheet.money(row, col, amounts.get(key, Decimal(0)))
        total = sum(amounts.values(), Decimal(0))
        sheet.total(
            row, len(cats) + 1, f"=SUM({xl_range(row, 1, row, len(cats))})", total, "subtotal_money"
        )
        row += 1
    sheet.text(row, 0, "合计", "total_text")
    for col, key in enumerate(keys, start=1):
        amount = sum((a.get(key, Decimal(0)) for a in cons.unit_categories.values()), Decimal(0))
        sheet.total(row, col, f"=SUM({xl_range(first, col, row - 1, col)})", amount, "total_money")
    col = len(cats) + 1
    sheet.total(row, col, f"=SUM({xl_range(first, col, row - 1, col)})", cons.total, "total_money")
    setup_sheet(ws, widths=widths, last_row=row, header_row=header, freeze_cols=1)
    return header, row, len(cats)


def _share_formula(row: int) -> str:
    control, requested = xl_rowcol_to_cell(row, 1), xl_rowcol_to_cell(row, 2)
    return f'=IF(OR({control}="",{control}=0),"",{requested}/{control})'


def write_reconcile_sheet(wb: Workbook, styles: Styles, cons: Consolidation) -> tuple[int, int]:
    """Control numbers against 表四, province lines, 预算表 against their rows, rows without one.

    Returns the first and last row of the unit lines (for the chart)."""
    rec = cons.reconciliation
    widths = [14.0, 22.0, 14.0, 14.0, 13.0, 13.0, 14.0, 36.0]
    ws = wb.add_worksheet(RECONCILE_SHEET)
    sheet = SheetWriter(ws, styles, widths)
    ws.write_string(0, 0, f"{cons.round.title} · 预算核对", styles["title"])
    note = (
        f"单位：万元　控制数来自 {file_name(cons.control.file)}；差额 = 申报金额（表四）减控制数，正数为超出。"
        if cons.control
        else "单位：万元　未提供控制数文件：仅列出各单位表四申报金额。"
    )
    sheet.text(1, 0, note, "note")
    header = 2
    sheet.texts(
        header,
        ["单位", "控制数", "申报金额（表四）", "差额", "占控制数比例", "是否超出"],
        "header",
    )
    sheet.merged_text(header, 6, 7, "表四文件", "header")
    sheet.end_row(header)
    files = {v.unit: file_name(v.file) for v in cons.counted if v.table == CONTROLLED_TABLE}
    first = row = header + 1
    for u in rec.units:
        over = u.over
        sheet.text(row, 0, u.unit, "bad" if over else "text_center")
        sheet.money(row, 1, u.control)
        sheet.money(row, 2, u.requested, "bad_money" if over else "money")
        if u.control is None:
            sheet.blank(row, 3, "money")
            sheet.blank(row, 4, "share")
            sheet.text(row, 5, *request_verdict(u))
        else:
            diff = f"={xl_rowcol_to_cell(row, 2)}-{xl_rowcol_to_cell(row, 1)}"
            sheet.total(row, 3, diff, u.difference, "bad_money" if over else "money")
            ws.write_formula(
                row,
                4,
                _share_formula(row),
                styles["bad_share" if over else "share"],
                float(u.share) if u.share is not None else "",
            )
            sheet.text(row, 5, *request_verdict(u))
        sheet.merged_text(
            row, 6, 7, files.get(u.unit, "未提交"), "text" if u.has_request else "muted"
        )
        sheet.end_row(row)
        row += 1
    last = row - 1
    sheet.text(row, 0, "合计", "total_text")
    sheet.fill(row, "total_text")
    if rec.control_total is not None:
        sheet.total(
            row, 1, f"=SUM({xl_range(first, 1, last, 1)})", rec.control_total, "total_money"
        )
        sheet.total(
            row,
            3,
            f"={xl_rowcol_to_cell(row, 2)}-{xl_rowcol_to_cell(row, 1)}",
            rec.difference,
            "total_money",
        )
        province = next(line for line in rec.by_table if line.label == CONTROLLED_TABLE)
        ws.write_formula(
            row,
            4,
            _share_formula(row),
            styles["total_share"],
            float(province.share) if province.share is not None else "",
        )
        sheet.text(row, 5, f"{len(rec.over)} 个单位超出", "bad" if rec.over else "total_text")
    sheet.total(row, 2, f"=SUM({xl_range(first, 2, last, 2)})", rec.requested, "total_money")
    row += 2

    sheet.text(row, 0, "全省按表、按类型（占控制数合计）", "subtitle")
    row += 1
    sheet.merged_text(row, 0, 1, "表/类型", "header")
    sheet.texts(row, ["申报金额", "占控制数合计比例"], "header", start=2)
    sheet.end_row(row)
    row += 1
    for line in [*rec.by_table, *rec.by_category]:
        label = (
            line.label if line.label in COLLECTION_TABLES else f"{CONTROLLED_TABLE} · {line.label}"
        )
        ws.merge_range(row, 0, row, 1, "", styles["text"])
        sheet.text(row, 0, label)
        sheet.money(row, 2, line.requested)
        if line.share is None:
            sheet.blank(row, 3, "share")
        else:
            ws.write_number(row, 3, float(line.share), styles["share"])
        row += 1
    row = _budget_checks(sheet, cons, row + 1)
    row = _unbudgeted(sheet, cons, row + 1)
    setup_sheet(ws, widths=widths, last_row=row, header_row=header, repeat=False)
    return first, last


def _budget_checks(sheet: SheetWriter, cons: Consolidation, row: int) -> int:
    rec = cons.reconciliation
    sheet.text(row, 0, "项目支出预算明细表核对（省局项目支出与需求表金额）", "subtitle")
    row += 1
    headers = [
        "单位",
        "项目名称",
        "所属表",
        "资金来源合计",
        "省局项目支出",
        "需求表金额",
        "核对结果",
        "问题",
    ]
    sheet.texts(row, headers, "header")
    sheet.end_row(row)
    row += 1
    if not rec.budgets:
        sheet.text(row, 0, "无", "muted")
        return row + 1
    for check in rec.budgets:
        errors = [i for i in check.issues if i.is_error]
        result, style = ("通过", "good") if check.ok else ("有问题", "bad")
        if check.ok and check.row is None:
            result, style = ("未找到需求表项目", "warn")
        where = check.version.file
        sheet.text(row, 0, check.version.unit, "text_center")
        sheet.text(row, 1, check.version.project, where=where)
        sheet.text(row, 2, check.table_ref or "", "text_center")
        sheet.money(row, 3, check.total)
        sheet.money(row, 4, check.provincial)
        sheet.money(row, 5, check.row_amount)
        sheet.text(row, 6, result, style)
        text = "\n".join(f"{i.cell or ''} {i.message}".strip() for i in errors)
        sheet.text(row, 7, text, "bad_text" if errors else "text", where=where)
        sheet.end_row(row)
        row += 1
    return row


def _unbudgeted(sheet: SheetWriter, cons: Consolidation, row: int) -> int:
    rec = cons.reconciliation
    sheet.text(row, 0, f"未附预算表的需求表项目（{len(rec.unbudgeted)} 项）", "subtitle")
    row += 1
    sheet.texts(row, ["单位", "项目", "表", "类型", "金额", "位置"], "header")
    sheet.merged_text(row, 6, 7, "来源文件", "header")
    row += 1
    for item in rec.unbudgeted:
        where = f"{item.file} {item.sheet}!{item.cell}"
        sheet.text(row, 0, item.unit, "text_center")
        sheet.text(row, 1, item.project, where=where)
        sheet.text(row, 2, item.table, "text_center")
        sheet.text(row, 3, item.category or "", where=where)
        sheet.money(row, 4, item.amount)
        sheet.text(row, 5, f"{item.sheet}!{item.cell or ''}")
        sheet.merged_text(row, 6, 7, file_name(item.file))
        sheet.end_row(row)
        row += 1
    return row


@dataclass(frozen=True)
class ProblemSource:
    """A file's issues as listed on 问题汇总."""

    unit: str
    table: str
    file: str
    status: str  # 计入汇总 / 已被取代 / 未计入 / 控制数文件
    issues: Sequence[Issue]


def write_problems_sheet(wb: Workbook, styles: Styles, sources: Sequence[ProblemSource]) -> int:
    widths = [8.0, 10.0, 22.0, 9.0, 9.0, 7.0, 6.0, 24.0, 12.0, 14.0, 44.0]
    ws = wb.add_worksheet("问题汇总")
    sheet = SheetWriter(ws, styles, widths)
    count = sum(len(s.issues) for s in sources)
    errors = sum(1 for s in sources for i in s.issues if i.is_error)
    ws.write_string(
        0,
        0,
        f"问题汇总：每个文件的每个问题（{ERROR}须修改后重新报送，{WARNING}供核对）",
        styles["title"],
    )
    ws.write_string(1, 0, f"共 {count} 个问题，其中{ERROR} {errors} 个。", styles["note"])
    headers = [
        "单位",
        "表",
        "文件",
        "处理",
        "工作表",
        "单元格",
        "级别",
        "问题类型",
        "列",
        "单元格内容",
        "问题说明",
    ]
    sheet.texts(2, headers, "header")
    sheet.end_row(2)
    row = 3
    for source in sources:
        for issue in sort_issues(source.issues):
            where = f"{source.file} {issue.sheet or ''}!{issue.cell or ''}"
            values = [
                source.unit, source.table, file_name(source.file), source.status, issue.sheet or "",
                issue.cell or "", Severity.ERROR.label if issue.is_error else WARNING, code(issue.code).title,
                issue.column or "", issue.value or "", issue.message,
            ]  # fmt: skip
            for col, value in enumerate(values):
                style = "text_center" if col in (0, 3, 5, 7) else "text"
                if col == 6:
                    style = "bad" if issue.is_error else "warn"
                sheet.text(row, col, value, style, where=where)
            sheet.end_row(row)
            row += 1
    if row > 3:
        ws.autofilter(2, 0, row - 1, len(headers) - 1)
    else:
        ws.write_string(row, 0, "没有发现问题。", styles["note"])
    setup_sheet(ws, widths=widths, last_row=max(row, 3), header_row=2)
    return count
