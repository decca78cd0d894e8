"""The pipeline on files shaped like real submissions: exactly the planted problems, at their cells."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import pytest
from builders import (
    MERGE_UP,
    QUIRKS,
    Submission,
    make_budget,
    project,
    subsidy,
    table4_rows,
    word_document,
    workbook,
)

from budget_planner.validators.check.pipeline import Upload, validate_bytes, validate_uploads
from budget_planner.validators.intake.extract import read_workbook

PERFORMANCE = "完成年度目标任务，形成工作报告1份"
MESSY = frozenset(QUIRKS - {"old_draft", "metadata", "category_every_row", "total"})


def check(data: bytes, name: str, round_, unit=None):
    return validate_bytes(data, name, round_, unit, parse=read_workbook)


def errors(checked):
    return [(i.code, i.cell) for c in checked for i in c.report.issues if i.is_error]


def table4_filled(taken: dict[str, object], **own):
    """The issued 表四 presets with some taken up (their 项目绩效 filled in)."""
    rows = table4_rows(taken=taken, own=own or None)
    for row in rows:
        if row.get("amount") is not None:
            row.setdefault("performance", PERFORMANCE)
            row["performance"] = row["performance"] or PERFORMANCE
    return rows


# ---------------------------------------------------------------- clean files
def test_messy_but_valid_table_four_has_no_error(province_round):
    taken = {
        "高价值专利培育布局中心建设": 50,
        "知识产权纠纷多元化解": 30.0,
        "专利转化实施专项": 120.5,
    }
    sub = Submission("表四", rows=table4_filled(taken), quirks=MESSY, unit="韶关市")
    for data in (sub.xlsx(), sub.xlsx("xlsxwriter")):
        [result] = check(data, "韶关市-表四（手工表）.xlsx", province_round)
        report = result.report
        assert errors([result]) == []
        assert (report.table, report.unit, report.rows) == ("表四", "韶关市", 3)
        assert report.total == Decimal("200.5")
        assert report.totals_by_category == {
            "知识产权高质量创造": Decimal(50),
            "强化知识产权保护": Decimal(30),
            "知识产权高效能转化": Decimal("120.5"),
        }


def test_exact_totals_never_float(province_round):
    rows = [
        project("知识产权高质量创造", "专利导航项目", 0.1),
        project(None, "专利池建设项目", 0.2),
        project("知识产权管理", "知识产权统计监测", 1234.2, performance=PERFORMANCE),
    ]
    quirks = frozenset({"title", "unit_line", "money_unit", "total"})
    [result] = check(
        Submission("表四", rows=rows, quirks=quirks).xlsx(), "清远市-表四.xlsx", province_round
    )
    d = result.report.to_dict()
    assert (d["total"], d["stated_total"]) == ("1234.5", "1234.5")
    assert d["totals_by_category"] == {"知识产权高质量创造": "0.3", "知识产权管理": "1234.2"}


# ---------------------------------------------------------------- planted errors
def test_table_one_with_planted_errors_yields_exactly_them(province_round):
    rows = [
        project("知识产权高质量创造", "高价值专利培育中心", 60, count_amount="3个×20万元"),
        project(None, "专利导航项目", -5),  # amount.negative
        project("知识产权运营", "运营平台建设", 40),  # category.unknown
        project(
            "强化知识产权保护", None, 30, count_amount="2项，每项10万元"
        ),  # 拟设置项目 missing; 2×10 ≠ 30
        project(None, "维权援助项目", "待定"),  # amount.not_number
        project("知识产权管理", "统计监测", 10, performance=None),  # 项目绩效 missing
    ]
    sub = Submission(
        "表一",
        rows=rows,
        quirks=frozenset({"title", "unit_line", "money_unit", "serial"}),
        unit="河源市",
    )
    [result] = check(sub.xlsx(), "河源市-表一.xlsx", province_round)
    cell = sub.layout.cell
    assert errors([result]) == [
        ("amount.negative", cell(1, "funding")),
        ("category.unknown", cell(2, "category")),
        ("required.missing", cell(3, "project")),
        ("count_amount.mismatch", cell(3, "count_amount")),
        ("amount.not_number", cell(4, "funding")),
        ("required.missing", cell(5, "performance")),
    ]
    assert result.report.total == Decimal(60 - 5 + 40 + 30 + 10)


def test_one_mistake_makes_one_error(province_round):
    """A negative or unreadable amount is its own error; 项目数及单项金额 and the 1:3 rule do not count it
    again (issue 20: "发现 3 处错误" for 2 mistakes)."""
    rows = [
        project("知识产权高质量创造", "高价值专利培育中心", -60, count_amount="3个×20万元"),
        project(None, "专利导航项目", "待定", count_amount="2项，每项10万元"),
        project(None, "专利池建设项目", 25, count_amount="2项，每项10万元"),  # a real mismatch
    ]
    sub = Submission("表一", rows=rows, quirks=frozenset({"title", "unit_line"}), unit="河源市")
    [result] = check(sub.xlsx(), "河源市-表一.xlsx", province_round)
    cell = sub.layout.cell
    assert errors([result]) == [
        ("amount.negative", cell(0, "funding")),
        ("amount.not_number", cell(1, "funding")),
        ("count_amount.mismatch", cell(2, "count_amount")),
    ]
    assert len(result.report.errors) == 3


def test_an_unreadable_match_is_not_also_too_small(province_round):
    [unreadable] = check(make_budget({"self_raised": "待定"}), "清远市-预算表.xlsx", province_round)
    assert [(i.code, i.cell) for i in unreadable.report.errors] == [("amount.not_number", "D13")]
    [negative] = check(make_budget({"self_raised": -300}), "清远市-预算表.xlsx", province_round)
    assert [(i.code, i.cell) for i in negative.report.errors] == [("rule.matching_funds", "D13")]


def test_subtotal_formula_that_skipped_a_text_amount(province_round):
    # =SUM() skips an amount typed as text: Excel cached 小计 50, the rows hold 80
    taken = {"高价值专利培育布局中心建设": 50, "专利导航服务基地培育建设项目": "30.00"}
    quirks = frozenset({"title", "unit_line", "subtotals"})
    sub = Submission("表四", rows=table4_filled(taken), quirks=quirks)
    [result] = check(sub.xlsx("xlsxwriter"), "清远市-表四.xlsx", province_round)
    [issue] = result.report.errors
    assert issue.code == "total.mismatch"
    assert issue.message.startswith("小计 50 与明细之和 80 不符（差 -30）：有金额以文本形式填写")
    assert [i.code for i in result.report.warnings] == ["amount.normalised"]


def test_stated_total_that_disagrees(province_round):
    rows = [project("知识产权高质量创造", "专利导航项目", 1000), project(None, "专利池项目", 234.5)]
    sub = Submission("表四", rows=rows, quirks=frozenset({"title", "unit_line", "total"}))
    sub.layout.cells[(sub.layout.total_row, sub.layout.columns["amount"])] = 1230
    [result] = check(sub.xlsx(), "清远市-表四.xlsx", province_round)
    [issue] = result.report.errors
    assert (issue.code, issue.cell) == (
        "total.mismatch",
        sub.layout.cell(0, "amount")[0] + str(sub.layout.total_row),
    )
    assert issue.message == "合计 1230 与明细之和 1234.5 不符（差 -4.5）"
    assert result.report.stated_total == Decimal(1230)


def test_shifted_row_is_reported_once(province_round):
    rows = [
        project("知识产权高质量创造", "专利导航项目", 50),
        # typed one column too far right: 序号 in 类型, 类型 in 主要工作内容 … 金额 in 必要性
        {
            "category": 2,
            "work_content": "知识产权高质量创造",
            "project": "开展专利池建设",
            "amount": "专利池建设项目",
            "necessity": 30,
            "policy_basis": "推进专利池建设",
            "performance": "《广东省知识产权保护和运用“十四五”规划》",
            "remarks": PERFORMANCE,
        },
    ]
    sub = Submission("表四", rows=rows, quirks=frozenset({"title", "unit_line"}))
    [result] = check(sub.xlsx(), "清远市-表四.xlsx", province_round)
    assert [(i.code, i.cell) for i in result.report.issues if i.row == sub.layout.rows[1]] == [
        ("row.shifted", sub.layout.cell(1, "amount"))
    ]


# ---------------------------------------------------------------- unreadable and unknown files
@pytest.mark.parametrize(
    ("data", "code"),
    [(b"", "file.empty"), (b"PK\x03\x04" + b"\x00" * 40, "file.corrupt"), (b"%PDF-1.7\n", "file.")],
)
def test_unreadable_file_gives_one_report(province_round, data, code):
    [result] = check(data, "清远市-表四.xlsx", province_round)
    assert result.table is None
    assert result.report.to_dict() | {"issues": None} == {
        "file": "清远市-表四.xlsx",
        "table": None,
        "unit": None,
        "sheet": None,
        "sheets": [],
        "ok": False,
        "rows": 0,
        "total": None,
        "totals_by_category": {},
        "stated_total": None,
        "issues": None,
    }
    [issue] = result.report.issues
    assert issue.code.startswith(code) and issue.is_error and issue.message
    assert result.report.unreadable


def test_workbook_without_a_table(province_round):
    data = workbook([Submission("表四").layout.__class__(name="说明", cells={(1, 1): "请见附件"})])
    [result] = check(data, "清远市.xlsx", province_round)
    assert result.report.table is None
    assert [i.code for i in result.report.errors] == ["table.unknown"]


# ---------------------------------------------------------------- batches
def test_batch_reports_in_argument_then_sheet_order(province_round, monkeypatch):
    from budget_planner.validators.check import schema

    calls = []
    original = schema.validate_tables
    monkeypatch.setattr(
        schema, "validate_tables", lambda spec, ts: calls.append(spec.id) or original(spec, ts)
    )

    one = Submission(
        "表一", rows=[project("知识产权管理", "统计监测", 10)], sheet="表一", unit="清远市"
    )
    two = Submission("表二", rows=[subsidy("发明专利授权后补助", 100)], sheet="表二", unit="清远市")
    four = Submission(
        "表四", rows=[project("知识产权管理", "统计监测", -1)], sheet="表四", unit="清远市"
    )
    both = workbook([one.layout, two.layout])
    uploads = [
        Upload(four.xlsx(), "清远市-表四.xlsx"),
        Upload(both, "清远市-表一表二.xlsx"),
        Upload(
            Submission("表四", rows=[project("知识产权管理", "统计监测", 5)], unit="韶关市").xlsx(),
            "韶关市-表四.xlsx",
        ),
    ]
    results = validate_uploads(uploads, province_round, parse=read_workbook)
    assert [[(c.report.file, c.report.table, c.report.sheet) for c in r] for r in results] == [
        [("清远市-表四.xlsx", "表四", "表四")],
        [("清远市-表一表二.xlsx", "表一", "表一"), ("清远市-表一表二.xlsx", "表二", "表二")],
        [("韶关市-表四.xlsx", "表四", "Sheet1")],
    ]
    assert [r[0].report.ok for r in results] == [False, True, True]
    assert results[0][0].report.errors[0].cell == four.layout.cell(0, "amount")
    assert sorted(calls) == ["表一", "表二", "表四"]  # one schema run per table type, not per file
    assert results[1][1].report.totals_by_category == {}


def test_budget_and_its_table_in_one_batch(province_round):
    taken = {"高价值专利培育布局中心建设": 60}
    four = Submission("表四", rows=table4_filled(taken), quirks=frozenset({"title", "unit_line"}))
    budget = make_budget({"project_name": "高价值专利培育布局中心建设", "provincial": 50})
    uploads = [
        Upload(four.xlsx(), "清远市-表四.xlsx"),
        Upload(budget, "清远市-预算表-高价值专利培育布局中心建设.xlsx"),
    ]
    results = validate_uploads(uploads, province_round, parse=read_workbook)
    [budget_result] = results[1]
    report = budget_result.report
    assert (report.table, report.rows, report.total, report.stated_total) == (
        "预算表",
        1,
        Decimal(200),
        Decimal(200),
    )
    assert [i.code for i in report.errors] == ["budget.row_mismatch"]
    assert "金额 60 不符" in report.errors[0].message
    # alone, the 预算表 has nothing to compare with
    [alone] = check(budget, "清远市-预算表.xlsx", province_round)
    assert alone.report.ok


def test_budget_rules_run_in_the_pipeline(province_round):
    data = make_budget({"self_raised": 100, "period": "2024年1月至2026年6月"})
    [result] = check(data, "清远市-预算表.xlsx", province_round)
    assert sorted(i.code for i in result.report.errors) == [
        "rule.implementation_period",
        "rule.matching_funds",
    ]


def test_word_table_is_read_as_its_grid(province_round):
    rows = table4_filled({"高价值专利培育布局中心建设": 50})
    rows.append(project("知识产权管理", "知识产权统计监测", -3))
    sub = Submission("表四", rows=rows, unit="梅州市")
    [result] = check(word_document([sub.word_table()]), "梅州市-表四.docx", province_round)
    assert (result.report.sheet, result.report.unit) == ("表格1", "梅州市")
    assert [(i.code, i.cell) for i in result.report.errors] == [
        ("amount.negative", sub.word_table().cell(len(rows) - 1, "amount"))
    ]


def test_merged_amount_counts_once(province_round):
    rows = [
        project("知识产权高质量创造", "专利导航项目", 40),
        project(None, "专利导航二期", MERGE_UP),
        project(None, "专利池项目", 10),
    ]
    [result] = check(Submission("表四", rows=rows).xlsx(), "清远市-表四.xlsx", province_round)
    assert result.report.total == Decimal(50)
    assert [i.code for i in result.report.warnings] == ["amount.merged"]


def test_core_imports_no_heavy_library_until_needed():
    code = (
        "import sys, budget_planner.validators.check.pipeline, budget_planner.app.validate;"
        "print(sorted(m for m in ('pandas', 'pandera', 'openpyxl', 'click', 'flask') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
