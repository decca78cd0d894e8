"""A template filled in the way a unit fills it reads back cleanly through the validation pipeline."""

from __future__ import annotations

import io

import pytest
from template_books import FIRST_BODY_ROW, load, merged_value, total_row

from budget_planner.templates.spec import budget_spec
from budget_planner.templates.writer import template_filename, write_table_template

pytest.importorskip(
    "budget_planner.validators.read.reader", reason="the reader is not in this tree yet"
)

from budget_planner.validators.check.pipeline import validate_bytes
from budget_planner.validators.intake.extract import read_workbook


def _fill_table_four(data: bytes, specs) -> bytes:
    """What a city does: amounts for one preset, its own project over a prompt, one added project."""
    spec = specs.table("表四")
    cols = {c.key: i + 1 for i, c in enumerate(spec.columns)}
    wb = load(data)
    ws = wb["表四"]
    rows = range(FIRST_BODY_ROW, total_row(ws))
    by_project = {ws.cell(r, cols["project"]).value: r for r in rows}
    preset = by_project["知识产权强市强县建设项目"]
    ws.cell(preset, cols["amount"]).value = 50
    ws.cell(preset, cols["performance"]).value = "新增1个县区开展强县建设"
    own = by_project["各地市根据工作内容拟设置的项目1"]
    values = {
        "work_content": "开展重点产业专利导航",
        "project": "清远市重点产业专利导航项目",
        "amount": 12.5,
        "necessity": "服务本市重点产业发展。",
        "policy_basis": "《广东省知识产权保护和运用“十四五”规划》",
        "performance": "形成导航报告1份",
    }
    for key, value in values.items():
        ws.cell(own, cols[key]).value = value
    added = next(
        r
        for r in rows
        if merged_value(ws, r, cols["category"]) == "知识产权高水平服务"
        and ws.cell(r, cols["project"]).value is None
    )
    for key, value in {**values, "project": "知识产权公共服务网点建设", "amount": 7.25}.items():
        ws.cell(added, cols[key]).value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_filled_table_four_reads_back_with_exact_totals(province_round, specs):
    name = template_filename(province_round, "表四", "清远市")
    data = _fill_table_four(write_table_template(province_round, "表四", "清远市"), specs)
    (checked,) = validate_bytes(data, name, province_round, parse=read_workbook)
    report = checked.report.to_dict()
    assert (report["table"], report["unit"], report["sheet"]) == ("表四", "清远市", "表四")
    errors = [i for i in report["issues"] if i["severity"] == "error"]
    assert errors == []
    assert report["rows"] == 3
    assert report["total"] == "69.75"
    assert report["totals_by_category"] == {
        "知识产权强市、强县建设": "62.5",
        "知识产权高水平服务": "7.25",
    }
    # the 合计 row is the sheet's own total; openpyxl, unlike Excel, saves it without its result,
    # so the reader evaluates the SUM (a warning)
    ws = load(data)["表四"]
    assert checked.table.stated_total_cell == f"E{total_row(ws)}"
    assert report["stated_total"] == "69.75"
    assert {(i["code"], i["cell"]) for i in report["issues"]} == {
        ("formula.evaluated", f"E{total_row(ws)}")
    }


@pytest.mark.parametrize("table", ["表一", "表二", "表三", "表四", "预算表"])
def test_an_untouched_template_is_recognised_with_no_projects(province_round, table):
    data = write_table_template(province_round, table, "清远市")
    checked = validate_bytes(
        data,
        template_filename(province_round, table, "清远市"),
        province_round,
        parse=read_workbook,
    )
    assert [c.report.table for c in checked] == [table]
    report = checked[0].report.to_dict()
    assert report["unit"] == "清远市"
    assert report["stated_total"] == "0"  # the formulas' cached results
    if table != "预算表":  # an empty 预算表 is one project with its required fields missing
        assert [i for i in report["issues"] if i["severity"] == "error"] == []
        assert report["rows"] == 0 and report["total"] == "0"


def test_a_filled_budget_form_reads_back(province_round):
    budget = budget_spec()
    wb = load(write_table_template(province_round, "预算表", "清远市"))
    ws = wb["项目支出预算明细表"]
    header = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value}
    lines = {ws.cell(r, 3).value: r for r in range(1, ws.max_row + 1) if ws.cell(r, 3).value}
    values = {
        "project_name": "清远市重点产业专利导航项目",
        "table_ref": "表四",
        "category": "知识产权高水平服务",
        "project_kind": "专利导航",
        "period": "2024年6月至2025年6月",
    }
    for col in budget.header:
        if col.key in values:
            ws.cell(header[col.label], 3).value = values[col.key]
    amounts = {"provincial": 10, "self_raised": 5, "service_fee": 6, "training": 4}
    for col in (*budget.sources, *budget.expenses):
        if col.key in amounts:
            ws.cell(lines[col.label], 4).value = amounts[col.key]
    ws.cell(header[budget.note.label], 3).value = "知识产权服务费6万元；培训费4万元。"
    out = io.BytesIO()
    wb.save(out)
    (checked,) = validate_bytes(out.getvalue(), "预算.xlsx", province_round, parse=read_workbook)
    report = checked.report.to_dict()
    assert (report["table"], report["unit"], report["rows"]) == ("预算表", "清远市", 1)
    # openpyxl saves formulas without their results (Excel and WPS store them): the reader
    # evaluates the 合计 it reads and says so; the template's own check cells beside the form
    # (their IF cannot be evaluated) are not the submission's problem and are not reported
    assert {(i["code"], i["cell"]) for i in report["issues"]} == {("formula.evaluated", "D11")}
    assert report["total"] == "15" and report["stated_total"] == "15"
    form = checked.table.budget
    assert form.text("project_name") == values["project_name"]
    assert form.text("table_ref") == "表四"
