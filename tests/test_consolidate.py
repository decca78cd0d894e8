"""Consolidation: every counted row in one frame with where it came from; exact totals; completeness."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from aggregate_helpers import budget_file, error, table_file

from budget_planner.aggregate.completeness import Status
from budget_planner.aggregate.consolidate import consolidate
from budget_planner.aggregate.versions import choose_versions

T4 = "表四"
QINGYUAN_T4 = [
    {"category": "知识产权强市、强县建设", "project": "知识产权强市建设", "amount": "100"},
    {"project": "知识产权强县建设", "amount": "0.1"},
    {"category": "知识产权高质量创造", "project": "高价值专利培育", "amount": "0.2"},
    {"project": "专利导航", "amount": "12.3456"},
    {"category": "知识产权管理", "project": "金额写错了", "amount": "约五万"},
]
SHAOGUAN_T4 = [
    {"category": "知识产权高质量创造", "project": "高价值专利培育", "amount": "30"},
    {"category": "不存在的类型", "project": "自拟项目", "amount": "5"},
]
SHAOGUAN_T2 = [{"subsidy_name": "专利奖配套奖励", "subsidy_amount": "8.5"}]
SHAOGUAN_T1 = [{"category": "强化知识产权保护", "project": "维权援助", "funding": "40"}]


@pytest.fixture
def cons(province_round):
    files = [
        table_file(T4, "清远市", QINGYUAN_T4, modified="2023-12-10 09:00"),
        table_file(T4, "韶关市", SHAOGUAN_T4, modified="2023-12-09 09:00",
                   issues=[error("category.unknown", "B6")]),
        table_file("表二", "韶关市", SHAOGUAN_T2),
        table_file("表一", "韶关市", SHAOGUAN_T1),
        budget_file("清远市", "专利导航", {"table_ref": "表四", "total": "12.3456",
                                          "provincial": "12.3456"}),
    ]  # fmt: skip
    return consolidate(province_round, choose_versions(files).counted)


def test_every_row_keeps_unit_table_category_key_and_its_cell(cons):
    rows = cons.rows
    t4 = rows[(rows["unit"] == "清远市") & (rows["table"] == T4)]
    assert t4[["project", "category", "cell", "amount_yuan"]].values.tolist() == [
        ["知识产权强市建设", "知识产权强市、强县建设", "E5", 1_000_000],
        ["知识产权强县建设", "知识产权强市、强县建设", "E6", 1000],
        ["高价值专利培育", "知识产权高质量创造", "E7", 2000],
        ["专利导航", "知识产权高质量创造", "E8", 123_456],
        ["金额写错了", "知识产权管理", "E9", pd.NA],
    ]
    first = t4.iloc[0]
    assert (first["file"], first["sheet"], first["excel_row"]) == ("清远市-表四.xlsx", "Sheet1", 5)
    assert first["key"] == "清远市|表四|知识产权强市、强县建设|知识产权强市建设"
    assert str(rows["amount_yuan"].dtype) == "Int64"
    # a 类型 not in the list is kept as written and counted in no 类型
    odd = rows[rows["project"] == "自拟项目"].iloc[0]
    assert odd["category"] is None and odd["category_text"] == "不存在的类型"
    assert bool(odd["flagged"]) is True


def test_totals_are_exact_to_the_yuan(cons):
    assert cons.unit_totals["清远市"] == {T4: Decimal("112.6456"), "预算表": Decimal("12.3456")}
    assert cons.unit_totals["韶关市"] == {
        "表一": Decimal("40"),
        "表二": Decimal("8.5"),
        T4: Decimal("35"),
    }
    assert cons.table_totals == {
        "表一": Decimal("40"),
        "表二": Decimal("8.5"),
        "表三": Decimal("0"),
        T4: Decimal("147.6456"),
        "预算表": Decimal("12.3456"),
    }
    assert cons.category_totals[T4] == {
        "知识产权强市、强县建设": Decimal("100.1"),
        "知识产权高质量创造": Decimal("42.5456"),
        "知识产权管理": Decimal("0"),  # its one row's amount could not be read
    }
    assert cons.category_totals["表二"] == {}
    # the province total is 表一–表四: a 预算表 details a table row and is not added again
    assert cons.total == Decimal("196.1456")
    assert cons.unit_total("韶关市") == Decimal("83.5")
    assert cons.row_counts[("清远市", T4)] == 5


def test_unit_by_category_puts_rows_without_a_valid_category_under_the_empty_key(cons):
    assert cons.unit_categories["韶关市"] == {
        "知识产权高质量创造": Decimal("30"),
        "": Decimal("13.5"),  # 表二 has no 类型, plus the row with an unknown 类型
        "强化知识产权保护": Decimal("40"),
    }


def test_completeness_counts_required_tables_only(cons, province_round):
    cells = {(c.unit, c.table): c for c in cons.completeness}
    assert cells[("清远市", T4)].status is Status.SUBMITTED
    assert cells[("韶关市", T4)].status is Status.ERRORS
    assert cells[("清远市", "预算表")].status is Status.SUBMITTED
    assert cells[("清远市", "表一")].status is Status.MISSING
    assert not cells[("清远市", "表一")].missing  # optional
    assert cells[("广州市", T4)].missing
    others = [
        u.short_name for u in province_round.units if u.short_name not in ("清远市", "韶关市")
    ]
    assert cons.missing == [(u, T4) for u in others]
    assert [(v.unit, v.table) for v in cons.flagged] == [("韶关市", T4)]


def test_no_versions_gives_zero_totals_and_everything_missing(province_round):
    cons = consolidate(province_round, [])
    assert cons.rows.empty
    assert cons.total == Decimal(0)
    assert len(cons.missing) == len(province_round.units)
    assert all(u.requested == Decimal(0) for u in cons.reconciliation.units)
