"""The 项目支出预算明细表 template: the seed's form, its sums and checks as formulas, dropdowns."""

from __future__ import annotations

import pytest
from template_books import list_values, load, metadata_pairs, validation_at

from budget_planner.templates import metadata
from budget_planner.templates.spec import COLLECTION_TABLES, budget_spec
from budget_planner.templates.writer import write_budget_template, write_table_template

SHEET = "项目支出预算明细表"


@pytest.fixture(scope="module")
def blank(province_round):
    return load(write_budget_template(province_round))


@pytest.fixture(scope="module")
def qingyuan(province_round):
    return load(write_table_template(province_round, "预算表", "清远市市场监督管理局"))


def rows_by_label(ws, col: int) -> dict[str, int]:
    return {ws.cell(r, col).value: r for r in range(1, ws.max_row + 1) if ws.cell(r, col).value}


def test_title_unit_line_and_sheet_order(blank, province_round):
    ws = blank[SHEET]
    assert blank.sheetnames == [SHEET, "填表说明", "下拉选项", "bp_meta"]
    assert ws["A1"].value == "项目支出预算明细表"
    assert ws["A2"].value == province_round.title
    assert ws["D3"].value == "单位：万元"


def test_header_block_is_label_and_input_pairs(blank, qingyuan, province_round):
    budget = budget_spec()
    ws = blank[SHEET]
    labels = rows_by_label(ws, 1)
    for col in budget.header:
        row = labels[col.label]
        assert f"A{row}:B{row}" in {str(r) for r in ws.merged_cells.ranges}
        assert ws[f"A{row}"].protection.locked is True
        assert ws[f"C{row}"].value is None and ws[f"C{row}"].protection.locked is False
    unit_row = labels["填报单位"]
    filled = qingyuan[SHEET]
    assert filled[f"C{unit_row}"].value == province_round.unit("清远市").full_name
    assert filled[f"C{unit_row}"].protection.locked is True


def test_table_and_category_dropdowns(blank, specs):
    ws = blank[SHEET]
    labels = rows_by_label(ws, 1)
    table_dv = validation_at(ws, f"C{labels['所属表']}")
    assert list_values(blank, table_dv.formula1) == list(COLLECTION_TABLES)
    category_dv = validation_at(ws, f"C{labels['类型']}")
    assert list_values(blank, category_dv.formula1) == list(specs.table("表四").categories)
    assert set(specs.table("表一").categories) <= set(specs.table("表四").categories)
    for dv in (table_dv, category_dv):
        assert dv.type == "list" and dv.errorStyle in (None, "stop") and dv.showErrorMessage
    period = validation_at(ws, f"C{labels['实施起止年月']}")
    assert period.type == "textLength" and period.prompt == budget_spec().field("period").help


def test_sources_total_is_the_sum_of_the_four_sources(blank):
    budget = budget_spec()
    ws = blank[SHEET]
    labels = rows_by_label(ws, 3)
    total, *parts = (labels[c.label] for c in budget.sources)
    assert budget.sources[0].label == "合计"
    assert parts == list(range(total + 1, total + 5))
    assert ws[f"D{total}"].value == f"=SUM(D{parts[0]}:D{parts[-1]})"
    assert ws[f"D{total}"].protection.locked is True
    dv = validation_at(ws, f"D{parts[0]}")
    assert str(dv.sqref) == f"D{parts[0]}:D{parts[-1]}"
    assert (dv.type, dv.operator, dv.formula1) == ("decimal", "greaterThanOrEqual", "0")
    assert validation_at(ws, f"D{total}") is None
    for row in parts:
        assert ws[f"D{row}"].protection.locked is False
        assert ws[f"D{row}"].number_format == "#,##0.00##"


def test_expense_lines_take_amounts_not_below_zero(blank):
    budget = budget_spec()
    ws = blank[SHEET]
    labels = rows_by_label(ws, 3)
    rows = [labels[c.label] for c in budget.expenses]
    assert rows == list(range(rows[0], rows[0] + 7))
    assert ws.cell(rows[-1], 3).value == "7、其他相关费用(须注明)"
    dv = validation_at(ws, f"D{rows[0]}")
    assert str(dv.sqref) == f"D{rows[0]}:D{rows[-1]}"
    assert dv.type == "decimal" and dv.errorStyle in (None, "stop")
    assert all(ws[f"D{r}"].protection.locked is False for r in rows)
    assert all(ws[f"C{r}"].protection.locked is True for r in rows)


def test_check_cells_compare_the_right_cells(blank):
    budget = budget_spec()
    ws = blank[SHEET]
    labels = rows_by_label(ws, 3)
    total, provincial, *_, other = (labels[c.label] for c in budget.sources)
    first_exp, last_exp = labels[budget.expenses[0].label], labels[budget.expenses[-1].label]
    checks = rows_by_label(ws, 1)
    sources_check = next(r for t, r in checks.items() if t.startswith("资金来源合计 = "))
    expenses_check = checks["支出明细合计 = 1、省局项目支出"]
    assert ws[f"D{sources_check}"].value == f"=SUM(D{provincial}:D{other})"
    assert ws[f"E{sources_check}"].value == (
        f'=IF(ROUND(D{sources_check}-D{total},4)=0,"一致","不一致")'
    )
    assert ws[f"D{expenses_check}"].value == f"=SUM(D{first_exp}:D{last_exp})"
    assert ws[f"E{expenses_check}"].value == (
        f'=IF(ROUND(D{expenses_check}-D{provincial},4)=0,"一致","不一致")'
    )
    rules = [
        (str(rng.sqref), rule.formula) for rng in ws.conditional_formatting for rule in rng.rules
    ]
    assert (f"E{sources_check}:E{expenses_check}", ['"不一致"']) in rules


def test_formulas_carry_their_empty_form_results(province_round):
    ws = load(write_budget_template(province_round), data_only=True)[SHEET]
    values = [ws.cell(r, c).value for r in range(1, ws.max_row + 1) for c in (4, 5)]
    assert values.count("一致") == 2 and "不一致" not in values


def test_note_is_a_large_open_box(blank):
    ws = blank[SHEET]
    row = rows_by_label(ws, 1)[budget_spec().note.label]
    note_range = next(r for r in ws.merged_cells.ranges if r.min_row == row and r.min_col == 3)
    assert (note_range.max_col, note_range.max_row - note_range.min_row + 1) == (5, 6)
    assert ws[f"C{row}"].protection.locked is False
    assert ws[f"C{row}"].alignment.wrap_text and ws[f"C{row}"].alignment.vertical == "top"
    assert validation_at(ws, f"C{row}").formula1 == "5000"


def test_form_is_protected_and_printable_on_a4(blank):
    ws = blank[SHEET]
    assert ws.protection.sheet is True and ws.protection.password is None
    assert ws.protection.insertRows is True  # the form keeps its shape
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "portrait"
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True and ws.page_setup.fitToHeight == 0
    assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"


def test_instructions_cover_the_fields_and_the_note_rule(blank):
    ws = blank["填表说明"]
    joined = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    budget = budget_spec()
    for col in budget.fields:
        assert col.label in joined
    assert "须在“支出项目经费测算说明”中注明用途" in joined
    assert "1、省局项目支出" in joined


def test_metadata_names_the_budget_table(qingyuan, blank):
    meta = metadata.parse(metadata_pairs(qingyuan))
    assert (meta["table"], meta["unit"]) == ("预算表", "清远市")
    assert qingyuan["bp_meta"].sheet_state == "veryHidden"
    assert metadata.parse(metadata_pairs(blank))["unit"] == ""
