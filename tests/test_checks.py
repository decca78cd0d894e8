"""Cross-cell table checks: counts × amounts, 合计/小计, 政策依据, shifted rows, numbers in text columns."""

from __future__ import annotations

from parsed_tables import make_table

from budget_planner.validators.check.checks import (
    _NUMBER_HEAD,
    _NUMBER_START,
    check_count_amount,
    check_numbers_in_text,
    check_policy_basis,
    check_shifted_rows,
    check_table,
    check_totals,
)
from budget_planner.validators.intake.grid import SheetGrid
from budget_planner.validators.read.model import RowKind
from budget_planner.validators.report.issues import sort_issues

CREATE = "知识产权高质量创造"
PROTECT = "强化知识产权保护"
BASIS = "《广东省知识产权保护和运用“十四五”规划》"


def t1_row(category=None, funding="60", count="3个×20万元", **extra):
    row = {
        "serial": 1,
        "category": category,
        "work_content": "支持高价值专利培育",
        "funding": funding,
        "project": "高价值专利培育布局中心",
        "count_amount": count,
        "necessity": "提升专利质量",
        "policy_basis": BASIS,
        "performance": "培育高价值专利100件",
        "remarks": None,
    }
    row.update(extra)
    return row


def t4_row(category=None, amount="50", **extra):
    row = {
        "serial": 1,
        "category": category,
        "work_content": "开展产业专利导航",
        "project": "专利导航服务基地培育建设项目",
        "amount": amount,
        "necessity": "支撑产业决策",
        "policy_basis": BASIS,
        "performance": "形成导航报告1份",
    }
    row.update(extra)
    return row


def total_row(amount, label="合计"):
    return {"serial": label, "amount": amount, "funding": amount}


def cells(issues):
    return [(i.code, i.cell) for i in sort_issues(issues)]


# ---------------------------------------------------------------- 项目数及单项金额
def test_count_amount_agrees_or_points_at_its_cell(specs):
    rows = [
        t1_row(CREATE),  # 3×20 = 60
        t1_row(funding="50", count="2项，每项25万元"),  # 50 ✓
        t1_row(funding="45", count="1个，50万元"),  # F7 ✗
        t1_row(funding="30", count="若干"),  # F8 unreadable
        t1_row(funding="50", count="共3项，每项不超过20万元"),  # upper bound: 50 ≤ 60 ✓
        t1_row(funding="70", count="共3项，每项不超过20万元"),  # F10 ✗
        t1_row(funding=None, count=None),  # nothing to compare
    ]
    table = make_table("表一", rows)
    issues = list(check_count_amount(table, specs.table("表一")))
    assert cells(issues) == [
        ("count_amount.mismatch", "F7"),
        ("count_amount.unreadable", "F8"),
        ("count_amount.mismatch", "F10"),
    ]
    assert issues[0].message == "“1个,50万元”合计 50 万元，与经费安排(万元) 45 不符"
    assert issues[0].severity == "error" and issues[1].severity == "warning"
    assert issues[1].column == "项目数及单项金额"


# ---------------------------------------------------------------- 合计 / 小计
def test_total_mismatch_names_both_figures(specs):
    rows = [
        t4_row(CREATE, amount="1000"),
        t4_row(amount="200.5"),
        t4_row(PROTECT, amount="34"),
        total_row("1230"),
    ]
    table = make_table("表四", rows, kinds={3: RowKind.TOTAL})
    issues = list(check_totals(table, specs.table("表四")))
    assert cells(issues) == [("total.mismatch", "E8")]
    assert issues[0].message == "合计 1230 与明细之和 1234.5 不符（差 -4.5）"
    assert (issues[0].row, issues[0].column, issues[0].value) == (8, "金额", "1230")


def test_matching_total_and_subtotals_pass(specs):
    rows = [
        t4_row(CREATE, amount="10"),
        t4_row(amount="20.25"),
        total_row("30.25", "小计"),
        t4_row(PROTECT, amount="5"),
        total_row("5", "小计"),
        total_row("35.25"),
    ]
    kinds = {2: RowKind.SUBTOTAL, 4: RowKind.SUBTOTAL, 5: RowKind.TOTAL}
    table = make_table("表四", rows, kinds=kinds)
    assert list(check_totals(table, specs.table("表四"))) == []


def test_subtotal_sums_only_its_group(specs):
    rows = [
        t4_row(CREATE, amount="10"),
        t4_row(amount="20"),
        total_row("30", "小计"),  # ✓
        t4_row(PROTECT, amount="5"),
        t4_row(amount="6"),
        total_row("12", "小计"),  # E10 ✗ (11)
    ]
    table = make_table("表四", rows, kinds={2: RowKind.SUBTOTAL, 5: RowKind.SUBTOTAL})
    issues = list(check_totals(table, specs.table("表四")))
    assert cells(issues) == [("total.mismatch", "E10")]
    assert issues[0].message == "小计 12 与明细之和 11 不符（差 1）"


def test_subtotal_at_the_head_of_its_group(specs):
    # some offices put the 小计 on the 类型 line, above the rows it sums
    rows = [
        {"category": CREATE, "serial": "小计", "amount": "30"},
        t4_row(CREATE, amount="10"),
        t4_row(amount="20"),
    ]
    table = make_table("表四", rows, kinds={0: RowKind.SUBTOTAL})
    assert list(check_totals(table, specs.table("表四"))) == []


def test_total_that_skipped_a_number_typed_as_text(specs):
    # Excel's =SUM skips "30" typed as text: the sheet shows 小计 10 while the rows hold 40
    rows = [t4_row(CREATE, amount=10), t4_row(amount="30"), total_row(10, "小计")]
    table = make_table("表四", rows, kinds={2: RowKind.SUBTOTAL})
    table.rows[0].fields["amount"].raw = 10  # a numeric cell; the second stays text
    [issue] = check_totals(table, specs.table("表四"))
    assert issue.message == (
        "小计 10 与明细之和 40 不符（差 -30）：有金额以文本形式填写，Excel 求和时不计入，请改为数字"
    )


def test_total_not_checked_over_an_unreadable_amount(specs):
    rows = [t4_row(CREATE, amount="10"), t4_row(amount="十万"), total_row("99")]
    table = make_table("表四", rows, kinds={2: RowKind.TOTAL})
    assert list(check_totals(table, specs.table("表四"))) == []


def test_stated_total_outside_the_rows_is_checked(specs):
    # a 合计 the reader found elsewhere (e.g. a footer line "合计：80万元")
    from decimal import Decimal

    table = make_table("表四", [t4_row(CREATE, amount="10"), t4_row(amount="20")])
    table.stated_total, table.stated_total_cell = Decimal(80), "E9"
    issues = list(check_totals(table, specs.table("表四")))
    assert cells(issues) == [("total.mismatch", "E9")]
    assert issues[0].row == 9


# ---------------------------------------------------------------- 政策依据
def test_policy_basis_without_document_is_a_warning(specs):
    rows = [
        t4_row(CREATE),
        t4_row(policy_basis="根据省局工作要点"),  # G6
        t4_row(policy_basis=None),  # required.missing is the schema's job
    ]
    issues = list(check_policy_basis(make_table("表四", rows), specs.table("表四")))
    assert cells(issues) == [("policy_basis.no_document", "G6")]
    assert issues[0].severity == "warning"
    assert issues[0].message == "“项目设置政策依据”未写明政策文件名称，请用书名号《》标出文件"


def test_table_two_checks_its_subsidy_basis(specs):
    row = {
        "work_content": "专利授权后补助",
        "subsidy_name": "发明专利授权后补助",
        "subsidy_amount": "100",
        "subsidy_basis": "按往年做法",
        "subsidy_recipient": "各县区",
        "performance": "资助发明专利200件",
    }
    issues = list(check_policy_basis(make_table("表二", [row]), specs.table("表二")))
    assert cells(issues) == [("policy_basis.no_document", "E5")]
    assert issues[0].column == "后补助依据"


# ---------------------------------------------------------------- numbers in text columns
def test_bare_number_in_a_text_column(specs):
    rows = [
        t4_row(CREATE),
        t4_row(performance=50),  # H6: a numeric cell
        t4_row(necessity="50万元"),  # F7
        t4_row(project="2024年知识产权宣传周活动"),  # text with digits: fine
        t4_row(remarks="3"),  # 备注 is free
    ]
    issues = sort_issues(check_numbers_in_text(make_table("表四", rows), specs.table("表四")))
    assert cells(issues) == [("amount.in_text_column", "H6"), ("amount.in_text_column", "F7")]
    assert issues[0].message == "“项目绩效”填的是数字“50”，应为文字；金额请填在“金额”列"


# ---------------------------------------------------------------- shifted rows
def test_row_shifted_right_by_one(specs):
    shifted = {
        "serial": None,
        "category": 3,  # B holds the 序号
        "work_content": CREATE,  # C holds the 类型
        "project": "开展专利导航",  # D holds the 主要工作内容
        "amount": "专利导航项目",  # E holds the 拟设置项目
        "necessity": "50",  # F holds the amount
        "policy_basis": "支撑产业决策",
        "performance": BASIS,
    }
    table = make_table("表四", [t4_row(CREATE), shifted, t4_row()])
    issues = list(check_shifted_rows(table, specs.table("表四")))
    assert cells(issues) == [("row.shifted", "E6")]
    assert issues[0].message == (
        "第 6 行整行向右错位了一列（金额在 F6，应在 E6），请将该行内容向左移一列"
    )


def test_row_shifted_left_by_one(specs):
    shifted = {
        "serial": PROTECT,  # A holds the 类型
        "category": "开展维权援助",
        "work_content": "维权援助项目",
        "project": 30,  # D holds the amount
        "amount": "保护创新主体",  # E holds the 必要性
        "necessity": BASIS,
        "policy_basis": "办理案件50件",
        "performance": None,
    }
    table = make_table("表四", [t4_row(CREATE), shifted])
    issues = list(check_shifted_rows(table, specs.table("表四")))
    assert cells(issues) == [("row.shifted", "E6")]
    assert "向左错位" in issues[0].message


def test_shift_seen_by_the_spill_past_the_last_column(specs):
    # 表二 has no 类型: the row's last cell spilling into the column after the table tells it
    row = {
        "serial": None,
        "work_content": 1,
        "subsidy_name": "专利授权后补助",
        "subsidy_amount": "发明专利授权后补助",
        "subsidy_basis": 100,
        "subsidy_recipient": "《广东省专利奖励办法》",
        "performance": "各县区",
        "remarks": "资助发明专利200件",
    }
    table = make_table("表二", [row])
    grid = SheetGrid(name="Sheet1", values=[[None] * 9 for _ in range(5)])
    grid.values[4][8] = "无"  # I5: the 备注 pushed out of the table
    assert cells(check_shifted_rows(table, specs.table("表二"), grid)) == [("row.shifted", "D5")]
    assert (
        cells(check_shifted_rows(table, specs.table("表二"))) == []
    )  # one sign alone is not enough


def test_text_in_amount_with_a_number_beside_it_alone_is_no_shift(specs):
    # 金额 "待定" and a number in 必要性: two typos, not a shifted row
    table = make_table("表四", [t4_row(CREATE, amount="待定", necessity="50")])
    assert list(check_shifted_rows(table, specs.table("表四"))) == []


def test_shifted_row_reports_only_the_shift(specs):
    shifted = {
        "category": 3,
        "work_content": CREATE,
        "project": "开展专利导航",
        "amount": "专利导航项目",
        "necessity": "50",  # also a bare number in a text column: a consequence
        "policy_basis": "支撑产业决策",  # no 《》: a consequence
        "performance": BASIS,
    }
    table = make_table("表四", [t4_row(CREATE), shifted])
    assert cells(check_table(table, specs.table("表四"))) == [("row.shifted", "E6")]


def test_the_first_look_for_a_number_in_text_is_one_set():
    # check_numbers_in_text's first look takes a cell whose first character may start a number
    # (a digit, a sign, ¥ …) or is a space of any kind: one set, the same answer for every character
    for code in range(0x110000):
        c = chr(code)
        assert (c in _NUMBER_HEAD) == (c in _NUMBER_START or c.isspace()), hex(code)
