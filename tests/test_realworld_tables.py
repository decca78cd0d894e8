"""Collection tables (表一–表四) made the way staff make them (``realworld_files``), each with the
outcome a careful reviewer expects: table, unit, sheet, rows, total, stated total, totals by 类型 and
the exact (code, cell) of every issue."""

from __future__ import annotations

import io

import pytest
import realworld_files as rw

from budget_planner.templates.round import load_round
from budget_planner.validators.check.pipeline import validate_bytes
from budget_planner.validators.intake.extract import read_workbook

GAO = "知识产权高质量创造"
BAO = "强化知识产权保护"
ZHUAN = "知识产权高效能转化"
FU = "知识产权高水平服务"


def outcome(made: tuple[str, bytes], round_id: str | None = None) -> list[dict]:
    """The DESIGN §5 report of every table of a file, issues as (code, cell) pairs."""
    name, data = made
    round_ = load_round(round_id) if round_id else load_round()
    found = []
    for checked in validate_bytes(data, name, round_, parse=read_workbook):
        d = checked.report.to_dict()
        found.append(
            {
                "table": d["table"],
                "unit": d["unit"],
                "sheet": d["sheet"],
                "rows": d["rows"],
                "total": d["total"],
                "stated_total": d["stated_total"],
                "by_category": d["totals_by_category"],
                "issues": [(i["code"], i["cell"]) for i in d["issues"]],
            }
        )
    return found


def one(made: tuple[str, bytes], round_id: str | None = None) -> dict:
    found = outcome(made, round_id)
    assert len(found) == 1, found
    return found[0]


def test_table4_pasted_from_the_word_notice():
    got = one(rw.t4_copied_from_word())
    # Excel's SUM skips the three amounts typed as text: the sheet itself shows 50 in its 合计
    assert got == {
        "table": "表四",
        "unit": "清远市",
        "sheet": "Sheet1",
        "rows": 5,
        "total": "1305.5",
        "stated_total": "50",
        "by_category": {GAO: "100", BAO: "1205.5"},
        "issues": [
            ("amount.normalised", "E7"),
            ("amount.normalised", "E8"),
            ("amount.normalised", "E9"),
            ("amount.normalised", "E10"),
            ("formula.evaluated", "E11"),
            ("total.mismatch", "E11"),
        ],
    }


def test_table4_with_group_rows_subtotals_and_cached_sums():
    got = one(rw.t4_xlsxwriter_cached_sums())
    assert got == {
        "table": "表四",
        "unit": "韶关市",
        "sheet": "表四",
        "rows": 4,
        "total": "166",
        "stated_total": "166",
        "by_category": {GAO: "65.5", ZHUAN: "100.5"},
        "issues": [],
    }


def test_table1_two_row_header_and_amount_spellings():
    got = one(rw.t1_two_row_header())
    assert got == {
        "table": "表一",
        "unit": "珠海市",
        "sheet": "表一",
        "rows": 3,
        "total": "150",
        "stated_total": "150",
        "by_category": {GAO: "110", FU: "40"},
        "issues": [("amount.normalised", "D6"), ("amount.normalised", "D8")],
    }


def test_table3_told_by_its_sheet_name():
    got = one(rw.t3_told_by_sheet_name())
    assert (got["table"], got["unit"], got["rows"], got["total"]) == ("表三", "茂名市", 2, "100")
    assert got["issues"] == []


def test_table3_told_by_its_file_name():
    got = one(rw.t3_told_by_file_name())
    assert (got["table"], got["unit"], got["sheet"], got["total"]) == (
        "表三",
        "湛江市",
        "Sheet",
        "35",
    )
    assert got["issues"] == []


def test_table1_or_3_without_any_hint_is_ambiguous():
    got = one(rw.t1_ambiguous())
    assert (got["table"], got["unit"], got["rows"], got["total"]) == (None, "云浮市", 1, "10")
    assert got["issues"] == [("table.ambiguous", None)]


def test_an_amount_merged_over_two_projects_counts_once_and_is_not_missing_below():
    got = one(rw.t1_amount_merged())
    assert (got["table"], got["rows"], got["total"]) == ("表一", 2, "30")
    assert got["by_category"] == {"知识产权文化宣传及合作交流": "30"}
    assert got["issues"] == [("amount.merged", "D3")]


def test_table2_in_xls_with_the_unit_in_the_next_cell():
    got = one(rw.t2_xls_typed())
    assert got == {
        "table": "表二",
        "unit": "江门市",
        "sheet": "后补助",
        "rows": 2,
        "total": "42.5",
        "stated_total": "42.5",
        "by_category": {},
        "issues": [("amount.normalised", "D6")],
    }


def test_four_tables_on_named_sheets_after_instructions_with_hidden_sheets():
    got = outcome(rw.multi_sheets_with_instructions())
    assert [(g["table"], g["sheet"], g["unit"], g["rows"], g["total"]) for g in got] == [
        ("表一", "表一", "佛山市", 1, "20"),
        ("表二", "表二", "佛山市", 1, "15"),
        ("表三", "表三", "佛山市", 1, "45"),
        ("表四", "表四", "佛山市", 2, "100"),
    ]
    # the old draft on a hidden sheet is named once; the hidden list sheet is no table
    assert got[0]["issues"] == [("sheet.hidden_ignored", None)]
    assert all(g["issues"] == [] for g in got[1:])


def test_mistakes_a_reviewer_catches():
    got = one(rw.t4_with_mistakes())
    assert (got["rows"], got["total"], got["stated_total"]) == (5, "43", "50")
    assert got["by_category"] == {GAO: "-5", "知识产权管理": "8"}
    # the 合计 is not compared while an amount of the rows it sums (E5, 待定) cannot be read
    assert got["issues"] == [
        ("amount.negative", "E4"),
        ("amount.not_number", "E5"),
        ("category.unknown", "B6"),
        ("required.missing", "D7"),
        ("policy_basis.no_document", "G8"),
    ]


def test_group_heading_rows_in_the_category_column_give_their_category():
    got = one(rw.t4_group_rows_in_category_column())
    assert (got["rows"], got["total"], got["issues"]) == (2, "50", [])
    assert got["by_category"] == {GAO: "20", ZHUAN: "30"}


def test_group_heading_rows_spanning_the_row_give_their_category():
    got = one(rw.t4_group_rows_spanning())
    assert (got["unit"], got["rows"], got["total"], got["issues"]) == ("汕尾市", 2, "50", [])
    assert got["by_category"] == {GAO: "20", ZHUAN: "30"}


def test_reordered_columns_extra_columns_and_subtotal_labels():
    got = one(rw.t4_reordered_extra_columns())
    assert got == {
        "table": "表四",
        "unit": "肇庆市",
        "sheet": "附件1",
        "rows": 3,
        "total": "31",
        "stated_total": "31",
        "by_category": {BAO: "25", "知识产权人才建设": "6"},
        "issues": [],
    }


def test_formulas_with_cached_values_and_number_formats():
    got = one(rw.t4_formulas_xlsxwriter())
    assert (got["unit"], got["rows"], got["total"], got["stated_total"]) == (
        "广州市",
        4,
        "135.5",
        "135.5",
    )
    assert got["issues"] == []


def test_formulas_without_cached_values():
    got = one(rw.t4_uncached_formulas())
    assert (got["rows"], got["total"], got["stated_total"]) == (2, "150", "150")
    assert got["issues"] == [
        ("formula.evaluated", "E4"),
        ("formula.evaluated", "E5"),
        ("formula.no_cached_value", "E6"),
        ("formula.evaluated", "E7"),
    ]


def test_the_word_notice_answered_in_word():
    got = outcome(rw.doc_notice_four_tables())
    assert [
        (g["table"], g["sheet"], g["unit"], g["rows"], g["total"], g["stated_total"]) for g in got
    ] == [
        ("表一", "表格1", "潮州市", 1, "20", None),
        ("表二", "表格2", "潮州市", 1, "15", None),
        ("表三", "表格3", "潮州市", 1, "8.5", None),
        ("表四", "表格4", "潮州市", 2, "50", "50"),
    ]
    assert got[3]["by_category"] == {ZHUAN: "50"}
    assert [g["issues"] for g in got] == [[], [], [], [("amount.normalised", "E3")]]


def test_issued_template_filled_and_saved_by_another_tool():
    got = one(rw.t4_template_filled())
    assert got == {
        "table": "表四",
        "unit": "清远市",
        "sheet": "表四",
        "rows": 5,
        "total": "205.5",
        "stated_total": "175.5",
        "by_category": {
            "知识产权强市、强县建设": "20",
            GAO: "80",
            ZHUAN: "100",
            "知识产权管理": "5.5",
        },
        "issues": [
            ("amount.normalised", "E13"),
            ("formula.evaluated", "E50"),
            ("total.mismatch", "E50"),
        ],
    }


@pytest.mark.parametrize(
    ("maker", "unit"),
    [
        (rw.t4_unit_halfwidth_next_cell, "惠州市"),
        (rw.t4_unit_stamp_line_with_date, "东莞市"),
    ],
)
def test_unit_lines_as_staff_write_them(maker, unit):
    got = one(maker())
    assert (got["unit"], got["rows"], got["total"], got["issues"]) == (unit, 1, "12", [])


def test_a_file_name_naming_another_unit_is_a_warning():
    got = one(rw.t4_unit_conflicts_file_name())
    assert got["unit"] == "阳江市"
    assert got["issues"] == [("unit.conflict", None)]


def test_hengyang_county_table4_in_xls():
    got = one(rw.hy_county_t4_xls(), "hengyang-2024")
    assert got == {
        "table": "表四",
        "unit": "衡南县",
        "sheet": "Sheet1",
        "rows": 4,
        "total": "28",
        "stated_total": "28",
        "by_category": {GAO: "25", "知识产权文化宣传及合作交流": "3"},
        "issues": [],
    }


def test_table3_told_by_its_subtitle_only():
    got = one(rw.t3_told_by_subtitle_only())
    assert (got["table"], got["unit"], got["rows"], got["total"], got["issues"]) == (
        "表三",
        "东莞市",
        1,
        "66",
        [],
    )


def test_wan_yuan_typed_on_its_own_row_under_the_header():
    got = one(rw.t1_unit_per_million_on_second_row())
    # row 5 holds only （万元） under 经费安排: part of the header, not a project without a name
    assert got == {
        "table": "表一",
        "unit": "广州市",
        "sheet": "Sheet",
        "rows": 2,
        "total": "1300",
        "stated_total": None,
        "by_category": {FU: "1300"},
        "issues": [("amount.normalised", "D7")],
    }


def test_table1_and_table3_stacked_on_one_sheet_are_two_tables():
    got = outcome(rw.t1_and_t3_stacked_on_one_sheet())
    assert [(g["table"], g["rows"], g["total"], g["stated_total"], g["issues"]) for g in got] == [
        ("表一", 1, "10", "10", []),
        ("表三", 2, "30", "30", [("formula.evaluated", "D13")]),
    ]
    assert got[1]["by_category"] == {BAO: "30"}


def test_word_table1_with_a_two_row_header():
    got = one(rw.doc_table1_two_row_header())
    assert got == {
        "table": "表一",
        "unit": "梅州市",
        "sheet": "表格1",
        "rows": 2,
        "total": "20",
        "stated_total": "20",
        "by_category": {"知识产权人才建设": "20"},
        "issues": [],
    }


def test_unit_line_headed_unit_name():
    got = one(rw.t4_unit_name_line())
    assert (got["unit"], got["rows"], got["total"], got["issues"]) == ("清远市", 1, "12", [])


def test_template_passed_to_another_unit_points_at_the_name_cell():
    got = one(rw.t1_template_filled_wrong_unit())
    assert (got["table"], got["unit"], got["total"]) == ("表一", "汕头市", "30")
    assert got["issues"] == [("unit.conflict", "C3"), ("formula.evaluated", "D26")]


def test_footer_block_gives_the_unit_and_ends_the_table():
    got = one(rw.t4_unit_in_footer())
    assert got == {
        "table": "表四",
        "unit": "汕头市",
        "sheet": "Sheet",
        "rows": 2,
        "total": "50.5",
        "stated_total": None,
        "by_category": {"知识产权人才建设": "50.5"},
        "issues": [("amount.normalised", "E5"), ("amount.normalised", "E6")],
    }


def test_table1_in_xls_with_a_merged_two_row_header():
    got = one(rw.t1_xls_merged_header())
    assert got == {
        "table": "表一",
        "unit": "潮州市",
        "sheet": "表1",
        "rows": 2,
        "total": "40",
        "stated_total": "40",
        "by_category": {ZHUAN: "40"},
        "issues": [],
    }


def test_word_table4_with_category_typed_on_every_row():
    got = one(rw.doc_table4_category_on_every_row())
    assert (got["unit"], got["rows"], got["total"]) == ("江门市", 3, "37.5")
    assert got["by_category"] == {BAO: "30", "知识产权文化宣传及合作交流": "7.5"}
    assert got["issues"] == [("amount.normalised", "E2"), ("amount.normalised", "E3")]


def _table4(head: list[str], rows: list[list[object]]) -> tuple[str, bytes]:
    book = rw.openpyxl.Workbook()
    ws = book.active
    ws["A1"] = "2024年度知识产权项目需求征集表（四）"
    ws["A2"] = "填报单位：清远市市场监督管理局"
    rw._put(ws, 3, head)
    for i, line in enumerate(rows, 4):
        rw._put(ws, i, line)
    return "表四.xlsx", rw._save(book)


def test_an_amount_excel_turned_into_a_date_says_why():
    import datetime as dt

    made = _table4(
        rw.HEAD_4, [rw.row4(1, "知识产权管理", "统计", "统计分析项目", dt.datetime(2024, 5, 1))]
    )
    [checked] = validate_bytes(made[1], made[0], load_round(), parse=read_workbook)
    [issue] = checked.report.issues
    assert (issue.code, issue.cell) == ("amount.not_number", "E4")
    assert "Excel 会把 5.1 这样的输入自动转成日期" in issue.message


def test_an_amount_column_headed_in_yuan_is_read_in_yuan():
    # issue 12: 金额（元） is the amount column, its values ÷ 10,000 (it used to be header.missing)
    head = list(rw.HEAD_4)
    head[4] = "金额（元）"
    made = _table4(head, [rw.row4(1, "知识产权管理", "统计", "统计分析项目", 500000)])
    [checked] = validate_bytes(made[1], made[0], load_round(), parse=read_workbook)
    [issue] = checked.report.issues
    assert (issue.code, issue.cell, checked.report.total) == ("amount.in_yuan", "E3", 50)
    assert issue.message == "表头“金额（元）”，金额按元填写：已除以 10000 换算为万元，合计 50 万元"


def test_amounts_in_yuan_of_a_million_and_more_are_read_not_too_large():
    # 1,200,000 元 is 120 万元: the 100 亿元 bound holds in 元 for a column filed in 元, before the
    # division (it was amount.too_large, and the row left out of the total)
    head = list(rw.HEAD_4)
    head[4] = "金额（元）"
    made = _table4(
        head,
        [
            rw.row4(1, "知识产权管理", "统计", "统计分析项目", 1200000),
            rw.row4(2, "知识产权管理", "运营", "专利运营项目", "1,150,000"),
            ["合计", None, None, None, 2350000],
        ],
    )
    [checked] = validate_bytes(made[1], made[0], load_round(), parse=read_workbook)
    report = checked.report
    assert [(i.code, i.cell) for i in report.issues] == [
        ("amount.in_yuan", "E3"),
        ("amount.normalised", "E5"),
    ]
    assert (report.total, report.stated_total) == (235, 235)


def test_a_budget_form_in_yuan_of_millions_keeps_every_source():
    import realworld2_files as rw2

    book = rw2.openpyxl.Workbook()
    ws = book.active
    money = {"合计": 4000000, "1、省局项目支出": 1000000, "3、单位自筹": 3000000}
    money |= {"1、知识产权服务费": 800000, "5、培训费": 200000}
    rw2._declaration_sheet(
        ws,
        rw2.QY_FIRM,
        money,
        "知识产权服务费80万元用于专利布局分析；培训费20万元。",
    )
    [unit_line] = [c for row in ws.iter_rows() for c in row if c.value == "单位：万元"]
    unit_line.value = "单位：元"
    [checked] = validate_bytes(
        rw2._save(book), "清远市-预算表-专利技术实施计划.xlsx", load_round(), parse=read_workbook
    )
    report = checked.report
    assert [i.code for i in report.issues if i.severity == "error"] == []
    assert "amount.too_large" not in {i.code for i in report.issues}
    assert report.stated_total == 400
    assert checked.table is not None and checked.table.budget is not None
    assert checked.table.budget.amount("self_raised") == 300


def _table1(head: list[str], rows: list[list[object]]) -> tuple[str, bytes]:
    book = rw.openpyxl.Workbook()
    ws = book.active
    ws["A1"] = "2024年度知识产权项目需求征集表（一）"
    ws["A2"] = "填报单位：清远市市场监督管理局"
    rw._put(ws, 3, head)
    for i, line in enumerate(rows, 4):
        rw._put(ws, i, line)
    return "表一.xlsx", rw._save(book)


@pytest.mark.parametrize(
    "amount_header",
    [
        "金额（单位：万元）",
        "金额（万元）\n（保留两位小数）",
        "金额(万元)(保留2位小数)",
        "申请省级资金（万元）",
        "省级资金",
    ],
)
def test_an_amount_header_with_its_unit_or_places_said_in_words_is_the_amount(amount_header):
    head = list(rw.HEAD_4)
    head[4] = amount_header
    made = _table4(
        head,
        [
            rw.row4(1, "知识产权管理", "统计", "统计分析项目", 30),
            ["合计", None, None, None, 30],
        ],
    )
    [checked] = validate_bytes(made[1], made[0], load_round(), parse=read_workbook)
    assert checked.report.issues == []
    assert (checked.report.total, checked.report.stated_total) == (30, 30)


def test_a_funding_header_saying_its_unit_in_words_is_the_funding_column():
    head = list(rw.HEAD_1)
    head[3] = "经费安排（单位：万元）"
    made = _table1(
        head,
        [rw.row1(1, "知识产权管理", "统计", 30, "统计分析项目", "1个×30万元")],
    )
    [checked] = validate_bytes(made[1], made[0], load_round(), parse=read_workbook)
    assert checked.report.issues == []
    assert checked.report.total == 30


def test_a_table_missing_its_amount_column_is_not_called_empty():
    # its rows cannot be read without the column: header.missing, never "本表没有填写任何项目"
    head = list(rw.HEAD_4)
    head[4] = "拨款"
    made = _table4(head, [rw.row4(1, "知识产权管理", "统计", "统计分析项目", 30)])
    [checked] = validate_bytes(made[1], made[0], load_round(), parse=read_workbook)
    assert [i.code for i in checked.report.issues] == ["header.missing"]
    assert checked.report.issues[0].message == "表四缺少必需的列：金额"


@pytest.mark.parametrize(
    ("amount", "remark"),
    [
        (None, "本市无专利代办处"),
        ("0", None),
        ("0.00", "本市尚未设立专利代办处，也无省知识产权保护中心分中心"),
    ],
)
def test_a_nil_row_may_say_why_in_its_remark_and_hold_a_zero_typed_as_text(amount, remark):
    # DESIGN §3: a nil return is never required.missing (暂无 with a 备注 saying why, or WPS's text 0)
    made = _table1(rw.HEAD_1, [[1, None, "暂无", amount, None, None, None, None, None, remark]])
    [checked] = validate_bytes(made[1], made[0], load_round(), parse=read_workbook)
    assert [(i.code, i.cell) for i in checked.report.issues] == [("table.nil_return", "C4")]
    assert checked.report.total == 0 and checked.table is not None
    assert checked.table.project_rows == []


def test_a_row_naming_a_project_is_not_nil_for_a_word_in_it():
    line = [1, "知识产权管理", "暂无", 30, "统计分析项目", None, None, None, None, "本年新增"]
    made = _table1(rw.HEAD_1, [line])
    [checked] = validate_bytes(made[1], made[0], load_round(), parse=read_workbook)
    assert "table.nil_return" not in {i.code for i in checked.report.issues}
    assert [i.cell for i in checked.report.issues if i.code == "required.missing"] == [
        "G4",
        "H4",
        "I4",
    ]


def test_count_amount_written_as_people_do_is_checked_against_the_funding():
    made = _table1(
        rw.HEAD_1,
        [
            rw.row1(1, "知识产权管理", "统计", 30, "统计分析项目", "30万元"),
            rw.row1(2, "知识产权管理", "运营", 60, "专利运营项目", "3项，合计60万元"),
            rw.row1(3, "知识产权管理", "导航", 50, "专利导航项目", "20万元×2个+10万元×1个"),
            rw.row1(4, "知识产权管理", "培训", 36, "知识产权培训项目", "每个12万元，共3个"),
            rw.row1(5, "知识产权管理", "宣传", 45, "知识产权宣传项目", "30万元"),
        ],
    )
    [checked] = validate_bytes(made[1], made[0], load_round(), parse=read_workbook)
    [problem] = checked.report.issues
    assert (problem.code, problem.cell) == ("count_amount.mismatch", "F8")
    assert problem.message == "“30万元”单项 30 万元，经费安排(万元) 45 不是它的整数倍"


def _subtotals_first(second_subtotal: float) -> tuple[str, bytes]:
    """合计 under the header, then each 类型 opening with its 小计 (the 类型 merged over the 小计 and
    its rows), as some offices lay the table out."""
    book = rw.openpyxl.Workbook()
    ws = book.active
    ws["A1"] = "2024年度知识产权项目需求征集表（一）"
    ws["A2"] = "填报单位：茂名市市场监督管理局"
    rw._put(ws, 3, rw.HEAD_1)
    lines = [
        ["合计", None, None, 115],
        ["小计", "知识产权高质量创造", None, 100],
        rw.row1(1, None, "专利导航", 40, "茂名产业专利导航", "1个×40万元"),
        rw.row1(2, None, "高价值专利", 60, "茂名高价值专利培育", "2个×30万元"),
        ["小计", "知识产权管理", None, second_subtotal],
        rw.row1(3, None, "统计", 15, "茂名知识产权统计", "1个×15万元"),
    ]
    for r, line in enumerate(lines, 4):
        rw._put(ws, r, line)
    ws.merge_cells("B5:B7")
    ws.merge_cells("B8:B9")
    return "茂名市-表一.xlsx", rw._save(book)


def test_a_subtotal_heading_its_group_sums_the_rows_below_it():
    name, data = _subtotals_first(15)
    [checked] = validate_bytes(data, name, load_round(), parse=read_workbook)
    assert checked.report.issues == []
    assert (checked.report.total, checked.report.stated_total) == (115, 115)
    assert checked.table is not None
    assert [r.category for r in checked.table.project_rows] == [
        "知识产权高质量创造",
        "知识产权高质量创造",
        "知识产权管理",
    ]


def test_a_wrong_subtotal_heading_its_group_is_still_caught():
    name, data = _subtotals_first(25)
    [checked] = validate_bytes(data, name, load_round(), parse=read_workbook)
    [problem] = checked.report.issues
    assert (problem.code, problem.cell) == ("total.mismatch", "D8")
    assert problem.message == "小计 25 与明细之和 15 不符（差 10）"


@pytest.mark.parametrize("page_label", ["本页小计", "本页合计"])
def test_a_page_subtotal_sums_its_page_whatever_the_types(page_label):
    book = rw.openpyxl.Workbook()
    first = book.active
    first.title = "Sheet1"
    first["A1"] = "2024年度知识产权项目需求征集表（四）"
    first["A2"] = "填报单位：湛江市市场监督管理局"
    rw._put(first, 3, rw.HEAD_4)
    lines = [
        rw.row4(1, "知识产权高质量创造", "高价值专利", "高价值专利培育布局中心建设", 30),
        rw.row4(2, "知识产权高质量创造", "专利导航", "专利导航服务基地培育建设项目", 20),
        rw.row4(3, "强化知识产权保护", "纠纷调解", "知识产权纠纷多元化解", 10),
        [page_label, None, None, None, 60],
    ]
    for r, line in enumerate(lines, 4):
        rw._put(first, r, line)
    second = book.create_sheet("Sheet2")
    rw._put(second, 1, rw.HEAD_4)
    lines = [
        rw.row4(4, "知识产权人才建设", "人才培训", "湛江市知识产权人才培训", 8),
        rw.row4(5, "知识产权管理", "统计", "湛江市知识产权统计监测", 4),
        [page_label, None, None, None, 12],
        ["合计", None, None, None, 72],
    ]
    for r, line in enumerate(lines, 2):
        rw._put(second, r, line)
    [checked] = validate_bytes(
        rw._save(book), "湛江市-表四.xlsx", load_round(), parse=read_workbook
    )
    assert [i.code for i in checked.report.issues] == ["table.continued"]
    assert (checked.report.total, checked.report.stated_total) == (72, 72)


def test_a_project_whose_work_goes_on_a_second_row_is_one_project():
    # 主要工作内容 on two rows, every other cell of the project merged over both (a Word table
    # copied into Excel): one project, its work on two lines, no amount.merged
    book = rw.openpyxl.Workbook()
    ws = book.active
    ws.title = "表三"
    ws["A1"] = "2024年度知识产权项目需求征集表（三）"
    ws["A2"] = "支持专利代办处和省知识产权保护中心开展工作"
    ws["A3"] = "填报单位：佛山市市场监督管理局"
    rw._put(ws, 4, rw.HEAD_1)
    rw._put(
        ws,
        5,
        rw.row1(
            1,
            "强化知识产权保护",
            "1.开展快速预审服务",
            60,
            "保护中心快速协同保护能力提升",
            "1个，60万元",
        ),
    )
    rw._put(ws, 6, [None, None, "2.开展快速维权服务"])
    rw._put(
        ws,
        7,
        rw.row1(
            2,
            "知识产权高水平服务",
            "专利代办处窗口服务",
            20,
            "专利代办处窗口服务提升",
            "1个，20万元",
        ),
    )
    rw._put(ws, 8, ["合计", None, None, 80])
    for col in "ABDEFGHIJ":
        ws.merge_cells(f"{col}5:{col}6")
    [checked] = validate_bytes(
        rw._save(book), "佛山市-表三.xlsx", load_round(), parse=read_workbook
    )
    assert checked.report.issues == []
    assert checked.table is not None
    projects = checked.table.project_rows
    assert [r.excel_row for r in projects] == [5, 7]
    assert projects[0].value("work_content") == "1.开展快速预审服务\n2.开展快速维权服务"
    assert (checked.report.total, checked.report.stated_total) == (80, 80)


def test_an_amount_merged_over_two_projects_is_still_said():
    book = rw.openpyxl.Workbook()
    ws = book.active
    ws["A1"] = "2024年度知识产权项目需求征集表（四）"
    ws["A2"] = "填报单位：清远市市场监督管理局"
    rw._put(ws, 3, rw.HEAD_4)
    rw._put(ws, 4, rw.row4(1, "知识产权管理", "统计", "统计分析项目", 30))
    rw._put(ws, 5, rw.row4(2, "知识产权管理", "运营", "专利运营项目", None))
    ws.merge_cells("E4:E5")
    [checked] = validate_bytes(rw._save(book), "表四.xlsx", load_round(), parse=read_workbook)
    assert [(i.code, i.cell) for i in checked.report.issues] == [("amount.merged", "E4")]
    assert checked.table is not None and len(checked.table.project_rows) == 2


def test_a_funding_column_in_yuan_is_named_without_its_unit_in_wan():
    head = list(rw.HEAD_1)
    head[3] = "经费安排\n（元）"
    made = _table1(head, [rw.row1(1, "知识产权管理", "统计", "250,000.00", "统计分析项目", None)])
    [checked] = validate_bytes(made[1], made[0], load_round(), parse=read_workbook)
    assert [i.message for i in checked.report.issues] == [
        "表头“经费安排（元）”，经费安排按元填写：已除以 10000 换算为万元，合计 25 万元",
        "经费安排“250,000.00”已去掉千位分隔符",
    ]


def _word_table4_doc():
    """A Word 表四 as Qingyuan types it: the title and 填报单位 paragraphs, tables to come."""
    import realworld2_files as rw2

    doc = rw2.Document()
    doc.add_paragraph("2024年度知识产权项目需求征集表（四）")
    doc.add_paragraph("填报单位：清远市市场监督管理局")
    return doc


def test_a_word_table_split_by_a_page_without_its_header_goes_on():
    # 表四 in Word, its rows 3–4 and 合计 in a second table after a page break, the header not
    # repeated: one table of four rows (they were dropped without a word)
    import realworld2_files as rw2
    from docx.enum.text import WD_BREAK

    doc = _word_table4_doc()
    first = [
        rw.HEAD_4,
        rw.row4(1, "知识产权管理", "统计", "统计分析项目", 20),
        rw.row4(2, "知识产权管理", "运营", "专利运营项目", 15),
    ]
    rw2._doc_table(doc, first, len(rw.HEAD_4))
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    second = [
        rw.row4(3, "知识产权人才建设", "培训", "知识产权人才培训", 10),
        rw.row4(4, "知识产权人才建设", "实务", "知识产权实务培训", 5),
        ["合计", None, None, None, 50],
    ]
    rw2._doc_table(doc, second, len(rw.HEAD_4))
    out = io.BytesIO()
    doc.save(out)
    [checked] = validate_bytes(out.getvalue(), "清远市-表四.docx", load_round())
    report = checked.report
    assert [i.code for i in report.issues] == ["table.continued"]
    assert "没有表头，按前表的列读取" in report.issues[0].message
    assert (report.total, report.stated_total, len(report.sheets)) == (50, 50, 2)


@pytest.mark.parametrize(
    ("typed", "listed"),
    [
        ("知识产权高质量创造（可加行）", "知识产权高质量创造"),  # the template's note copied in
        ("知识产权文化宣传与合作交流", "知识产权文化宣传及合作交流"),
        ("知识产权文化宣传和合作交流", "知识产权文化宣传及合作交流"),
    ],
)
def test_a_category_typed_with_a_note_or_another_joining_word_is_the_listed_one(typed, listed):
    made = _table4(rw.HEAD_4, [rw.row4(1, typed, "宣传", "知识产权宣传周活动", 10)])
    [checked] = validate_bytes(made[1], made[0], load_round(), parse=read_workbook)
    assert checked.report.issues == []
    assert checked.table is not None
    assert [r.category for r in checked.table.project_rows] == [listed]


def _split_amount(subs: list[str], rows: list[list[object]]) -> tuple[str, bytes]:
    """梅州's 表四: 金额 merged over sub-columns (the other header cells merged down)."""
    book = rw.openpyxl.Workbook()
    ws = book.active
    ws["A1"] = "2024年度知识产权项目需求征集表（四）"
    ws["A2"] = "填报单位：梅州市市场监督管理局"
    head = ["序号", "类型", "主要工作内容", "拟设置项目", "金额", None, None, "项目设置必要性"]
    head += ["项目设置政策依据", "项目绩效", "备注"]
    rw._put(ws, 3, head)
    rw._put(ws, 4, [None, None, None, None, *subs])
    ws.merge_cells("E3:G3")
    for col in "ABCDHIJK":
        ws.merge_cells(f"{col}3:{col}4")
    for r, line in enumerate(rows, 5):
        rw._put(ws, r, line)
    return "梅州市-表四.xlsx", rw._save(book)


def _split_row(n, category, project, amounts):
    return [n, category, "工作", project, *amounts, rw.NECESSITY, rw.POLICY, rw.PERFORMANCE]


def test_an_amount_split_into_sub_columns_reads_the_provincial_one():
    name, data = _split_amount(
        ["合计", "其中：省级资金", "其中：地方配套"],
        [
            _split_row(1, "知识产权强市、强县建设", "知识产权强市强县建设项目", [100, 80, 20]),
            _split_row(2, "强化知识产权保护", "知识产权纠纷多元化解", [30, 20, 10]),
            ["合计", None, None, None, 130, 100, 30],
        ],
    )
    [checked] = validate_bytes(data, name, load_round(), parse=read_workbook)
    [said] = checked.report.issues
    assert (said.code, said.cell) == ("header.amount_split", "F4")
    assert said.message == (
        "“金额”下分为“合计”、“其中：省级资金”、“其中：地方配套”几列，按“其中：省级资金”一列计入；"
        "如应按其他列，请改为一列金额后重新上传"
    )
    assert (checked.report.total, checked.report.stated_total) == (100, 100)


def test_an_amount_split_by_year_is_not_taken_for_one_year():
    name, data = _split_amount(
        ["2024年", "2025年"],
        [_split_row(1, "强化知识产权保护", "知识产权纠纷多元化解", [20, 10])],
    )
    [checked] = validate_bytes(data, name, load_round(), parse=read_workbook)
    assert "header.amount_split" not in {i.code for i in checked.report.issues}
    # said at the sub-header, not taken for one year's amount
    said = {(i.code, i.cell): i.message for i in checked.report.issues}
    assert said[("amount.not_number", "E4")] == "金额“2024年”不是数字，请填写数字（单位：万元）"


def test_a_workbook_sheet_without_a_header_is_not_taken_for_the_table_going_on():
    # a 测算 sheet the amounts were worked out on: a sheet of its own, not rows of the 表四
    name, data = _table4(rw.HEAD_4, [rw.row4(1, "知识产权管理", "统计", "统计分析项目", 30)])
    book = rw.openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.create_sheet("测算")
    rw._put(sheet, 1, ["项目", "单价（万元）", "数量", "省级承担比例", "省级资金（万元）"])
    rw._put(sheet, 2, ["统计分析项目", 10, 3, 1, 30])
    [checked] = validate_bytes(rw._save(book), name, load_round(), parse=read_workbook)
    assert (checked.report.issues, checked.report.sheets) == ([], ["Sheet"])
    assert checked.report.total == 30


def _exported_table4(total_formula: str) -> bytes:
    """A 表四 a system exported with xlsxwriter: its =SUM stored with 0 and the workbook asking to
    be recalculated when opened (fullCalcOnLoad), as such programs write them."""
    book, out = rw._xw_book()
    ws = book.add_worksheet("表四")
    ws.write_row(0, 0, ["2024年度知识产权项目需求征集表（四）"])
    ws.write_row(1, 0, ["填报单位：江门市市场监督管理局"])
    ws.write_row(2, 0, rw.HEAD_4)
    ws.write_row(3, 0, rw.row4(1, "知识产权管理", "统计", "统计分析项目", 60))
    ws.write_row(4, 0, rw.row4(2, "知识产权管理", "运营", "专利运营项目", 40))
    ws.write_row(5, 0, ["合计", None, None, None])
    ws.write_formula(5, 4, total_formula)  # stored with the result 0
    book.close()
    return out.getvalue()


def test_a_total_a_program_stored_as_0_is_calculated_when_the_file_asks_for_it():
    data = _exported_table4("=SUM(E4:E5)")
    [checked] = validate_bytes(data, "江门市-表四.xlsx", load_round(), parse=read_workbook)
    [said] = checked.report.issues
    assert (said.code, said.cell) == ("formula.evaluated", "E6")
    assert said.message == (
        "公式 =SUM(E4:E5) 保存的结果是 0（文件要求打开时重新计算，生成它的程序没有计算），"
        "已按公式计算为 100"
    )
    assert (checked.report.total, checked.report.stated_total) == (100, 100)


def test_a_stored_0_that_cannot_be_calculated_stands():
    data = _exported_table4("=SUMPRODUCT(E4:E5,E4:E5)")
    [checked] = validate_bytes(data, "江门市-表四.xlsx", load_round(), parse=read_workbook)
    assert "formula.evaluated" not in {i.code for i in checked.report.issues}
    assert checked.report.stated_total == 0


def _word_markup(cell, tag: str, text: str, old: str | None = None, **attrs: str) -> None:
    """Put ``text`` into a Word table cell as Word writes it inside ``tag`` (a tracked insertion
    w:ins after the deleted ``old``, a content control w:sdt, a simple field w:fldSimple)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def run(text: str, kind: str = "w:t"):
        r, t = OxmlElement("w:r"), OxmlElement(kind)
        t.text = text
        r.append(t)
        return r

    p = cell.paragraphs[0]._p
    if old is not None:  # the text Word shows struck through
        deleted = OxmlElement("w:del")
        deleted.set(qn("w:id"), "1")
        deleted.set(qn("w:author"), "张三")
        deleted.append(run(old, "w:delText"))
        p.append(deleted)
    holder = OxmlElement(tag)
    for key, value in attrs.items():
        holder.set(qn(f"w:{key}"), value)
    if tag == "w:sdt":  # a dropdown's chosen item
        content = OxmlElement("w:sdtContent")
        content.append(run(text))
        holder.append(OxmlElement("w:sdtPr"))
        holder.append(content)
    else:
        holder.append(run(text))
    p.append(holder)


def test_a_word_table_reads_text_as_word_shows_it():
    # 修订 left on (30 → 35, 合计 40 → 45), a 类型 chosen in a dropdown control, a 合计 field
    # {=SUM(ABOVE)}: the text Word shows (they were required.missing errors and a lost 合计)
    import realworld2_files as rw2

    doc = _word_table4_doc()
    lines = [
        rw.HEAD_4,
        rw.row4(1, "知识产权管理", "统计", "统计分析项目", None),
        rw.row4(2, None, "运营", "专利运营项目", 10),
        ["合计", None, None, None, None],
    ]
    table = rw2._doc_table(doc, lines, len(rw.HEAD_4))
    _word_markup(table.cell(1, 4), "w:ins", "35", old="30", id="2", author="张三")
    _word_markup(table.cell(2, 1), "w:sdt", "知识产权管理")
    _word_markup(table.cell(3, 4), "w:fldSimple", "45", instr=" =SUM(ABOVE) ")
    out = io.BytesIO()
    doc.save(out)
    [checked] = validate_bytes(out.getvalue(), "清远市-表四.docx", load_round())
    assert checked.report.issues == []
    assert (checked.report.total, checked.report.stated_total) == (45, 45)
    assert checked.table is not None
    assert [r.category for r in checked.table.project_rows] == ["知识产权管理", "知识产权管理"]


def _headings_with_totals(first_total: float, numeral_apart: bool) -> bytes:
    """阳江's 表四: each 类型 a heading row carrying its group's 小计 under 金额, no 小计 written —
    ``一、知识产权强市、强县建设`` merged across A:D, or ``一`` in 序号 and the 类型 merged across B:D."""
    book = rw.openpyxl.Workbook()
    ws = book.active
    ws["A1"] = "2024年度知识产权项目需求征集表（四）"
    ws["A2"] = "填报单位：阳江市市场监督管理局"
    rw._put(ws, 3, rw.HEAD_4)
    groups = [
        (
            "一",
            "知识产权强市、强县建设",
            first_total,
            [("知识产权强县建设", 60), ("县域专利导航", 20)],
        ),
        ("二", "知识产权管理", 5, [("知识产权统计监测分析", 5)]),
    ]
    r, n = 4, 0
    for numeral, category, total, projects in groups:
        if numeral_apart:
            rw._put(ws, r, [numeral, category, None, None, total])
            ws.merge_cells(f"B{r}:D{r}")
        else:
            rw._put(ws, r, [f"{numeral}、{category}", None, None, None, total])
            ws.merge_cells(f"A{r}:D{r}")
        for name, amount in projects:
            n, r = n + 1, r + 1
            rw._put(ws, r, rw.row4(n, None, "工作", name, amount))
        r += 1
    rw._put(ws, r, ["合计", None, None, None, 85])
    return rw._save(book)


@pytest.mark.parametrize("numeral_apart", [False, True])
def test_a_heading_carrying_its_groups_total_is_that_groups_subtotal(numeral_apart):
    data = _headings_with_totals(80, numeral_apart)
    [checked] = validate_bytes(data, "阳江市-表四.xlsx", load_round(), parse=read_workbook)
    assert checked.report.issues == []
    assert (checked.report.total, checked.report.stated_total) == (85, 85)
    assert checked.table is not None
    assert [r.category for r in checked.table.project_rows] == [
        "知识产权强市、强县建设",
        "知识产权强市、强县建设",
        "知识产权管理",
    ]
    # (they were project rows without a name: 20 required.missing errors, the total doubled)


def test_a_heading_total_that_is_wrong_is_said():
    data = _headings_with_totals(70, numeral_apart=False)
    [checked] = validate_bytes(data, "阳江市-表四.xlsx", load_round(), parse=read_workbook)
    [said] = checked.report.issues
    assert (said.code, said.cell, said.message) == (
        "total.mismatch",
        "E4",
        "小计 70 与明细之和 80 不符（差 -10）",
    )


def test_a_type_and_an_amount_alone_are_a_project_missing_its_name():
    made = _table4(rw.HEAD_4, [[1, "知识产权管理", None, None, 30]])
    [checked] = validate_bytes(made[1], made[0], load_round(), parse=read_workbook)
    assert ("required.missing", "D4") in {(i.code, i.cell) for i in checked.report.issues}


def _with_sheet(name: str, data: bytes, sheet: str, rows: list[list[object]]) -> bytes:
    book = rw.openpyxl.load_workbook(io.BytesIO(data))
    ws = book.create_sheet(sheet)
    ws["A1"] = "2024年度知识产权项目需求征集表（四）"
    rw._put(ws, 3, rw.HEAD_4)
    for r, line in enumerate(rows, 4):
        rw._put(ws, r, line)
    return rw._save(book)


def test_a_visible_backup_sheet_beside_the_table_is_not_read():
    # 表四（备份） keeps the old draft (120); aggregate took it as the newest version of the 表四
    name, data = _table4(rw.HEAD_4, [rw.row4(1, "知识产权管理", "统计", "统计分析项目", 100)])
    old = [rw.row4(1, "知识产权管理", "统计", "统计分析项目", 120)]
    data = _with_sheet(name, data, "表四（备份）", old)
    [checked] = validate_bytes(data, "清远市-表四.xlsx", load_round(), parse=read_workbook)
    assert (checked.report.sheet, checked.report.total) == ("Sheet", 100)
    [said] = checked.report.issues
    assert (said.code, said.sheet, said.message) == (
        "sheet.hidden_ignored",
        "表四（备份）",
        "工作表“表四（备份）”的名称表明是备份，其中的表四未读取；如需报送，请改名后重新上传",
    )


def test_a_workbook_of_backup_sheets_alone_is_read():
    book = rw.openpyxl.Workbook()
    ws = book.active
    ws.title = "表四备份"
    ws["A1"] = "2024年度知识产权项目需求征集表（四）"
    rw._put(ws, 3, rw.HEAD_4)
    rw._put(ws, 4, rw.row4(1, "知识产权管理", "统计", "统计分析项目", 100))
    [checked] = validate_bytes(
        rw._save(book), "汕尾市-表四.xlsx", load_round(), parse=read_workbook
    )
    assert (checked.report.issues, checked.report.total) == ([], 100)


def test_rows_numbered_with_circled_numerals_are_read():
    # 序号 typed ① ② ③ as in a Word notice: the look for a column-numbering row took ① for a digit
    # (str.isdigit) and int("①") stopped validation with a traceback
    book = rw.openpyxl.Workbook()
    ws = book.active
    ws["A1"] = "2024年度知识产权项目需求征集表（四）"
    rw._put(ws, 2, rw.HEAD_4)
    rw._put(ws, 3, rw.row4("①", "知识产权高质量创造", "专利导航", "专利导航服务项目", 50))
    rw._put(ws, 4, rw.row4("②", None, "质押融资", "知识产权质押融资贴息", 20.5))
    rw._put(ws, 5, ["③", None, None, None, None])  # numbered, never filled
    [checked] = validate_bytes(
        rw._save(book), "韶关市-表四.xlsx", load_round(), parse=read_workbook
    )
    report = checked.report
    assert (report.unit, report.rows, report.total, report.issues) == ("韶关市", 2, 70.5, [])
    assert report.totals_by_category == {GAO: 70.5}


@pytest.mark.parametrize(
    "numbers",
    [
        [str(n) for n in range(1, 10)],
        list("①②③④⑤⑥⑦⑧⑨"),
        [f"（{n}）" for n in range(1, 10)],
        list("⑴⑵⑶⑷⑸⑹⑺⑻⑼"),
        [f"{n}." for n in range(1, 10)],
        list("ABCDEFGHI"),
    ],
    ids=["digits", "circled", "bracketed", "parenthesised", "dotted", "letters"],
)
def test_a_row_numbering_the_columns_is_no_project(numbers):
    # forms copy a numbering row under the header (① ② ③, (1) (2), A B C …): read as a project it
    # added 5 to the total (⑤ under 金额) and said 类型“2” was not in the list
    book = rw.openpyxl.Workbook()
    ws = book.active
    ws["A1"] = "2024年度知识产权项目需求征集表（四）"
    ws["A2"] = "填报单位：清远市市场监督管理局（知识产权局）"
    rw._put(ws, 3, rw.HEAD_4)
    rw._put(ws, 4, numbers)
    rw._put(ws, 5, rw.row4(1, "知识产权高质量创造", "专利导航", "专利导航服务项目", 50))
    [checked] = validate_bytes(rw._save(book), "表四.xlsx", load_round(), parse=read_workbook)
    report = checked.report
    assert (report.unit, report.rows, report.total, report.issues) == ("清远市", 1, 50, [])


def test_a_remark_saying_heji_on_a_project_row_is_no_total():
    # 备注 “合计3个子项目” / “小计另报” on a project's own row: read as 合计 and 小计 rows, the table
    # had no project left (“按没有需求处理”) and a 合计 of 50 against a sum of 0
    book = rw.openpyxl.Workbook()
    ws = book.active
    rw._put(ws, 1, rw.HEAD_4)
    rw._put(ws, 2, rw.row4(1, GAO, "专利导航", "专利导航服务项目", 50, remark="合计3个子项目"))
    rw._put(ws, 3, rw.row4(2, None, "统计监测", "知识产权统计监测", 30, remark="小计另报"))
    rw._put(ws, 4, ["合计", None, None, None, 80])
    [checked] = validate_bytes(
        rw._save(book), "清远市-表四.xlsx", load_round(), parse=read_workbook
    )
    report = checked.report
    assert (report.rows, report.total, report.stated_total, report.issues) == (2, 80, 80, [])
