"""Extraction of .xls (BIFF, Excel 97–2003): values, merged ranges and visibility with
python-calamine; error cells and the last-saved time from the file's own records (biff.py).

calamine does not say which .xls cells hold formulas; their cached results are read as values.
"""

from __future__ import annotations

from budget_planner.validators.intake.extract import calamine_grid
from budget_planner.validators.intake.extract.biff import (
    error_cells,
    hidden_rows,
    last_saved,
    value_extents,
)
from budget_planner.validators.intake.extract.sheetscan import check_extent
from budget_planner.validators.intake.gate import DEFAULT_LIMITS, Limits
from budget_planner.validators.intake.grid import ErrorValue, SheetGrid, WorkbookGrid


def _put_errors(sheet: SheetGrid, cells: dict[tuple[int, int], str]) -> None:
    for (row, col), text in cells.items():
        while len(sheet.values) < row:
            sheet.values.append([])
        line = sheet.values[row - 1]
        while len(line) < col:
            line.append(None)
        line[col - 1] = ErrorValue(text)


def read_xls(data: bytes, limits: Limits = DEFAULT_LIMITS) -> WorkbookGrid:
    for name, (row0, row1, col0, col1) in value_extents(data).items():  # before calamine
        check_extent(name, row1 - row0 + 1, col1 - col0 + 1, limits)
    errors = error_cells(data)
    hidden = hidden_rows(data)
    book = calamine_grid.open_workbook(data)
    try:
        sheets = [
            calamine_grid.read_sheet(book, name, visibility)
            for name, visibility in calamine_grid.worksheets(book)
        ]
    finally:
        book.close()
    for sheet in sheets:
        _put_errors(sheet, errors.get(sheet.name, {}))
        sheet.hidden_rows = hidden.get(sheet.name, [])
        calamine_grid.clip_merged(sheet)
    return WorkbookGrid(kind="xls", sheets=sheets, modified=last_saved(data))
