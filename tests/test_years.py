"""Last year's plan read from a workbook, this year against last year, 延续 and the 申报书's
新增/延续 box (issue 19, docs/years.md), on files shaped like real ones: the service's own 分配方案
(examples-2023/, made by tests/support/make_last_year.py), a plain sheet as an office keeps it, the
examples of 2024 and a 预算表 with its box."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from builders import budget_layout, make_table, project, workbook
from last_year_files import plain_plan
from make_last_year import FILE_NAME, OUT, UNITS
from openpyxl import load_workbook

from budget_planner.aggregate.allocation import Plan, PlanLine, UnitPlan
from budget_planner.aggregate.plan_reader import read_last_year_plan
from budget_planner.aggregate.years import LastYearLine, LastYearPlan, compare_years
from budget_planner.app.aggregate import run_aggregate
from budget_planner.errors import UsageError
from budget_planner.matching.declared import declared_kind
from budget_planner.templates.round import load_round
from budget_planner.validators.intake.extract import read_workbook

ROOT = Path(__file__).resolve().parents[1]
PLAN_2023 = OUT / FILE_NAME
NAV = "专利导航服务基地培育建设项目"


def read(data: bytes, name: str = "plan.xlsx") -> LastYearPlan:
    return read_last_year_plan(data, name, parse=read_workbook)


def test_the_committed_plan_is_what_its_generator_makes(tmp_path):
    import make_last_year

    made = make_last_year.write(tmp_path)
    assert read(made.read_bytes()) == read(PLAN_2023.read_bytes())


def test_the_services_own_plan_is_read_back_whole():
    plan = read(PLAN_2023.read_bytes(), FILE_NAME)
    assert plan.title == "2023年度知识产权项目需求征集"
    assert len(plan.lines) == sum(len(lines) for _control, lines in UNITS.values()) == 15
    assert plan.controls == {
        "广州市": Decimal(280),
        "深圳市": Decimal(350),
        "佛山市": Decimal(200),
        "韶关市": Decimal(110),
        "清远市": Decimal(150),
        "汕头市": Decimal(90),
    }  # from each unit's 表四 小计 row
    nav = next(line for line in plan.lines if line.unit == "清远市" and line.project == NAV)
    assert (nav.table, nav.category, nav.requested, nav.approved) == (
        "表四",
        "知识产权高质量创造",
        Decimal(45),
        Decimal(40),
    )
    assert nav.where.startswith("分配方案!D")
    unapproved = next(line for line in plan.lines if line.project == "知识产权统计监测与分析")
    assert unapproved.approved is None  # no 核定金额 recorded: not 0
    subsidy = next(line for line in plan.lines if line.table == "表二")
    assert (subsidy.category, subsidy.requested) == ("", Decimal(25))
    assert sum((line.requested or 0 for line in plan.lines), Decimal(0)) == Decimal(802)


def test_a_plain_sheet_with_the_plans_columns():
    plan = read(
        plain_plan(
            [
                ("清远市", "表四", "知识产权高质量创造", NAV, 40, 35.5, 120),
                ("韶关", "表一", "知识产权管理", "知识产权统计监测", 12.25, None, 90),
            ]
        )
    )
    assert plan.title == "2023年度项目资金分配方案"
    assert [(x.unit, x.table, x.requested, x.approved) for x in plan.lines] == [
        ("清远市", "表四", Decimal(40), Decimal("35.5")),
        ("韶关", "表一", Decimal("12.25"), None),  # the name as written: the import maps it
    ]
    assert plan.controls == {"清远市": Decimal(120), "韶关": Decimal(90)}


def test_every_problem_at_once_and_nothing_read():
    data = plain_plan(
        [
            ("清远市", "表四", "知识产权高质量创造", NAV, "四十万", 35, None),
            ("韶关市", "表五", "知识产权管理", "知识产权统计监测", 12, 10, None),
            ("", "表四", "知识产权管理", "知识产权培训", 5, 5, None),
        ]
    )
    with pytest.raises(UsageError) as raised:
        read(data, "上年.xlsx")
    message = str(raised.value)
    assert message.splitlines() == [
        "上年分配方案“上年.xlsx”有 3 处无法导入，未导入任何内容：",
        "2023年分配!E4：申报金额“四十万”不是金额",
        "2023年分配!B5：表“表五”应为表一、表二、表三、表四之一",
        "2023年分配!A6：单位为空",
    ]


def test_a_workbook_without_the_header_is_refused_plainly():
    data = make_table("表四", "清远市", [project("知识产权高质量创造", NAV, 50)])
    with pytest.raises(UsageError, match="找不到上年分配方案的表头：需要列 “单位”、“表”、“类型”"):
        read(data, "清远市-表四.xlsx")


def _plan(lines: list[PlanLine], controls: dict[str, Decimal]) -> Plan:
    units = []
    for name in ("清远市", "韶关市"):
        unit = UnitPlan(name, controls.get(name))
        unit.lines = [line for line in lines if line.unit == name]
        units.append(unit)
    return Plan("2024", units, every_unit=units)


def test_this_year_against_last_per_unit_and_category():
    this = _plan(
        [
            PlanLine("清远市", "表四", "知识产权高质量创造", NAV, "k1", Decimal(50), Decimal(45)),
            PlanLine("清远市", "表二", "", "中国专利奖配套奖励", "k2", Decimal("12.5")),
        ],
        {"清远市": Decimal(100)},
    )
    last = LastYearPlan(
        "2023",
        2023,
        (
            LastYearLine("清远市", "表四", "知识产权高质量创造", NAV, Decimal(40), Decimal(35)),
            LastYearLine("清远市", "表四", "强化知识产权保护", "纠纷", Decimal(25), None),
            LastYearLine("汕头市", "表四", "强化知识产权保护", "维权", Decimal(30), Decimal(30)),
        ),
        {"清远市": Decimal(120), "汕头市": Decimal(90)},
    )
    found = compare_years(this, 2024, last)
    assert [u.unit for u in found.units] == ["清远市", "韶关市", "汕头市"]
    qingyuan = found.units[0]
    assert (qingyuan.total.requested, qingyuan.total.last_requested) == (Decimal("62.5"), 65)
    assert (qingyuan.total.approved, qingyuan.total.last_approved) == (45, 35)
    assert (qingyuan.control, qingyuan.last_control, qingyuan.control_change) == (100, 120, -20)
    create = qingyuan.categories["知识产权高质量创造"]
    assert (create.requested_change, create.approved_change) == (10, 10)
    protect = qingyuan.categories["强化知识产权保护"]
    assert (protect.requested, protect.last_requested, protect.approved_change) == (0, 25, None)
    assert qingyuan.categories["表二（无类型）"].requested == Decimal("12.5")
    shaoguan = found.units[1]
    assert shaoguan.total.approved is None and shaoguan.control is None
    whole = found.total
    assert (whole.total.requested, whole.total.last_requested) == (Decimal("62.5"), 95)
    assert (whole.control, whole.last_control) == (100, 210)


@pytest.mark.parametrize(
    ("box", "declared"),
    [
        ("☑延续 □新增", "延续"),
        ("□延续 ☑新增", "新增"),
        ("新增□ 延续√", "延续"),
        ("（√）新增  （ ）延续", "新增"),
        ("延续", "延续"),
        ("新增项目", "新增"),
        ("□新增 □延续", None),  # neither ticked
        ("☑新增 ☑延续", None),  # both ticked
        ("新增/延续", None),  # the label itself, nothing chosen
        ("", None),
    ],
)
def test_the_new_or_continued_box(box, declared):
    assert declared_kind(box) == declared


def _budget(tmp_path: Path, box: str) -> Path:
    lay = budget_layout({"project_name": NAV, "provincial": 50, "self_raised": 0})
    row = lay.height + 2
    lay.put(row, 1, "新增/延续")
    lay.put(row, 2, box)
    path = tmp_path / f"清远市-预算表-{NAV}.xlsx"
    path.write_bytes(workbook([lay]))
    return path


def _sheet(path: Path, name: str) -> list[list]:
    ws = load_workbook(path)[name]
    return [list(r) for r in ws.iter_rows(min_row=4, values_only=True)]


def test_aggregate_marks_continuation_and_the_box_that_disagrees(tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "清远市-表四.xlsx").write_bytes(
        make_table("表四", "清远市", [project("知识产权高质量创造", NAV, 50)])
    )
    _budget(folder, "☑新增 □延续")  # but 清远市 asked for it in 2023
    out = tmp_path / "汇总.xlsx"
    run_aggregate([folder], load_round(), out, last_year_path=PLAN_2023)
    book = load_workbook(out)
    assert book.sheetnames[-5:] == ["重复申报", "延续项目", "新增延续不符", "政策依据", "上年对比"]
    continued = _sheet(out, "延续项目")
    assert continued == [
        ["清远市", "表四", "知识产权高质量创造", NAV, 50, NAV, 45, 40, "项目标识相同"]
    ]
    [mismatch] = _sheet(out, "新增延续不符")
    assert mismatch == [
        "清远市",
        NAV,
        "新增",
        f"清远市“{NAV}”的申报书勾选“新增”，但上年2023年有同一项目“{NAV}”"
        "（申报 45 万元，核定 40 万元）：应为延续",
    ]


def test_a_box_that_agrees_is_no_finding(tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "清远市-表四.xlsx").write_bytes(
        make_table("表四", "清远市", [project("知识产权高质量创造", NAV, 50)])
    )
    _budget(folder, "☑延续 □新增")
    out = tmp_path / "汇总.xlsx"
    run_aggregate([folder], load_round(), out, last_year_path=PLAN_2023)
    assert _sheet(out, "新增延续不符") == [["无。", None, None, None]]


def test_aggregate_of_the_examples_reports_the_planted_double_request(tmp_path):
    out = tmp_path / "汇总.xlsx"
    result = run_aggregate(
        [ROOT / "examples"],
        load_round(),
        out,
        control_path=ROOT / "examples" / "控制数.csv",
        last_year_path=PLAN_2023,
    )
    assert result.text().splitlines()[-2:] == [
        "重复申报：4 对（见汇总表“重复申报”，不影响退出码）",
        "延续项目：12 个；申报书新增/延续与上年不符：0 个（与 2023 年对比）",
    ]
    doubles = _sheet(out, "重复申报")
    same = [r for r in doubles if r[2] == r[5] == "知识产权公共服务网点建设"]
    assert [(r[1], r[3], r[4], r[6], r[7]) for r in same] == [
        ("深圳市 表一 第7行", 40, "清远市 表四 第26行", 15, "名称相同")
    ]
    years = _sheet(out, "上年对比")
    qingyuan = next(r for r in years if r[:2] == ["清远市", "合计"])
    # 2024 申报 195.5 (the examples' 表四), 2023 82; no 核定 yet offline; control 200 vs 150
    assert qingyuan == ["清远市", "合计", 195.5, 82, 113.5, None, 65, None, 200, 150, 50]
    policy = load_workbook(out)["政策依据"]
    assert "不等于本轮合计" in policy["A2"].value


def _valid_code(first17: str) -> str:
    """A 统一社会信用代码 whose check character is right (GB 32100-2015)."""
    from budget_planner.matching import credit_code

    return next(first17 + c for c in "0123456789ABCDEFGHJKLMNPQRTUWXY" if credit_code(first17 + c))


def _budget_of(folder: Path, unit: str, name: str, code: str) -> None:
    lay = budget_layout({"project_name": name, "provincial": 50, "self_raised": 0}, unit=unit)
    row = lay.height + 2
    lay.put(row, 1, "统一社会信用代码")
    lay.put(row, 2, code)
    (folder / f"{unit}-预算表-{name}.xlsx").write_bytes(workbook([lay]))


@pytest.mark.parametrize("same_applicant", [True, False])
def test_the_applicants_credit_code_on_two_budgets(tmp_path, same_applicant):
    """Two cities' 预算表s of one project name: one applicant (one code) asking twice is 重复申报;
    two applicants (two codes) are two projects."""
    folder = tmp_path / "files"
    folder.mkdir()
    firm, other = _valid_code("91441800M9JXGT5R6"), _valid_code("91440200MA4W8K3L2")
    name = "知识产权公共服务网点建设"
    _budget_of(folder, "清远市", name, firm)
    _budget_of(folder, "韶关市", name, firm if same_applicant else other)
    out = tmp_path / "汇总.xlsx"
    run_aggregate([folder], load_round(), out)
    doubles = [r for r in _sheet(out, "重复申报") if r[0] != "无。"]
    if same_applicant:
        [pair] = doubles
        assert {pair[1], pair[4]} == {f"清远市 预算表（{name}）", f"韶关市 预算表（{name}）"}
        assert pair[7] == "同一申报单位（统一社会信用代码相同），名称相同"
    else:
        assert doubles == []


def test_a_missing_last_year_file_is_a_usage_error(tmp_path):
    from click.testing import CliRunner

    from budget_planner.cli import main

    args = ["aggregate", str(ROOT / "examples"), "--out", str(tmp_path / "汇总.xlsx")]
    result = CliRunner().invoke(main, [*args, "--last-year", str(tmp_path / "无.xlsx")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"找不到上年分配方案“{tmp_path / '无.xlsx'}”" in result.stderr


def test_aggregate_takes_last_years_units_by_any_name_the_round_knows(tmp_path):
    from budget_planner.app.aggregate import read_last_year

    path = tmp_path / "上年.xlsx"
    path.write_bytes(plain_plan([("清远", "表四", "知识产权高质量创造", NAV, 40, 35, 120)]))
    plan = read_last_year(path, load_round(), parse=read_workbook)
    assert [(x.unit, x.requested) for x in plan.lines] == [("清远市", Decimal(40))]
    assert (plan.controls, plan.year) == ({"清远市": Decimal(120)}, 2023)
    path.write_bytes(plain_plan([("火星市", "表四", "知识产权管理", "统计", 1, 1, None)]))
    with pytest.raises(UsageError, match="上年分配方案中的单位不是本轮次的地市：“火星市”"):
        read_last_year(path, load_round(), parse=read_workbook)
