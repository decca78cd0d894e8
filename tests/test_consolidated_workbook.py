"""The consolidated workbook as finance opens it: sheets, totals, 核定金额, print setup, charts, safe text."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal

import pytest
from aggregate_helpers import budget_file, error, table_file
from openpyxl import load_workbook

from budget_planner.aggregate.consolidate import consolidate
from budget_planner.aggregate.control import ControlNumbers
from budget_planner.aggregate.versions import choose_versions
from budget_planner.export.consolidated import write_consolidated
from budget_planner.export.xlsx_safe import MAX_CELL_TEXT, CellTextTooLong

SHEETS = [
    "说明", "完成情况", "表一", "表二", "表三", "表四", "预算表",
    "单位×类型", "预算核对", "图表", "问题汇总",
]  # fmt: skip
HYPERLINK = '=HYPERLINK("http://example.com","点我")'


def t4_rows(*items: tuple[str, str, str]) -> list[dict[str, object]]:
    return [
        {"category": c, "project": p, "amount": a, "work_content": f"开展{p}"} for c, p, a in items
    ]


def small_round(province_round, **rows):
    files = [
        table_file("表四", "清远市", t4_rows(
            ("知识产权高质量创造", "专利导航", "50"),
            ("知识产权高质量创造", HYPERLINK, "0.0001"),
            ("知识产权管理", "+1 管理提升", "20.5"),
        ), modified="2023-12-10 10:00"),
        table_file("表四", "清远市", t4_rows(("知识产权管理", "旧版本", "1")), file="旧.xlsx",
                   modified="2023-12-01 10:00"),
        table_file("表四", "韶关市", t4_rows(("知识产权管理", "@SUM(A1)", "80")),
                   issues=[error("amount.negative", "E5")]),
        table_file("表一", "韶关市", [{"category": "强化知识产权保护", "project": "维权", "funding": "9"}]),
        budget_file("清远市", "专利导航", {"table_ref": "表四", "total": "50", "provincial": "45",
                                          "local_matching": "5", "service_fee": "45"}),
    ]  # fmt: skip
    choice = choose_versions(files)
    control = ControlNumbers(
        file="控制数.xlsx", amounts={"清远市": Decimal("70"), "韶关市": Decimal("100")}
    )
    return consolidate(province_round, choice.counted, control), choice


@pytest.fixture
def book(province_round, tmp_path):
    cons, choice = small_round(province_round)
    approved = {"清远市|表四|知识产权高质量创造|专利导航": Decimal("40.25")}
    path = write_consolidated(
        tmp_path / "汇总.xlsx", cons, superseded=choice.superseded, approved=approved
    )
    return path


def values(ws, row: int) -> list[object]:
    return [c.value for c in ws[row]]


def find_row(ws, col: int, text: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, col).value == text)


def test_sheets_in_order_and_print_ready(book):
    wb = load_workbook(book)
    assert wb.sheetnames == SHEETS
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.paperSize == 9, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.page_setup.fitToWidth in (None, 1), ws.title  # 1 is the default, left out
        # the charts on one page; every other sheet as many pages tall as needed (1 is left out)
        tall = ws.page_setup.fitToHeight
        assert (1 if tall is None else tall) == (1 if ws.title == "图表" else 0), ws.title
        assert "&P" in ws.oddFooter.center.text, ws.title
    t4 = wb["表四"]
    assert t4.print_title_rows == "$1:$3"
    assert t4.freeze_panes == "B4"
    assert t4.auto_filter.ref.startswith("A3:")


def test_table_sheet_rows_subtotals_approved_and_totals(book):
    wb = load_workbook(book, data_only=True)  # the formulas' cached values
    ws = wb["表四"]
    header = values(ws, 3)
    assert header[:6] == ["单位", "序号", "类型", "主要工作内容", "拟设置项目", "金额"]
    assert header[-4:] == ["核定金额", "版本状态", "来源文件", "位置"]
    amount, approved = header.index("金额") + 1, header.index("核定金额") + 1
    # units in the round's order: 韶关市 (its 表四 has an error), then 清远市
    assert values(ws, 4)[:6] == ["韶关市", None, "知识产权管理", "开展@SUM(A1)", "@SUM(A1)", 80]
    assert ws.cell(4, header.index("版本状态") + 1).value == "有错误"
    assert values(ws, 5)[0] == "韶关市 小计"
    first = values(ws, 6)
    assert first[0] == "清远市" and first[4] == "专利导航" and first[5] == 50
    assert ws.cell(6, amount).number_format == '#,##0.00##;-#,##0.00##;"-"'
    assert ws.cell(6, approved).value == 40.25
    assert ws.cell(6, header.index("位置") + 1).value == "Sheet1!E5"
    assert ws.cell(6, header.index("版本状态") + 1).value is None
    assert ws.row_dimensions[6].outlineLevel == 1
    sub = find_row(ws, 1, "清远市 小计")
    assert sub == 9
    assert ws.cell(sub, amount).value == 70.5001
    assert ws.cell(sub, approved).value == 40.25
    formulas = load_workbook(book)["表四"]
    assert formulas.cell(sub, amount).value == "=SUBTOTAL(9,F6:F8)"
    total = find_row(ws, 1, "总计")
    assert ws.cell(total, amount).value == 150.5001
    cat = find_row(
        ws, 3, "知识产权管理"
    )  # the first matching row is a detail row; the block follows
    block = [r for r in range(cat, total) if ws.cell(r, 1).value == "全部单位"]
    by_cat = {ws.cell(r, 3).value: ws.cell(r, amount).value for r in block}
    assert by_cat["知识产权高质量创造"] == 50.0001
    assert by_cat["知识产权管理"] == 100.5
    assert by_cat["知识产权人才建设"] == 0


def test_formula_like_text_stays_text_with_the_quote_prefix(book):
    wb = load_workbook(book, data_only=False)
    ws = wb["表四"]
    cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for text in (HYPERLINK, "+1 管理提升", "@SUM(A1)"):
        assert cells[text].data_type == "s", text
        assert cells[text].quotePrefix, text
    assert not cells["专利导航"].quotePrefix
    with zipfile.ZipFile(book) as z:
        sheet_xml = z.read("xl/worksheets/sheet6.xml").decode()
    assert "HYPERLINK" not in sheet_xml  # only in the shared strings, never as <f>


def test_completeness_reconciliation_and_problems(book):
    wb = load_workbook(book, data_only=True)
    comp = wb["完成情况"]
    assert values(comp, 3)[:8] == [
        "单位",
        "表一",
        "表二",
        "表三",
        "表四",
        "预算表",
        "必报完成",
        "申报合计（表一至表四）",
    ]
    qy = find_row(comp, 1, "清远市")
    assert values(comp, qy)[1:8] == [
        "—",  # optional and not sent: the site's matrix shows no status either
        "—",
        "—",
        "已提交",
        "已提交",
        "1/1",
        70.5001,
    ]
    gz = find_row(comp, 1, "广州市")
    assert values(comp, gz)[4] == "未提交" and values(comp, gz)[6] == "0/1"
    rec = wb["预算核对"]
    qy = find_row(rec, 1, "清远市")
    assert values(rec, qy)[:6] == ["清远市", 70, 70.5001, 0.5001, 1.0071, "申报超出控制数"]
    sg = find_row(rec, 1, "韶关市")
    assert values(rec, sg)[:6] == ["韶关市", 100, 80, -20, 0.8, "未超出"]
    assert values(rec, find_row(rec, 1, "广州市"))[5] == "未报表四"  # the site's words
    budget = find_row(rec, 2, "专利导航")
    assert values(rec, budget)[:7] == ["清远市", "专利导航", "表四", 50, 45, 50, "有问题"]
    assert "省局项目支出 45 与表四 E5“专利导航”的金额 50 不符" in values(rec, budget)[7]
    problems = wb["问题汇总"]
    rows = [values(problems, r) for r in range(4, problems.max_row + 1)]
    assert [(r[0], r[1], r[3], r[5], r[7]) for r in rows] == [
        ("韶关市", "表四", "计入汇总", "E5", "金额为负数"),  # the problem's title, never its code
        ("清远市", "预算表（专利导航）", "计入汇总", "C11", "预算表与需求表金额不符"),
    ]


def test_readme_lists_every_file_and_the_headline_figures(book):
    ws = load_workbook(book, data_only=True)["说明"]
    pairs = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1)}
    assert pairs["全省申报合计（表一至表四）"] == 159.5001
    assert pairs["表四"] == 150.5001
    assert pairs["控制数合计"] == 170
    assert pairs["超出控制数的单位"] == "1 个：清远市（超出 0.5001）"
    assert pairs["被取代的旧版本"] == "1 个"
    assert pairs["旧.xlsx"] == "清远市"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d（北京时间）", pairs["生成时间"])


def test_native_charts_column_by_unit_and_bar_by_category(book):
    with zipfile.ZipFile(book) as z:
        charts = sorted(n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        assert len(charts) == 2
        column, bar = (z.read(n).decode() for n in charts)
    assert '<c:barDir val="col"/>' in column and '<c:grouping val="clustered"/>' in column
    assert "'预算核对'!$B$4:$B$24" in column and "'预算核对'!$C$4:$C$24" in column
    assert '<c:barDir val="bar"/>' in bar and "'单位×类型'!$B$3:$J$3" in bar


def test_constant_memory_mode_writes_the_same_cells(province_round, tmp_path):
    cons, _ = small_round(province_round)
    normal = write_consolidated(tmp_path / "a.xlsx", cons, constant_memory=False)
    streamed = write_consolidated(tmp_path / "b.xlsx", cons, constant_memory=True)
    a, b = load_workbook(normal), load_workbook(streamed)
    for name in SHEETS:
        if name == "说明":
            continue  # holds the time it was made
        rows_a = [[c.value for c in r] for r in a[name].iter_rows()]
        rows_b = [[c.value for c in r] for r in b[name].iter_rows()]
        assert rows_a == rows_b, name


def test_text_longer_than_a_cell_holds_is_an_error_not_cut(province_round, tmp_path):
    long_text = "长" * (MAX_CELL_TEXT + 1)
    files = [table_file("表四", "清远市", [{"category": "知识产权管理", "project": "甲",
                                            "amount": "1", "necessity": long_text}])]  # fmt: skip
    cons = consolidate(province_round, choose_versions(files).counted)
    with pytest.raises(CellTextTooLong) as caught:
        write_consolidated(tmp_path / "x.xlsx", cons)
    assert "32767" in str(caught.value) and "清远市-表四.xlsx Sheet1!E5" in str(caught.value)


def test_written_to_a_stream_for_a_download(province_round):
    cons, _ = small_round(province_round)
    stream = io.BytesIO()
    assert write_consolidated(stream, cons) is stream
    wb = load_workbook(io.BytesIO(stream.getvalue()), data_only=True)
    assert wb.sheetnames == SHEETS
    assert wb["表四"].cell(find_row(wb["表四"], 1, "总计"), 6).value == 150.5001
