"""The consolidated workbook finance works from (xlsxwriter), in Chinese and print-ready.

Sheets: 说明 (the round, when made, from which files, the headline figures), 完成情况 (units × tables),
one sheet per table with every row, 预算表, 单位×类型, 预算核对, 图表 (native Excel charts), 问题汇总,
and the findings (重复申报, 延续项目, 新增延续不符, 政策依据, 上年对比: ``book_findings``).
Every sheet prints on A4 landscape, one page wide, its header repeated and its pages numbered. User
text goes through ``xlsx_safe.write_text``; amounts are written as numbers (see ``book_styles``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from budget_planner.aggregate.completeness import version_status
from budget_planner.aggregate.consolidate import Consolidation
from budget_planner.aggregate.project_findings import ProjectFindings
from budget_planner.aggregate.status import TONES, TableStatus
from budget_planner.aggregate.versions import Superseded, Unplaced, beijing
from budget_planner.aggregate.years import YearComparison
from budget_planner.export.book_charts import ChartData, write_chart_sheet
from budget_planner.export.book_checks import (
    ProblemSource,
    write_pivot_sheet,
    write_problems_sheet,
    write_reconcile_sheet,
)
from budget_planner.export.book_findings import write_findings_sheets
from budget_planner.export.book_styles import SheetWriter, book_styles, setup_sheet
from budget_planner.export.book_tables import write_budget_sheet, write_table_sheet
from budget_planner.export.xlsx_safe import Styles, new_workbook
from budget_planner.templates.round import BEIJING
from budget_planner.templates.spec import ALL_TABLES, BUDGET, COLLECTION_TABLES
from budget_planner.text import file_name

CONSTANT_MEMORY_ROWS = 20_000  # above this many rows, write in constant-memory mode
COUNTED, SUPERSEDED, NOT_COUNTED, CONTROL_FILE = "计入汇总", "已被取代", "未计入", "控制数文件"


def write_consolidated(
    target: str | Path | BinaryIO,
    cons: Consolidation,
    *,
    superseded: Sequence[Superseded] = (),
    unassigned: Sequence[Unplaced] = (),
    unrecognised: Sequence[Unplaced] = (),
    approved: Mapping[str, Decimal] | None = None,
    made_at: dt.datetime | None = None,
    constant_memory: bool | None = None,
    findings: ProjectFindings | None = None,
    comparison: YearComparison | None = None,
) -> Path | BinaryIO:
    """Write the consolidated workbook to a path or a binary stream (returned).

    ``approved``: 核定金额 by project key (``str(ProjectKey)``), as finance recorded them;
    ``findings`` and ``comparison``: the findings sheets (重复申报 …, 上年对比; ``book_findings``)."""
    target = Path(target) if isinstance(target, str) else target
    if constant_memory is None:
        constant_memory = len(cons.records) > CONSTANT_MEMORY_ROWS
    made_at = made_at or dt.datetime.now(BEIJING)
    approved = approved or {}
    unplaced = [*unassigned, *unrecognised]
    sources = problem_sources(cons, superseded, unplaced)
    wb = new_workbook(target, constant_memory=constant_memory)
    wb.set_properties(
        {
            "title": f"{cons.round.title}汇总表",
            "subject": cons.round.title,
            "author": cons.round.issuer,
            "comments": "由 budget-planner 生成",
        }
    )
    styles = book_styles(wb)
    _write_readme(wb, styles, cons, superseded, unplaced, sources, made_at)
    _write_completeness(wb, styles, cons)
    for table in COLLECTION_TABLES:
        write_table_sheet(wb, styles, cons, table, approved)
    write_budget_sheet(wb, styles, cons, approved)
    label_row, total_row, last_cat = write_pivot_sheet(wb, styles, cons)
    unit_rows = write_reconcile_sheet(wb, styles, cons)
    write_chart_sheet(wb, styles, cons, ChartData(unit_rows, label_row, total_row, (1, last_cat)))
    write_problems_sheet(wb, styles, sources)
    if findings is not None:
        write_findings_sheets(wb, styles, cons.round.title, findings, comparison)
    wb.close()
    return target


def _named(reason: str, path: str) -> str:
    """A reason naming the newer file by its path, with the file's name instead."""
    return reason.replace(path, file_name(path)) if path else reason


def _table_label(table: str | None, project: str = "") -> str:
    return f"{table}（{project}）" if project else (table or "")


def problem_sources(
    cons: Consolidation, superseded: Sequence[Superseded], unplaced: Sequence[Unplaced]
) -> list[ProblemSource]:
    """Every file's issues: counted versions (with their 预算表 row check), superseded, unplaced,
    and the control-number file."""
    checks = {id(c.version): c for c in cons.reconciliation.budgets}
    sources = []
    for v in cons.counted:
        issues = checks[id(v)].issues if id(v) in checks else v.report.issues
        sources.append(
            ProblemSource(v.unit, _table_label(v.table, v.project), v.file, COUNTED, issues)
        )
    for s in superseded:
        label = _table_label(s.table, s.project)
        sources.append(ProblemSource(s.unit, label, s.file, SUPERSEDED, s.checked.report.issues))
    for u in unplaced:
        report = u.checked.report
        label = _table_label(report.table)
        sources.append(ProblemSource(report.unit or "", label, u.file, NOT_COUNTED, u.issues))
    if cons.control is not None:
        control = cons.control
        sources.append(
            ProblemSource("", "控制数", control.file, CONTROL_FILE, control.report.issues)
        )
    return [s for s in sources if s.issues]


def _pairs(sheet: SheetWriter, row: int, pairs: list[tuple[str, object]]) -> int:
    for label, value in pairs:
        sheet.text(row, 0, label, "label")
        if isinstance(value, Decimal):
            sheet.money(row, 1, value, "value_money")
        else:
            sheet.merged_text(row, 1, len(sheet.widths) - 1, value, "value_wrap")
        sheet.end_row(row)
        row += 1
    return row


def _write_readme(wb, styles: Styles, cons, superseded, unplaced, sources, made_at) -> None:
    widths = [30.0, 24.0, 14.0, 9.0, 17.0, 56.0]
    ws = wb.add_worksheet("说明")
    sheet = SheetWriter(ws, styles, widths)
    round_, rec = cons.round, cons.reconciliation
    ws.write_string(0, 0, f"{round_.title} 汇总表", styles["title"])
    missing = cons.missing
    problems = sum(len(s.issues) for s in sources)
    errors = sum(1 for s in sources for i in s.issues if i.is_error)
    row = _pairs(sheet, 2, [
        ("轮次", f"{round_.title}（{round_.id}）"),
        ("发文单位", round_.issuer),
        ("报送截止", f"{round_.deadline:%Y年%m月%d日} 24 时（北京时间）"),
        ("生成时间", f"{beijing(made_at)}（北京时间）"),
        ("纳入汇总", f"{len(cons.counted)} 个文件（表），来自 {len({v.unit for v in cons.counted})} 个{round_.unit_kind}"),
        ("被取代的旧版本", f"{len(superseded)} 个"),
        ("未计入汇总", f"{len(unplaced)} 个（无法识别单位或表，或无法读取）"),
        ("控制数文件", file_name(cons.control.file) if cons.control else "未提供"),
    ])  # fmt: skip
    sheet.text(row + 1, 0, "主要数据（万元）", "subtitle")
    pairs: list[tuple[str, object]] = [("全省申报合计（表一至表四）", cons.total)]
    pairs += [(t, cons.table_totals[t]) for t in COLLECTION_TABLES]
    pairs.append(("预算表资金来源合计（不计入上列合计）", cons.table_totals[BUDGET]))
    if rec.control_total is not None:
        pairs += [("控制数合计", rec.control_total), ("表四申报减控制数", rec.difference)]
    over = "、".join(f"{u.unit}（超出 {u.difference:,}）" for u in rec.over)
    pairs += [
        ("超出控制数的单位", f"{len(rec.over)} 个" + (f"：{over}" if over else "")),
        ("缺报（必报表未提交）", f"{len(missing)} 项" + ("：" + "、".join(u + t for u, t in missing) if missing else "")),
        ("有错误仍计入汇总的文件", f"{len(cons.flagged)} 个"),
        ("问题", f"{problems} 个，其中错误 {errors} 个（见“问题汇总”）"),
    ]  # fmt: skip
    row = _pairs(sheet, row + 2, pairs)
    notes = [
        "金额单位为万元，保留至 4 位小数（即 1 元），按原始数据精确求和。",
        "同一单位同一张表有多个文件时，依次按文档属性中的修改时间、文件修改时间、文件名排序，最新者计入汇总，其余为“已被取代”。",
        "预算表按单位和项目名称分别取最新版本；其资金来源合计是需求表项目的明细，不另计入全省合计。",
        "各表的“核定金额”列由财务填写，小计与总计是公式，随填写自动更新。",
        "“预算核对”比较各单位表四申报金额与控制数；超出控制数是核对发现，不是文件错误。",
        "“重复申报”“政策依据”（有上年分配方案时还有“延续项目”“新增延续不符”“上年对比”）是供财务核对的发现，不阻止上传；各表第二行说明其规则。",
    ]
    sheet.text(row + 1, 0, "说明", "subtitle")
    row += 2
    for i, note in enumerate(notes, start=1):
        ws.write_string(row, 0, f"{i}. {note}", styles["value"])
        row += 1
    sheet.text(row + 1, 0, "来源文件", "subtitle")
    row += 2
    sheet.texts(row, ["文件", "单位", "表", "处理", "版本", "说明"], "header")
    sheet.end_row(row)
    row += 1
    newest = {(v.unit, v.table, v.project): v.file for v in cons.counted}
    lines = [
        (
            file_name(v.file),
            v.unit,
            _table_label(v.table, v.project),
            COUNTED,
            f"第 {v.version} 版（共 {v.versions} 版）",
            "有错误，仍计入" if v.flagged else "",
        )
        for v in cons.counted
    ]
    lines += [
        (
            file_name(s.file),
            s.unit,
            _table_label(s.table, s.project),
            SUPERSEDED,
            f"第 {s.version} 版",
            _named(s.reason, newest.get((s.unit, s.table, s.project), "")),
        )
        for s in superseded
    ]
    lines += [(file_name(u.file), u.checked.report.unit or "", _table_label(u.table), NOT_COUNTED, "", u.reason) for u in unplaced]  # fmt: skip
    for line in lines:
        for col, value in enumerate(line):
            sheet.text(
                row, col, value, "bad_text" if line[3] == NOT_COUNTED and col == 3 else "text"
            )
        sheet.end_row(row)
        row += 1
    setup_sheet(ws, widths=widths, last_row=row)


def _write_completeness(wb, styles: Styles, cons: Consolidation) -> None:
    widths = [10.0, 11.0, 11.0, 11.0, 17.0, 11.0, 12.0, 24.0, 42.0]
    ws = wb.add_worksheet("完成情况")
    sheet = SheetWriter(ws, styles, widths)
    round_ = cons.round
    ws.write_string(0, 0, f"{round_.title} · 报送完成情况", styles["title"])
    ws.write_string(
        1, 0,
        f"截止 {round_.deadline:%Y年%m月%d日}；状态与网站一致。红色为必报未提交，黄色为有错误、"
        "已上传未提交或已退回（仍计入汇总），绿色为已提交或已通过；“—”为选报且未报送。",
        styles["note"],
    )  # fmt: skip
    header = 2
    sheet.texts(header, ["单位", *ALL_TABLES, "必报完成", "申报合计（表一至表四）"], "header")
    sheet.end_row(header)
    cells = {(c.unit, c.table): c for c in cons.completeness}
    row = header + 1
    for unit in round_.units:
        sheet.text(row, 0, unit.short_name, "text_center")
        done = 0
        for col, table in enumerate(ALL_TABLES, start=1):
            cell = cells.get((unit.short_name, table))
            if cell is None or (cell.status is TableStatus.MISSING and not cell.required):
                sheet.text(row, col, "—", "muted")  # neither owed nor sent, as on the site
                continue
            count = len(cell.versions)
            more = ""
            if table == BUDGET and count > 1:  # several projects: how many are as the cell says
                alike = sum(version_status(v) is cell.status for v in cell.versions)
                more = f" {count} 个项目" if alike == count else f"（{count} 个项目中 {alike} 个）"
            sheet.text(row, col, f"{cell.status.label}{more}", TONES[cell.status])
            done += cell.required and cell.status is not TableStatus.MISSING
        # (a 预算表 is not owed by a unit of nil returns: completeness says which are required)
        required = sum(1 for c in cons.completeness if c.unit == unit.short_name and c.required)
        sheet.text(
            row,
            len(ALL_TABLES) + 1,
            f"{done}/{required}",
            "text_center" if done == required else "bad",
        )
        sheet.money(row, len(ALL_TABLES) + 2, cons.unit_total(unit.short_name))
        row += 1
    row += 1
    sheet.text(row, 0, "报送明细（计入汇总的版本）", "subtitle")
    row += 1
    sheet.texts(
        row,
        ["单位", "表", "状态", "版本", "文档修改时间", "行数", "金额", "项目（预算表）", "文件"],
        "header",
    )
    row += 1
    for v in cons.counted:
        status = version_status(v)
        budget = v.table == BUDGET
        total = v.report.total if budget else cons.unit_totals.get(v.unit, {}).get(v.table)
        sheet.text(row, 0, v.unit, "text_center")
        sheet.text(row, 1, v.table, "text_center")
        sheet.text(row, 2, status.label, TONES[status])
        sheet.text(row, 3, f"{v.version}/{v.versions}", "text_center")
        sheet.text(row, 4, beijing(v.modified or v.file_time), "text_center")
        ws.write_number(
            row,
            5,
            1 if budget else cons.row_counts.get((v.unit, v.table), 0),
            styles["text_center"],
        )
        sheet.money(row, 6, total)
        sheet.text(row, 7, v.project)
        sheet.text(row, 8, file_name(v.file))
        sheet.end_row(row)
        row += 1
    setup_sheet(ws, widths=widths, last_row=row, header_row=header, freeze_cols=1)
