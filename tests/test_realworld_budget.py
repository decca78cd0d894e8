"""项目支出预算明细表 made by hand (seed 000 §三's layout, Excel and Word), alone and beside the 表四
they belong to, and real-world files through ``budget-planner validate --json``."""

from __future__ import annotations

import json

import pytest
import realworld_files as rw
from click.testing import CliRunner
from test_realworld_tables import one

from budget_planner.cli import main
from budget_planner.templates.round import load_round
from budget_planner.validators.check.pipeline import Upload, validate_uploads
from budget_planner.validators.intake.extract import read_workbook

EXCEL_SUM_HINT = "：有金额以文本形式填写，Excel 求和时不计入，请改为数字"


def budget(made, round_id=None) -> dict:
    got = one(made, round_id)
    assert (got["table"], got["rows"], got["by_category"]) == ("预算表", 1, {})
    return got


def test_clean_budget_typed_in_excel():
    got = budget(rw.b_xlsxwriter_cached())
    assert (got["unit"], got["sheet"], got["total"], got["stated_total"]) == (
        "清远市",
        "项目支出预算明细表",
        "150",
        "150",
    )
    assert got["issues"] == []


def test_budget_sum_that_skips_an_amount_typed_as_text():
    name, data = rw.b_sum_skips_text_amount()
    [[checked]] = validate_uploads([Upload(data, name)], load_round(), parse=read_workbook)
    report = checked.report.to_dict()
    assert (report["unit"], report["total"], report["stated_total"]) == ("清远市", "150", "120")
    assert [(i["code"], i["cell"]) for i in report["issues"]] == [
        ("budget.sources_mismatch", "D10"),
        ("formula.evaluated", "D10"),
        ("amount.normalised", "D13"),
    ]
    assert (
        report["issues"][0]["message"]
        == "合计 120 与各项资金来源之和 150 不符（差 -30）" + EXCEL_SUM_HINT
    )


def test_other_expenses_noted_in_their_own_label():
    got = budget(rw.b_other_note_in_label())
    assert (got["unit"], got["total"], got["stated_total"], got["issues"]) == (
        "清远市",
        "50",
        "50",
        [],
    )


def test_budget_that_does_not_add_up_and_leaves_other_expenses_unexplained():
    got = budget(rw.b_other_without_note_and_gaps())
    assert (got["total"], got["stated_total"]) == ("70", "80")
    assert got["issues"] == [
        ("budget.sources_mismatch", "D10"),
        ("budget.expenses_mismatch", "D11"),
        ("budget.other_without_note", "D22"),
    ]


def test_hengyang_rules_on_matching_funds_and_period():
    got = budget(rw.hy_budget_matching_funds(), "hengyang-2024")
    assert (got["unit"], got["sheet"], got["total"], got["stated_total"]) == (
        "耒阳市",
        "预算明细",
        "40",
        "40",
    )
    assert got["issues"] == [
        ("rule.implementation_period", "C8"),
        ("rule.matching_funds", "D13"),
    ]


def test_hengyang_budget_as_a_word_table():
    got = budget(rw.hy_budget_docx(), "hengyang-2024")
    assert (got["unit"], got["sheet"], got["total"], got["stated_total"], got["issues"]) == (
        "高新区",
        "表格1",
        "25",
        "25",
        [],
    )


@pytest.mark.parametrize(
    ("provincial", "issues"), [(100, []), (90, [("budget.row_mismatch", "D11")])]
)
def test_budget_beside_the_table4_row_it_belongs_to(provincial, issues):
    table4, form = rw.t4_template_filled(), rw.b_xlsxwriter_cached(provincial)
    uploads = [Upload(table4[1], table4[0]), Upload(form[1], form[0])]
    _, [checked] = validate_uploads(uploads, load_round(), parse=read_workbook)
    found = [(i.code, i.cell) for i in checked.report.issues]
    assert found == issues
    if issues:
        assert checked.report.issues[0].message == (
            f"省局项目支出 {provincial} 与表四 E31“专利转化实施专项”的金额 100 不符"
        )


# ---------------------------------------------------------------- through the command line
@pytest.fixture(autouse=True, scope="module")
def _parse_pool():
    from budget_planner.validators.intake import worker

    yield
    worker.shutdown()


def test_validate_json_on_real_world_files(tmp_path):
    made = [
        rw.multi_sheets_with_instructions(),
        rw.doc_notice_four_tables(),
        rw.t2_xls_typed(),
        rw.t4_with_mistakes(),
        rw.b_xlsxwriter_cached(),
    ]
    paths = []
    for name, data in made:
        path = tmp_path / name
        path.write_bytes(data)
        paths.append(str(path))
    result = CliRunner().invoke(main, ["validate", "--json", *paths])
    assert result.exit_code == 1, result.output  # 河源市's 表四 has errors
    reports = json.loads(result.stdout)
    assert [(r["file"], r["table"], r["unit"], r["rows"], r["total"]) for r in reports] == [
        (made[0][0], "表一", "佛山市", 1, "20"),
        (made[0][0], "表二", "佛山市", 1, "15"),
        (made[0][0], "表三", "佛山市", 1, "45"),
        (made[0][0], "表四", "佛山市", 2, "100"),
        (made[1][0], "表一", "潮州市", 1, "20"),
        (made[1][0], "表二", "潮州市", 1, "15"),
        (made[1][0], "表三", "潮州市", 1, "8.5"),
        (made[1][0], "表四", "潮州市", 2, "50"),
        (made[2][0], "表二", "江门市", 2, "42.5"),
        (made[3][0], "表四", "河源市", 5, "43"),
        (made[4][0], "预算表", "清远市", 1, "150"),
    ]
    assert [r["ok"] for r in reports] == [True] * 9 + [False, True]
    mistakes = reports[9]
    assert [(i["code"], i["cell"], i["severity"]) for i in mistakes["issues"]] == [
        ("amount.negative", "E4", "error"),
        ("amount.not_number", "E5", "error"),
        ("category.unknown", "B6", "error"),
        ("required.missing", "D7", "error"),
        ("policy_basis.no_document", "G8", "warning"),
    ]
    assert mistakes["issues"][1]["message"] == "金额“待定”不是数字，请填写数字（单位：万元）"


def test_budget_on_a_second_sheet_with_plain_labels_and_amounts_in_column_e():
    got = budget(rw.b_second_sheet_plain_labels())
    assert (got["unit"], got["sheet"], got["total"], got["stated_total"]) == (
        "清远市",
        "预算",
        "40",
        "40",
    )
    assert got["issues"] == [
        ("amount.normalised", "E10"),
        ("amount.normalised", "E11"),
        ("amount.normalised", "E12"),
    ]
