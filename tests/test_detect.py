"""Finding the table in files shaped like real submissions: which table, which sheet, which header."""

from __future__ import annotations

import pytest
from builders import (
    DEFAULT_QUIRKS,
    Submission,
    project,
    subsidy,
    text_sheet,
    word_document,
    workbook,
)

from budget_planner.validators.intake.extract import read_workbook
from budget_planner.validators.intake.grid import SheetGrid
from budget_planner.validators.read.detect import find_header
from budget_planner.validators.read.reader import read_tables

ROWS = [project("知识产权管理", "知识产权管理能力提升", 20), project(None, "知识产权统计监测", 5)]


def read(data: bytes, name: str, province_round, expected: str | None = None):
    return read_tables(read_workbook(data, name), name, province_round, expected)


def found(tables) -> list[tuple]:
    return [(t.sheet, t.table, t.header_rows) for t in tables]


def codes(table) -> list[tuple]:
    return [(i.code, i.sheet, i.cell) for i in table.issues]


@pytest.mark.parametrize(
    "quirks",
    [
        DEFAULT_QUIRKS,
        DEFAULT_QUIRKS - {"fullwidth_brackets"},
        DEFAULT_QUIRKS | {"header_breaks"},
        DEFAULT_QUIRKS | {"header_breaks", "two_row_header"},
        frozenset(),
    ],
    ids=["full-width", "half-width", "line-breaks", "two-rows", "bare"],
)
@pytest.mark.parametrize("table", ["表一", "表二", "表四"])
def test_each_header_shape_is_recognised_with_every_column(province_round, specs, table, quirks):
    rows = [subsidy("专利资助后补助", 30)] if table == "表二" else ROWS
    sub = Submission(table, rows=rows, quirks=quirks)
    (t,) = read(sub.xlsx(), sub.file_name, province_round)
    assert (t.table, t.header_rows) == (table, sub.layout.header_rows)
    assert t.columns == {c.key: i for i, c in enumerate(specs.table(table).issued_columns, 1)}
    assert [i for i in t.issues if i.is_error] == []


def test_two_row_header_under_merged_group_captions():
    # 项目设置 merged over 必要性/政策依据 and 经费安排 over (万元), as staff build it by hand
    values = [
        [
            "序号",
            "类型",
            "主要工作内容",
            "经费安排",
            "拟设置项目",
            "项目数及单项金额",
            "项目设置",
            None,
            "项目绩效",
            "备注",
        ],
        [None, None, None, "（万元）", None, None, "必要性", "政策依据"],
        [1, "知识产权管理", "工作", 5, "项目甲"],
    ]
    sheet = SheetGrid("Sheet1", values=values, merged=[(1, 7, 1, 8), (1, 1, 2, 1), (1, 9, 2, 9)])
    header = find_header(sheet)
    assert header is not None
    assert header.rows == (1, 2)
    assert header.tables == ("表一", "表三")
    assert header.columns["表一"]["funding"] == 4
    assert header.columns["表一"]["necessity"] == 7
    assert header.columns["表一"]["policy_basis"] == 8


def test_a_header_with_the_amount_column_of_table_four_is_table_four(province_round):
    # 金额（万元） is an alias of both 经费安排 and 金额: the missing 项目数及单项金额 decides
    sub = Submission("表四", rows=ROWS, labels={"amount": "金额（万元）"})
    (t,) = read(sub.xlsx(), "需求表.xlsx", province_round)
    assert t.table == "表四"


@pytest.mark.parametrize(
    ("how", "table"),
    [
        ({"title": "2024年度知识产权项目需求征集表（三）", "subtitle": ""}, "表三"),
        (
            {"title": "项目需求征集表", "subtitle": "支持专利代办处和省知识产权保护中心开展工作"},
            "表三",
        ),
        ({"title": "项目需求征集表", "subtitle": "保留省局部分"}, "表一"),
        ({"title": "项目需求征集表", "subtitle": "", "sheet": "表3"}, "表三"),
        ({"title": "项目需求征集表", "subtitle": "", "sheet": "代办处"}, "表三"),
        (
            {"title": "项目需求征集表", "subtitle": "", "name": "清远市-需求征集表（一）.xlsx"},
            "表一",
        ),
        ({"title": "项目需求征集表", "subtitle": "", "meta": "表三"}, "表三"),
    ],
    ids=[
        "title-number",
        "subtitle-3",
        "subtitle-1",
        "sheet-name",
        "sheet-keyword",
        "file-name",
        "metadata",
    ],
)
def test_table_one_and_three_are_told_apart(province_round, how, table):
    quirks = DEFAULT_QUIRKS | ({"metadata"} if "meta" in how else set())
    sub = Submission(
        "表一",
        rows=ROWS,
        title=how["title"],
        subtitle=how["subtitle"],
        sheet=how.get("sheet", "Sheet1"),
        quirks=quirks,
        meta_table=how.get("meta"),
    )
    (t,) = read(sub.xlsx(), how.get("name", "清远市.xlsx"), province_round)
    assert t.table == table
    assert not [i for i in t.issues if i.code == "table.ambiguous"]


def test_table_one_or_three_undecidable_is_ambiguous_but_still_read(province_round):
    sub = Submission("表三", rows=ROWS, quirks=DEFAULT_QUIRKS - {"title"})
    (t,) = read(sub.xlsx(), "清远市.xlsx", province_round)
    assert t.table is None
    assert codes(t) == [("table.ambiguous", "Sheet1", None)]
    assert len(t.project_rows) == 2  # the rows are read all the same
    assert t.issues[0].row == sub.layout.header_rows[0]
    assert t.issues[0].message == (
        "表头与表一、表三都相符，无法区分是哪一张表：请在标题中注明“（一）保留省局部分”"
        "或“（三）支持专利代办处和省知识产权保护中心开展工作”，或用下发的模板填报"
    )


def test_missing_required_columns_are_named(province_round):
    sub = Submission("表四", rows=ROWS, omit=("policy_basis", "performance"))
    (t,) = read(sub.xlsx(), "清远市-表四.xlsx", province_round)
    assert t.table == "表四"
    (issue,) = [i for i in t.issues if i.code == "header.missing"]
    assert issue.message == "表四缺少必需的列：项目设置政策依据、项目绩效"
    assert (issue.sheet, issue.row) == ("Sheet1", 4)


def test_the_table_on_the_second_sheet_after_instructions_and_hidden_helpers(province_round):
    sub = Submission(
        "表四",
        rows=ROWS,
        sheet="表四",
        quirks=DEFAULT_QUIRKS | {"instructions_first", "list_sheet", "metadata"},
    )
    tables = read(sub.xlsx(), "清远市-表四.xlsx", province_round)
    assert found(tables) == [("表四", "表四", (4,))]
    assert tables[0].issues == []  # neither the list sheet nor bp_meta is a table


def test_an_old_draft_on_a_hidden_sheet_is_named_not_read(province_round):
    sub = Submission("表四", rows=ROWS, quirks=DEFAULT_QUIRKS | {"old_draft", "list_sheet"})
    (t,) = read(sub.xlsx(), "清远市-表四.xlsx", province_round)
    assert codes(t) == [("sheet.hidden_ignored", "旧版草稿", None)]
    assert t.issues[0].severity.value == "warning"
    assert "旧版草稿" in t.issues[0].message
    assert [r.value("project") for r in t.project_rows] == [
        "知识产权管理能力提升",
        "知识产权统计监测",
    ]


def test_several_tables_on_the_sheets_of_one_workbook_in_sheet_order(province_round):
    one = Submission("表一", rows=ROWS, sheet="表一").layout
    two = Submission("表二", rows=[subsidy("专利资助后补助", 30)], sheet="表二").layout
    four = Submission("表四", rows=ROWS, sheet="表四").layout
    data = workbook([text_sheet("填表说明", [["请按要求填写"]]), four, one, two])
    tables = read(data, "清远市-需求征集表.xlsx", province_round)
    assert [(t.sheet, t.table) for t in tables] == [
        ("表四", "表四"),
        ("表一", "表一"),
        ("表二", "表二"),
    ]


def test_tables_stacked_on_one_sheet(province_round):
    four = Submission("表四", rows=ROWS).layout
    two = Submission("表二", rows=[subsidy("专利资助后补助", 30)]).layout
    # 表二 pasted three rows under 表四, as copied from the Word notice
    offset = four.height + 3
    for (r, c), v in two.cells.items():
        four.cells[(r + offset, c)] = v
    four.merges += [(r0 + offset, c0, r1 + offset, c1) for r0, c0, r1, c1 in two.merges]
    tables = read(workbook([four]), "清远市.xlsx", province_round)
    assert [(t.table, t.header_rows, len(t.project_rows)) for t in tables] == [
        ("表四", (4,), 2),
        ("表二", (4 + offset,), 1),
    ]
    assert [t.unit for t in tables] == ["清远市", "清远市"]


def test_table_one_and_three_stacked_as_copied_from_the_word_notice(province_round):
    one = Submission("表一", rows=ROWS).layout
    three = Submission(
        "表三", rows=[project("知识产权高水平服务", "专利代办处服务能力提升", 8)]
    ).layout
    offset = one.height + 2
    for (r, c), v in three.cells.items():
        one.cells[(r + offset, c)] = v
    one.merges += [(r0 + offset, c0, r1 + offset, c1) for r0, c0, r1, c1 in three.merges]
    tables = read(workbook([one]), "清远市.xlsx", province_round)
    assert [
        (t.table, t.header_rows, [r.value("project") for r in t.project_rows]) for t in tables
    ] == [
        ("表一", (4,), ["知识产权管理能力提升", "知识产权统计监测"]),
        ("表三", (4 + offset,), ["专利代办处服务能力提升"]),
    ]


def test_no_table_anywhere_is_table_unknown(province_round):
    data = workbook(
        [
            text_sheet("填表说明", [["请按要求填写"]]),
            text_sheet("单位", [["单位", "控制数"], ["清远市", 100]]),
        ]
    )
    (t,) = read(data, "清远市.xlsx", province_round)
    assert (t.table, t.sheet, t.unit) == (None, "填表说明", "清远市")
    assert codes(t) == [("table.unknown", None, None)]


def test_only_a_hidden_table_is_unknown_and_named(province_round):
    hidden = Submission("表四", rows=ROWS, sheet="表四").layout
    hidden.visibility = "hidden"
    data = workbook([text_sheet("说明", [["见隐藏表"]]), hidden])
    (t,) = read(data, "x.xlsx", province_round)
    assert [i.code for i in t.issues] == ["table.unknown", "sheet.hidden_ignored"]


def test_a_word_table_is_sheet_table1_with_its_preamble(province_round):
    sub = Submission("表三", rows=ROWS, quirks=DEFAULT_QUIRKS | {"merged_category"})
    data = word_document([sub.word_table()])
    (t,) = read(data, "清远市.docx", province_round)
    assert (t.sheet, t.table, t.unit, t.header_rows) == ("表格1", "表三", "清远市", (1,))
    assert [r.excel_row for r in t.project_rows] == [2, 3]
