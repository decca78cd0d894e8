"""The pandera schema built from the specs: a batch of tables validated at once, failures at their cell."""

from __future__ import annotations

from decimal import Decimal

import pytest
from parsed_tables import assign_ids, make_table

from budget_planner.validators.check.schema import build_frame, table_schema, validate_tables
from budget_planner.validators.read.model import RowKind

CREATE = "知识产权高质量创造"
PROTECT = "强化知识产权保护"
BASIS = "《广东省知识产权保护和运用“十四五”规划》"


def t4_row(category=None, project="专利导航服务基地培育建设项目", amount="50", **extra):
    row = {
        "serial": 1,
        "category": category,
        "work_content": "开展产业专利导航，服务重点产业链",
        "project": project,
        "amount": amount,
        "necessity": "支撑我市重点产业发展决策",
        "policy_basis": BASIS,
        "performance": "形成专利导航报告1份",
        "remarks": None,
    }
    row.update(extra)
    return row


def issues_of(spec, *tables):
    assign_ids(*tables)
    found = validate_tables(spec, tables)
    return sorted(
        ((i.sheet, i.code, i.cell) for issues in found.values() for i in issues),
        key=lambda t: (t[0], int(t[2][1:]), t[2]),
    )


def test_clean_table_four_has_no_issue(specs):
    rows = [
        t4_row(CREATE),
        t4_row(project="高价值专利培育布局项目", amount="80.5"),
        t4_row(PROTECT),
    ]
    table = make_table("表四", rows)
    assert issues_of(specs.table("表四"), table) == []


def test_each_planted_failure_is_found_at_its_cell(specs):
    rows = [
        t4_row(CREATE),  # row 5
        t4_row(amount="-5"),  # E6: negative
        t4_row("知识产权运营"),  # B7: not in the list
        t4_row(project=None),  # D8: 拟设置项目 missing
        t4_row(performance="绩" * 2001),  # H9: over 2000 characters
        t4_row(PROTECT, necessity="  "),  # F10: blank after canonical text
    ]
    table = make_table("表四", rows)
    assert issues_of(specs.table("表四"), table) == [
        ("Sheet1", "amount.negative", "E6"),
        ("Sheet1", "category.unknown", "B7"),
        ("Sheet1", "required.missing", "D8"),
        ("Sheet1", "text.too_long", "H9"),
        ("Sheet1", "required.missing", "F10"),
    ]


def test_messages_name_the_column_in_chinese(specs):
    rows = [t4_row(CREATE, amount="-5"), t4_row("知识产权运营", project=None)]
    rows.append(t4_row(performance="绩效" * 1001))
    table = make_table("表四", rows)
    assign_ids(table)
    found = validate_tables(specs.table("表四"), [table])
    by_code = {i.code: i for issues in found.values() for i in issues}
    negative = by_code["amount.negative"]
    assert (negative.message, negative.column, negative.value, negative.row) == (
        "金额不能为负数",
        "金额",
        "-5",
        5,
    )
    unknown = by_code["category.unknown"]
    assert unknown.message == (
        "类型“知识产权运营”不在表四的列表中，应为：知识产权强市、强县建设、知识产权高质量创造、强化知识产权保护、"
        "知识产权高效能转化、知识产权高水平服务、知识产权人才建设、知识产权文化宣传及合作交流、知识产权管理"
    )
    assert by_code["required.missing"].message == "“拟设置项目”为必填项"
    too_long = by_code["text.too_long"]
    assert too_long.message == "“项目绩效”超过 2000 字（现 2002 字）"
    assert too_long.value == "绩效" * 20 + "…"


def test_category_given_once_per_group_is_inherited(specs):
    # the rows under a 类型 leave it blank: they belong to it and are not "missing"
    rows = [t4_row(CREATE), t4_row(None), t4_row(None), t4_row(PROTECT), t4_row(None)]
    assert issues_of(specs.table("表四"), make_table("表四", rows)) == []


def test_unknown_category_reported_once_where_typed(specs):
    rows = [t4_row("知识产权运营"), t4_row(None), t4_row(None)]
    assert issues_of(specs.table("表四"), make_table("表四", rows)) == [
        ("Sheet1", "category.unknown", "B5")
    ]


def test_first_row_without_category_is_missing(specs):
    rows = [t4_row(None), t4_row(CREATE)]
    assert issues_of(specs.table("表四"), make_table("表四", rows)) == [
        ("Sheet1", "required.missing", "B5")
    ]


def test_unreadable_amount_is_left_to_the_reader(specs):
    # "五十万" could not be typed: the reader says amount.not_number; the schema adds nothing
    table = make_table("表四", [t4_row(CREATE, amount="五十万"), t4_row(amount=None)])
    assert issues_of(specs.table("表四"), table) == [("Sheet1", "required.missing", "E6")]


def test_column_absent_from_a_hand_made_copy_is_not_missing_per_row(specs):
    table = make_table("表四", [t4_row(CREATE), t4_row()], omit=("performance", "remarks"))
    assert issues_of(specs.table("表四"), table) == []


def test_only_project_rows_are_validated(specs):
    rows = [t4_row(CREATE), {"category": None, "project": "合计", "amount": "-1"}]
    table = make_table("表四", rows, kinds={1: RowKind.TOTAL})
    assert issues_of(specs.table("表四"), table) == []


def test_a_batch_maps_failures_back_to_each_file(specs):
    a = make_table("表四", [t4_row(CREATE), t4_row(amount="-1")], file="清远市.xlsx", sheet="表四")
    b = make_table(
        "表四",
        [t4_row(PROTECT, project=None)],
        file="韶关市.xlsx",
        sheet="Sheet2",
        unit="韶关市",
        header_row=6,
    )
    assert issues_of(specs.table("表四"), a, b) == [
        ("Sheet2", "required.missing", "D7"),
        ("表四", "amount.negative", "E6"),
    ]


def test_table_one_counts_text_length_and_its_own_categories(specs):
    row = {
        "category": "知识产权强市、强县建设",  # only 表四 has it
        "work_content": "建设知识产权强市",
        "funding": "100",
        "project": "强市建设项目",
        "count_amount": "2个×50万元",
        "necessity": "必要",
        "policy_basis": BASIS,
        "performance": "完成",
    }
    table = make_table("表一", [row])
    assert issues_of(specs.table("表一"), table) == [("Sheet1", "category.unknown", "B5")]


def test_frame_is_object_text_and_integer_yuan(specs):
    table = make_table("表四", [t4_row(CREATE, amount="0.3"), t4_row(amount="1234.5678")])
    assign_ids(table)
    ts = table_schema(specs.table("表四"))
    frame = build_frame(ts, table.project_rows)
    assert str(frame["amount"].dtype) == "Int64"
    assert list(frame["amount"]) == [3000, 12345678]
    assert frame["project"].dtype == object
    assert list(frame.index) == [0, 1]
    assert "serial" not in frame.columns


def test_absurd_amount_still_checked_by_sign(specs):
    table = make_table("表四", [t4_row(CREATE, amount=Decimal("-1E+30"))])
    assert issues_of(specs.table("表四"), table) == [("Sheet1", "amount.negative", "E5")]


def test_duplicate_row_ids_are_refused(specs):
    table = make_table("表四", [t4_row(CREATE), t4_row()])
    with pytest.raises(ValueError):
        validate_tables(specs.table("表四"), [table])  # ids not assigned: all -1
