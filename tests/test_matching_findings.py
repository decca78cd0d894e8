"""重复申报 and 延续 over rows as a round holds them: a double request planted across two cities and
within one unit's tables, the exclusions (presets, forwarding, last year, a 预算表 and its row), and
last year's row with its amounts for a 延续 project."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budget_planner.matching import (
    ProjectRef,
    continuation,
    double_requests,
    excluded,
    preset_named,
    round_presets,
)
from budget_planner.project_key import project_key
from budget_planner.templates.round import load_round

GD = round_presets(load_round())
PRESET_CENTRE = "高价值专利培育布局中心建设"


def row(unit, table, name, amount, *, round_id="guangdong-2024", category="", **more):
    key = str(project_key(unit, table, category, name))
    return ProjectRef(
        round_id, unit, table, name, Decimal(amount), category=category, key=key, **more
    )


@pytest.fixture
def rows_2024():
    return [
        row("清远市", "表四", PRESET_CENTRE, "100", category="知识产权高质量创造"),
        row("清远市", "表四", "专利导航服务基地培育建设项目", "50", category="知识产权高质量创造"),
        row("清远市", "表四", "清远市重点产业专利导航工程（生物医药与健康产业）", "30"),
        row("清远市", "表四", "知识产权综合托管服务", "20", category="知识产权高水平服务"),
        row("清远市", "预算表", "清远市知识产权综合托管服务", "20"),
        row("韶关市", "表四", PRESET_CENTRE, "80", category="知识产权高质量创造"),
        row("韶关市", "表四", "中小微企业知识产权综合托管服务", "25.5"),
        row("韶关市", "表四", "韶关市知识产权培训基地建设", "10"),
        row("韶关市", "表一", "高价值专利培育布局中心建设项目", "60"),
        row("河源市", "表四", "专利导航服务基地建设", "40"),
    ]


def test_double_requests_across_cities_and_tables(rows_2024):
    found = double_requests(rows_2024, GD)
    assert [
        (f.first.unit, f.first.table, f.first.name, f.first.amount,
         f.second.unit, f.second.table, f.second.name, f.second.amount)
        for f in found
    ] == [
        # the same 托管服务 asked for by two cities (清远市's 预算表 of it is not told again)
        ("清远市", "表四", "知识产权综合托管服务", Decimal("20"),
         "韶关市", "表四", "中小微企业知识产权综合托管服务", Decimal("25.5")),
        # one city asking for the preset in 表四 and again in 表一
        ("韶关市", "表四", PRESET_CENTRE, Decimal("80"),
         "韶关市", "表一", "高价值专利培育布局中心建设项目", Decimal("60")),
    ]  # fmt: skip
    assert found[0].match.reason == "名称相近：一方多出“中小微企业”"


def test_a_budget_is_reported_where_its_row_is_not():
    budget = row("清远市", "预算表", "清远市知识产权综合托管服务", "20")
    other = row("韶关市", "表四", "中小微企业知识产权综合托管服务", "25.5")
    assert [(f.first.table, f.second.unit) for f in double_requests([budget, other], GD)] == [
        ("预算表", "韶关市")
    ]


def test_presets_repeat_in_every_city_by_design(rows_2024):
    qingyuan_centre, qingyuan_navigation = rows_2024[0], rows_2024[1]
    shaoguan_centre, shaoguan_table1_centre = rows_2024[5], rows_2024[8]
    heyuan_navigation = rows_2024[9]
    assert preset_named("专利导航服务基地建设", GD) == "专利导航服务基地培育建设项目"
    assert preset_named("清远市高价值专利培育布局中心建设项目", GD) == PRESET_CENTRE
    assert preset_named("知识产权综合托管服务", GD) is None
    assert preset_named("各地市根据工作内容拟设置的项目1", GD) is None  # a placeholder
    assert (
        preset_named("一、强化展会、电商平台知识产权保护\n二、知识产权保护规范化市场培育和管理", GD)
        == "1.强化展会、电商平台知识产权保护\n2.知识产权保护规范化市场培育和管理"
    )
    assert excluded(qingyuan_navigation, heyuan_navigation, GD) == "本轮预设项目：各单位均可申报"
    assert excluded(qingyuan_centre, shaoguan_centre, GD) == "本轮预设项目：各单位均可申报"
    assert excluded(qingyuan_centre, shaoguan_table1_centre, GD) == "本轮预设项目：各单位均可申报"
    # the same unit asking for a preset twice is a double request
    assert excluded(shaoguan_centre, shaoguan_table1_centre, GD) is None


def test_rows_linked_by_forwarding_are_one_project():
    county = row(
        "耒阳市",
        "表四",
        "耒阳市专利转化专项计划",
        "15",
        round_id="hengyang-2024",
        lineage=frozenset({"hengyang-2024/耒阳市/表四/3"}),
    )
    forwarded = row(
        "衡阳市",
        "表四",
        "耒阳市专利转化专项计划",
        "15",
        round_id="hengyang-2024",
        lineage=frozenset({"hengyang-2024/耒阳市/表四/3"}),
    )
    other_county = row("衡南县", "表四", "专利转化专项计划", "12", round_id="hengyang-2024")
    assert excluded(county, forwarded, {}) == "转报关系：同一项目由下级单位报送、上级单位转报"
    assert double_requests([county, forwarded], {}) == []
    # a county asking for the same programme without a place in its name is still reported
    found = double_requests([county, forwarded, other_county], {})
    assert [(f.first.unit, f.second.unit) for f in found] == [
        ("耒阳市", "衡南县"),
        ("衡阳市", "衡南县"),
    ]


def test_the_same_unit_last_year_is_continuation_not_a_double_request():
    this_year = row("清远市", "表四", "知识产权综合托管服务", "20", category="知识产权高水平服务")
    last_year = row(
        "清远市",
        "表四",
        "2023年清远市知识产权综合托管服务项目",
        "18",
        round_id="guangdong-2023",
        approved=Decimal("15"),
    )
    assert excluded(this_year, last_year, GD) == "同一单位上一轮次的项目：延续，不是重复申报"
    assert double_requests([this_year, last_year], GD) == []
    other_city_last_year = row(
        "韶关市", "表四", "知识产权综合托管服务", "12", round_id="guangdong-2023"
    )
    assert len(double_requests([this_year, other_city_last_year], GD)) == 1


def test_continuation_by_key_then_by_near_name():
    last_year = [
        row("清远市", "表四", "知识产权综合托管服务", "18", round_id="guangdong-2023",
            category="知识产权高水平服务", approved=Decimal("15")),
        row("清远市", "表四", "2023年地理标志运用促进工程", "30", round_id="guangdong-2023",
            approved=Decimal("25.5")),
        row("韶关市", "表四", "知识产权证券化推广项目", "40", round_id="guangdong-2023"),
    ]  # fmt: skip
    by_key = continuation(
        row("清远市", "表四", "知识产权综合托管服务", "20", category="知识产权高水平服务"),
        last_year,
    )
    assert by_key is not None
    assert (by_key.last_year.amount, by_key.last_year.approved) == (Decimal("18"), Decimal("15"))
    assert by_key.match.reason == "项目标识相同"
    by_name = continuation(row("清远市", "表四", "地理标志运用促进项目", "35"), last_year)
    assert by_name is not None
    assert (by_name.last_year.amount, by_name.last_year.approved) == (
        Decimal("30"),
        Decimal("25.5"),
    )
    assert by_name.match.reason == "名称相同（不计地方、年份、编号和“项目”等通用词）"
    # another unit's project last year is no 延续 of this one
    assert continuation(row("清远市", "表四", "知识产权证券化推广项目", "10"), last_year) is None
    # a different project of the same unit is new
    assert continuation(row("清远市", "表四", "地理标志保护能力提升", "10"), last_year) is None
