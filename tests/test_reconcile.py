"""Reconciliation: 表四 against control numbers, 预算表 against their rows, the province's lines."""

from __future__ import annotations

from decimal import Decimal

import pytest
from aggregate_helpers import budget_file, table_file

from budget_planner.aggregate.consolidate import consolidate
from budget_planner.aggregate.control import ControlNumbers
from budget_planner.aggregate.versions import choose_versions

T4 = "表四"


def control(amounts: dict[str, str]) -> ControlNumbers:
    return ControlNumbers(file="控制数.xlsx", amounts={u: Decimal(a) for u, a in amounts.items()})


def t4(unit: str, *amounts: str, category: str = "知识产权高质量创造"):
    rows = [
        {"category": category, "project": f"项目{i}", "amount": a} for i, a in enumerate(amounts, 1)
    ]
    return table_file(T4, unit, rows)


@pytest.fixture
def rec(province_round):
    files = [
        t4("清远市", "60", "40.5"),  # 100.5 against 100: over by 0.5
        t4("韶关市", "30", "20"),  # 50 against 50: exactly at the limit
        t4("河源市", "10"),  # no control number
        table_file(
            "表一", "梅州市", [{"category": "知识产权管理", "project": "甲", "funding": "9"}]
        ),
    ]
    ctl = control({"清远市": "100", "韶关市": "50", "梅州市": "30", "惠州市": "0"})
    return consolidate(province_round, choose_versions(files).counted, ctl).reconciliation


def test_each_unit_against_its_control_number(rec):
    lines = {u.unit: u for u in rec.units}
    qy = lines["清远市"]
    assert (qy.control, qy.requested, qy.difference, qy.share, qy.over) == (
        Decimal("100"), Decimal("100.5"), Decimal("0.5"), Decimal("1.0050"), True,
    )  # fmt: skip
    sg = lines["韶关市"]
    assert (sg.difference, sg.share, sg.over) == (Decimal("0"), Decimal("1.0000"), False)
    hy = lines["河源市"]
    assert (hy.control, hy.requested, hy.difference, hy.share, hy.over) == (
        None, Decimal("10"), None, None, False,
    )  # fmt: skip
    mz = lines["梅州市"]  # only 表一: its 表四 request is 0
    assert (mz.requested, mz.difference, mz.over, mz.has_request) == (
        Decimal("0"), Decimal("-30"), False, False,
    )  # fmt: skip
    hz = lines["惠州市"]  # a control number of 0: no share, and nothing requested is not over
    assert (hz.share, hz.over) == (None, False)
    assert [u.unit for u in rec.over] == ["清远市"]
    assert [u.unit for u in rec.units][:3] == ["广州市", "深圳市", "珠海市"]  # the round's order


def test_province_lines_against_the_sum_of_control_numbers(rec):
    assert rec.control_total == Decimal("180")
    assert rec.requested == Decimal("160.5")
    assert rec.difference == Decimal("-19.5")
    assert not rec.province_over
    by_table = {line.label: (line.requested, line.share) for line in rec.by_table}
    assert by_table == {
        "表一": (Decimal("9"), Decimal("0.0500")),
        "表二": (Decimal("0"), Decimal("0.0000")),
        "表三": (Decimal("0"), Decimal("0.0000")),
        T4: (Decimal("160.5"), Decimal("0.8917")),
    }
    assert [(c.label, c.requested) for c in rec.by_category] == [
        ("知识产权高质量创造", Decimal("160.5"))
    ]


def test_without_control_numbers_nothing_is_over(province_round):
    cons = consolidate(province_round, choose_versions([t4("清远市", "999")]).counted)
    rec = cons.reconciliation
    assert rec.control_total is None and rec.difference is None
    assert all(u.control is None and not u.over for u in rec.units)


BUDGET_VALUES = {"table_ref": "表四", "category": "知识产权高质量创造", "service_fee": "0"}


def budget(unit: str, project: str, provincial: str, **more: str):
    values = {**BUDGET_VALUES, "total": provincial, "provincial": provincial, **more}
    values["service_fee"] = provincial
    return budget_file(unit, project, values)


def test_budget_forms_against_their_table_rows(province_round):
    files = [
        t4("清远市", "60", "40"),  # 项目1 = 60, 项目2 = 40
        budget("清远市", "项目1", "60"),  # agrees
        budget("清远市", "项目2", "35"),  # disagrees with 40
        budget("清远市", "不在表里的项目", "5"),
    ]
    rec = consolidate(province_round, choose_versions(files).counted).reconciliation
    checks = {c.version.project: c for c in rec.budgets}
    agree = checks["项目1"]
    assert agree.ok and agree.row is not None and agree.row_amount == Decimal("60")
    assert agree.row.cell("amount") == "E5"
    differ = checks["项目2"]
    assert not differ.ok
    assert [(i.code, i.cell) for i in differ.issues] == [("budget.row_mismatch", "C11")]
    assert differ.issues[0].message == "省局项目支出 35 与表四 E6“项目2”的金额 40 不符"
    assert (differ.provincial, differ.row_amount) == (Decimal("35"), Decimal("40"))
    lost = checks["不在表里的项目"]
    assert lost.row is None and lost.ok  # a warning only
    assert [i.code for i in lost.issues] == ["budget.no_row"]
    # every table row has a 预算表, so none is listed as lacking one
    assert rec.unbudgeted == []


def test_table_rows_without_a_budget_form_are_listed(province_round):
    files = [t4("清远市", "60", "40"), budget("清远市", "项目1", "60")]
    rec = consolidate(province_round, choose_versions(files).counted).reconciliation
    assert [(r.unit, r.table, r.project, r.amount, r.cell) for r in rec.unbudgeted] == [
        ("清远市", T4, "项目2", Decimal("40"), "E6")
    ]


def test_a_budget_form_of_another_unit_does_not_match(province_round):
    files = [t4("清远市", "60"), t4("韶关市", "60"), budget("韶关市", "项目1", "60")]
    rec = consolidate(province_round, choose_versions(files).counted).reconciliation
    assert [(r.unit, r.project) for r in rec.unbudgeted] == [("清远市", "项目1")]
    assert rec.budgets[0].row_version.unit == "韶关市"
