"""The second real-world set (``tests/realworld2``, written by ``make_realworld2.py``): returns made
with openpyxl (inline strings, rich text), LibreOffice (.xlsx, BIFF8 .xls), python-docx (申报书 in
several tables) and on the 1904 date system, and a 衡阳 round of county returns with its 园区.

Each round's files go through ``budget-planner validate --json`` once, as a clerk would send them
together, and each file's report is what a careful reviewer expects of it: table, unit, sheets, rows,
exact totals in 万元, and every issue as (severity, code, sheet, cell). Every clean file has no error;
every planted mistake is found at its cell. One test per bullet of issue 12's "What goes wrong today".
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from budget_planner.cli import main

HERE = Path(__file__).parent / "realworld2"
E, W = "error", "warning"
GAO, BAO, ZHUAN = "知识产权高质量创造", "强化知识产权保护", "知识产权高效能转化"
HENGYANG = [
    "珠晖区-专利培育-申报书.docx",
    "地理标志品牌推广项目申报书.docx",
    "常宁市-申报书.docx",
    "珠晖区-表四.xls",
    "园区项目预算表.xlsx",
    "耒阳市-表四.xlsx",
    "常宁市-表四.xlsx",
]
PROVINCE = sorted(p.name for p in HERE.iterdir() if p.name not in HENGYANG)
# the files a careful reviewer finds nothing wrong with (warnings allowed)
CLEAN = [
    "清远市-表四-内联文本.xlsx",
    "韶关市-表四.xlsx",
    "梅州市-表三.xlsx",
    "清远市-专利技术产业化-申报书.xlsx",
    "韶关市-表四-单位元.xlsx",
    "河源市-表一.xlsx",
    "江门市-表四.xls",
    "茂名市-表三.xls",
    "汕头市-预算表.xlsx",
    "珠晖区-专利培育-申报书.docx",
    "地理标志品牌推广项目申报书.docx",
    "珠晖区-表四.xls",
    "园区项目预算表.xlsx",
    "常宁市-表四.xlsx",
]


@pytest.fixture(autouse=True, scope="module")
def _parse_pool():
    from budget_planner.validators.intake import worker

    yield
    worker.shutdown()


def _validate(names: list[str], *options: str) -> dict[str, list[dict]]:
    result = CliRunner().invoke(
        main, ["validate", "--json", *options, *(str(HERE / n) for n in names)]
    )
    assert result.exit_code == 1, result.output  # the planted mistakes are errors
    by_file: dict[str, list[dict]] = {}
    for report in json.loads(result.stdout):
        by_file.setdefault(Path(report["file"]).name, []).append(report)
    return by_file


@pytest.fixture(scope="module")
def province() -> dict[str, list[dict]]:
    return _validate(PROVINCE)


@pytest.fixture(scope="module")
def hengyang() -> dict[str, list[dict]]:
    return _validate(HENGYANG, "--round", "hengyang-2024")


@pytest.fixture(scope="module")
def reports(province, hengyang) -> dict[str, list[dict]]:
    return {**province, **hengyang}


def one(reports: dict[str, list[dict]], name: str) -> dict:
    """A file's one report, its issues as (severity, code, sheet, cell)."""
    [report] = reports[name]
    found = {k: report.get(k) for k in ("table", "unit", "sheet", "sheets", "rows", "total")}
    found["stated_total"] = report["stated_total"]
    found["by_category"] = report["totals_by_category"]
    if "applicant" in report:
        found["applicant"] = report["applicant"]
    found["issues"] = [(i["severity"], i["code"], i["sheet"], i["cell"]) for i in report["issues"]]
    return found


def test_every_file_of_the_set_is_read(reports):
    assert sorted(reports) == sorted([*PROVINCE, *HENGYANG])
    assert len(reports) == 22


@pytest.mark.parametrize("name", CLEAN)
def test_clean_files_have_no_error(reports, name):
    assert [i for i in one(reports, name)["issues"] if i[0] == E] == []


# ---------------------------------------------------------------- 预算表 in the seed's own layout
def test_declaration_on_one_sheet_as_the_seed_lays_it_out(reports):
    # no 所属表/类型/项目类别 (not required), 研究起止日期 | 2024年1月 | 至 | 2025年12月 read whole
    # (24 months: within the rule), the applicant a firm kept apart, the 推荐单位 the unit; 清远市's
    # 表四 of the same batch has no such project: the warning that its table cannot be told
    assert one(reports, "清远市-专利技术产业化-申报书.xlsx") == {
        "table": "预算表",
        "unit": "清远市",
        "sheet": "申报书",
        "sheets": ["申报书"],
        "rows": 1,
        "total": "200",
        "stated_total": "200",
        "by_category": {},
        "applicant": "清远市华能电机有限公司",
        "issues": [(W, "budget.no_row", "申报书", "B7")],
    }


def test_word_declaration_in_several_tables_is_one_budget(reports):
    # §一 in 表格1 (项目名称, the period over three cells, the applicant), participants in 表格2,
    # the money in 表格3; no 所属表: its name is 珠晖区's 表四 row 高价值专利培育 (place and 项目
    # added) asking the same 8 万元, so nothing is said
    assert one(reports, "珠晖区-专利培育-申报书.docx") == {
        "table": "预算表",
        "unit": "珠晖区",
        "sheet": "表格3",
        "sheets": ["表格3"],
        "rows": 1,
        "total": "40",
        "stated_total": "40",
        "by_category": {},
        "applicant": "衡阳市恒信新材料科技有限公司",
        "issues": [],
    }


def test_the_recommending_unit_is_the_unit_never_the_applicant(reports):
    # the file's name names no unit: 推荐单位名称 in §一 does; the applicant is an association
    got = one(reports, "地理标志品牌推广项目申报书.docx")
    assert (got["unit"], got["applicant"], got["total"]) == ("衡东县", "衡东县黄贡椒产业协会", "30")


# ---------------------------------------------------------------- the rules miss
def test_matching_funds_for_the_programme_named_with_its_city(reports):
    # 项目类别 清远市专利技术实施计划 is seed 004's programme: 单位自筹 100 < 3 × 50
    assert one(reports, "清远市-专利技术实施计划-预算表.xlsx")["issues"] == [
        (W, "budget.no_row", "预算表", "B2"),
        (E, "rule.matching_funds", "预算表", "C11"),
    ]
    [report] = reports["清远市-专利技术实施计划-预算表.xlsx"]
    assert report["issues"][1]["message"] == (
        "项目类别为“专利技术实施计划”时，单位自筹（100 万元）应不低于省局项目支出（50 万元）的 3 倍，"
        "即至少 150 万元"
    )


def test_matching_funds_for_a_programme_named_by_its_year_and_project(reports):
    # no 项目类别: the 项目名称 2024年度专利技术实施计划项目 names the programme; the period written
    # 项目起止时间：2024年7月至2026年6月 in one cell is 24 months (within the rule)
    got = one(reports, "常宁市-申报书.docx")
    assert (got["unit"], got["applicant"], got["total"]) == (
        "常宁市",
        "常宁市精工机械有限公司",
        "60",
    )
    assert got["issues"] == [(E, "rule.matching_funds", "表格3", "D5")]


@pytest.mark.parametrize(
    ("name", "sheet", "cell", "months"),
    [("惠州市-预算表.xls", "预算", "B5", 30), ("汕尾市-预算表.xlsx", "预算表", "B5", 30)],
)
def test_a_period_too_long_under_any_label_is_the_rules_error(reports, name, sheet, cell, months):
    # 执行期限 (惠州市) and 项目起止时间 as two 1904-system date cells (汕尾市): too long, not "missing"
    got = one(reports, name)
    assert got["issues"] == [(E, "rule.implementation_period", sheet, cell)]
    [report] = reports[name]
    assert f"共 {months} 个月，超过 24 个月" in report["issues"][0]["message"]


def test_a_1904_workbook_reads_its_dates_as_dates(reports):
    got = one(reports, "汕头市-预算表.xlsx")  # 2024-01-01 至 2025-12-31: 24 months exactly
    assert (got["unit"], got["total"], got["issues"]) == ("汕头市", "20", [])
    got = one(reports, "潮州市-表四.xlsx")
    assert (got["rows"], got["total"], got["issues"]) == (
        2,
        "8",
        [(E, "amount.not_number", "Sheet", "E5")],
    )
    [report] = reports["潮州市-表四.xlsx"]
    assert report["issues"][0]["value"] == "2024-05-01"  # not 2028: the 1904 system is honoured


# ---------------------------------------------------------------- 其他相关费用's note
@pytest.mark.parametrize("name", ["惠州市-预算表.xls", "地理标志品牌推广项目申报书.docx"])
def test_other_expenses_explained_in_the_calculation_note(reports, name):
    # in a long 测算说明 written into its label cell (惠州市), or as 其它相关费用 (衡东县)
    assert "budget.other_without_note" not in [i[1] for i in one(reports, name)["issues"]]


# ---------------------------------------------------------------- nil returns
@pytest.mark.parametrize(
    ("name", "cell"),
    [("梅州市-表三.xlsx", "C4"), ("河源市-表一.xlsx", "B4"), ("常宁市-表四.xlsx", "B4")],
)
def test_nil_returns(reports, name, cell):
    # 暂无 in 主要工作内容; 无 across the row; 本单位无需求 merged across the row
    got = one(reports, name)
    assert (got["rows"], got["total"], got["stated_total"], got["by_category"]) == (
        0,
        "0",
        None,
        {},
    )
    assert got["issues"] == [(W, "table.nil_return", got["sheet"], cell)]


# ---------------------------------------------------------------- amounts in 元
def test_a_column_headed_in_yuan(reports):
    got = one(reports, "河源市-表二-元.xlsx")
    assert (got["table"], got["unit"], got["rows"], got["total"]) == ("表二", "河源市", 4, "80.5")
    assert got["issues"] == [
        (W, "amount.in_yuan", "Sheet", "D4"),
        (E, "project.duplicate", "Sheet", "C8"),
    ]


def test_a_yuan_line_above_the_table(reports):
    # 单位：元 in H2: 500000 + 123456.78 + 80000 元; 分 rounded to 4 places of 万元 (1 元)
    assert one(reports, "韶关市-表四-单位元.xlsx") == {
        "table": "表四",
        "unit": "韶关市",
        "sheet": "Sheet",
        "sheets": ["Sheet"],
        "rows": 3,
        "total": "70.3457",
        "stated_total": "70.3457",
        "by_category": {GAO: "50", "知识产权高水平服务": "12.3457", "知识产权人才建设": "8"},
        "issues": [
            (W, "amount.in_yuan", "Sheet", "H2"),
            (W, "amount.rounded", "Sheet", "E5"),
            (W, "amount.rounded", "Sheet", "E7"),
        ],
    }


def test_a_yuan_header_over_amounts_in_wan_is_suspect(reports):
    got = one(reports, "茂名市-表三.xls")
    assert (got["table"], got["total"], got["by_category"]) == (
        "表三",
        "0.0075",
        {BAO: "0.003", "知识产权高水平服务": "0.0045"},
    )
    assert got["issues"] == [
        (W, "amount.in_yuan", "Sheet", "D3"),
        (W, "amount.in_yuan_suspect", "Sheet", "D3"),
    ]


# ---------------------------------------------------------------- continued tables
def test_a_table_continued_on_a_second_sheet_is_one_table(reports):
    assert one(reports, "韶关市-表四.xlsx") == {
        "table": "表四",
        "unit": "韶关市",
        "sheet": "表四",
        "sheets": ["表四", "表四（续）"],
        "rows": 5,
        "total": "170",
        "stated_total": "170",  # the 合计 on the second sheet, over both
        "by_category": {GAO: "75.5", BAO: "20", ZHUAN: "74.5"},
        "issues": [(W, "table.continued", "表四（续）", None)],
    }


# ---------------------------------------------------------------- double requests
@pytest.mark.parametrize(
    ("name", "sheet", "cell", "total"),
    [
        (
            "佛山市-表二.xls",
            "表二",
            "C10",
            "95",
        ),  # rows 7–8 merged: one 后补助's two lines, no double
        ("耒阳市-表四.xlsx", "Sheet", "D6", "29"),
    ],
)
def test_double_requests(reports, name, sheet, cell, total):
    got = one(reports, name)
    assert got["total"] == total
    assert got["issues"] == [(E, "project.duplicate", sheet, cell)]


def test_a_double_request_names_the_first(reports):
    [report] = reports["耒阳市-表四.xlsx"]
    assert report["issues"][0]["message"] == (
        "拟设置项目“高价值专利培育”与第 4 行（D4）重复：同一项目只填一行，如确是两个项目请改用不同的名称"
    )


def test_one_subsidy_to_two_recipients_is_two_projects(reports):
    # 发明专利资助后补助 for 河源市知识产权服务中心 and for 河源高新区企业服务中心: the double is row 8
    [report] = reports["河源市-表二-元.xlsx"]
    assert [i["cell"] for i in report["issues"] if i["code"] == "project.duplicate"] == ["C8"]


# ---------------------------------------------------------------- hidden rows
@pytest.mark.parametrize(
    ("name", "cell", "rows", "total"),
    [("清远市-表四-内联文本.xlsx", "D8", 6, "120"), ("江门市-表四.xls", "D6", 4, "36.5")],
)
def test_hidden_rows_are_counted_and_named(reports, name, cell, rows, total):
    got = one(reports, name)
    assert (got["rows"], got["total"], got["stated_total"]) == (rows, total, total)
    assert got["issues"] == [(W, "row.hidden", got["sheet"], cell)]


def test_rich_text_reads_as_its_text(reports):
    got = one(reports, "清远市-表四-内联文本.xlsx")
    assert got["by_category"] == {GAO: "50", BAO: "30", ZHUAN: "40"}  # a bold 知识产权 + 高质量创造


# ---------------------------------------------------------------- units with a bracketed sub-office
def test_a_park_files_under_its_legal_name_with_the_sub_office_in_brackets(reports):
    got = one(reports, "园区项目预算表.xlsx")
    assert (got["table"], got["unit"], got["total"], got["issues"]) == (
        "预算表",
        "高新区",
        "25",
        [],
    )


def test_county_table4_in_xls_in_the_hengyang_round(reports):
    assert one(reports, "珠晖区-表四.xls") == {
        "table": "表四",
        "unit": "珠晖区",
        "sheet": "表四",
        "sheets": ["表四"],
        "rows": 3,
        "total": "25",
        "stated_total": "25",
        "by_category": {GAO: "20", BAO: "5"},
        "issues": [],
    }


def message(reports: dict[str, list[dict]], name: str, code: str) -> str:
    [report] = reports[name]
    return next(i["message"] for i in report["issues"] if i["code"] == code)


def test_each_new_message_says_what_was_done(reports):
    assert message(reports, "梅州市-表三.xlsx", "table.nil_return") == (
        "本表填报为“暂无”，按“没有需求”处理（行数 0，合计 0）"
    )
    assert message(reports, "韶关市-表四.xlsx", "table.continued") == (
        "工作表“表四（续）”接续“表四”的表四（注明为续表），已合并为一张表：行数和合计按 2 个工作表一起计算"
    )
    assert message(reports, "江门市-表四.xls", "row.hidden") == (
        "第 6 行是隐藏行，其内容已计入本表：不应报送的请删除；应报送的请取消隐藏，便于核对"
    )
    assert message(reports, "韶关市-表四-单位元.xlsx", "amount.in_yuan") == (
        "本表注明“单位：元”，金额按元填写：已除以 10000 换算为万元，合计 70.3457 万元"
    )
    assert message(reports, "茂名市-表三.xls", "amount.in_yuan_suspect") == (
        "表头“经费安排（元）”，但经费安排都小于 1000 元（最大 45 元）：可能实际按万元填写，请核对单位"
    )
    assert message(reports, "佛山市-表二.xls", "project.duplicate") == (
        "后补助名称“专利奖配套奖励”、后补助承接单位“佛山某家电有限公司”与第 9 行（C9）重复："
        "同一项目只填一行，如确是两个项目请改用不同的名称"
    )
