"""项目支出预算明细表 as filed: every line found by its label, typed, at its cell, keyed to its project."""

from __future__ import annotations

import io
from decimal import Decimal

from builders import (
    DEFAULT_TAKEN,
    Submission,
    budget_layout,
    make_budget,
    table4_rows,
    text_sheet,
    workbook,
)

from budget_planner.project_key import matches_row
from budget_planner.templates.writer import write_budget_template
from budget_planner.validators.intake.extract import read_workbook
from budget_planner.validators.intake.grid import SheetGrid
from budget_planner.validators.read.budget_form import find_labels, is_budget, read_form
from budget_planner.validators.read.model import RowKind
from budget_planner.validators.read.reader import read_tables, summarise

D = Decimal


def read(data: bytes, name: str, province_round, expected: str | None = None):
    return read_tables(read_workbook(data, name), name, province_round, expected)


def test_seed_layout_reads_every_line_at_its_cell(province_round):
    lay = budget_layout()
    (t,) = read(make_budget(), "清远市-预算表.xlsx", province_round)
    assert (t.table, t.unit, t.sheet) == ("预算表", "清远市", "预算表")
    form = t.budget
    assert {k: f.cell for k, f in form.fields.items()} == lay.value_cells
    assert form.fields["provincial"].cell == "D11"
    assert form.fields["calculation_note"].cell == "B23"
    assert form.text("project_name") == "高价值专利培育布局中心建设"
    assert form.text("unit") == "清远市市场监督管理局(知识产权局)"
    assert form.text("period") == "2024年6月至2025年12月"
    assert [form.amount(k) for k in ("total", "provincial", "self_raised", "service_fee")] == [
        D(200),
        D(50),
        D(150),
        D(20),
    ]
    assert (t.stated_total, t.stated_total_cell) == (D(200), "D10")
    assert summarise(t) == (1, D(200), {})
    assert t.issues == []
    (row,) = t.rows
    assert row.kind is RowKind.PROJECT
    assert str(row.key) == "清远市|表四|知识产权高质量创造|高价值专利培育布局中心建设"
    assert row.category == "知识产权高质量创造"


def test_the_budget_finds_its_table_row(province_round):
    four = Submission("表四", rows=table4_rows(province_round, taken=DEFAULT_TAKEN), sheet="表四")
    (table,) = read(four.xlsx(), "清远市-表四.xlsx", province_round)
    (budget,) = read(make_budget(), "清远市-预算表.xlsx", province_round)
    matches = [r for r in table.project_rows if matches_row(budget.rows[0].key, r.key)]
    assert [(r.value("project"), r.value("amount")) for r in matches] == [
        ("高价值专利培育布局中心建设", D(50))
    ]


def test_the_issued_template_filled_in_openpyxl(province_round):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(write_budget_template(province_round, "韶关市")))
    ws = wb["项目支出预算明细表"]
    ws["C4"] = "知识产权纠纷多元化解"
    ws["C6"] = "表四"
    ws["C7"] = "强化知识产权保护"
    ws["C8"] = "知识产权保护"
    ws["C9"] = "2024年1月至2024年12月"
    for cell, value in {"D12": 30, "D14": "90", "D17": 20, "D23": 10}.items():
        ws[cell] = value
    ws["C24"] = "其他相关费用10万元用于调解员培训资料印制。"
    out = io.BytesIO()
    wb.save(out)
    (t,) = read(out.getvalue(), "项目支出预算明细表-韶关市.xlsx", province_round)
    assert (t.table, t.unit, t.sheet) == ("预算表", "韶关市", "项目支出预算明细表")
    form = t.budget
    assert form.fields["provincial"].cell == "D12"
    assert form.fields["calculation_note"].cell == "C24"
    assert form.text("calculation_note") == "其他相关费用10万元用于调解员培训资料印制。"
    assert [form.amount(k) for k in ("provincial", "self_raised", "other_expenses")] == [
        D(30),
        D(90),
        D(10),
    ]
    assert summarise(t)[1] == D(120)  # the sources' sum
    assert [(i.code, i.cell) for i in t.issues] == [("amount.normalised", "D14")]
    assert str(t.rows[0].key) == "韶关市|表四|强化知识产权保护|知识产权纠纷多元化解"


def test_short_labels_text_amounts_and_a_note_written_into_its_label(province_round):
    lay = budget_layout(
        {"provincial": "50万元", "training": "１０", "other_expenses": 5, "service_fee": 15},
        short_labels=True,
        labels={
            "other_expenses": "7、其他相关费用（须注明）：宣传册印制",
            "project_name": "项目名称：",
        },
    )
    (t,) = read(workbook([lay]), "清远市-预算表.xlsx", province_round)
    form = t.budget
    assert form.fields["provincial"].cell == lay.value_cells["provincial"] == "D11"
    assert form.amount("provincial") == D(50)
    assert form.amount("training") == D(10)
    assert form.amount("other_expenses") == D(5)
    assert form.fields["other_expenses"].cell == "D22"
    assert form.text("project_name") == "高价值专利培育布局中心建设"
    assert [(i.code, i.cell, i.column) for i in t.issues] == [
        ("amount.normalised", "D11", "省局项目支出"),
        ("amount.normalised", "D20", "培训费"),
    ]


def test_label_and_value_in_one_cell_and_the_note_below_its_label():
    values = [
        ["项目支出预算明细表"],
        ["项目名称：商标品牌指导站建设"],
        ["填报单位：潮州市市场监督管理局"],
        ["所属表", "表四"],
        [None, "资金来源", "金额"],
        [None, "合计", 20],
        [None, "1、省局项目支出", 20],
        [None, "2、地方、部门配套", 0],
        [None, "3、单位自筹", 0],
        [None, "4、其他来源", 0],
        [None, "支出项目内容", "金额"],
        [None, "1、知识产权服务费", 20],
        [None, "2、专利维持费"],
        ["支出项目经费测算说明："],
        ["服务费20万元用于指导站运营。"],
    ]
    sheet = SheetGrid("Sheet1", values=values)
    labels = find_labels(sheet)
    assert is_budget(labels)
    form, issues = read_form(sheet, labels)
    assert issues == []
    assert (form.text("project_name"), form.fields["project_name"].cell) == (
        "商标品牌指导站建设",
        "A2",
    )
    assert form.text("unit") == "潮州市市场监督管理局"
    assert (form.amount("total"), form.fields["total"].cell) == (D(20), "C6")
    assert (form.amount("maintenance_fee"), form.fields["maintenance_fee"].cell) == (None, "C13")
    assert (form.text("calculation_note"), form.fields["calculation_note"].cell) == (
        "服务费20万元用于指导站运营。",
        "A15",
    )


def test_one_budget_per_sheet_and_a_collection_table_beside_them(province_round):
    first = budget_layout(sheet="预算表1")
    second = budget_layout(
        {"project_name": "知识产权纠纷多元化解", "category": "强化知识产权保护", "provincial": 30},
        sheet="预算表2",
    )
    data = workbook([text_sheet("说明", [["每个项目一张预算表"]]), first, second])
    tables = read(data, "清远市-预算表.xlsx", province_round)
    assert [(t.sheet, t.table, t.unit) for t in tables] == [
        ("预算表1", "预算表", "清远市"),
        ("预算表2", "预算表", "清远市"),
    ]
    assert [t.rows[0].key.name for t in tables] == [
        "高价值专利培育布局中心建设",
        "知识产权纠纷多元化解",
    ]
    assert [summarise(t)[1] for t in tables] == [D(200), D(180)]


def test_a_sheet_with_a_few_budget_words_is_not_a_budget():
    sheet = SheetGrid("说明", values=[["培训费"], ["宣传费"], ["合计"]])
    assert not is_budget(find_labels(sheet))
