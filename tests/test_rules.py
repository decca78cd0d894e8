"""The rules file: each kind on a real-looking 预算表 (or a synthetic column), and the file's own checks."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from importlib import resources

import pytest
from parsed_tables import make_budget

from budget_planner.errors import ConfigError
from budget_planner.templates.spec import parse_specs
from budget_planner.validators.check.rule_checks import apply_rules
from budget_planner.validators.check.rules import (
    load_rules,
    months_spanned,
    parse_period,
    parse_rules,
)
from budget_planner.validators.intake.grid import a1
from budget_planner.validators.read.model import Field, ParsedTable, RowKind, TableRow


def patent_budget(**changes):
    """A 专利技术实施计划 budget as a firm files it: 50 from the province, 150 of its own."""
    values = {
        "project_name": "高效节能电机专利技术产业化",
        "unit": "清远市市场监督管理局（知识产权局）",
        "table_ref": "表四",
        "category": "知识产权高效能转化",
        "project_kind": "专利技术实施计划",
        "period": "2024年6月至2026年5月",
        "total": "200",
        "provincial": "50",
        "self_raised": "150",
        "service_fee": "20",
        "maintenance_fee": "10",
        "expert_fee": "5",
        "training": "5",
        "publicity": "10",
        "calculation_note": "知识产权服务费20万元，专利维持费10万元，专家咨询费5万元，培训费5万元，宣传费10万元。",
    }
    values.update(changes)
    return make_budget(values)[0]


def found(table, ruleset=None):
    return [(i.code, i.cell, i.severity) for i in apply_rules(table, ruleset)]


def test_shipped_rules_load_once():
    rules = load_rules()
    assert load_rules() is rules
    assert [r.code for r in rules.rules] == ["rule.matching_funds", "rule.implementation_period"]


# ---------------------------------------------------------------- min_ratio
def test_matching_funds_at_three_times_pass():
    assert found(patent_budget()) == []


def test_matching_funds_below_three_times():
    table = patent_budget(self_raised="120", total="170")
    issues = apply_rules(table)
    assert found(table) == [("rule.matching_funds", "C13", "error")]
    assert issues[0].message == (
        "项目类别为“专利技术实施计划”时，单位自筹（120 万元）应不低于省局项目支出（50 万元）的 3 倍，"
        "即至少 150 万元"
    )
    assert (issues[0].column, issues[0].value, issues[0].row) == ("单位自筹", "120", 13)


def test_matching_funds_left_blank_counts_as_nothing():
    assert found(patent_budget(self_raised=None, total="50")) == [
        ("rule.matching_funds", "C13", "error")
    ]


def test_matching_funds_only_for_that_project_kind():
    assert found(patent_budget(project_kind="专利导航", self_raised="0", total="50")) == []
    # whitespace inside the kind does not hide it
    assert found(patent_budget(project_kind="专利技术 实施计划", self_raised="10")) == [
        ("rule.matching_funds", "C13", "error")
    ]


# ---------------------------------------------------------------- max_period
@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("2024年6月至2025年12月", 19),
        ("2024.06-2025.12", 19),
        ("2024/6—2026/5", 24),
        ("2024年6月-2026年5月", 24),
        ("2024年6月1日至2026年5月31日", 24),
        ("2024年3月至12月", 10),
    ],
)
def test_period_forms(text, months):
    period = parse_period(text)
    assert period is not None and months_spanned(*period) == months


@pytest.mark.parametrize(
    "text", ["两年", "2024年至2025年", "2025年6月至2024年1月", "2024年13月至2025年1月"]
)
def test_unreadable_periods(text):
    assert parse_period(text) is None


def test_period_of_two_years_passes_and_one_month_more_fails():
    assert found(patent_budget(period="2024/6—2026/5")) == []
    table = patent_budget(period="2024年6月至2026年6月")
    issues = apply_rules(table)
    assert found(table) == [("rule.implementation_period", "B8", "error")]
    assert issues[0].message == (
        "实施起止年月“2024年6月至2026年6月”共 25 个月，超过 24 个月（实施周期不超过2年）"
    )


def test_unreadable_period_is_a_warning():
    table = patent_budget(period="2024年至2025年")
    issues = apply_rules(table)
    assert found(table) == [("rule.implementation_period.unreadable", "B8", "warning")]
    assert issues[0].message == (
        "无法读出实施起止年月“2024年至2025年”，请按“2024年6月至2025年12月”的格式填写"
    )


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("两年", []),
        ("1年", []),
        ("18个月", []),
        ("不超过2年", []),
        ("三年", [("rule.implementation_period", "B8", "error")]),
        ("2年半", [("rule.implementation_period", "B8", "error")]),
        ("2024年", [("rule.implementation_period.unreadable", "B8", "warning")]),
    ],
)
def test_a_period_written_as_a_duration(period, expected):
    # as the guides write it (seed 004: 实施周期：1年 / 不超过2年); a year alone is no duration
    assert found(patent_budget(period=period)) == expected


# ---------------------------------------------------------------- tier (bound to a synthetic column)
PLEDGE_RULES = {
    "rules": [
        {
            "name": "pledge_subsidy",
            "kind": "tier",
            "table": "表二",
            "field": "subsidy_amount",
            "base": "loan_amount",
            "tiers": [
                {"from": "50", "to": "200", "value": "1"},
                {"from": "200", "to": "500", "value": "2.5"},
                {"from": "500", "to": "1000", "value": "4"},
                {"from": "1000", "value": "5"},
            ],
            "message": "{base_label} {base} 万元对应补助 {expected} 万元，{label}填的是 {value} 万元",
        }
    ]
}


@pytest.fixture(scope="module")
def pledge_specs():
    """The shipped specs with 表二 given a 单笔融资额 column (seed 000's 质押融资 subsidy)."""
    text = resources.files("budget_planner.templates").joinpath("tables.toml").read_text("utf-8")
    data = tomllib.loads(text)
    data["columns"]["loan_amount"] = {"label": "单笔融资额(万元)", "kind": "amount"}
    data["tables"]["表二"]["columns"].append("loan_amount")
    return parse_specs(data)


def pledge_table(pairs):
    """表二 rows of (单笔融资额, 后补助经费): 后补助经费 in D, 单笔融资额 in I, from row 5."""
    table = ParsedTable(file="清远市-表二.xlsx", sheet="Sheet1", table="表二", unit="清远市")
    for i, (loan, subsidy) in enumerate(pairs):
        r = 5 + i
        fields = {
            "subsidy_name": Field(
                raw="知识产权质押融资补助", cell=a1(r, 3), value="知识产权质押融资补助"
            ),
            "subsidy_amount": Field(raw=subsidy, cell=a1(r, 4), value=Decimal(subsidy)),
            "loan_amount": Field(raw=loan, cell=a1(r, 9), value=Decimal(loan)),
        }
        table.rows.append(TableRow(excel_row=r, kind=RowKind.PROJECT, fields=fields))
    return table


def test_tier_lower_bound_inclusive_upper_exclusive(pledge_specs):
    rules = parse_rules(PLEDGE_RULES, pledge_specs)
    good = [("50", "1"), ("199.9999", "1"), ("200", "2.5"), ("500", "4"), ("999", "4")]
    good += [("1000", "5"), ("8000", "5"), ("30", "0")]
    assert found(pledge_table(good), rules) == []


def test_tier_mismatches_point_at_the_subsidy(pledge_specs):
    rules = parse_rules(PLEDGE_RULES, pledge_specs)
    table = pledge_table([("200", "1"), ("1000", "4"), ("30", "1")])
    issues = apply_rules(table, rules)
    assert found(table, rules) == [
        ("rule.pledge_subsidy", "D5", "error"),
        ("rule.pledge_subsidy", "D6", "error"),
        ("rule.pledge_subsidy", "D7", "error"),
    ]
    assert (
        issues[0].message == "单笔融资额(万元) 200 万元对应补助 2.5 万元，后补助经费填的是 1 万元"
    )


# ---------------------------------------------------------------- the file's own checks
def broken(**changes):
    rule = dict(PLEDGE_RULES["rules"][0], table="表二", base="subsidy_amount")
    rule.update(changes)
    return {"rules": [rule]}


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"kind": "max_ratio"}, "未知的规则类型“max_ratio”"),
        ({"field": "loan"}, "表二没有字段“loan”"),
        ({"table": "表五"}, "未知的表“表五”"),
        ({"message": "补助 {amount} 万元"}, "占位符有误"),
        ({"name": "质押"}, "name 须为小写英文字母"),
        (
            {"tiers": [{"from": "50", "to": "300", "value": "1"}, {"from": "200", "value": "2"}]},
            "重叠",
        ),
        ({"tiers": [{"from": "五十", "value": "1"}]}, "不是数字"),
        ({"feild": "subsidy_amount"}, "未知的设置项 feild"),
        ({"severity": "fatal"}, "severity 应为 error 或 warning"),
    ],
)
def test_bad_rules_file_is_a_config_error_in_chinese(changes, says):
    with pytest.raises(ConfigError, match=says):
        parse_rules(broken(**changes))


def test_rules_file_from_a_path(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text('[[rules]]\nname = "x"\nkind = "sum"\n', "utf-8")
    with pytest.raises(ConfigError, match="未知的规则类型“sum”"):
        load_rules(path)
    with pytest.raises(ConfigError, match="找不到规则文件"):
        load_rules(tmp_path / "none.toml")
