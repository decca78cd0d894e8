"""The collection-table templates (表一–表四), opened with openpyxl and checked as a user would."""

from __future__ import annotations

import dataclasses

import pytest
from openpyxl.utils import get_column_letter
from seed_tables import SEED_002, seed_table
from template_books import (
    FIRST_BODY_ROW,
    HEADER_ROW,
    body_rows,
    list_values,
    load,
    merged_value,
    metadata_pairs,
    total_row,
    validation_at,
)

from budget_planner.templates import metadata
from budget_planner.templates.round import Preset, load_round
from budget_planner.templates.writer import write_table_template
from budget_planner.text import canonical, compact

TABLES = ("表一", "表二", "表三", "表四")
needs_seed = pytest.mark.skipif(
    not SEED_002.exists(), reason="shared/seeds is not beside the checkout"
)


@pytest.fixture(scope="module")
def blank(province_round):
    return {t: load(write_table_template(province_round, t)) for t in TABLES}


@pytest.fixture(scope="module")
def qingyuan(province_round):
    return {t: load(write_table_template(province_round, t, "清远市")) for t in TABLES}


def col_of(spec, key: str) -> int:
    """1-based column of a spec column."""
    return [c.key for c in spec.issued_columns].index(key) + 1


@needs_seed
@pytest.mark.parametrize("table", TABLES)
def test_header_row_is_the_seed_header(blank, table):
    ws = blank[table][table]
    seed_header, _ = seed_table(table)
    written = [ws.cell(HEADER_ROW, c).value for c in range(1, len(seed_header) + 1)]
    assert [canonical(compact(w)) for w in written] == [canonical(compact(h)) for h in seed_header]
    assert ws.cell(HEADER_ROW, len(seed_header) + 1).value is None
    cell = ws.cell(HEADER_ROW, 2)
    assert cell.font.b and cell.alignment.wrap_text and cell.border.bottom.style == "thin"
    assert cell.fill.fgColor.rgb.endswith("D9E1F2")
    assert ws.freeze_panes == f"A{FIRST_BODY_ROW}"


def test_a_header_too_wide_for_its_column_breaks_before_the_bracket(blank, specs):
    ws = blank["表一"]["表一"]
    funding = col_of(specs.table("表一"), "funding")
    assert ws.cell(HEADER_ROW, funding).value == "经费安排\n(万元)"


@pytest.mark.parametrize("table", TABLES)
def test_title_subtitle_and_unit_line(blank, specs, table):
    spec = specs.table(table)
    ws = blank[table][table]
    last = get_column_letter(len(spec.issued_columns))
    assert ws["A1"].value == spec.title(2024) == f"2024年度知识产权项目需求征集表（{spec.number}）"
    assert ws["A2"].value == spec.subtitle
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {f"A1:{last}1", f"A2:{last}2"} <= merged
    assert ws["A3"].value == "填报单位："
    assert ws[f"{last}3"].value == "单位：万元" or any(
        ws.cell(3, c).value == "单位：万元" for c in range(1, len(spec.issued_columns) + 1)
    )
    assert ws.title == table
    assert blank[table].sheetnames[:2] == [table, "填表说明"]


def test_table_four_subtitle_is_the_seeds(blank):
    assert blank["表四"]["表四"]["A2"].value == "下放地市审批权限部分"


@pytest.mark.parametrize("table", ["表一", "表三", "表四"])
def test_category_dropdown_holds_exactly_the_spec_list(blank, specs, table):
    spec = specs.table(table)
    wb = blank[table]
    ws = wb[table]
    col = get_column_letter(col_of(spec, "category"))
    last_body = total_row(ws) - 1
    dv = validation_at(ws, f"{col}{FIRST_BODY_ROW}")
    assert dv is not None and dv.type == "list"
    assert str(dv.sqref) == f"{col}{FIRST_BODY_ROW}:{col}{last_body}"
    assert list_values(wb, dv.formula1) == list(spec.categories)
    assert dv.showErrorMessage and dv.errorStyle in (None, "stop")
    assert wb["下拉选项"].sheet_state == "hidden"


@pytest.mark.parametrize("table", TABLES)
def test_amount_cells_accept_only_numbers_not_below_zero(blank, specs, table):
    spec = specs.table(table)
    ws = blank[table][table]
    col = get_column_letter(col_of(spec, spec.amount_column.key))
    last_body = total_row(ws) - 1
    dv = validation_at(ws, f"{col}{FIRST_BODY_ROW}")
    assert (dv.type, dv.operator, dv.formula1) == ("decimal", "greaterThanOrEqual", "0")
    assert str(dv.sqref) == f"{col}{FIRST_BODY_ROW}:{col}{last_body}"
    assert dv.showErrorMessage and dv.errorStyle in (None, "stop")
    assert "不能为负数" in dv.error and "万元" in dv.error
    assert dv.showInputMessage and dv.prompt == spec.amount_column.help
    for row in (FIRST_BODY_ROW, last_body):
        assert ws[f"{col}{row}"].number_format == "#,##0.00##"
        assert ws[f"{col}{row}"].protection.locked is False


def test_text_cells_are_limited_to_the_spec_length(blank, specs):
    spec = specs.table("表一")
    ws = blank["表一"]["表一"]
    for key in ("work_content", "project", "count_amount", "necessity"):
        dv = validation_at(ws, f"{get_column_letter(col_of(spec, key))}{FIRST_BODY_ROW}")
        assert (dv.type, dv.operator) == ("textLength", "lessThanOrEqual")
        assert dv.formula1 == str(spec.column(key).max_length)
        assert str(spec.column(key).max_length) in dv.error


@pytest.mark.parametrize("table", TABLES)
def test_total_row_sums_exactly_the_body(blank, specs, table):
    spec = specs.table(table)
    ws = blank[table][table]
    row = total_row(ws)
    col = get_column_letter(col_of(spec, spec.amount_column.key))
    assert ws[f"{col}{row}"].value == f"=SUM({col}{FIRST_BODY_ROW}:{col}{row - 1})"
    assert ws.cell(row - 1, 1).value is None  # the body's last row is an input row, not a label
    assert ws[f"{col}{row}"].protection.locked is True
    cached = load(write_table_template(load_round(), table), data_only=True)[table]
    assert cached[f"{col}{row}"].value == 0


def test_table_one_has_a_merged_group_per_category(blank, specs):
    spec = specs.table("表一")
    ws = blank["表一"]["表一"]
    merged = sorted(
        (r.min_row, r.max_row, ws.cell(r.min_row, 2).value)
        for r in ws.merged_cells.ranges
        if r.min_col == r.max_col == 2
    )
    n = spec.rows_per_category
    expected = [
        (FIRST_BODY_ROW + i * n, FIRST_BODY_ROW + (i + 1) * n - 1, category)
        for i, category in enumerate(spec.categories)
    ]
    assert merged == expected
    assert total_row(ws) == FIRST_BODY_ROW + len(spec.categories) * n
    assert ws.cell(FIRST_BODY_ROW, 2).protection.locked is False  # 类型 stays choosable


def test_table_two_has_its_blank_rows(blank, specs):
    spec = specs.table("表二")
    ws = blank["表二"]["表二"]
    rows = body_rows(ws, len(spec.issued_columns))
    assert len(rows) == spec.blank_rows
    assert all(v is None for row in rows for v in row)


def _project_rows(ws, spec):
    """Body rows of 表四 as text, 类型 filled down, rows with nothing but a 类型 left out."""
    category = col_of(spec, "category") - 1
    rows = []
    for row in body_rows(ws, len(spec.issued_columns)):
        text = [canonical(v) for v in row]
        if any(t for i, t in enumerate(text) if i != category):
            rows.append(text)
    return rows


@needs_seed
@pytest.mark.parametrize("which", ["blank", "qingyuan"])
def test_table_four_presets_equal_the_seed_row_for_row(request, specs, which):
    spec = specs.table("表四")
    ws = request.getfixturevalue(which)["表四"]["表四"]
    _, seed_rows = seed_table("表四")
    written = _project_rows(ws, spec)
    assert len(written) == len(seed_rows) == 25
    category = None
    for got, seed in zip(written, seed_rows, strict=True):
        expected = [canonical(c) for c in seed]
        category = spec.is_category(expected[1]) or category
        expected[1] = category
        assert got == expected


def test_every_category_of_table_four_has_empty_rows_to_fill(blank, specs):
    spec = specs.table("表四")
    ws = blank["表四"]["表四"]
    project = col_of(spec, "project")
    empty_by_category: dict[str, int] = {}
    for r in range(FIRST_BODY_ROW, total_row(ws)):
        category = merged_value(ws, r, 2)
        if ws.cell(r, project).value is None:
            empty_by_category[category] = empty_by_category.get(category, 0) + 1
    assert list(empty_by_category) == list(spec.categories)
    assert all(n >= 2 for n in empty_by_category.values())
    assert empty_by_category["知识产权高水平服务"] == spec.rows_per_category
    # 填表说明: "select a group's last white row and insert" — the row above it, whose format the
    # new row takes, must be an empty open row too, or the inserted row would come out locked
    group_ends = [
        r
        for r in range(FIRST_BODY_ROW, total_row(ws))
        if merged_value(ws, r + 1, 2) != merged_value(ws, r, 2) or r + 1 == total_row(ws)
    ]
    assert len(group_ends) == len(spec.categories)
    for end in group_ends:
        for r in (end - 1, end):
            assert ws.cell(r, project).value is None
            assert all(ws.cell(r, c).protection.locked is False for c in range(3, 10))


def test_table_four_locks_preset_text_and_opens_input_cells(qingyuan, specs, province_round):
    spec = specs.table("表四")
    ws = qingyuan["表四"]["表四"]
    protection = ws.protection
    assert protection.sheet is True and protection.password is None
    # openpyxl's flags say what is *forbidden*: False means the user may do it
    assert protection.insertRows is False and protection.formatCells is False
    assert protection.insertColumns is True and protection.deleteColumns is True
    cols = {c.key: col_of(spec, c.key) for c in spec.issued_columns}
    presets = iter(province_round.presets_for("表四"))
    checked = 0
    for r in range(FIRST_BODY_ROW, total_row(ws)):
        project = ws.cell(r, cols["project"])
        if project.value is None:
            assert all(ws.cell(r, c).protection.locked is False for c in cols.values() if c != 2)
            continue
        preset = next(presets)
        assert project.value == preset.project
        for key in ("amount", "performance", "serial"):
            assert ws.cell(r, cols[key]).protection.locked is False, (r, key)
        for key in ("work_content", "project", "necessity", "policy_basis", "remarks"):
            cell = ws.cell(r, cols[key])
            # the office's text is locked; a prompt (…拟设置的项目N) or an empty cell is to fill
            assert cell.protection.locked is (bool(cell.value) and not preset.placeholder), (r, key)
        checked += 1
    assert checked == 25
    assert all(ws.cell(HEADER_ROW, c).protection.locked for c in cols.values())
    assert ws.cell(FIRST_BODY_ROW, 2).protection.locked is True  # a 类型 with presets is fixed


def test_prompts_are_grey_and_presets_shaded(qingyuan, specs):
    spec = specs.table("表四")
    ws = qingyuan["表四"]["表四"]
    project = col_of(spec, "project")
    cells = [ws.cell(r, project) for r in range(FIRST_BODY_ROW, total_row(ws))]
    prompt = next(c for c in cells if c.value == "各地市根据工作内容拟设置的项目1")
    preset = next(c for c in cells if c.value == "知识产权强市强县建设项目")
    assert prompt.font.color.rgb.endswith("808080")
    assert preset.fill.fgColor.rgb.endswith("F2F2F2")


def test_personalised_unit_line_is_prefilled_and_locked(qingyuan, blank, province_round):
    unit = province_round.unit("清远市")
    for table in TABLES:
        ws = qingyuan[table][table]
        assert ws["C3"].value == unit.full_name
        assert ws["C3"].protection.locked is True
        assert validation_at(ws, "C3") is None
        empty = blank[table][table]
        assert empty["C3"].value is None and empty["C3"].protection.locked is False
    dv = validation_at(blank["表四"]["表四"], "C3")
    assert dv.type == "list" and dv.errorStyle == "information"
    assert list_values(blank["表四"], dv.formula1) == [u.full_name for u in province_round.units]


@pytest.mark.parametrize("table", TABLES)
def test_metadata_sheet_is_very_hidden_and_names_table_and_unit(qingyuan, blank, specs, table):
    wb = qingyuan[table]
    assert wb.sheetnames[-1] == "bp_meta" and wb["bp_meta"].sheet_state == "veryHidden"
    meta = metadata.parse(metadata_pairs(wb))
    assert meta["table"] == table and meta["unit"] == "清远市"
    assert meta["unit_full_name"] == "清远市市场监督管理局（知识产权局）"
    assert (meta["round"], meta["year"], meta["spec_version"]) == (
        "guangdong-2024",
        "2024",
        specs.version,
    )
    assert metadata.parse(metadata_pairs(blank[table]))["unit"] == ""


@pytest.mark.parametrize("table", TABLES)
def test_print_setup_is_a4_landscape_one_page_wide(blank, specs, table):
    ws = blank[table][table]
    last = get_column_letter(len(specs.table(table).issued_columns))
    assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
    assert ws.print_area == [f"'{table}'!$A$1:${last}${total_row(ws)}"] or ws.print_area == (
        f"'{table}'!$A$1:${last}${total_row(ws)}"
    )
    assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"
    assert ws.print_options.horizontalCentered is True


def test_rows_are_as_tall_as_their_wrapped_text(qingyuan, specs):
    ws = qingyuan["表四"]["表四"]
    spec = specs.table("表四")
    necessity, project = col_of(spec, "necessity"), col_of(spec, "project")
    heights, empty = {}, set()
    for r in range(FIRST_BODY_ROW, total_row(ws)):
        text = ws.cell(r, necessity).value or ""
        heights[len(text)] = max(heights.get(len(text), 0), ws.row_dimensions[r].height)
        if ws.cell(r, project).value is None:
            empty.add(ws.row_dimensions[r].height)
    longest = heights[max(heights)]
    assert empty == {24}
    assert longest > 8 * 24  # ~360 characters in a 36-wide column: about 20 lines
    assert all(h <= 409 for h in heights.values())
    assert ws.row_dimensions[HEADER_ROW].height >= 30


def test_text_beginning_with_equals_is_written_as_text(province_round):
    first = province_round.presets_for("表四")[0]
    tricky = Preset(first.category, {**first.values, "remarks": "=SUM(1,2)", "project": "+项目"})
    round_ = dataclasses.replace(
        province_round, presets={"表四": (tricky, *province_round.presets_for("表四")[1:])}
    )
    ws = load(write_table_template(round_, "表四"))["表四"]
    row = FIRST_BODY_ROW
    assert ws.cell(row, 9).value == "=SUM(1,2)" and ws.cell(row, 9).data_type == "s"
    assert ws.cell(row, 4).value == "+项目" and ws.cell(row, 4).data_type == "s"


def test_instructions_sheet_is_generated_from_the_spec(blank, specs):
    spec = specs.table("表四")
    ws = blank["表四"]["填表说明"]
    text = [ws.cell(r, c).value for r in range(1, ws.max_row + 1) for c in range(1, 5)]
    joined = "\n".join(t for t in text if t)
    assert ws["A1"].value == "2024年度知识产权项目需求征集表（四）（下放地市审批权限部分）填表说明"
    rows = {
        str(ws.cell(r, 1).value).strip("“”"): [ws.cell(r, c).value for c in range(2, 5)]
        for r in range(1, ws.max_row + 1)
    }
    for col in spec.issued_columns:
        required, help_text, checks = rows[col.label]
        assert required == ("是" if col.required else "否")
        assert help_text == col.help
        assert ("不能为空" in checks) is (col.required and col.key != "category")
    assert "不小于0" in rows["金额"][2]
    assert "《》" in rows["项目设置政策依据"][2]
    assert "须为下拉列表中的类型" in rows["类型"][2]
    assert "单位：万元" in joined and "2023年12月15日" in joined
    assert "灰色底纹" in joined  # 表四 explains its presets
    assert ws.protection.sheet is True


def test_instructions_of_table_one_explain_groups_not_presets(blank):
    ws = blank["表一"]["填表说明"]
    joined = "\n".join(str(ws.cell(r, 1).value) for r in range(1, ws.max_row + 1))
    assert "选中该组最后一行白色空行，右键“插入”整行" in joined and "灰色底纹" not in joined
    assert "项目数及单项金额" in joined and "经费安排(万元)" in joined
