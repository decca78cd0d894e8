"""The reader's plain-row path (``RowReader._plain_rows``): a project row whose every look is decided
for its whole column is taken as precomputed. The rows read must be the very rows the row-by-row
looks read — kind, 类型, values, raw cells, cell references and project key — on every committed
example and every real-world file the tests make."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
import realworld_files as rw
from expected_reports import realworld_makers

from budget_planner.templates.round import load_round
from budget_planner.validators.intake.extract import read_workbook
from budget_planner.validators.read import rows as rows_module
from budget_planner.validators.read.reader import read_tables

ROOT = Path(__file__).resolve().parents[1]
HENGYANG = "hengyang-2024"


def _rows(name: str, data: bytes, round_id: str | None) -> list[tuple]:
    round_ = load_round(round_id) if round_id else load_round()
    grid = read_workbook(data, name)
    found = []
    for table in read_tables(grid, name, round_, None):
        for row in table.rows:
            cells = row.cells()
            values = [row.value(c) for c in sorted(table.columns)]
            raws = [row.raw(c) for c in sorted(table.columns)]
            found.append(
                (table.table, row.excel_row, row.kind, row.category, row.key, cells, values, raws)
            )
    return found


def _files() -> list[tuple[str, str, bytes, str | None]]:
    made = [
        (maker_name, *maker(), HENGYANG if maker_name.startswith("hy_") else None)
        for maker_name, maker in realworld_makers()
    ]
    examples = [
        (p.name, p.name, p.read_bytes(), None)
        for p in sorted((ROOT / "examples").iterdir())
        if p.suffix in (".xlsx", ".xls", ".docx")
    ]
    return [(label, name, data, round_id) for label, name, data, round_id in made + examples]


def test_plain_rows_are_read_as_row_by_row(monkeypatch):
    files = _files()
    assert len(files) > 40
    fast = [_rows(name, data, round_id) for _, name, data, round_id in files]
    taken = sum(1 for rows in fast for r in rows if r[2] == "project")
    monkeypatch.setattr(
        rows_module.RowReader, "_plain_rows", lambda self, lines, by_column: [None] * len(lines)
    )
    slow = [_rows(name, data, round_id) for _, name, data, round_id in files]
    for (label, *_), got, expected in zip(files, fast, slow, strict=True):
        assert got == expected, label
    assert taken > 100


PROJECT = rw.row4(1.0, "知识产权高质量创造", "专利导航", "专利导航服务项目", 50)


@pytest.mark.parametrize(
    "line",
    [PROJECT, ["1", *PROJECT[1:]], [None, *PROJECT[1:]], ["合计", None, None, None, 50]],
    ids=["number", "text", "blank", "total"],
)
def test_a_row_the_plain_path_may_not_take_is_looked_at(line, monkeypatch):
    # a first cell that is text or blank, a 合计 row: each is left to the row's own looks
    book = openpyxl.Workbook()
    ws = book.active
    rw._put(ws, 1, rw.HEAD_4)
    rw._put(ws, 2, line)
    taken: list[int] = []
    plain_rows = rows_module.RowReader._plain_rows

    def watched(self, lines, by_column):
        got = plain_rows(self, lines, by_column)
        taken.extend(n for n, values in enumerate(got) if values is not None)
        return got

    monkeypatch.setattr(rows_module.RowReader, "_plain_rows", watched)
    [table] = read_tables(
        read_workbook(rw._save(book), "清远市-表四.xlsx"), "清远市-表四.xlsx", load_round(), None
    )
    assert taken == ([0] if line is PROJECT else [])
    [row] = table.rows
    assert row.kind == ("total" if line[0] == "合计" else "project")
