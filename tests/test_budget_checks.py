"""项目支出预算明细表: header, sources = 合计, expenses = 省局项目支出, notes, and the table row."""

from __future__ import annotations

from parsed_tables import make_budget, make_table

from budget_planner.templates.spec import resolve_table
from budget_planner.validators.check.budget_checks import (
    budget_key,
    budget_row_mismatch,
    check_budget,
)
from budget_planner.validators.report.issues import sort_issues

NOTE = (
    "知识产权服务费30万元：委托服务机构开展产业专利导航分析；专家咨询费5万元：评审论证3次；"
    "培训费5万元：举办专题培训2期；宣传费5万元；其他相关费用5万元：资料印刷及成果汇编。"
)


def navigation_budget(**changes):
    values = {
        "project_name": "专利导航服务基地培育建设项目",
        "unit": "清远市市场监督管理局（知识产权局）",
        "table_ref": "表四",
        "category": "知识产权高质量创造",
        "project_kind": "专利导航",
        "period": "2024年6月至2025年12月",
        "total": "100",
        "provincial": "50",
        "local_matching": "20",
        "self_raised": "30",
        "other_sources": None,
        "service_fee": "30",
        "maintenance_fee": None,
        "expert_fee": "5",
        "enforcement_aid": None,
        "training": "5",
        "publicity": "5",
        "other_expenses": "5",
        "calculation_note": NOTE,
    }
    labels = changes.pop("labels", None)
    remarks = changes.pop("remarks", None)
    values.update(changes)
    return make_budget(values, labels=labels, remarks=remarks)


def cells(issues):
    return [(i.code, i.cell) for i in sort_issues(issues)]


def test_a_sound_budget_passes():
    table, grid = navigation_budget()
    assert check_budget(table, grid) == []


def test_sources_must_add_up_to_the_total():
    table, grid = navigation_budget(total="110")
    issues = check_budget(table, grid)
    assert cells(issues) == [("budget.sources_mismatch", "C10")]
    assert issues[0].message == "合计 110 与各项资金来源之和 100 不符（差 10）"
    assert (issues[0].column, issues[0].row, issues[0].value) == ("合计", 10, "110")


def test_expense_lines_must_add_up_to_the_provincial_amount():
    table, grid = navigation_budget(service_fee="32.5")
    issues = check_budget(table, grid)
    assert cells(issues) == [("budget.expenses_mismatch", "C11")]
    assert issues[0].message == "省局项目支出 50 与支出明细之和 52.5 不符（差 -2.5）"


def test_provincial_amount_without_any_expense_line():
    blank = dict.fromkeys(
        ["service_fee", "expert_fee", "training", "publicity", "other_expenses"], None
    )
    table, grid = navigation_budget(**blank, calculation_note="见附件")
    assert cells(check_budget(table, grid)) == [("budget.expenses_mismatch", "C11")]


def test_unreadable_amount_leaves_the_sums_alone():
    table, grid = navigation_budget(self_raised="三十", service_fee="约30")
    assert check_budget(table, grid) == []


def test_other_expenses_need_a_note():
    table, grid = navigation_budget(calculation_note="知识产权服务费30万元，专家咨询费5万元。")
    issues = check_budget(table, grid)
    assert cells(issues) == [("budget.other_without_note", "C22")]
    assert issues[0].message == (
        "其他相关费用 5 万元未注明用途：请在该行注明，或在“支出项目经费测算说明”中说明"
    )


def test_note_written_into_the_label_or_remark_is_enough():
    no_note = "知识产权服务费30万元。"
    in_label, grid = navigation_budget(
        calculation_note=no_note, labels={"other_expenses": "7、其他相关费用（须注明）：资料印刷费"}
    )
    assert check_budget(in_label, grid) == []
    in_remark, grid = navigation_budget(
        calculation_note=no_note, remarks={"other_expenses": "成果汇编印刷"}
    )
    assert check_budget(in_remark, grid) == []
    bare_label, grid = navigation_budget(
        calculation_note=no_note, labels={"other_expenses": "7、其他相关费用（须注明）："}
    )
    assert cells(check_budget(bare_label, grid)) == [("budget.other_without_note", "C22")]


def test_zero_other_expenses_need_no_note():
    table, grid = navigation_budget(
        other_expenses="0", service_fee="35", calculation_note="知识产权服务费35万元。"
    )
    assert check_budget(table, grid) == []


def test_required_header_fields():
    # only 项目名称, 合计 and 省局项目支出 are required (issue 12): the rest is optional or inferred
    table, grid = navigation_budget(project_kind=None, period="  ", table_ref=None, category=None)
    assert check_budget(table, grid) == []
    table, grid = navigation_budget(project_name=None, total=None)
    issues = check_budget(table, grid)
    assert cells(issues) == [("required.missing", "B3"), ("required.missing", "C10")]
    assert [i.message for i in sort_issues(issues)] == ["“项目名称”为必填项", "“合计”为必填项"]
    lines = ("service_fee", "expert_fee", "training", "publicity", "other_expenses")
    table, grid = navigation_budget(provincial=None, total="50", **dict.fromkeys(lines))
    assert cells(check_budget(table, grid)) == [("required.missing", "C11")]


def test_category_must_belong_to_the_referenced_table():
    table, grid = navigation_budget(table_ref="表一", category="知识产权强市、强县建设")
    issues = check_budget(table, grid)
    assert cells(issues) == [("category.unknown", "B6")]
    assert issues[0].message.startswith("类型“知识产权强市、强县建设”不在表一的列表中，应为：")


def test_table_reference_forms():
    assert resolve_table("表四") == "表四"
    assert resolve_table("（四）") == "表四"
    assert resolve_table("需求征集表（三）") == "表三"
    assert resolve_table("下放地市审批权限部分") == "表四"
    assert resolve_table("后补助资金") == "表二"
    assert resolve_table("附表") is None


# ---------------------------------------------------------------- against the table row
def t4_rows(amount="50", unit="清远市"):
    rows = [
        {
            "category": "知识产权高质量创造",
            "work_content": "开展产业专利导航",
            "project": "专利导航服务基地培育建设项目",
            "amount": amount,
        },
        {"project": "知识产权联盟及专利池建设项目", "amount": "30"},
        {"category": "强化知识产权保护", "project": "知识产权纠纷多元化解", "amount": "20"},
    ]
    return make_table("表四", rows, unit=unit).project_rows


def test_budget_agrees_with_its_table_row():
    table, _ = navigation_budget()
    assert str(budget_key(table)) == "清远市|表四|知识产权高质量创造|专利导航服务基地培育建设项目"
    assert budget_row_mismatch(table, t4_rows("50")) == []


def test_budget_disagreeing_with_its_table_row():
    table, _ = navigation_budget()
    issues = budget_row_mismatch(table, t4_rows("60"))
    assert cells(issues) == [("budget.row_mismatch", "C11")]
    assert issues[0].message == (
        "省局项目支出 50 与表四 E5“专利导航服务基地培育建设项目”的金额 60 不符"
    )


def test_budget_without_category_still_finds_its_row():
    table, _ = navigation_budget(category=None)
    assert cells(budget_row_mismatch(table, t4_rows("45"))) == [("budget.row_mismatch", "C11")]


def test_budget_whose_project_is_not_in_the_table():
    table, _ = navigation_budget(project_name="专利导航基地项目")
    issues = budget_row_mismatch(table, t4_rows())
    assert cells(issues) == [("budget.no_row", "B3")]
    assert issues[0].severity == "warning"


def test_no_table_of_that_unit_says_nothing():
    table, _ = navigation_budget()
    assert budget_row_mismatch(table, t4_rows("60", unit="韶关市")) == []


# ---------------------------------------------------------------- the issued 预算表, filled in
def filled_budget_template(other: float, note: str) -> bytes:
    """The issued 预算表 of 清远市 filled with openpyxl: sources, expense lines and the 测算说明."""
    import io

    from openpyxl import load_workbook

    from budget_planner.templates.round import load_round
    from budget_planner.templates.spec import budget_spec
    from budget_planner.templates.writer import write_table_template

    wb = load_workbook(io.BytesIO(write_table_template(load_round(), "预算表", "清远市")))
    ws = wb.worksheets[0]
    by_label = {
        c.value: c.row for row in ws.iter_rows(max_col=3) for c in row if isinstance(c.value, str)
    }
    spec = budget_spec()
    header = {
        "project_name": "专利导航服务基地培育建设项目",
        "table_ref": "表四",
        "category": "知识产权高质量创造",
        "project_kind": "专利导航",
        "period": "2024年3月至2025年2月",
    }
    for col in spec.header:
        if col.key in header:
            ws.cell(by_label[col.label], 3).value = header[col.key]
    amounts = {"provincial": 50, "local_matching": 10, "service_fee": 45 - other, "training": 5}
    amounts["other_expenses"] = other
    for col in (*spec.sources, *spec.expenses):
        if col.key in amounts:
            ws.cell(by_label[col.label], 4).value = amounts[col.key]
    ws.cell(by_label[spec.note.label], 3).value = note
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_issued_template_with_other_expenses(province_round):
    from budget_planner.validators.check.pipeline import validate_bytes
    from budget_planner.validators.intake.extract import read_workbook

    def codes(data):
        [checked] = validate_bytes(data, "清远市-预算表.xlsx", province_round, parse=read_workbook)
        assert (checked.report.table, checked.report.total) == ("预算表", 60)
        # (the template's own check formulas =IF(…) have no cached value when openpyxl saves it:
        # the reader's formula.* findings, not the 预算表's)
        return [(i.code, i.cell) for i in checked.report.errors if i.code.startswith("budget.")]

    plain_note = "知识产权服务费40万元：产业专利导航分析；培训费5万元。"
    assert codes(filled_budget_template(5, plain_note)) == [("budget.other_without_note", "D23")]
    noted = plain_note + "其他相关费用5万元：成果汇编印刷。"
    assert codes(filled_budget_template(5, noted)) == []
    assert codes(filled_budget_template(0, plain_note)) == []
