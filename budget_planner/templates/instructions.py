"""The 填表说明 sheet: how to fill a template and what gets checked, generated from the spec.

Nothing here is written per column: the column table comes from each column's label, ``required``,
``help``, kind, ``max_length`` and ``checks``; the notes from the table's shape (类型, presets, amounts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xlsxwriter.workbook import Workbook

from budget_planner.templates.book_style import row_height
from budget_planner.templates.formats import Styles
from budget_planner.templates.round import Round, Unit
from budget_planner.templates.sheet_setup import FORM_PROTECTION, protect, setup_print
from budget_planner.templates.spec import BudgetSpec, Column, ColumnKind, Role, TableSpec
from budget_planner.templates.table_writer import TOTAL_LABEL

SHEET_NAME = "填表说明"
COLUMN_HEADERS = ("栏目", "是否必填", "填写要求", "系统检查")
COLUMN_WIDTHS = (22, 9, 48, 48)
AMOUNT_CHECK = "须为不小于0的数字（万元），最多4位小数，多出的位数四舍五入并提醒"


Row = tuple[str, str, str, str]  # 栏目, 是否必填, 填写要求, 系统检查


@dataclass(frozen=True)
class Instructions:
    title: str
    notes: tuple[str, ...]
    columns: tuple[Row, ...]


def _deadline(round_: Round) -> str:
    d = round_.deadline
    return f"{d.year}年{d.month}月{d.day}日（北京时间当日24时前）"


def column_checks(col: Column, amount_label: str = "") -> str:
    """What the validator checks in this column, in words."""
    parts: list[str] = []
    if col.kind is ColumnKind.SERIAL:
        return "不检查"
    if col.kind is ColumnKind.CATEGORY:
        parts.append("须为下拉列表中的类型")
    elif col.kind is ColumnKind.AMOUNT:
        parts.append(AMOUNT_CHECK)
    elif col.kind is ColumnKind.COUNT_AMOUNT and amount_label:
        parts.append(f"能识别项目数和单项金额时，须与“{amount_label}”一致")
    if col.required and col.kind is not ColumnKind.CATEGORY:
        parts.insert(0, "不能为空")
    if col.max_length:
        parts.append(f"不超过{col.max_length}字")
    if "cites_document" in col.checks:
        parts.append("应以书名号《》写明文件名称（未写明时提醒）")
    return "；".join(parts) + "。" if parts else "—"


def _named(col: Column) -> str:
    """A field named in quotes, as in the notes: a bare label here would make this sheet look like
    the table itself to a reader matching labels (a 预算表 is recognised by its labels anywhere)."""
    return f"“{col.label}”"


def _column_rows(columns: Sequence[Column], amount_label: str) -> tuple[Row, ...]:
    return tuple(
        (_named(c), "是" if c.required else "否", c.help, column_checks(c, amount_label))
        for c in columns
    )


def _unit_note(unit: Unit | None, unit_label: str, where: str) -> str:
    if unit:
        return f"{unit_label}已预填为“{unit.full_name}”。"
    return f"请在{where}填写本单位全称（可从下拉列表选择）。"


def _collapse(rows: Sequence[Row]) -> tuple[Row, ...]:
    """Consecutive fields with the same requirements and checks share one row, labels one a line."""
    out: list[Row] = []
    for row in rows:
        if out and out[-1][1:] == row[1:]:
            out[-1] = (f"{out[-1][0]}\n{row[0]}", *row[1:])
        else:
            out.append(row)
    return tuple(out)


def table_instructions(
    spec: TableSpec, round_: Round, unit: Unit | None, unit_label: str, money_unit: str
) -> Instructions:
    amount = spec.amount_column
    group = "该组" if spec.category_column is not None else "表格"
    notes = [
        f"本表为{spec.title(round_.year)}（{spec.subtitle}），请在工作表“{spec.id}”中填写。"
        "不要修改表头文字，不要增删或调换列，不要修改工作表名称。",
        _unit_note(unit, unit_label, f"“{unit_label}：”后"),
        f"金额{money_unit}。“{amount.label}”只填数字（最多4位小数），不要带“万元”等文字，不能为负数。",
        f"需要更多行时，选中{group}最后一行白色空行，右键“插入”整行：新行沿用上一行的格式，"
        f"可直接填写，并计入“{TOTAL_LABEL}”。",
    ]
    category = spec.category_column
    if category is not None:
        notes.append(
            f"“{category.label}”已按下拉列表分组，每组只在第一行写明（合并单元格），"
            "组内各行都属于该类型。"
        )
    if spec.has_presets:
        notes.append(
            "灰色底纹的单元格为省局预设内容，已锁定，不可修改；白色单元格为填写区。"
            f"承接预设项目的，填写该行的“{amount.label}”等白色单元格；不承接的，“{amount.label}”留空。"
            "灰色字体的“…拟设置的项目N”为提示文字，请改为本单位拟设置的项目，并补全该行。"
        )
    notes += [
        f"“{TOTAL_LABEL}”行为自动求和公式，等于上方各行“{amount.label}”之和，请勿修改。",
        f"报送截止时间：{_deadline(round_)}。报送后系统逐格检查，问题定位到单元格（如 E12），"
        "检查内容见下表。",
    ]
    return Instructions(
        title=f"{spec.title(round_.year)}（{spec.subtitle}）填表说明",
        notes=tuple(notes),
        columns=_column_rows(spec.issued_columns, amount.label),
    )


def budget_instructions(budget: BudgetSpec, round_: Round, unit: Unit | None) -> Instructions:
    total = next(c for c in budget.sources if c.role is Role.TOTAL)
    provincial = next(c for c in budget.sources if c.role is Role.PROVINCIAL)
    parts = [c.label for c in budget.sources if c.role is not Role.TOTAL]
    unit_label = budget.field("unit").label
    notes = [
        f"每个项目填写一份{budget.title}；有多个项目的，复制本文件（或本工作表）逐个填写。",
        _unit_note(unit, unit_label, f"“{unit_label}”一栏"),
        f"金额{budget.unit_label}，只填数字（最多4位小数），不要带“万元”等文字，不能为负数。",
        f"资金来源“{total.label}”为公式，自动等于{'、'.join(parts)}之和，请勿修改。",
        f"省局拨款项目支出明细各项之和须等于“{provincial.label}”；表下方的自动校验显示"
        "“一致”，不一致时以红色标出。",
        f"“{provincial.label}”须与所属需求征集表中该项目的金额一致。",
    ]
    notes += [
        f"填写了“{c.label}”的，须在“{budget.note.label}”中注明用途。"
        for c in budget.expenses
        if c.needs_note
    ]
    notes.append(f"报送截止时间：{_deadline(round_)}。")
    rows: list[Row] = []
    for block in (budget.header, budget.sources, budget.expenses, (budget.note,)):
        rows += _collapse([_budget_row(c, budget, parts) for c in block])
    return Instructions(f"{budget.title}填表说明", tuple(notes), tuple(rows))


def _budget_row(c: Column, budget: BudgetSpec, parts: Sequence[str]) -> Row:
    help_text, checks = c.help, column_checks(c)
    if c.role is Role.TOTAL:
        help_text, checks = "自动计算，请勿修改。", f"须等于{'、'.join(parts)}之和。"
    elif c.role is Role.PROVINCIAL:
        checks += "须等于省局拨款项目支出明细各项之和，并与所属需求征集表中该项目的金额一致。"
    elif c.needs_note:
        checks += f"大于0时须在“{budget.note.label}”中注明用途。"
    return (_named(c), "是" if c.required else "否", help_text, checks)


def write_instructions(workbook: Workbook, styles: Styles, doc: Instructions) -> None:
    ws = workbook.add_worksheet(SHEET_NAME)
    last_col = len(COLUMN_WIDTHS) - 1
    text_width = sum(COLUMN_WIDTHS)
    for c, width in enumerate(COLUMN_WIDTHS):
        ws.set_column(c, c, width)
    ws.merge_range(0, 0, 0, last_col, "", styles["doc_title"])
    ws.write_string(0, 0, doc.title, styles["doc_title"])
    ws.set_row(0, row_height([(doc.title, text_width / 1.6)], 30, scale=1.6))
    row = 2
    ws.write_string(row, 0, "一、填写要求", styles["doc_heading"])
    row += 1
    for number, note in enumerate(doc.notes, start=1):
        text = f"{number}. {note}"
        ws.merge_range(row, 0, row, last_col, "", styles["doc_text"])
        ws.write_string(row, 0, text, styles["doc_text"])
        ws.set_row(row, row_height([(text, text_width)], 18))
        row += 1
    row += 1
    ws.write_string(row, 0, "二、各栏目填写要求与系统检查", styles["doc_heading"])
    row += 1
    for c, header in enumerate(COLUMN_HEADERS):
        ws.write_string(row, c, header, styles["doc_header"])
    ws.set_row(row, 22)
    header_row = row
    for values in doc.columns:
        row += 1
        for c, value in enumerate(values):
            style = styles["doc_cell_center" if c == 1 else "doc_cell"]
            ws.write_string(row, c, value, style)
        ws.set_row(row, row_height(list(zip(values, COLUMN_WIDTHS, strict=True)), 20))
    setup_print(ws, last_row=row, last_col=last_col, landscape=False, repeat_row=header_row)
    protect(ws, FORM_PROTECTION)
