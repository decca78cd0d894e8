"""预算表 of the third real-world set on a sheet: the issued template filled in by a clerk (openpyxl
opens the template the CLI writes, as Excel would, and types into its cells), and seed 000's 申报书
laid out on one sheet as it is in the notice (cover lines, §一 基本信息, §三 预算明细表, §四 意见).
"""

from __future__ import annotations

import io

import openpyxl
from realworld3_files import budget_block, put, save

from budget_planner.templates.round import load_round
from budget_planner.templates.writer import write_budget_template


def _find(ws, label: str) -> tuple[int, int]:
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.replace("（", "(").replace(
                "）", ")"
            ) == label.replace("（", "(").replace("）", ")"):
                return cell.row, cell.column
    raise KeyError(label)


def filled_budget_template(
    unit: str,
    header: dict[str, str],
    money: dict[str, object],
    note: str,
    round_id: str | None = None,
) -> bytes:
    """The issued 预算表 of ``unit``, its header fields, amounts and 测算说明 typed in (the 合计
    stays the template's formula)."""
    data = write_budget_template(load_round(round_id), unit)
    book = openpyxl.load_workbook(io.BytesIO(data))
    ws = book.worksheets[0]
    for label, value in header.items():
        r, _ = _find(ws, label)
        ws.cell(row=r, column=3, value=value)
    for label, value in money.items():
        r, c = _find(ws, label)
        ws.cell(row=r, column=c + 1, value=value)
    r, _ = _find(ws, "支出项目经费测算说明")
    ws.cell(row=r, column=3, value=note)
    return save(book)


def declaration_sheet(ws, info: dict[str, object], money: dict[str, object], note: str) -> int:
    """Seed 000's 申报书 from row 1: cover lines (label：value in one cell), §一 (研究起止日期 over
    three cells: start | 至 | end), §三 from its heading, §四. The row of §三's 合计."""
    cover = [
        ["衡阳市知识产权专项项目申报书" if "衡阳" in str(info) else "知识产权专项项目申报书"],
        ["（2024 年度）"],
        [f"项目名称：{info['项目名称']}"],
        [f"申请单位名称：{info['项目申请单位名称']}（公章）"],
        ["项目负责人：刘洋"],
        ["联系电话：13900000000"],
        [f"推荐单位名称：{info.get('推荐单位名称', '_____')}"],
        ["填报日期：2024 年 5 月 18 日"],
    ]
    r = 1
    for line in cover:
        put(ws, r, line)
        r += 1
    r += 1
    put(ws, r, ["一、项目基本信息"])
    r += 1
    start, to, end = info["研究起止日期"]  # type: ignore[misc]
    first = [
        ["项目名称", info["项目名称"]],
        ["项目属性", "1. 新增项目 ☑ 2. 延续项目 □"],
        ["研究起止日期", start, to, end],
        ["项目申请单位名称", info["项目申请单位名称"], "统一社会信用代码", "91441900MA5X000001"],
        ["法人代表", "黄志", "单位性质", "民营企业"],
    ]
    for line in first:
        put(ws, r, line)
        if len(line) == 2:
            ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=5)
        r += 1
    r += 1
    put(ws, r, ["三、项目支出预算明细表"])
    r += 1
    rows, merges = budget_block(money, note)
    top = r
    for line in rows:
        put(ws, r, line)
        r += 1
    for r0, c0, r1, c1 in merges:
        ws.merge_cells(start_row=top + r0, start_column=c0 + 1, end_row=top + r1, end_column=c1 + 1)
    r += 1
    put(ws, r, ["四、项目意见"])
    put(ws, r + 1, ["申报单位意见："])
    put(ws, r + 2, ["申报单位负责人（签章）：", None, None, "年  月  日"])
    return top + 2
