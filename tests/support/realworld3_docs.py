"""Word files of the third real-world set (python-docx): the notice's own table, the 预算表 in the
issued template's layout, and seed 000's 申报书 as WPS exports it — §三 nested in a frame table's cell.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from realworld3_files import EXPENSES, SOURCES


def _save(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _fill(table, rows: Sequence[Sequence[object]]) -> None:
    for r, line in enumerate(rows):
        for c, v in enumerate(line):
            if v is not None:
                table.cell(r, c).text = str(v)


def notice_table_docx(
    preamble: Sequence[str],
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    merges: Sequence[tuple[int, int, int]] = (),
) -> bytes:
    """Paragraphs, then one table: the header and ``rows``; ``merges``: (first, last, column) of a
    vertical merge in table rows (0 is the header), the text staying in the first."""
    doc = Document()
    for line in preamble:
        doc.add_paragraph(line)
    table = doc.add_table(rows=len(rows) + 1, cols=len(header))
    table.style = "Table Grid"
    _fill(table, [header, *rows])
    for first, last, col in merges:
        table.cell(first, col).merge(table.cell(last, col))
    doc.add_paragraph("填表人：            联系电话：")
    return _save(doc)


def _money_rows(money: dict[str, object], note: str) -> list[list[object]]:
    rows: list[list[object]] = [
        ["项目支出预算及测算说明", "项目资金来源", "资金来源", "金额", "备注"]
    ]
    rows += [[None, None, label, money.get(label), None] for label in SOURCES]
    rows.append([None, "省局拨款项目支出明细", "支出项目内容", "金额", None])
    rows += [[None, None, label, money.get(label), None] for label in EXPENSES]
    rows.append(["支出项目经费测算说明：", note, None, None, None])
    return rows


def _merge_money(table, first: int, n: int) -> None:
    """The 说明 column over the money rows, 项目资金来源 / 省局拨款项目支出明细 over theirs, the note across."""
    table.cell(first, 0).merge(table.cell(first + n - 2, 0))
    table.cell(first, 1).merge(table.cell(first + 5, 1))
    table.cell(first + 6, 1).merge(table.cell(first + n - 2, 1))
    table.cell(first + n - 1, 1).merge(table.cell(first + n - 1, 4))


def budget_template_docx(header: dict[str, str], money: dict[str, object], note: str) -> bytes:
    """The issued 预算表 as one Word table: title, 单位：万元, the header block (label | value over
    three cells), then the money."""
    doc = Document()
    doc.add_paragraph("项目支出预算明细表")
    doc.add_paragraph("单位：万元")
    head = [[label, value, None, None, None] for label, value in header.items()]
    money_rows = _money_rows(money, note)
    table = doc.add_table(rows=len(head) + len(money_rows), cols=5)
    table.style = "Table Grid"
    _fill(table, [*head, *money_rows])
    for r in range(len(head)):
        table.cell(r, 1).merge(table.cell(r, 4))
    _merge_money(table, len(head), len(money_rows))
    return _save(doc)


def declaration_docx_nested(info: dict[str, object], money: dict[str, object], note: str) -> bytes:
    """Seed 000's 申报书 as WPS exports it: the cover lines, §一 in one table (研究起止日期 over three
    cells), and §三 nested in the one cell of a frame table under its heading."""
    doc = Document()
    doc.add_paragraph("衡阳市知识产权专项项目申报书")
    doc.add_paragraph("（2024 年度）")
    doc.add_paragraph(f"项目名称：{info['项目名称']}")
    doc.add_paragraph(f"申请单位名称：{info['项目申请单位名称']}（公章）")
    doc.add_paragraph("项目负责人：张明")
    doc.add_paragraph("联系电话：13800000000")
    doc.add_paragraph(f"推荐单位名称：{info.get('推荐单位名称') or '_____'}")
    doc.add_paragraph("填报日期：2024 年 5 月 20 日")
    doc.add_paragraph("一、项目基本信息")
    if info.get("研究起止日期"):
        start, to, end = info["研究起止日期"]  # type: ignore[misc]
        period = ["研究起止日期", start, to, end, None]
    else:  # a duration, as the guides write it
        period = ["实施周期", info["实施周期"], None, None, None]
    first = [
        ["项目名称", info["项目名称"], None, None, None],
        ["项目属性", "1. 新增项目 ☑  2. 延续项目 □", None, None, None],
        period,
        [
            "项目申请单位名称",
            info["项目申请单位名称"],
            None,
            "统一社会信用代码",
            "91440101MA5D000001",
        ],
        ["法人代表", "陈立", None, "单位性质", "民营企业"],
        ["项目主要内容和预期目标摘要", "开展专利分析，形成导航报告。", None, None, None],
    ]
    t1 = doc.add_table(rows=len(first), cols=5)
    t1.style = "Table Grid"
    _fill(t1, first)
    for r in (0, 1, 5) if info.get("研究起止日期") else (0, 1, 2, 5):
        t1.cell(r, 1).merge(t1.cell(r, 4))
    t1.cell(3, 1).merge(t1.cell(3, 2))
    t1.cell(4, 1).merge(t1.cell(4, 2))
    doc.add_paragraph("二、项目方案")
    doc.add_paragraph("（略）")
    doc.add_paragraph("三、项目支出预算明细表")
    frame = doc.add_table(rows=1, cols=1)
    frame.style = "Table Grid"
    cell = frame.cell(0, 0)
    cell.paragraphs[0].text = "单位：万元"
    money_rows = _money_rows(money, note)
    inner = cell.add_table(rows=len(money_rows), cols=5)
    inner.style = "Table Grid"
    _fill(inner, money_rows)
    _merge_money(inner, 0, len(money_rows))
    cell.add_paragraph("")
    doc.add_paragraph("四、项目意见")
    doc.add_paragraph("申报单位意见：")
    doc.add_paragraph("申报单位负责人（签章）：")
    return _save(doc)


def framed_table_docx(
    preamble: Sequence[str], header: Sequence[str], rows: Sequence[Sequence[object]]
) -> bytes:
    """Paragraphs, then a one-cell frame table holding the table (header and ``rows``)."""
    doc = Document()
    for line in preamble:
        doc.add_paragraph(line)
    frame = doc.add_table(rows=1, cols=1)
    frame.style = "Table Grid"
    table = frame.cell(0, 0).add_table(rows=len(rows) + 1, cols=len(header))
    table.style = "Table Grid"
    _fill(table, [header, *rows])
    return _save(doc)
