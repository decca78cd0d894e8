"""A row the reader reads keeps its cells without an object per cell (issue 16): what each row answers
(value, raw value, cell, presence) is the same as the ``Field`` it makes on demand, on the files
people send, and validating a file makes no ``Field`` for the rows it checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from budget_planner.templates.round import load_round
from budget_planner.validators.check.pipeline import validate_bytes
from budget_planner.validators.intake.extract import read_workbook
from budget_planner.validators.read.model import (
    RowKind,
    TableRow,
    column_raws,
    column_values,
)
from budget_planner.validators.read.reader import read_tables

ROOT = Path(__file__).resolve().parents[1]
SETS = [ROOT / "examples", ROOT / "tests" / "realworld2", ROOT / "tests" / "realworld3"]
FILES = sorted(
    p for folder in SETS for p in folder.rglob("*") if p.suffix in (".xlsx", ".xls", ".docx")
)


def _read(path: Path) -> list:
    data = path.read_bytes()
    try:
        grid = read_workbook(data, path.name)
    except Exception:  # an unreadable file of a set: it has no rows to compare
        return []
    return list(read_tables(grid, path.name, load_round()))


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_row_answers_as_its_fields_say(path):
    for table in _read(path):
        read_rows = [r for r in table.rows if r._layout is not None]
        keys = list(table.columns)
        # column-wise answers first (the rows' fields not made yet), then each row against its fields
        columns = {k: (column_values(table.rows, k), column_raws(table.rows, k)) for k in keys}
        answers = [
            {k: (r.has(k), r.value(k), r.raw(k), r.cell(k)) for k in [*keys, "no_such_column"]}
            for r in table.rows
        ]
        cells = [sorted(r.cells(), key=str) for r in table.rows]
        for n, row in enumerate(table.rows):
            fields = row.fields  # made now for a read row
            for k in [*keys, "no_such_column"]:
                f = fields.get(k)
                expected = (True, f.value, f.raw, f.cell) if f else (False, None, None, None)
                if f is None and k in keys:
                    expected = (False, None, row.raw(k), None)  # an amount merged from above
                assert answers[n][k] == expected, (path.name, row.excel_row, k)
            assert cells[n] == sorted((f.cell for f in fields.values()), key=str)
        for k, (values, raws) in columns.items():
            assert values == [r.value(k) for r in table.rows], (path.name, k)
            assert raws == [r.raw(k) for r in table.rows], (path.name, k)
        assert all("fields" in r.__dict__ for r in read_rows)


def test_a_row_merged_over_by_the_amount_above_has_no_amount_cell(tmp_path):
    """An amount merged down over two rows counts once: the row under it has no amount cell."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "表四"
    ws.append(["2025年度知识产权项目需求征集表（四）"])
    ws.append(["填报单位：清远市市场监督管理局（知识产权局）"])
    ws.append(
        ["序号", "类型", "主要工作内容", "拟设置项目", "金额", "项目设置必要性",
         "项目设置政策依据", "项目绩效", "备注"]
    )  # fmt: skip
    doc = "《广东省知识产权保护和运用“十四五”规划》"
    ws.append([1, "知识产权高质量创造", "专利导航", "专利导航项目", 30, "必要", doc, "完成"])
    ws.append([2, "知识产权高质量创造", "专利导航", "专利导航二期", None, "必要", doc, "完成"])
    ws.merge_cells("E4:E5")
    path = tmp_path / "清远市-表四.xlsx"
    wb.save(path)
    (table,) = read_tables(read_workbook(path.read_bytes(), path.name), path.name, load_round())
    first, second = table.project_rows
    assert (first.cell("amount"), second.cell("amount")) == ("E4", None)
    assert not second.has("amount") and "amount" not in second.fields
    assert second.cell("project") == "D5"


def test_validating_a_return_makes_no_field_per_cell():
    path = ROOT / "examples" / "广州市-表四.xlsx"
    (checked,) = validate_bytes(path.read_bytes(), path.name, load_round(), parse=read_workbook)
    rows = [r for r in checked.table.rows if r.kind is RowKind.PROJECT]
    assert rows and checked.report.rows == len(rows)
    assert not [r.excel_row for r in rows if "fields" in r.__dict__]


def test_a_row_built_by_hand_answers_from_its_fields():
    from budget_planner.validators.read.model import Field

    row = TableRow(7, RowKind.PROJECT, {"amount": Field("50", "E7", None)})
    assert (row.has("amount"), row.raw("amount"), row.cell("amount")) == (True, "50", "E7")
    assert row.value("project") is None and not row.has("project")
    assert column_values([row], "amount") == [None]
