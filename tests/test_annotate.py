"""The annotated workbook: the user's own file, unchanged but for marks, comments and a 问题清单."""

from __future__ import annotations

import io

import pytest
from builders import MERGE_UP, Submission, project
from openpyxl import load_workbook

from budget_planner.validators.check.pipeline import Checked
from budget_planner.validators.intake.grid import SheetGrid, WorkbookGrid
from budget_planner.validators.report.annotate import LIST_SHEET, annotate, annotated_name
from budget_planner.validators.report.issues import Issue, Report

RED, YELLOW = "00FFC7CE", "00FFEB9C"


def checked(sheet: str, *issues: Issue, grid: WorkbookGrid | None = None) -> list[Checked]:
    report = Report(file="x.xlsx", table="表四", unit="清远市", sheet=sheet, issues=list(issues))
    return [Checked(report, None, grid=grid)]


def negative(sheet: str, cell: str) -> Issue:
    return Issue(
        "amount.negative", "金额不能为负数", sheet=sheet, cell=cell, column="金额", value="-5"
    )


def no_document(sheet: str, cell: str) -> Issue:
    return Issue(
        "policy_basis.no_document",
        "“项目设置政策依据”未写明政策文件名称，请用书名号《》标出文件",
        sheet=sheet,
        cell=cell,
        column="项目设置政策依据",
    )


def contents(wb) -> dict:
    """Every non-empty cell value (formulas as text) of every sheet, by (sheet, cell)."""
    return {
        (ws.title, c.coordinate): c.value
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    }


def open_xlsx(data: bytes):
    return load_workbook(io.BytesIO(data))


@pytest.fixture(scope="module")
def messy() -> Submission:
    rows = [
        project("知识产权高质量创造", "专利导航服务基地培育建设项目", 50),
        project(MERGE_UP, "高价值专利培育布局中心建设", -5),
        project("强化知识产权保护", "知识产权纠纷多元化解", 30, policy_basis="按省局要求"),
    ]
    quirks = {"title", "unit_line", "money_unit", "merged_category", "total_formula", "footer"}
    return Submission("表四", rows=rows, quirks=frozenset(quirks), sheet="表四")


def test_name_of_the_annotated_file():
    assert annotated_name("清远市-表四.xlsx") == "清远市-表四-标注.xlsx"
    assert annotated_name("梅州市-表四.docx") == "梅州市-表四-标注.xlsx"


def test_problem_cells_are_filled_and_commented(messy):
    data = messy.xlsx()
    amount, basis = messy.layout.cell(1, "amount"), messy.layout.cell(2, "policy_basis")
    out = open_xlsx(
        annotate(
            data,
            "清远市-表四.xlsx",
            checked("表四", negative("表四", amount), no_document("表四", basis)),
        )
    )
    ws = out["表四"]
    assert ws[amount].fill.fgColor.rgb == RED
    assert ws[amount].comment.text == "【错误】金额不能为负数"
    assert ws[basis].fill.fgColor.rgb == YELLOW
    assert ws[basis].comment.text.startswith("【提醒】“项目设置政策依据”未写明")
    untouched = messy.layout.cell(0, "amount")
    assert ws[untouched].comment is None and ws[untouched].fill.fgColor.rgb != RED


def test_values_formulas_and_merges_are_kept(messy):
    data = messy.xlsx()
    before = open_xlsx(data)
    amount = messy.layout.cell(1, "amount")
    after = open_xlsx(annotate(data, "清远市-表四.xlsx", checked("表四", negative("表四", amount))))
    assert after.sheetnames == [*before.sheetnames, LIST_SHEET]
    kept = {k: v for k, v in contents(after).items() if k[0] != LIST_SHEET}
    assert kept == contents(before)
    assert str(after["表四"].merged_cells) == str(before["表四"].merged_cells)
    total = f"{messy.layout.column('amount')}{messy.layout.total_row}"
    assert after["表四"][total].value.startswith("=SUM(")


def test_a_cell_inside_a_merge_is_marked_at_its_anchor(messy):
    # the second row's 类型 is merged into the first one's: B-anchor carries the comment
    category_first, category_second = (
        messy.layout.cell(0, "category"),
        messy.layout.cell(1, "category"),
    )
    issue = Issue(
        "category.unknown", "类型“x”不在列表中", sheet="表四", cell=category_second, column="类型"
    )
    ws = open_xlsx(annotate(messy.xlsx(), "a.xlsx", checked("表四", issue)))["表四"]
    assert ws[category_first].comment.text == "【错误】类型“x”不在列表中"


def test_several_problems_in_one_cell_share_a_comment(messy):
    cell = messy.layout.cell(1, "amount")
    other = Issue("total.mismatch", "合计 1 与明细之和 2 不符（差 -1）", sheet="表四", cell=cell)
    ws = open_xlsx(
        annotate(messy.xlsx(), "a.xlsx", checked("表四", negative("表四", cell), other))
    )["表四"]
    assert ws[cell].comment.text.splitlines() == [
        "【错误】金额不能为负数",
        "【错误】合计 1 与明细之和 2 不符（差 -1）",
    ]


def test_problem_list_links_to_each_cell(messy):
    amount, basis = messy.layout.cell(1, "amount"), messy.layout.cell(2, "policy_basis")
    file_level = Issue("file.macros_ignored", "文件中的宏已忽略")
    issues = (no_document("表四", basis), negative("表四", amount), file_level)
    out = open_xlsx(annotate(messy.xlsx(), "a.xlsx", checked("表四", *issues)))
    ws = out[LIST_SHEET]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=1, max_row=4)]
    assert rows[0] == [
        "序号",
        "严重程度",
        "问题类型",
        "工作表",
        "单元格",
        "列",
        "单元格内容",
        "问题说明",
    ]  # no internal codes in what a person reads
    assert rows[1][:5] == [1, "提醒", "文件中的宏已忽略", None, None]
    assert rows[2][:7] == [2, "错误", "金额为负数", "表四", amount, "金额", "-5"]
    assert rows[3][1:5] == ["提醒", "政策依据未列出文件名称", "表四", basis]
    assert ws.cell(3, 5).hyperlink.location == f"'表四'!{amount}"
    assert ws.cell(2, 5).hyperlink is None
    assert out.active.title == LIST_SHEET


def test_clean_file_gets_an_empty_list(messy):
    out = open_xlsx(annotate(messy.xlsx(), "a.xlsx", checked("表四")))
    assert out[LIST_SHEET]["A2"].value == "未发现问题。"


def test_user_text_is_never_a_formula(messy):
    issue = Issue(
        "required.missing",
        "“拟设置项目”为必填项",
        sheet="表四",
        cell="D6",
        value='=HYPERLINK("http://x")',
    )
    ws = open_xlsx(annotate(messy.xlsx(), "a.xlsx", checked("表四", issue)))[LIST_SHEET]
    cell = ws["G2"]
    assert cell.value == '=HYPERLINK("http://x")'
    assert cell.data_type == "s" and cell.quotePrefix


def test_a_word_table_comes_back_as_its_grid():
    sheet = SheetGrid(
        name="表格1",
        values=[
            ["序号", "类型", "拟设置项目", "金额"],
            [1, "知识产权高质量创造", "=专利导航", "-5"],
            [2, None, "商标品牌培育", "30"],
        ],
        merged=[(2, 2, 3, 2)],
    )
    grid = WorkbookGrid(kind="docx", sheets=[sheet])
    issue = negative("表格1", "D2")
    out = open_xlsx(
        annotate(b"PK not an xlsx", "梅州市-表四.docx", checked("表格1", issue, grid=grid))
    )
    assert out.sheetnames == ["表格1", LIST_SHEET]
    ws = out["表格1"]
    assert [[c.value for c in row] for row in ws.iter_rows()] == sheet.values
    assert ws["C2"].data_type == "s" and ws["C2"].quotePrefix
    assert ws["D2"].fill.fgColor.rgb == RED and ws["D2"].comment.text == "【错误】金额不能为负数"
    assert str(ws.merged_cells) == "B2:B3"


def test_an_xls_comes_back_as_xlsx_with_the_same_marks(province_round):
    import xlwt

    from budget_planner.validators.check.pipeline import validate_bytes
    from budget_planner.validators.intake.extract import read_workbook

    rows = [
        project(
            "知识产权高质量创造", "专利导航服务基地培育建设项目", 50, performance="形成报告1份"
        ),
        project(None, "高价值专利培育布局中心建设", -5, performance="培育项目2个"),
    ]
    sub = Submission("表四", rows=rows, quirks=frozenset({"title", "unit_line"}), sheet="表四")
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("表四")
    for (r, c), value in sub.layout.cells.items():
        ws.write(r - 1, c - 1, value)
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    result = validate_bytes(data, "清远市-表四.xls", province_round, parse=read_workbook)
    amount = sub.layout.cell(1, "amount")
    assert [(i.code, i.cell) for i in result[0].report.errors] == [("amount.negative", amount)]
    wb = open_xlsx(annotate(data, "清远市-表四.xls", result))
    assert wb.sheetnames == ["表四", LIST_SHEET]
    assert wb["表四"][amount].value == -5
    assert wb["表四"][amount].comment.text == "【错误】金额不能为负数"
    assert wb["表四"][sub.layout.cell(0, "project")].value == "专利导航服务基地培育建设项目"
