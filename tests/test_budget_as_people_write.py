"""预算表 written as people write them (issue 12), checked through ``budget-planner validate --json``:
every period label and form, programme names with a place, a year or 项目 around them, the applicant
kept apart from the unit, and a 预算表 without 所属表 finding its table row by name."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import openpyxl
import pytest
import realworld_files as rw
from click.testing import CliRunner

from budget_planner.cli import main

HERE = Path(__file__).parent / "realworld2"


@pytest.fixture(autouse=True, scope="module")
def _parse_pool():
    from budget_planner.validators.intake import worker

    yield
    worker.shutdown()


def workbook(lines: list[list[object]], first_row: int = 1) -> bytes:
    """A one-sheet workbook typed by hand (openpyxl): ``lines`` from ``first_row``, None left empty."""
    book = openpyxl.Workbook()
    ws = book.active
    for r, line in enumerate(lines, first_row):
        for c, v in enumerate(line, 1):
            if v is not None:
                ws.cell(r, c, v)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def budget(
    period: list[object],
    *,
    kind: str | None = None,
    name: str = "专利导航服务基地培育建设项目",
    self_raised: int = 0,
    unit: str | None = "清远市市场监督管理局",
) -> bytes:
    """A 预算表 typed by hand: labels in A, values from B; ``period`` is the period's row as filed
    (row 5); amounts in C under 金额, 省局项目支出 20 spent on 知识产权服务费."""
    rows: list[list[object]] = [
        ["项目支出预算明细表"],
        ["项目名称", name],
        ["填报单位", unit],
        ["项目类别", kind],
        period,
        [None, "资金来源", "金额"],
        [None, "合计", 20 + self_raised],
        [None, "1、省局项目支出", 20],
        [None, "2、地方、部门配套"],
        [None, "3、单位自筹", self_raised],
        [None, "4、其他来源"],
        [None, "支出项目内容", "金额"],
        [None, "1、知识产权服务费", 20],
        [None, "2、专利维持费"],
        [None, "3、专家咨询费"],
        [None, "4、维权援助费"],
        [None, "5、培训费"],
        [None, "6、宣传费"],
        [None, "7、其他相关费用（须注明）"],
        ["支出项目经费测算说明：", "服务费20万元。"],
    ]
    return workbook(rows)


def validate(tmp_path: Path, files: dict[str, bytes], *options: str) -> dict[str, dict]:
    paths = []
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    result = CliRunner().invoke(main, ["validate", "--json", *options, *paths])
    assert result.exit_code in (0, 1), result.output
    return {Path(r["file"]).name: r for r in json.loads(result.stdout)}


def issues(report: dict) -> list[tuple[str, str | None]]:
    return [(i["code"], i["cell"]) for i in report["issues"]]


# ---------------------------------------------------------------- the period: labels and forms
LONG = "2024年1月至2026年6月"  # 30 months: beyond the rule's 24
FORMS = {
    "实施起止年月": (["实施起止年月", LONG], "B5"),
    "实施周期": (["实施周期", "2024年1月—2026年6月"], "B5"),
    "项目起止时间": (["项目起止时间", "2024.01-2026.06"], "B5"),
    "执行期限": (["执行期限", "2024/1—2026/6"], "B5"),
    "研究起止日期-至": (["研究起止日期", "2024年1月", "至", "2026年6月"], "B5"),
    "label-value-in-one-cell": (["实施周期：2024年1月—2026年6月"], "A5"),
    "dates": (["项目起止时间", dt.date(2024, 1, 1), "至", dt.date(2026, 6, 30)], "B5"),
    "dates-side-by-side": (["执行期限", dt.date(2024, 1, 1), dt.date(2026, 6, 30)], "B5"),
}


def test_a_long_period_under_every_label_and_form_is_the_rules_error(tmp_path):
    files = {f"清远市-预算表-{k}.xlsx": budget(period) for k, (period, _) in FORMS.items()}
    got = validate(tmp_path, files)
    for key, (_, cell) in FORMS.items():
        report = got[f"清远市-预算表-{key}.xlsx"]
        assert issues(report) == [("rule.implementation_period", cell)], key
        assert "共 30 个月，超过 24 个月" in report["issues"][0]["message"]


def test_a_period_within_the_rule_says_nothing_and_none_at_all_is_a_warning(tmp_path):
    got = validate(
        tmp_path,
        {
            "清远市-预算表-短.xlsx": budget(["研究起止日期", "2024年1月", "至", "2025年12月"]),
            "清远市-预算表-无.xlsx": budget([]),
        },
    )
    assert issues(got["清远市-预算表-短.xlsx"]) == []
    report = got["清远市-预算表-无.xlsx"]
    assert issues(report) == [("rule.implementation_period.unreadable", None)]
    assert report["issues"][0]["severity"] == "warning"
    assert report["issues"][0]["message"].startswith(
        "未填写实施起止年月，无法检查实施周期是否超过 24 个月"
    )


# ---------------------------------------------------------------- programmes
@pytest.mark.parametrize(
    ("kind", "name", "applies"),
    [
        ("清远市专利技术实施计划", "电机专利产业化", True),
        ("2024年度专利技术实施计划项目", "电机专利产业化", True),
        ("专利技术实施计划", "电机专利产业化", True),
        ("专利技术实施计划绩效评价", "电机专利产业化", False),
        (None, "清远市专利技术实施计划", True),
        (None, "2024年度专利技术实施计划项目", True),
        (None, "专利技术实施计划绩效评价", False),
        ("专利导航", "2024年度专利技术实施计划项目", False),  # 项目类别 filled: it decides
    ],
)
def test_the_matching_rule_follows_the_programme_name(tmp_path, kind, name, applies):
    data = budget(["实施周期", "2024年1月至2024年12月"], kind=kind, name=name, self_raised=30)
    [report] = validate(tmp_path, {"清远市-预算表.xlsx": data}).values()
    assert issues(report) == ([("rule.matching_funds", "C10")] if applies else [])


# ---------------------------------------------------------------- the applicant and the unit
def test_the_applicant_is_never_the_unit(tmp_path):
    # 常宁市's 申报书 under a name that says no unit: the applicant (常宁市精工机械有限公司) names a
    # place that is a unit of the round, but the 申报书 names no 推荐单位: the unit is not known
    data = (HERE / "常宁市-申报书.docx").read_bytes()
    [report] = validate(tmp_path, {"申报书.docx": data}, "--round", "hengyang-2024").values()
    assert (report["unit"], report["applicant"]) == (None, "常宁市精工机械有限公司")
    # told by the uploader, it is theirs
    [report] = validate(
        tmp_path, {"申报书.docx": data}, "--round", "hengyang-2024", "--unit", "常宁市"
    ).values()
    assert report["unit"] == "常宁市"


def test_a_budget_line_names_the_unit_by_its_full_name_with_a_bracketed_office(tmp_path):
    data = budget(["实施周期", "2024年1月至2024年12月"], unit="清远市人民政府（清远市市场监管局）")
    [report] = validate(tmp_path, {"预算表.xlsx": data}).values()
    assert (report["unit"], issues(report)) == ("清远市", [])


# ---------------------------------------------------------------- the table row, inferred
def table4(amount: float) -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws["A1"] = "2024年度知识产权项目需求征集表（四）"
    ws["A2"] = "填报单位：清远市市场监督管理局"
    head = [
        "序号",
        "类型",
        "主要工作内容",
        "拟设置项目",
        "金额",
        "项目设置必要性",
        "项目设置政策依据",
    ]
    for c, v in enumerate([*head, "项目绩效"], 1):
        ws.cell(3, c, v)
    line = [
        1,
        "知识产权高质量创造",
        "专利导航",
        "专利导航服务基地培育建设项目",
        amount,
        "必要",
        "《规划》",
        "基地1个",
    ]
    for c, v in enumerate(line, 1):
        ws.cell(4, c, v)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(("amount", "found"), [(20, []), (25, [("budget.row_mismatch", "C8")])])
def test_a_budget_without_its_table_finds_its_row_by_name(tmp_path, amount, found):
    # no 所属表, and the 项目名称 written with the city and a year before the row's name
    data = budget(
        ["实施周期", "2024年1月至2024年12月"], name="清远市2024年专利导航服务基地培育建设项目"
    )
    got = validate(tmp_path, {"清远市-表四.xlsx": table4(amount), "清远市-预算表.xlsx": data})
    assert issues(got["清远市-预算表.xlsx"]) == found
    if found:
        assert got["清远市-预算表.xlsx"]["issues"][0]["message"] == (
            # the row as the 表四 names it, not as the 预算表 does
            "省局项目支出 20 与表四 E4“专利导航服务基地培育建设项目”的金额 25 不符"
        )


@pytest.mark.parametrize(("amount", "ok"), [(20, True), (25, False)])
def test_aggregate_finds_the_row_of_a_budget_without_its_table(tmp_path, amount, ok):
    # as validate does: the 汇总表 names its 表 and row, and the row is not "without a 预算表"
    data = budget(
        ["实施周期", "2024年1月至2024年12月"], name="清远市2024年专利导航服务基地培育建设项目"
    )
    folder = tmp_path / "报送"
    folder.mkdir()
    (folder / "清远市-表四.xlsx").write_bytes(table4(amount))
    (folder / "清远市-预算表.xlsx").write_bytes(data)
    out = tmp_path / "汇总.xlsx"
    result = CliRunner().invoke(
        main, ["aggregate", str(folder), "--out", str(out), "--json", "--no-cache"]
    )
    assert result.exit_code in (0, 1), result.output
    [check] = json.loads(result.stdout)["budgets"]
    assert (check["table"], check["row_amount"], check["ok"]) == ("表四", str(amount), ok)
    book = openpyxl.load_workbook(out)
    said = [
        v
        for ws in book
        for r in ws.iter_rows(values_only=True)
        for v in r
        if isinstance(v, str) and v.startswith("未附预算表的需求表项目")
    ]
    assert said == ["未附预算表的需求表项目（0 项）"]
    rows = list(book["预算表"].iter_rows(values_only=True))
    header = next(r for r in rows if "所属表" in r)
    [line] = [r for r in rows if "清远市" in r]
    assert line[header.index("所属表")] == "表四"  # found by its row, as 预算核对 says


def test_a_budget_whose_table_cannot_be_told_is_a_warning(tmp_path):
    data = budget(["实施周期", "2024年1月至2024年12月"], name="企业知识产权托管服务")
    got = validate(tmp_path, {"清远市-表四.xlsx": table4(20), "清远市-预算表.xlsx": data})
    report = got["清远市-预算表.xlsx"]
    assert issues(report) == [("budget.no_row", "B2")]
    assert report["ok"] is True and report["issues"][0]["severity"] == "warning"


def test_a_declarations_period_is_pointed_at_in_its_own_word_table(tmp_path):
    import realworld2_files as rw2

    data = rw2._declaration_doc(
        {"name": "专利导航项目", "applicant": "耒阳市某某有限公司", "code": "91430481X"},
        {"合计": 10, "1、省局项目支出": 10, "1、知识产权服务费": 10},
        "服务费10万元。",
        period_row=["研究起止日期", "2024年1月", "至", "2026年12月"],
    )
    [report] = validate(tmp_path, {"耒阳市-申报书.docx": data}, "--round", "hengyang-2024").values()
    assert (report["sheet"], report["unit"], report["applicant"]) == (
        "表格3",
        "耒阳市",
        "耒阳市某某有限公司",
    )
    [issue] = report["issues"]
    assert (issue["code"], issue["sheet"], issue["cell"]) == (
        "rule.implementation_period",
        "表格1",
        "B3",
    )
    assert (
        issue["message"]
        == "实施起止年月“2024年1月至2026年12月”共 36 个月，超过 24 个月（实施周期不超过2年）"
    )


def test_a_budget_by_year_reads_the_total_column_not_its_header(tmp_path):
    # 资金来源 | 合计 | 2024年 | 2025年: the header cell 合计 is no 合计 line (it read “2024年” as one)
    lines: list[list[object]] = [
        ["项目支出预算明细表"],
        ["项目名称", "专利导航服务基地培育建设项目"],
        ["填报单位", "清远市市场监督管理局"],
        ["实施周期", "2024年7月—2025年12月"],
        [None, None, None, None, "单位：万元"],
        ["项目资金来源", "资金来源", "合计", "2024年", "2025年", "备注"],
        [None, "合计", 60, 36, 24],
        [None, "1、省局项目支出", 30, 20, 10],
        [None, "2、地方、部门配套", 10, 6, 4],
        [None, "3、单位自筹", 20, 10, 10],
        [None, "4、其他来源", 0, 0, 0],
        ["省局拨款项目支出明细", "支出项目内容", "合计", "2024年", "2025年"],
        [None, "1、知识产权服务费", 15, 10, 5],
        [None, "2、专利维持费", 3, 2, 1],
        [None, "3、专家咨询费", 4, 2, 2],
        [None, "4、维权援助费", 0, 0, 0],
        [None, "5、培训费", 4, 3, 1],
        [None, "6、宣传费", 4, 3, 1],
        [None, "7、其他相关费用（须注明）", 0, 0, 0],
        ["支出项目经费测算说明：服务费15万元；维持费3万元；专家4万元；培训4万元；宣传4万元。"],
    ]
    got = validate(tmp_path, {"清远市-预算表.xlsx": workbook(lines)})["清远市-预算表.xlsx"]
    assert issues(got) == []
    assert got["stated_total"] == "60"


def test_a_budget_with_sources_and_expenses_side_by_side(tmp_path):
    # 资金来源 | 金额 on the left, 省局拨款项目支出明细 | 金额 on the right: each line's own 金额 column
    lines: list[list[object]] = [
        ["项目支出预算明细表"],
        ["项目名称", "专利导航服务基地培育建设项目", None, "填报单位", "清远市市场监督管理局"],
        ["实施起止年月", "2024年6月至2025年5月"],
        [None, None, None, None, "单位：万元"],
        ["资金来源", "金额", None, "省局拨款项目支出明细", "金额"],
        ["合计", 60, None, "1、知识产权服务费", 15],
        ["1、省局项目支出", 30, None, "2、专利维持费", 3],
        ["2、地方、部门配套", 10, None, "3、专家咨询费", 4],
        ["3、单位自筹", 20, None, "4、维权援助费", 0],
        ["4、其他来源", 0, None, "5、培训费", 4],
        [None, None, None, "6、宣传费", 4],
        [None, None, None, "7、其他相关费用（须注明）", 0],
        ["支出项目经费测算说明：按工作量测算。"],
    ]
    got = validate(tmp_path, {"清远市-预算表.xlsx": workbook(lines)})["清远市-预算表.xlsx"]
    assert issues(got) == []
    assert got["stated_total"] == "60"


def table2_three_recipients() -> bytes:
    """清远's 表二: one 后补助 to three 承接单位 (10 + 6 + 4), the recipient part of its key."""
    lines: list[list[object]] = [
        ["2024年度知识产权项目需求征集表（二）"],
        ["填报单位：清远市市场监督管理局"],
        list(rw.HEAD_2),
    ]
    firms = [("清远华能电机有限公司", 10), ("清远新材料有限公司", 6), ("清远精密制造有限公司", 4)]
    for n, (firm, amount) in enumerate(firms, 1):
        subsidy = "国家知识产权优势示范企业后补助"
        lines.append([n, "优势示范企业培育", subsidy, amount, rw.POLICY, firm, rw.PERFORMANCE])
    return workbook(lines)


def test_a_budget_of_one_subsidy_to_several_recipients_is_held_to_their_sum(tmp_path):
    # 省局项目支出 20 = 10 + 6 + 4: the 后补助 as a whole (it was held to the first row, 10)
    data = budget(["实施周期", "2024年1月至2024年12月"], name="国家知识产权优势示范企业后补助")
    files = {"清远市-表二.xlsx": table2_three_recipients(), "清远市-预算表.xlsx": data}
    got = validate(tmp_path, files)
    assert issues(got["清远市-预算表.xlsx"]) == []
    assert issues(got["清远市-表二.xlsx"]) == []
    folder = tmp_path / "报送"
    folder.mkdir()
    for name, content in files.items():
        (folder / name).write_bytes(content)
    out = tmp_path / "汇总.xlsx"
    result = CliRunner().invoke(
        main, ["aggregate", str(folder), "--out", str(out), "--json", "--no-cache"]
    )
    [check] = json.loads(result.stdout)["budgets"]
    assert (check["table"], check["row_amount"], check["ok"]) == ("表二", "20", True)
    # the three recipients are three projects: no 重复申报 among them
    book = openpyxl.load_workbook(out)
    doubles = [r for r in book["重复申报"].iter_rows(values_only=True) if "清远市" in r]
    assert doubles == []


def test_a_unit_whose_tables_are_nil_returns_owes_no_budget(tmp_path):
    # 衡阳 requires 表四 and a 预算表 of every county; 珠晖区's 表四 says 本单位无需求: nothing to budget
    from budget_planner.templates import rounds

    lines: list[list[object]] = [
        ["2024年度知识产权项目需求征集表（四）"],
        ["填报单位：衡阳市珠晖区市场监督管理局"],
        list(rw.HEAD_4),
        [1, None, "本单位无需求"],
    ]
    folder = tmp_path / "报送"
    folder.mkdir()
    (folder / "珠晖区-表四.xlsx").write_bytes(workbook(lines))
    round_file = Path(rounds.__file__).parent / "hengyang-2024.toml"
    result = CliRunner().invoke(
        main,
        ["aggregate", str(folder), "--out", str(tmp_path / "汇总.xlsx"), "--json", "--no-cache",
         "--round", str(round_file)],
    )  # fmt: skip
    missing = [tuple(m) for m in json.loads(result.stdout)["missing"]]
    assert ("珠晖区", "预算表") not in missing
    assert ("雁峰区", "预算表") in missing and ("雁峰区", "表四") in missing
    sheet = openpyxl.load_workbook(tmp_path / "汇总.xlsx")["完成情况"]
    rows = list(sheet.iter_rows(values_only=True))
    at = next(n for n, r in enumerate(rows) if "必报完成" in r)
    zhuhui = next(r for r in rows[at:] if r[0] == "珠晖区")
    column = rows[at].index("必报完成")
    assert (zhuhui[column - 1], zhuhui[column]) == ("—", "1/1")  # its 表四; no 预算表 owed
