"""Extraction of real-shaped files into WorkbookGrid: values at exact cells, merges, visibility."""

from __future__ import annotations

import datetime as dt
import io

import docx
import xlsxwriter

from budget_planner.validators.extract import read_workbook


def xlsx_bytes(build) -> bytes:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    build(book)
    book.close()
    return buf.getvalue()


def test_xlsx_values_anchored_at_a1_with_merges_and_visibility():
    def build(book):
        book.add_worksheet("填表说明").write_string("A1", "请按要求填写")
        ws = book.add_worksheet("表四")
        ws.merge_range("B2:E2", "2024年度知识产权项目需求征集表（四）")
        ws.write_string("B3", "填报单位：清远市市场监督管理局（知识产权局）")
        ws.write_string("C5", "知识产权\n高质量创造")
        ws.merge_range("C6:C8", "强化知识产权保护")
        ws.write_number("E6", 50)
        ws.write_number("E7", 0.3)
        ws.write_datetime(
            "F6", dt.datetime(2024, 3, 1), book.add_format({"num_format": "yyyy-mm-dd"})
        )
        ws.write_string("G6", "440300199001011234")
        book.add_worksheet("下拉列表").hide()
        book.add_worksheet("bp_meta").very_hidden()

    grid = read_workbook(xlsx_bytes(build), "清远市-表四.xlsx")

    assert grid.kind == "xlsx"
    assert [(s.name, s.visibility) for s in grid.sheets] == [
        ("填表说明", "visible"),
        ("表四", "visible"),
        ("下拉列表", "hidden"),
        ("bp_meta", "veryhidden"),
    ]
    sheet = grid.sheets[1]
    assert sheet.get(1, 1) is None
    assert sheet.get(2, 2) == "2024年度知识产权项目需求征集表（四）"
    assert sheet.get(3, 2) == "填报单位：清远市市场监督管理局（知识产权局）"
    assert sheet.get(5, 3) == "知识产权\n高质量创造"
    assert sheet.get(6, 3) == "强化知识产权保护"
    assert sheet.get(7, 3) is None  # merged: the value sits in the top-left cell only
    assert sheet.get(6, 5) == 50
    assert sheet.get(7, 5) == 0.3
    assert sheet.get(6, 6) == dt.date(2024, 3, 1)
    assert type(sheet.get(6, 6)) is dt.date
    assert sheet.get(6, 7) == "440300199001011234"  # long digit strings stay text
    assert sorted(sheet.merged) == [(2, 2, 2, 5), (6, 3, 8, 3)]
    assert grid.modified is not None and grid.modified.tzinfo is not None


def docx_bytes(build) -> bytes:
    document = docx.Document()
    build(document)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_docx_tables_become_sheets_with_merges_and_preamble():
    def build(d):
        d.add_paragraph("2024年度知识产权项目需求征集表（四）")
        d.add_paragraph("下放地市审批权限部分")
        d.add_paragraph("")
        d.add_paragraph("填报单位：韶关市市场监督管理局（知识产权局）")
        d.add_paragraph("单位：万元")
        table = d.add_table(rows=5, cols=4)
        for r, row in enumerate(
            [
                ["序号", "类型", "拟设置项目", "金额"],
                ["1", "知识产权强市、强县建设", "强市建设项目", "50"],
                ["2", "", "强县建设项目", "30"],
                ["3", "", "知识产权服务站", "20.5"],
                ["合计", "", "", "100.5"],
            ]
        ):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
        table.cell(1, 1).merge(table.cell(3, 1))  # 类型 merged down over three rows
        table.cell(4, 0).merge(table.cell(4, 2))  # 合计 spans three columns
        cell = table.cell(2, 2)
        cell.add_paragraph("（第二期）")
        d.add_paragraph("填表人：张三")
        d.add_table(rows=1, cols=2).cell(0, 1).text = "联系电话"

    grid = read_workbook(docx_bytes(build), "韶关市.docx")

    assert grid.kind == "docx"
    assert [s.name for s in grid.sheets] == ["表格1", "表格2"]
    first, second = grid.sheets
    assert first.preamble == [
        "2024年度知识产权项目需求征集表（四）",
        "下放地市审批权限部分",
        "填报单位：韶关市市场监督管理局（知识产权局）",
        "单位：万元",
    ]
    assert first.get(1, 1) == "序号" and first.get(1, 4) == "金额"
    assert first.get(2, 2) == "知识产权强市、强县建设"
    assert first.get(3, 2) is None and first.get(4, 2) is None
    assert first.get(3, 3) == "强县建设项目\n（第二期）"
    assert first.get(4, 4) == "20.5"
    assert first.get(5, 1) == "合计" and first.get(5, 2) is None and first.get(5, 4) == "100.5"
    assert first.merged == [(2, 2, 4, 2), (5, 1, 5, 3)]
    assert second.preamble == ["填表人：张三"]
    assert second.values == [[None, "联系电话"]]
