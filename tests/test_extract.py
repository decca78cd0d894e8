"""Extraction of real-shaped files into WorkbookGrid: values at exact cells, merges, visibility."""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
from decimal import Decimal

import docx
import handmade
import openpyxl
import pytest
import xlsxwriter
import xlwt
from docx.oxml.ns import qn

from budget_planner.errors import UnreadableFile
from budget_planner.validators.intake.extract import extract, read_workbook
from budget_planner.validators.intake.extract.biff import last_saved
from budget_planner.validators.intake.extract.sheetscan import scan_sheet
from budget_planner.validators.intake.gate import DEFAULT_LIMITS, Limits, check_container
from budget_planner.validators.intake.grid import ErrorValue, Formula, column_letter


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


def openpyxl_bytes(build) -> bytes:
    book = openpyxl.Workbook()
    build(book.active)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def test_formulas_without_cached_value_are_evaluated_or_reported():
    # openpyxl writes formulas without a cached result, as many scripts and web exports do
    def build(ws):
        ws.title = "表四"
        ws["D4"] = "金额"
        for row, amount in zip(range(5, 10), [50, 20.5, 0.1, 0.2, 30], strict=True):
            ws.cell(row, 5, amount)
        ws["E10"] = "=SUM(E5:E9)"
        ws["E11"] = "=E5+E6-E7"
        ws["E12"] = "=VLOOKUP(D4,$A$1:$B$3,2,FALSE)"
        ws["E13"] = "=SUM(E5:E9,E12)"  # depends on a formula we cannot evaluate
        ws["E14"] = "=E7*2+E8/4"
        ws["E15"] = "50"  # text that looks like a number
        ws["E16"] = "=E15+1"
        ws["E17"] = "=SUM(E5:E6,E15)"  # SUM skips text, as Excel does
        ws["E18"] = "=E10/2"  # refers to another evaluated formula

    sheet = read_workbook(openpyxl_bytes(build), "表四.xlsx").sheets[0]

    assert sheet.get(10, 5) == Decimal("100.8")
    assert sheet.get(11, 5) == Decimal("70.4")
    assert sheet.get(12, 5) == Formula("VLOOKUP(D4,$A$1:$B$3,2,FALSE)")
    assert sheet.get(13, 5) == Formula("SUM(E5:E9,E12)")
    assert sheet.get(14, 5) == Decimal("0.25")
    assert sheet.get(16, 5) == Formula("E15+1")
    assert sheet.get(17, 5) == Decimal("70.5")
    assert sheet.get(18, 5) == Decimal("50.4")
    assert sheet.formulas[(10, 5)] == "SUM(E5:E9)"
    assert [(i.code, i.cell) for i in sheet.issues] == [
        ("formula.evaluated", "E10"),
        ("formula.evaluated", "E11"),
        ("formula.no_cached_value", "E12"),
        ("formula.no_cached_value", "E13"),
        ("formula.evaluated", "E14"),
        ("formula.no_cached_value", "E16"),
        ("formula.evaluated", "E17"),
        ("formula.evaluated", "E18"),
    ]
    first, vlookup = sheet.issues[0], sheet.issues[2]
    assert first.message == "公式 =SUM(E5:E9) 没有缓存值，已按公式计算为 100.8"
    assert first.severity == "warning" and first.sheet == "表四" and first.row == 10
    assert vlookup.message == (
        "单元格 E12 的公式 =VLOOKUP(D4,$A$1:$B$3,2,FALSE) 没有计算结果，请在 Excel 中打开、保存后重新上传"
    )
    assert vlookup.severity == "error"


def test_cached_formula_values_and_error_cells():
    def build(book):
        ws = book.add_worksheet("表一")
        ws.write_number("D5", 30)
        ws.write_number("D6", 20)
        ws.write_formula("D7", "=SUM(D5:D6)", None, 50)
        ws.write_formula("D8", "=D5/0", None, "#DIV/0!")
        ws.write_formula("D9", "=#REF!+1", None, "#REF!")
        ws.write_formula("D10", '=VLOOKUP("x",A1:B2,2,FALSE)', None, "#N/A")

    sheet = read_workbook(xlsx_bytes(build), "表一.xlsx").sheets[0]

    assert sheet.get(7, 4) == 50
    assert sheet.formulas[(7, 4)] == "SUM(D5:D6)"
    for row, text in ((8, "#DIV/0!"), (9, "#REF!"), (10, "#N/A")):
        assert isinstance(sheet.get(row, 4), ErrorValue), row
        assert sheet.get(row, 4) == text
    assert sheet.issues == []  # cached results are read as they are


def test_shared_formulas_are_moved_to_each_cell():
    rows = (
        '<row r="1"><c r="A1"><v>10</v></c><c r="B1"><v>2</v></c>'
        '<c r="C1"><f t="shared" ref="C1:C3" si="0">A1*B1</f></c></row>'
        '<row r="2"><c r="A2"><v>0.1</v></c><c r="B2"><v>3</v></c><c r="C2"><f t="shared" si="0"/></c></row>'
        '<row r="3"><c r="A3"><v>7</v></c><c r="B3"><v>1</v></c>'
        '<c r="C3"><f t="shared" si="0"/><v>7</v></c></row>'
    )
    sheet = read_workbook(handmade.xlsx(rows), "x.xlsx").sheets[0]

    assert sheet.formulas == {(1, 3): "A1*B1", (2, 3): "A2*B2", (3, 3): "A3*B3"}
    assert sheet.get(1, 3) == Decimal("20") and sheet.get(2, 3) == Decimal("0.3")
    assert sheet.get(3, 3) == 7  # cached
    assert [(i.code, i.cell) for i in sheet.issues] == [
        ("formula.evaluated", "C1"),
        ("formula.evaluated", "C2"),
    ]


def test_styled_empty_cells_and_dimension_are_not_data():
    rows = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>序号</t></is></c><c r="B1"><v>5</v></c></row>'
        '<row r="1048576"><c r="XFD1048576" s="1"/></row>'
    )
    sheet = read_workbook(handmade.xlsx(rows, dimension="A1:XFD1048576"), "x.xlsx").sheets[0]
    assert sheet.values == [["序号", 5.0]]


@pytest.mark.parametrize(
    ("rows", "code", "fragment"),
    [
        (
            '<row r="1"><c r="A1"><v>1</v></c><c r="XFE1"><v>1</v></c></row>',
            "file.out_of_grid",
            "XFE1",
        ),
        ('<row r="1048577"><c r="A1048577"><v>1</v></c></row>', "file.out_of_grid", "A1048577"),
        (
            '<row r="1"><c r="A1"><v>1</v></c><c r="ALM1"><v>2</v></c></row>',
            "file.range_too_large",
            "1001 列",
        ),
        (
            '<row r="1"><c r="A1"><v>1</v></c></row><row r="200001"><c r="B200001"><v>2</v></c></row>',
            "file.range_too_large",
            "200001 行",
        ),
        # a namespace prefix and cells without r: still counted
        (
            '<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>'
            '<x:row r="250000"><x:c r="A250000"><x:v>1</x:v></x:c></x:row>',
            "file.range_too_large",
            "250000 行",
        ),
    ],
)
def test_grid_caps(rows, code, fragment):
    if "x:row" in rows:
        data = handmade.xlsx(
            "",
            sheet_xml=f'<x:worksheet xmlns:x="{handmade.MAIN_NS}"><x:sheetData>{rows}</x:sheetData></x:worksheet>',
        )
    else:
        data = handmade.xlsx(rows)
    with pytest.raises(UnreadableFile) as caught:
        read_workbook(data, "x.xlsx")
    assert caught.value.code == code
    assert fragment in caught.value.message
    assert "请" in caught.value.message


def test_cells_without_reference_are_counted_in_place():
    # 1,200 empty cells then one value: the value sits in column 1201, a one-cell range
    rows = (
        '<row r="1">' + "<c/>" * 1200 + "<c><v>1</v></c></row>"
        "<row>" + "<c/>" * 1199 + "<c><v>2</v></c></row>"
    )
    sheet = read_workbook(handmade.xlsx(rows), "x.xlsx").sheets[0]
    assert sheet.get(1, 1201) == 1
    assert sheet.get(2, 1200) == 2


def big_sheet(rows: int, cols: int = 10) -> str:
    letters = [column_letter(c) for c in range(1, cols + 1)]
    cells = "".join(f'<c r="{x}{{r}}"><v>{{r}}.{i}</v></c>' for i, x in enumerate(letters))
    return "".join(
        f'<row r="{r}" spans="1:{cols}">' + cells.format(r=r) + "</row>" for r in range(1, rows + 1)
    )


@pytest.fixture(scope="module")
def hundred_thousand_rows(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("big") / "十万行.xlsx"
    # styled empty cells far out and a huge <dimension> are formatting, not data
    tail = '<row r="1048576" s="1" customFormat="1"><c r="XFD1048576" s="1"/></row>'
    path.write_bytes(handmade.xlsx(big_sheet(100_000) + tail, dimension="A1:XFD1048576"))
    return path.read_bytes()


def test_a_100000_row_file_passes_the_gate_and_the_caps(hundred_thousand_rows):
    container = check_container(hundred_thousand_rows, "十万行.xlsx")
    with zipfile.ZipFile(io.BytesIO(hundred_thousand_rows)) as zf:
        scan = scan_sheet(zf, "xl/worksheets/sheet1.xml", "Sheet1", DEFAULT_LIMITS)
    assert container.kind == "xlsx"
    assert (scan.height, scan.width) == (100_000, 10)  # the exact pass ran (a styled row far out)


def test_the_caps_pass_cheaply_for_a_usual_sheet():
    data = xlsx_bytes(lambda book: book.add_worksheet("表四").write_number("J2000", 1))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        scan = scan_sheet(zf, "xl/worksheets/sheet1.xml", "表四", DEFAULT_LIMITS)
    assert scan.height == 0  # proven by the bounds pass, without the cell-by-cell extent


@pytest.mark.slow
def test_a_100000_row_file_is_read_whole(hundred_thousand_rows):
    sheet = read_workbook(hundred_thousand_rows, "十万行.xlsx").sheets[0]
    assert sheet.height == 100_000
    assert sheet.get(100_000, 10) == 100000.9
    assert sheet.get(1, 1) == 1.0


def test_xls_values_merges_visibility_and_error_cells():
    book = xlwt.Workbook()
    ws = book.add_sheet("表四")
    ws.write(0, 0, "2024年度知识产权项目需求征集表（四）")
    ws.write_merge(3, 5, 1, 1, "知识产权管理")
    ws.write(3, 4, 50)
    ws.write(4, 4, 20.5)
    ws.write(5, 6, "440300199001011234")
    ws.row(6).set_cell_error(4, "#DIV/0!")
    ws.row(7).set_cell_error(4, 0x2A)  # #N/A
    book.add_sheet("下拉列表").visibility = 1
    book.add_sheet("bp_meta").visibility = 2
    buf = io.BytesIO()
    book.save(buf)

    grid = read_workbook(buf.getvalue(), "清远市-表四.xls")

    assert grid.kind == "xls"
    assert [(s.name, s.visibility) for s in grid.sheets] == [
        ("表四", "visible"),
        ("下拉列表", "hidden"),
        ("bp_meta", "veryhidden"),
    ]
    sheet = grid.sheets[0]
    assert sheet.get(1, 1) == "2024年度知识产权项目需求征集表（四）"
    assert sheet.get(4, 2) == "知识产权管理" and sheet.get(5, 2) is None
    assert sheet.merged == [(4, 2, 6, 2)]
    assert sheet.get(4, 5) == 50 and sheet.get(5, 5) == 20.5
    assert sheet.get(6, 7) == "440300199001011234"
    assert isinstance(sheet.get(7, 5), ErrorValue) and sheet.get(7, 5) == "#DIV/0!"
    assert sheet.get(8, 5) == ErrorValue("#N/A")


def test_xls_last_saved_time_from_summary_information():
    saved = dt.datetime(2024, 3, 1, 8, 30, tzinfo=dt.UTC)
    ticks = (saved - dt.datetime(1601, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(microseconds=1) * 10
    prop = struct.pack("<IQ", 0x40, ticks)
    section = struct.pack("<II", 16 + len(prop), 1) + struct.pack("<II", 0x0D, 16) + prop
    stream = struct.pack("<HHI", 0xFFFE, 0, 0) + b"\0" * 16 + struct.pack("<I", 1)
    stream += bytes.fromhex("E0859FF2F94F6810AB9108002B27B3D9") + struct.pack("<I", 48) + section
    data = handmade.cfb({"\x05SummaryInformation": stream, "Workbook": b"\x09\x08"})
    assert last_saved(data) == saved


def test_macro_enabled_workbook_is_read_with_a_warning():
    data = handmade.xlsx(
        '<row r="1"><c r="A1"><v>7</v></c></row>', extra_parts={"xl/vbaProject.bin": b"\xcc\x61"}
    )
    grid = read_workbook(data, "清远市-表四.xlsm")
    assert grid.kind == "xlsm"
    assert grid.sheets[0].get(1, 1) == 7
    assert [(i.code, i.severity) for i in grid.issues] == [("file.macros_ignored", "warning")]
    assert "宏已忽略" in grid.issues[0].message


@pytest.mark.parametrize(
    "data",
    [
        handmade.xlsx("", sheet_xml='<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c>'),
        handmade.xlsx('<row r="1"><c r="A1" t="s"><v>5</v></c></row>'),  # no shared strings
    ],
)
def test_a_parser_error_is_a_corrupt_file(data):
    with pytest.raises(UnreadableFile) as caught:
        read_workbook(data, "表四.xlsx")
    assert caught.value.code == "file.corrupt"
    assert "另存为 .xlsx 后重新上传" in caught.value.message


def test_merged_ranges_are_cut_to_the_data():
    sheet_xml = (
        f'<worksheet xmlns="{handmade.MAIN_NS}"><sheetData>'
        '<row r="1"><c r="A1"><v>1</v></c><c r="C1"><v>2</v></c></row>'
        '<row r="3"><c r="B3"><v>3</v></c></row></sheetData>'
        '<mergeCells count="3"><mergeCell ref="A1:XFD1048576"/><mergeCell ref="B3:B9"/>'
        '<mergeCell ref="E20:F30"/></mergeCells></worksheet>'
    )
    sheet = read_workbook(handmade.xlsx("", sheet_xml=sheet_xml), "x.xlsx").sheets[0]
    # the sheet-wide merge is cut to the data; ordinary merges stay as drawn, even past the data
    assert sheet.merged == [(1, 1, 3, 3), (3, 2, 9, 2), (20, 5, 30, 6)]


def test_a_word_table_spanning_absurdly_many_columns_is_refused():
    def build(d):
        table = d.add_table(rows=1, cols=2)
        table.cell(0, 0).text = "序号"
        tc_pr = table.cell(0, 0)._tc.get_or_add_tcPr()
        span = tc_pr.makeelement(qn("w:gridSpan"), {qn("w:val"): "1000000000"})
        tc_pr.append(span)

    with pytest.raises(UnreadableFile) as caught:
        read_workbook(docx_bytes(build), "通知.docx")
    assert caught.value.code == "file.range_too_large"
    assert "表格1" in caught.value.message


def test_formula_evaluation_has_a_budget():
    # thousands of uncached whole-sheet sums: a few are evaluated, the rest reported, quickly
    values = "".join(
        f'<row r="{r}"><c r="A{r}"><v>1</v></c><c r="J{r}"><v>2</v></c></row>'
        for r in range(1, 2001)
    )
    sums = "".join(
        f'<row r="{r}"><c r="K{r}"><f>SUM(A1:J1000000)</f></c></row>' for r in range(2001, 3001)
    )
    sheet = read_workbook(handmade.xlsx(values + sums), "x.xlsx").sheets[0]
    assert sheet.get(2001, 11) == Decimal("6000")
    assert sheet.get(3000, 11) == Formula("SUM(A1:J1000000)")
    assert {i.code for i in sheet.issues} == {"formula.evaluated", "formula.no_cached_value"}


# ---------------------------------------------------------------- cells defined twice, rows out of order


def refused_by_scan(rows: str) -> UnreadableFile:
    with pytest.raises(UnreadableFile) as caught:
        read_workbook(handmade.xlsx(rows), "x.xlsx")
    return caught.value


@pytest.mark.parametrize(
    ("rows", "fragment"),
    [
        ('<row r="5"><c r="E5"><v>50</v></c><c r="E5"><v>5000</v></c></row>', "单元格 E5 被定义了两次"),
        # the same cell again inside a later row element
        ('<row r="5"><c r="E5"><v>50</v></c></row><row r="6"><c r="E5"><v>9</v></c></row>',
         "单元格 E5 被定义了两次"),
        ('<row r="7"><c r="A7"><v>1</v></c></row><row r="3"><c r="A3"><v>2</v></c></row>',
         "第 3 行的单元格出现在第 7 行之后"),
        # written differently, read as the same cell by calamine
        ("<row r='5'><c r='e5'><v>50</v></c><c r='E05'><v>5000</v></c></row>", "E5 被定义了两次"),
        # cells without r, counted to the same place as a cell with r
        ('<row r="5"><c><v>1</v></c><c r="A5"><v>2</v></c></row>', "第 5 行第 1 列 被定义了两次"),
    ],
)  # fmt: skip
def test_a_cell_defined_twice_or_rows_out_of_order_are_refused(rows, fragment):
    error = refused_by_scan(rows)
    assert error.code == "file.corrupt"
    assert fragment in error.message and "另存为 .xlsx" in error.message


def test_a_duplicate_across_two_scan_segments_is_found(monkeypatch):
    from budget_planner.validators.intake.extract import sheetscan

    monkeypatch.setattr(sheetscan, "CHUNK", 64)  # every cell its own segment, more or less
    cells = "".join(f'<c r="{column_letter(c)}9"><v>{c}</v></c>' for c in range(1, 40))
    error = refused_by_scan(f'<row r="9">{cells}<c r="C9"><v>0</v></c></row>')
    assert "单元格 C9 被定义了两次" in error.message
    fine = read_workbook(handmade.xlsx(f'<row r="9">{cells}</row>'), "x.xlsx").sheets[0]
    assert fine.get(9, 39) == 39


# ---------------------------------------------------------------- what calamine reserves up front


def test_shared_strings_stating_more_than_they_hold_are_refused_before_calamine():
    sst = (
        f'<x:sst xmlns:x="{handmade.MAIN_NS}" uniqueCount="3000000000">'
        "<x:si><x:t>序号</x:t></x:si></x:sst>"
    )
    data = handmade.xlsx(
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row>', extra_parts={"xl/SharedStrings.xml": sst}
    )
    with pytest.raises(UnreadableFile) as caught:
        read_workbook(data, "x.xlsx")  # in this process: calamine would abort it
    assert caught.value.code == "file.corrupt" and "共享字符串" in caught.value.message


def test_shared_strings_are_capped():
    sst = f'<sst xmlns="{handmade.MAIN_NS}">' + "<si><t>a</t></si>" * 11 + "</sst>"
    data = handmade.xlsx(
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row>', extra_parts={"xl/sharedStrings.xml": sst}
    )
    with pytest.raises(UnreadableFile) as caught:
        extract(data, check_container(data, "x.xlsx"), Limits(max_strings=10))
    assert caught.value.code == "file.too_large" and "超过 10 个" in caught.value.message
    assert extract(data, check_container(data, "x.xlsx"), Limits(max_strings=11)).sheets


def test_xls_extent_is_checked_from_its_records_before_calamine():
    book = xlwt.Workbook()
    ws = book.add_sheet("表四")
    ws.write(0, 0, "序号")
    ws.write(1, 1, 5)  # NUMBER
    ws.write(1, 2, 6)  # two numbers side by side: xlwt writes a MULRK
    buf = io.BytesIO()
    book.save(buf)
    assert read_workbook(buf.getvalue(), "x.xls").sheets[0].get(2, 3) == 6
    with pytest.raises(UnreadableFile) as caught:
        extract(buf.getvalue(), check_container(buf.getvalue(), "x.xls"), Limits(max_cols=2))
    assert caught.value.code == "file.range_too_large" and "3 列" in caught.value.message


def test_an_uncached_sum_over_a_non_finite_number_is_reported_not_evaluated():
    rows = (
        '<row r="1"><c r="A1"><v>NaN</v></c><c r="B1"><v>1e999</v></c><c r="C1"><v>2</v></c></row>'
        '<row r="2"><c r="A2"><f>SUM(A1:C1)</f></c><c r="B2"><f>B1*2</f></c><c r="C2"><f>C1*2</f></c></row>'
    )
    sheet = read_workbook(handmade.xlsx(rows), "x.xlsx").sheets[0]
    assert sheet.get(2, 1) == Formula("SUM(A1:C1)") and sheet.get(2, 2) == Formula("B1*2")
    assert sheet.get(2, 3) == Decimal(4)
    assert [(i.code, i.cell) for i in sheet.issues] == [
        ("formula.no_cached_value", "A2"),
        ("formula.no_cached_value", "B2"),
        ("formula.evaluated", "C2"),
    ]
