"""Extraction of .xls (BIFF, Excel 97–2003) with python-calamine: values, merged ranges, visibility.

calamine does not say which .xls cells hold formulas; cached results are read as values.
"""

from __future__ import annotations

from budget_planner.validators.extract import calamine_grid
from budget_planner.validators.grid import WorkbookGrid


def read_xls(data: bytes) -> WorkbookGrid:
    book = calamine_grid.open_workbook(data)
    try:
        sheets = [
            calamine_grid.read_sheet(book, name, visibility)
            for name, visibility in calamine_grid.worksheets(book)
        ]
    finally:
        book.close()
    return WorkbookGrid(kind="xls", sheets=sheets)
