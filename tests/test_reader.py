"""Whole submissions as staff make them → tables, units, rows, exact totals and the warnings a user sees."""

from __future__ import annotations

from decimal import Decimal

import pytest
from builders import (
    DEFAULT_QUIRKS,
    DEFAULT_TAKEN,
    MERGE_UP,
    F,
    Layout,
    Submission,
    project,
    subsidy,
    table4_rows,
    word_document,
    workbook,
)
from seed_tables import SEED_002, seed_table

from budget_planner.validators.intake.extract import read_workbook
from budget_planner.validators.read.model import RowKind
from budget_planner.validators.read.reader import read_tables, summarise

D = Decimal

MESSY = DEFAULT_QUIRKS | {
    "header_breaks",
    "two_row_header",
    "merged_category",
    "spacers",
    "subtotals",
    "total",
    "footer",
    "instructions_first",
    "list_sheet",
}
MESSY_ROWS = [
    project("知识产权高质量创造", "高价值专利培育布局中心建设", "50", work="建立专利分级管理制度"),
    project("知识产权高质量创造", "专利导航服务基地培育建设项目", "50.00", work=MERGE_UP),
    project("强化知识产权保护", "知识产权纠纷多元化解", "30万元"),
    project("强化知识产权保护", "维权援助工作站建设", "５０"),
    project("知识产权管理", "知识产权统计监测", "1,200"),
    project("知识产权管理", "知识产权管理能力提升", 12.5),
]


def read(data: bytes, name: str, province_round, expected: str | None = None):
    return read_tables(read_workbook(data, name), name, province_round, expected)


def issues(table) -> list[tuple]:
    return [(i.code, i.cell) for i in table.issues]


@pytest.mark.parametrize("engine", ["xlsxwriter", "openpyxl"])
def test_a_messy_but_clean_table_four(province_round, engine):
    sub = Submission("表四", rows=MESSY_ROWS, quirks=MESSY)
    (t,) = read(sub.xlsx(engine), "清远市-表四.xlsx", province_round)
    assert (t.sheet, t.table, t.unit, t.header_rows) == ("Sheet1", "表四", "清远市", (4, 5))
    rows, total, by_category = summarise(t)
    assert rows == 6
    assert total == D("1392.5")
    assert by_category == {
        "知识产权高质量创造": D(100),
        "强化知识产权保护": D(80),
        "知识产权管理": D("1212.5"),
    }
    assert (t.stated_total, t.stated_total_cell) == (D("1392.5"), f"E{sub.layout.total_row}")
    # every amount typed as text is read and said once, at its cell
    assert issues(t) == [
        ("amount.normalised", "E6"),
        ("amount.normalised", "E7"),
        ("amount.normalised", sub.layout.cell(2, "amount")),
        ("amount.normalised", sub.layout.cell(3, "amount")),
        ("amount.normalised", sub.layout.cell(4, "amount")),
    ]
    assert not [i for i in t.issues if i.is_error]
    assert [r.kind for r in t.rows].count(RowKind.SUBTOTAL) == 3
    assert t.rows[1].value("work_content") == "建立专利分级管理制度"  # merged, filled down


def test_subtotals_typed_as_sum_formulas_carry_excels_cached_values(province_round):
    rows = [project("知识产权管理", "项目甲", 40), project(None, "项目乙", 2.5)]
    sub = Submission("表四", rows=rows, quirks=DEFAULT_QUIRKS | {"subtotals", "total_formula"})
    (t,) = read(sub.xlsx("xlsxwriter"), "清远市-表四.xlsx", province_round)
    subtotal = next(r for r in t.rows if r.kind is RowKind.SUBTOTAL)
    assert (subtotal.excel_row, subtotal.value("amount")) == (7, D("42.5"))
    assert (t.stated_total, t.stated_total_cell) == (D("42.5"), "E8")
    assert t.issues == []


def test_table_four_filled_from_the_presets(province_round):
    own = {"知识产权强市、强县建设": [project("知识产权强市、强县建设", "清远市强县建设试点", 25)]}
    rows = table4_rows(province_round, taken=DEFAULT_TAKEN, own=own)
    sub = Submission("表四", rows=rows, quirks=DEFAULT_QUIRKS | {"merged_category", "total"})
    (t,) = read(sub.xlsx(), "清远市-表四.xlsx", province_round)
    count, total, by_category = summarise(t)
    assert count == 3
    assert total == D(105)
    assert by_category == {
        "知识产权强市、强县建设": D(25),
        "知识产权高质量创造": D(50),
        "强化知识产权保护": D(30),
    }
    assert t.stated_total == D(105)
    kinds = [r.kind for r in t.rows]
    assert kinds.count(RowKind.PRESET_UNUSED) == 17
    assert kinds.count(RowKind.PLACEHOLDER) == 5  # one of the six prompts was filled in
    assert t.issues == []


def test_table_two_has_no_categories(province_round):
    rows = [subsidy("专利资助后补助", 30), subsidy("贯标后补助", "12.5万元")]
    sub = Submission("表二", rows=rows, quirks=DEFAULT_QUIRKS | {"total"})
    (t,) = read(sub.xlsx(), "韶关市-表二.xlsx", province_round)
    assert (t.table, t.unit) == ("表二", "清远市")  # the 填报单位 line wins over the file name
    assert summarise(t) == (2, D("42.5"), {})
    assert issues(t) == [("unit.conflict", None), ("amount.normalised", "D6")]
    assert t.issues[0].severity.value == "warning"
    # 表二's key holds the 后补助承接单位 (issue 12: one 后补助 may go to several)
    assert str(t.rows[0].key) == "清远市|表二||专利资助后补助|清远市知识产权服务中心"


def test_a_word_table_reads_like_the_workbook(province_round):
    sub = Submission("表四", rows=MESSY_ROWS, quirks=MESSY - {"instructions_first", "list_sheet"})
    word = sub.word_table()
    (t,) = read(word_document([word]), "清远市-表四.docx", province_round)
    assert (t.sheet, t.table, t.unit, t.header_rows) == ("表格1", "表四", "清远市", (1, 2))
    assert summarise(t)[:2] == (6, D("1392.5"))
    assert t.stated_total == D("1392.5")
    # in Word every cell is text: only what really changed is said
    assert issues(t) == [
        ("amount.normalised", "E7"),  # 30万元
        ("amount.normalised", "E8"),  # ５０
        ("amount.normalised", "E11"),  # 1,200
    ]
    assert [word.cell(i, "amount") for i in (2, 3, 4)] == ["E7", "E8", "E11"]


# ---------------------------------------------------------------- the unit


def _table(province_round, sub: Submission, name: str, expected: str | None = None):
    (t,) = read(sub.xlsx(), name, province_round, expected)
    return t


ONE = [project("知识产权管理", "项目甲", 5)]


def test_unit_from_the_metadata_of_an_issued_template(province_round):
    sub = Submission("表四", rows=ONE, unit="韶关市", quirks=DEFAULT_QUIRKS | {"metadata"})
    t = _table(province_round, sub, "表四.xlsx")
    assert (t.unit, t.issues) == ("韶关市", [])


def test_metadata_and_unit_line_disagreeing_is_an_error(province_round):
    sub = Submission(
        "表四",
        rows=ONE,
        unit="韶关市",
        unit_text="填报单位（盖章）：清远市市场监督管理局",
        quirks=DEFAULT_QUIRKS | {"metadata"},
    )
    t = _table(province_round, sub, "表四.xlsx")
    assert t.unit == "韶关市"
    assert [(i.code, i.cell, i.severity.value) for i in t.issues] == [
        ("unit.conflict", "A3", "error")
    ]
    assert t.rows[0].key.unit == "韶关市"


@pytest.mark.parametrize(
    ("line", "unit"),
    [
        ("填报单位：清远市市场监督管理局（知识产权局）", "清远市"),
        ("填报单位（盖章）：韶关市市场监管局      单位：万元", "韶关市"),
        ("填 报 单 位：  梅州", "梅州市"),
        ("表四    填报单位：江门市知识产权局", "江门市"),
        ("填报单位（盖章）：江门市知识产权局   2024年4月20日", "江门市"),
        ("填报单位：佛山市市场监督管理局      2024-04-20", "佛山市"),
    ],
)
def test_unit_from_the_unit_line(province_round, line, unit):
    t = _table(province_round, Submission("表四", rows=ONE, unit_text=line), "表四.xlsx")
    assert (t.unit, t.issues) == (unit, [])


def test_unit_name_in_the_cell_after_its_label(province_round):
    sub = Submission("表四", rows=ONE, unit_text="填报单位：")
    sub.layout.cells[(3, 3)] = "肇庆市市场监督管理局（知识产权局）"
    sub.layout.merges.remove((3, 1, 3, 4))
    t = _table(province_round, sub, "表四.xlsx")
    assert t.unit == "肇庆市"


@pytest.mark.parametrize(
    "line",
    ["填报单位（盖章）：                      2024年4月20日", "填报单位：          年  月  日"],
)
def test_a_unit_line_left_blank_before_its_date_leaves_the_unit_to_the_file_name(
    province_round, line
):
    # the date is no unit's name (it was unit.unknown "2024年4月20日不是本轮的地市")
    t = _table(province_round, Submission("表四", rows=ONE, unit_text=line), "清远市-表四.xlsx")
    assert t.unit == "清远市"
    assert [i.code for i in t.issues if i.severity.value == "error"] == []


def test_the_unit_named_by_the_sheet_alone(province_round):
    sub = Submission("表四", rows=ONE, unit=None, sheet="韶关")
    t = _table(province_round, sub, "2024年需求征集表（四）-报送版.xlsx")
    assert (t.unit, t.issues) == ("韶关市", [])


def test_a_table_whose_unit_nothing_tells_is_warned_before_it_is_aggregated(province_round):
    # it validated clean, then aggregate left it out: validate says so first
    t = _table(
        province_round, Submission("表四", rows=ONE, unit=None), "2024年需求征集表（四）.xlsx"
    )
    assert t.unit is None
    [said] = t.issues
    assert (said.code, said.severity.value) == ("unit.unknown", "warning")
    assert said.message == (
        "无法识别填报单位：请在表上方写明“填报单位：…”或在文件名中写明单位，否则汇总时本文件不能计入"
    )


def test_unit_line_naming_no_unit_is_an_error_and_the_file_name_still_tells(province_round):
    sub = Submission("表四", rows=ONE, unit_text="填报单位：某某科技有限公司")
    t = _table(province_round, sub, "清远市-表四.xlsx")
    assert t.unit == "清远市"
    assert [(i.code, i.cell, i.value) for i in t.issues] == [
        ("unit.unknown", "A3", "某某科技有限公司")
    ]


def test_unit_from_the_file_name_then_the_expected_unit(province_round):
    bare = Submission("表四", rows=ONE, quirks=DEFAULT_QUIRKS - {"unit_line"})
    assert _table(province_round, bare, "2024年度需求征集表（四）-潮州.xlsx").unit == "潮州市"
    assert _table(province_round, bare, "表四.xlsx", expected="揭阳市").unit == "揭阳市"
    assert _table(province_round, bare, "表四.xlsx").unit is None


def test_a_file_naming_another_unit_than_the_uploader_is_an_error(province_round):
    t = _table(province_round, Submission("表四", rows=ONE), "表四.xlsx", expected="韶关市")
    assert t.unit == "清远市"
    assert [(i.code, i.cell, i.severity.value) for i in t.issues] == [
        ("unit.conflict", "A3", "error")
    ]


def test_a_unit_line_on_one_sheet_serves_the_others(province_round):
    four = Submission("表四", rows=ONE, sheet="表四").layout
    one = Submission("表一", rows=ONE, sheet="表一", quirks=DEFAULT_QUIRKS - {"unit_line"}).layout
    tables = read(workbook([four, one]), "需求征集表.xlsx", province_round)
    assert [(t.table, t.unit) for t in tables] == [("表四", "清远市"), ("表一", "清远市")]


def test_the_unit_line_below_the_table(province_round):
    sub = Submission(
        "表四",
        rows=ONE,
        quirks=(DEFAULT_QUIRKS - {"unit_line"}) | {"footer"},
        footer=("填报单位（盖章）：汕尾市市场监督管理局", "填表人：李四"),
    )
    assert _table(province_round, sub, "表四.xlsx").unit == "汕尾市"


def test_rows_count_and_total_include_negatives_and_skip_unreadable(province_round):
    rows = [
        project("知识产权管理", "项目甲", 10),
        project(None, "项目乙", "-2.5"),
        project(None, "项目丙", "待定"),
    ]
    (t,) = read(Submission("表四", rows=rows).xlsx(), "清远市.xlsx", province_round)
    assert summarise(t) == (3, D("7.5"), {"知识产权管理": D("7.5")})
    assert issues(t) == [("amount.normalised", "E6"), ("amount.not_number", "E7")]


@pytest.mark.parametrize("engine", ["openpyxl", "xlsxwriter"])
def test_formulas_merged_amounts_and_a_numbering_row(province_round, engine):
    rows = [
        project("知识产权管理", "项目甲", F("20+30", 50)),  # an amount typed as a formula
        project(None, "项目乙", 40),
        project(None, "项目丙", MERGE_UP),  # 40 merged over 项目乙 and 项目丙
        project(None, "项目丁", 2.5),
    ]
    quirks = DEFAULT_QUIRKS | {"numbering_row", "category_every_row", "total_formula"}
    sub = Submission("表四", rows=rows, quirks=quirks)
    (t,) = read(sub.xlsx(engine), "清远市-表四.xlsx", province_round)
    assert [r.excel_row for r in t.project_rows] == [6, 7, 8, 9]  # the numbering row 5 skipped
    assert [r.value("amount") for r in t.project_rows] == [D(50), D(40), None, D("2.5")]
    assert summarise(t) == (4, D("92.5"), {"知识产权管理": D("92.5")})
    # openpyxl leaves the SUM uncached: the extractor evaluates it; xlsxwriter caches 92.5
    assert (t.stated_total, t.stated_total_cell) == (D("92.5"), "E10")
    assert issues(t) == [("amount.merged", "E7")]


@pytest.mark.skipif(not SEED_002.exists(), reason="shared/seeds is not beside the checkout")
def test_the_word_notice_itself_holds_four_blank_tables(province_round, specs):
    """Seed 002's four tables, verbatim, as the Word notice a unit might send back unfilled."""
    layouts = []
    for table in ("表一", "表二", "表三", "表四"):
        header, body = seed_table(table)
        spec = specs.table(table)
        lay = Layout(name=table, preamble=[spec.title(2024), spec.subtitle])
        for r, line in enumerate([header, *body], 1):
            for c, value in enumerate(line, 1):
                lay.put(r, c, value)
        layouts.append(lay)
    tables = read(word_document(layouts), "需求征集表.docx", province_round, expected="清远市")
    assert [(t.sheet, t.table, t.unit) for t in tables] == [
        ("表格1", "表一", "清远市"),
        ("表格2", "表二", "清远市"),
        ("表格3", "表三", "清远市"),
        ("表格4", "表四", "清远市"),
    ]
    assert [summarise(t) for t in tables] == [(0, D(0), {})] * 4
    four = [r.kind for r in tables[3].rows]
    assert (four.count(RowKind.PRESET_UNUSED), four.count(RowKind.PLACEHOLDER)) == (19, 6)
    assert [r.kind for r in tables[0].rows] == [RowKind.PLACEHOLDER]  # 可加行
    # the blank tables sent back: a nil return each, said once as a warning (issue 12)
    assert [[(i.code, i.cell) for i in t.issues] for t in tables] == [
        [("table.nil_return", None)]
    ] * 4
