"""The specs and rounds as data: labels, categories and presets equal the seed's text (canonical)."""

from __future__ import annotations

import pytest
from seed_tables import SEED_002, seed_table

from budget_planner.project_key import project_key
from budget_planner.templates.round import is_placeholder, load_round
from budget_planner.text import canonical, compact

needs_seed = pytest.mark.skipif(
    not SEED_002.exists(), reason="shared/seeds is not beside the checkout"
)


@needs_seed
@pytest.mark.parametrize("table", ["表一", "表二", "表三", "表四"])
def test_column_labels_are_the_seed_headers(specs, table):
    header, _ = seed_table(table)
    assert [c.label for c in specs.table(table).issued_columns] == [
        canonical(compact(h)) for h in header
    ]


@needs_seed
def test_categories_of_table_one_are_the_seed_groups(specs):
    _, rows = seed_table("表一")
    seed_categories = [canonical(r[1]) for r in rows if r[1].strip() and r[1].strip() != "可加行"]
    assert list(specs.table("表一").categories) == seed_categories


def test_table_four_adds_the_strong_city_category_first(specs):
    four, one = specs.table("表四").categories, specs.table("表一").categories
    assert four[0] == "知识产权强市、强县建设"
    assert four[1:] == one


@needs_seed
def test_presets_equal_seed_rows_row_for_row(province_round, specs):
    spec = specs.table("表四")
    _, rows = seed_table("表四")
    presets = province_round.presets_for("表四")
    assert len(presets) == len(rows) == 25
    keys = [c.key for c in spec.issued_columns]
    category = None
    for preset, row in zip(presets, rows, strict=True):
        cells = dict(zip(keys, (canonical(c) for c in row), strict=True))
        category = spec.is_category(cells["category"]) or category
        assert preset.category == category
        for key in ("work_content", "project", "necessity", "policy_basis", "remarks"):
            assert preset.values.get(key, "") == cells[key], (preset.project, key)
        assert cells["amount"] == "" and cells["performance"] == ""


def test_nineteen_standard_projects_ending_with_geographical_indications(province_round):
    standard = [p for p in province_round.presets_for("表四") if not p.placeholder]
    assert len(standard) == 19
    assert standard[0].project == "知识产权强市强县建设项目"
    assert standard[-1].project == "地理标志产品流通和展示推广项目"
    assert province_round.presets_for("表四")[-1].project == "地理标志产品流通和展示推广项目"


def test_placeholders_are_recognised():
    assert is_placeholder("各地市根据工作内容拟设置的项目2(可加行,下同)")
    assert is_placeholder("各县区根据工作内容拟设置的 项目1")
    assert not is_placeholder("专利转化实施专项")


def test_province_round_has_21_cities_with_contacts(province_round):
    assert len(province_round.units) == 21
    assert all(u.contact and u.phone for u in province_round.units)
    assert province_round.required_tables("清远市") == ("表四",)
    assert str(province_round.deadline_end) == "2023-12-15 23:59:59+08:00"


@pytest.mark.parametrize(
    "text",
    [
        "清远市",
        "清远",
        "清远市市场监督管理局（知识产权局）",
        "填报单位：清远市市场监督管理局（知识产权局）",
        "清远市-表四.xlsx",
    ],
)
def test_units_are_found_by_any_name(province_round, text):
    assert province_round.find_unit_in(text).short_name == "清远市"


def test_a_city_collecting_from_its_counties_is_just_another_round():
    hengyang = load_round("hengyang-2024")
    assert hengyang.unit("耒阳").short_name == "耒阳市"
    assert hengyang.required_tables("高新区") == ("预算表",)
    assert hengyang.required_tables("衡南县") == ("表四", "预算表")


def test_project_key_ignores_whitespace_and_line_breaks():
    a = project_key("清远市", "表四", "知识产权\n高质量创造", "专利导航服务基地 培育建设项目")
    b = project_key("清远市", "表四", "知识产权高质量创造", "专利导航服务基地培育建设项目")
    assert a == b


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("经费安排\n\n（万元）", "经费安排\n(万元)"),
        ("\u00a0项目  设置\u3000必要性 ", "项目 设置 必要性"),
        ("５０万元", "50万元"),
        (None, ""),
    ],
)
def test_canonical_text(raw, expected):
    assert canonical(raw) == expected


def test_source_unit_is_read_and_keyed_but_not_issued(specs):
    """来源单位 is a column of every table and part of its project key, never in the notice's
    layout: the issued template has the seed's columns, 生成上报版本 writes the extra one."""
    for table in ("表一", "表二", "表三", "表四"):
        spec = specs.table(table)
        assert spec.source_column is not None and spec.source_column.label == "来源单位"
        assert "source_unit" in spec.key_columns
        assert spec.source_column not in spec.issued_columns
