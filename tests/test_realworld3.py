"""The third real-world set (``tests/realworld3``, written by ``make_realworld3.py``): returns nobody
on the team had seen, made the way prefecture and county staff make them — WPS-saved workbooks
(shared strings with phonetic runs, inline strings, ``#,##0.00"万元"`` formats), LibreOffice .xlsx,
.xls and .ods→.xlsx, xlwt .xls, a clerk's copy-paste, the notice's Word tables, 申报书 exported from
WPS with §三 nested in a frame table, the issued 预算表 template filled in — for the 广东 round and
the 衡阳 round of its 县市区 and 园区.

Each round's files go through ``budget-planner validate --json`` once, as a batch, and each table's
report is what a careful reviewer expects: unit, rows, exact totals in 万元 (and by 类型), the stated
total, and every issue as (severity, code, sheet, cell) in order. A clean file (as a careful clerk
fills it) has no error; each planted mistake is found with its code at its cell, and nothing else is
an error. The faults this set found in the reader are named where their files are.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

import pytest
from click.testing import CliRunner

from budget_planner.cli import main

HERE = Path(__file__).parent / "realworld3"
E, W = "E", "W"
SEVERITY = {"error": E, "warning": W}
GAO, BAO, ZHUAN = "知识产权高质量创造", "强化知识产权保护", "知识产权高效能转化"
QIANG = "知识产权强市、强县建设"
_NO_APPLICANT = object()


class Outcome(NamedTuple):
    unit: str | None
    rows: int
    total: str
    stated_total: str | None
    by_category: dict[str, str]
    issues: list[tuple[str, str, str | None, str | None]]
    applicant: object = _NO_APPLICANT  # a 预算表's applicant (the firm of its 申报书), or None


# the planted mistakes, file by file: (code, sheet, cell) of each error a reviewer must be shown
PLANTED = {
    "东莞市-专利技术实施计划-申报书.xlsx": [("rule.matching_funds", "申报书", "D23")],
    "揭阳市-表一.xlsx": [("count_amount.mismatch", "表一", "F6")],
    "揭阳市-表四.xls": [
        ("amount.negative", "表四", "E6"),
        ("category.unknown", "表四", "B7"),
        ("total.mismatch", "表四", "E9"),
    ],
    "汕尾市-专利导航-申报书.docx": [("rule.implementation_period", "表格1", "B3")],
    "珠海市-预算表.xlsx": [
        ("budget.expenses_mismatch", "预算表", "D9"),
        ("budget.other_without_note", "预算表", "D20"),
    ],
    "肇庆市-表四.xlsx": [
        ("amount.not_number", "Sheet1", "E6"),
        ("required.missing", "Sheet1", "H8"),
        ("total.mismatch", "Sheet1", "E10"),
    ],
    "南岳区-申报书.xls": [
        ("rule.implementation_period", "申报书", "A3"),
        ("budget.sources_mismatch", "申报书", "D10"),
    ],
    "衡东县-表四.xlsx": [
        ("amount.negative", "Sheet1", "E6"),
        ("project.duplicate", "Sheet1", "D7"),
    ],
    "祁东县-预算表.xlsx": [("budget.row_mismatch", "预算表", "D8")],
}

EXPECTED: dict[tuple[str, str | None], Outcome] = {
    # 表四 inside a layout frame table, its unit in the paragraphs above the frame (before: table.unknown)
    ("下放地市审批权限部分-框架表.docx", "表四"): Outcome(
        "湛江市", 2, "42.5", None, {QIANG: "30", ZHUAN: "12.5"}, []
    ),
    ("东莞市-专利技术实施计划-申报书.xlsx", "预算表"): Outcome(
        "东莞市",
        1,
        "70",
        "70",
        {},
        [("W", "budget.no_row", "申报书", "A3"), ("E", "rule.matching_funds", "申报书", "D23")],
        applicant="东莞市智造精密部件有限公司",
    ),
    ("东莞市-需求征集表.xlsx", "表一"): Outcome(
        "东莞市",
        3,
        "40",
        None,
        {"知识产权高质量创造": "35", "知识产权管理": "5"},
        [("W", "amount.normalised", "需求征集表", "D6")],
    ),
    ("东莞市-需求征集表.xlsx", "表三"): Outcome(
        "东莞市",
        1,
        "40",
        "40",
        {"强化知识产权保护": "40"},
        [],
    ),
    ("东莞市-需求征集表.xlsx", "表四"): Outcome(
        "东莞市",
        2,
        "135.5",
        "135.5",
        {"知识产权强市、强县建设": "100", "知识产权高效能转化": "35.5"},
        [("W", "amount.normalised", "需求征集表", "E24")],
    ),
    ("中山市-表一-元.xlsx", "表一"): Outcome(
        "中山市",
        2,
        "38",
        "38",
        {"知识产权高质量创造": "30", "知识产权人才建设": "8"},
        [("W", "amount.in_yuan", "Sheet1", "J3")],
    ),
    ("中山市-表四.xlsx", "表四"): Outcome(
        "中山市",
        4,
        "56.5",
        "56.5",
        {"知识产权高质量创造": "40", "强化知识产权保护": "16.5"},
        [],
    ),
    ("云浮市-表四.xlsx", "表四"): Outcome(
        "云浮市",
        4,
        "120",
        "120",
        {"知识产权强市、强县建设": "50", "知识产权高质量创造": "52", "知识产权高效能转化": "18"},
        [],
    ),
    ("云浮市-预算表.docx", "预算表"): Outcome(
        "云浮市",
        1,
        "40",
        "40",
        {},
        [],
        applicant=None,
    ),
    ("广州市-申报书.docx", "预算表"): Outcome(
        "广州市",
        1,
        "45",
        "45",
        {},
        [],
        applicant="广州知识产权服务有限公司",
    ),
    ("广州市-表一.xlsx", "表一"): Outcome(
        "广州市",
        5,
        "93.5",
        "93.5",
        {"知识产权高质量创造": "50", "知识产权高效能转化": "35.5", "知识产权管理": "8"},
        [],
    ),
    # ①–⑦ numbering the lines (before: no 预算表 found, table.unknown)
    ("惠州市-预算表.xlsx", "预算表"): Outcome("惠州市", 1, "18", "18", {}, [], applicant=None),
    # 其中：… lines under a project are its parts (before: two projects more, 4 required.missing
    # each and a total of 50 against the 合计 30)
    ("江门市-表四.xls", "表四"): Outcome("江门市", 2, "30", "30", {GAO: "20", BAO: "10"}, []),
    ("揭阳市-表一.xlsx", "表一"): Outcome(
        "揭阳市",
        2,
        "70",
        None,
        {"知识产权高效能转化": "50", "知识产权高水平服务": "20"},
        [
            ("W", "policy_basis.no_document", "表一", "H5"),
            ("E", "count_amount.mismatch", "表一", "F6"),
        ],
    ),
    ("揭阳市-表四.xls", "表四"): Outcome(
        "揭阳市",
        3,
        "50",
        "80",
        {"知识产权高质量创造": "35"},
        [
            ("E", "amount.negative", "表四", "E6"),
            ("E", "category.unknown", "表四", "B7"),
            ("E", "total.mismatch", "表四", "E9"),
        ],
    ),
    ("汕头市-表二.docx", "表二"): Outcome(
        "汕头市",
        3,
        "26",
        None,
        {},
        [],
    ),
    ("汕尾市-专利导航-申报书.docx", "预算表"): Outcome(
        "汕尾市",
        1,
        "20",
        "20",
        {},
        [("E", "rule.implementation_period", "表格1", "B3")],
        applicant="汕尾市海丰知识产权服务中心",
    ),
    ("深圳市-表四.xlsx", "表四"): Outcome(
        "深圳市",
        6,
        "330.5",
        "330.5",
        {
            "知识产权强市、强县建设": "135",
            "知识产权高质量创造": "95.5",
            "强化知识产权保护": "20",
            "知识产权高效能转化": "80",
        },
        [],
    ),
    ("深圳市-预算表.xlsx", "预算表"): Outcome(
        "深圳市",
        1,
        "100",
        "100",
        {},
        [],
        applicant=None,
    ),
    ("湛江市-表一.docx", "表一"): Outcome(
        "湛江市",
        3,
        "36.5",
        None,
        {"知识产权高质量创造": "30", "知识产权人才建设": "6.5"},
        [],
    ),
    ("湛江市-表四.xls", "表四"): Outcome(
        "湛江市",
        3,
        "72.5",
        "72.5",
        {"知识产权强市、强县建设": "60", "知识产权文化宣传及合作交流": "8", "知识产权管理": "4.5"},
        [],
    ),
    ("潮州市-表四.xlsx", "表四"): Outcome(
        "潮州市",
        2,
        "46",
        "46",
        {"知识产权强市、强县建设": "40", "知识产权文化宣传及合作交流": "6"},
        [],
    ),
    ("珠海市-表二.xls", "表二"): Outcome(
        "珠海市",
        3,
        "62.5",
        "62.5",
        {},
        [],
    ),
    ("珠海市-预算表.xlsx", "预算表"): Outcome(
        "珠海市",
        1,
        "30",
        "30",
        {},
        [
            ("W", "budget.no_row", "预算表", "C2"),
            ("E", "budget.expenses_mismatch", "预算表", "D9"),
            ("E", "budget.other_without_note", "预算表", "D20"),
        ],
        applicant=None,
    ),
    ("肇庆市-表三.xlsx", "表三"): Outcome(
        "肇庆市",
        3,
        "70",
        None,
        {"强化知识产权保护": "60", "知识产权高水平服务": "10"},
        [],
    ),
    ("肇庆市-表四.xlsx", "表四"): Outcome(
        "肇庆市",
        4,
        "50",
        "50",
        {"知识产权高质量创造": "30", "强化知识产权保护": "20"},
        [
            ("E", "amount.not_number", "Sheet1", "E6"),
            ("E", "required.missing", "Sheet1", "H8"),
            ("E", "total.mismatch", "Sheet1", "E10"),
        ],
    ),
    ("茂名市-表一.xlsx", "表一"): Outcome(
        "茂名市",
        2,
        "25.5",
        "25.5",
        {"知识产权高质量创造": "16", "知识产权高水平服务": "9.5"},
        [],
    ),
    ("阳江市-表四.xlsx", "表四"): Outcome(
        "阳江市",
        3,
        "67.5",
        "67.5",
        {"知识产权强市、强县建设": "35", "知识产权高质量创造": "20", "知识产权高效能转化": "12.5"},
        [
            ("W", "amount.normalised", "表四", "E5"),
            ("W", "amount.normalised", "表四", "E7"),
            ("W", "amount.normalised", "表四", "E9"),
            ("W", "amount.normalised", "表四", "E10"),
        ],
    ),
    ("衡南县-表四.xlsx", "表四"): Outcome(
        "衡南县",
        4,
        "56",
        "56",
        {"知识产权强市、强县建设": "30", "知识产权高质量创造": "20", "强化知识产权保护": "6"},
        [],
    ),
    ("衡阳高新区-申报书.xlsx", "预算表"): Outcome(
        "高新区",
        1,
        "50",
        "50",
        {},
        [("W", "budget.no_row", "Sheet1", "A3")],
        applicant="衡阳特变电工输变电有限公司",
    ),
    ("商业秘密保护示范企业创建申报书.docx", "预算表"): Outcome(
        "衡山县",
        1,
        "12",
        "12",
        {},
        [],
        applicant="衡山县南岳云雾茶业有限公司",
    ),
    ("祁东县-表四.xls", "表四"): Outcome(
        "祁东县",
        3,
        "25.5",
        "25.5",
        {"知识产权高质量创造": "16", "知识产权高效能转化": "9.5"},
        [],
    ),
    ("石鼓区-预算表.xlsx", "预算表"): Outcome(
        "石鼓区",
        1,
        "15",
        "15",
        {},
        [],
        applicant=None,
    ),
    ("南岳区-申报书.xls", "预算表"): Outcome(
        "南岳区",
        1,
        "45",
        "50",
        {},
        [
            ("E", "rule.implementation_period", "申报书", "A3"),
            ("E", "budget.sources_mismatch", "申报书", "D10"),
        ],
        applicant="南岳区茶叶产业协会",
    ),
    ("蒸湘区-表四-元.xlsx", "表四"): Outcome(
        "蒸湘区",
        2,
        "12.5001",
        "12.5001",
        {"知识产权高质量创造": "8", "知识产权文化宣传及合作交流": "4.5001"},
        [
            ("W", "amount.in_yuan", "表四", "E3"),
            ("W", "amount.rounded", "表四", "E5"),
            ("W", "amount.rounded", "表四", "E6"),
        ],
    ),
    ("衡东县-表四.xlsx", "表四"): Outcome(
        "衡东县",
        4,
        "27",
        None,
        {"知识产权强市、强县建设": "20", "知识产权高质量创造": "7"},
        [("E", "amount.negative", "Sheet1", "E6"), ("E", "project.duplicate", "Sheet1", "D7")],
    ),
    ("雁峰区-表四.docx", "表四"): Outcome(
        "雁峰区",
        3,
        "23.5",
        None,
        {"知识产权强市、强县建设": "15", "知识产权高质量创造": "8.5"},
        [],
    ),
    ("衡阳县-预算表.docx", "预算表"): Outcome(
        "衡阳县",
        1,
        "5",
        "5",
        {},
        [],
        applicant=None,
    ),
    ("高新区-表四.xlsx", "表四"): Outcome(
        "高新区",
        2,
        "35",
        "35",
        {"知识产权高效能转化": "35"},
        [],
    ),
    ("蒸湘区-预算表.xlsx", "预算表"): Outcome(
        "蒸湘区",
        1,
        "8",
        "8",
        {},
        [("W", "rule.implementation_period.unreadable", "Sheet1", None)],
        applicant=None,
    ),
    ("祁东县-预算表.xlsx", "预算表"): Outcome(
        "祁东县",
        1,
        "20",
        "20",
        {},
        [
            ("W", "rule.implementation_period.unreadable", "预算表", None),
            ("W", "amount.in_yuan", "预算表", "D5"),
            ("E", "budget.row_mismatch", "预算表", "D8"),
        ],
        applicant=None,
    ),
}


def _names(module: str) -> list[str]:
    import importlib

    return [maker().name for maker in importlib.import_module(module).MAKERS]


@pytest.fixture(scope="module")
def hengyang_names() -> list[str]:
    return _names("realworld3_hengyang")


@pytest.fixture(autouse=True, scope="module")
def _parse_pool():
    from budget_planner.validators.intake import worker

    yield
    worker.shutdown()


def _validate(names: list[str], *options: str) -> dict[tuple[str, str | None], dict]:
    result = CliRunner().invoke(
        main, ["validate", "--json", *options, *(str(HERE / n) for n in names)]
    )
    assert result.exit_code == 1, result.output  # the planted mistakes are errors
    found: dict[tuple[str, str | None], dict] = {}
    for report in json.loads(result.stdout):
        key = (Path(report["file"]).name, report["table"])
        assert key not in found, key
        found[key] = report
    return found


@pytest.fixture(scope="module")
def reports(hengyang_names) -> dict[tuple[str, str | None], dict]:
    province = sorted(p.name for p in HERE.iterdir() if p.name not in hengyang_names)
    return {
        **_validate(province),
        **_validate(hengyang_names, "--round", "hengyang-2024"),
    }


def outcome(report: dict) -> Outcome:
    issues = [(SEVERITY[i["severity"]], i["code"], i["sheet"], i["cell"]) for i in report["issues"]]
    return Outcome(
        report["unit"],
        report["rows"],
        report["total"],
        report["stated_total"],
        report["totals_by_category"],
        issues,
        report["applicant"] if report["table"] == "预算表" else _NO_APPLICANT,
    )


def test_the_committed_set_is_what_the_generator_makes(hengyang_names):
    made = sorted([*_names("realworld3_province"), *hengyang_names])
    assert made == sorted(p.name for p in HERE.iterdir())
    assert len(made) >= 30


def test_every_table_of_the_set_is_reported(reports):
    assert sorted(reports) == sorted(EXPECTED)


@pytest.mark.parametrize("key", list(EXPECTED), ids=lambda k: f"{k[0]}:{k[1]}")
def test_report(reports, key):
    assert outcome(reports[key]) == EXPECTED[key]


@pytest.mark.parametrize("name", sorted({n for n, _ in EXPECTED} - set(PLANTED)))
def test_clean_file_has_no_error(reports, name):
    for (file, _), report in reports.items():
        if file == name:
            assert report["ok"] is True
            assert [i for i in report["issues"] if i["severity"] == "error"] == []


@pytest.mark.parametrize("name", sorted(PLANTED))
def test_every_planted_mistake_is_found_and_nothing_else(reports, name):
    errors = [
        (i["code"], i["sheet"], i["cell"])
        for (file, _), report in reports.items()
        if file == name
        for i in report["issues"]
        if i["severity"] == "error"
    ]
    assert errors == PLANTED[name]


def test_the_set_is_mostly_clean_with_mistakes_of_many_kinds():
    files = {n for n, _ in EXPECTED}
    assert len(files) - len(PLANTED) >= 25
    codes = {code for planted in PLANTED.values() for code, _, _ in planted}
    assert len(codes) >= 12


# ---------------------------------------------------------------- the faults this set found
def test_word_tables_nested_in_a_frame_table_are_read(reports):
    # WPS exports a 申报书's §三 inside the one cell of a frame table: it is 表格3, after §一 (表格1)
    # and the frame (表格2); before, the file was table.unknown
    report = reports[("广州市-申报书.docx", "预算表")]
    assert (report["sheet"], report["total"], report["ok"]) == ("表格3", "45", True)


def test_a_cover_page_paragraph_names_the_unit(reports):
    # 推荐单位名称：衡山县市场监督管理局 is a paragraph of the cover (seed 000), the file's name names
    # no county: the unit comes from the cover
    report = reports[("商业秘密保护示范企业创建申报书.docx", "预算表")]
    assert (report["unit"], report["applicant"]) == ("衡山县", "衡山县南岳云雾茶业有限公司")


def test_the_applicant_loses_the_forms_stamp_mark(reports):
    # 申请单位名称：东莞市智造精密部件有限公司（公章）: the firm, without the form's （公章）
    report = reports[("东莞市-专利技术实施计划-申报书.xlsx", "预算表")]
    assert report["applicant"] == "东莞市智造精密部件有限公司"


def test_a_parks_legal_name_is_the_park(reports):
    # 推荐单位名称：衡阳国家高新技术产业开发区管理委员会 is the round's 高新区 (衡阳高新技术产业开发区)
    report = reports[("衡阳高新区-申报书.xlsx", "预算表")]
    assert report["unit"] == "高新区"
    assert [i["code"] for i in report["issues"]] == ["budget.no_row"]


def test_a_place_ending_in_zhou_is_stripped_whole(reports):
    # 广州市专利导航服务基地培育建设项目 is 广州's 表一 row 专利导航服务基地培育建设项目 asking the same
    # 30 万元: no budget.no_row (the place was cut after 广州, leaving 市…)
    assert reports[("广州市-申报书.docx", "预算表")]["issues"] == []


def test_crossed_out_and_zero_rows_and_footers_are_not_projects(reports):
    report = reports[("茂名市-表一.xlsx", "表一")]
    assert (report["rows"], report["total"], report["issues"]) == (2, "25.5", [])


def test_untaken_presets_typed_zero_say_nothing(reports):
    # 19 presets with 金额 0.00 as text: not taken up, and no warning each
    assert reports[("深圳市-表四.xlsx", "表四")]["issues"] == []


def test_a_category_with_other_punctuation_is_the_listed_one(reports):
    report = reports[("潮州市-表四.xlsx", "表四")]
    assert report["totals_by_category"] == {QIANG: "40", "知识产权文化宣传及合作交流": "6"}


def test_a_period_written_as_a_duration_is_checked(reports):
    # 实施周期 | 3年: 36 months, beyond the 2 years of the guide (before: unreadable, a warning)
    [issue] = reports[("汕尾市-专利导航-申报书.docx", "预算表")]["issues"]
    assert (issue["code"], issue["severity"], issue["cell"]) == (
        "rule.implementation_period",
        "error",
        "B3",
    )
    assert "36 个月" in issue["message"]


def test_budget_in_wan_matches_its_row_in_yuan(reports):
    # 蒸湘区's 表四 headed 金额（元） holds 80000; its 预算表 asks 8 万元: the same, nothing said
    # but the missing period; 祁东县's 预算表 in 元 asks 12 万元 of a 10 万元 row: the error
    assert [i["code"] for i in reports[("蒸湘区-预算表.xlsx", "预算表")]["issues"]] == [
        "rule.implementation_period.unreadable"
    ]
    [mismatch] = [
        i for i in reports[("祁东县-预算表.xlsx", "预算表")]["issues"] if i["severity"] == "error"
    ]
    assert "12" in mismatch["message"] and "10" in mismatch["message"]
