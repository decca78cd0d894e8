"""Extraction of .xlsx/.xlsm: values with python-calamine, merged ranges, visibility, modified time."""

from __future__ import annotations

import io
import zipfile

from budget_planner.validators.extract import calamine_grid
from budget_planner.validators.extract.props import core_modified
from budget_planner.validators.grid import WorkbookGrid


def read_xlsx(data: bytes, kind: str = "xlsx") -> WorkbookGrid:
    """Every worksheet of an OOXML workbook that passed the container gate."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        modified = core_modified(zf)
    book = calamine_grid.open_workbook(data)
    try:
        sheets = [
            calamine_grid.read_sheet(book, name, visibility)
            for name, visibility in calamine_grid.worksheets(book)
        ]
    finally:
        book.close()
    return WorkbookGrid(kind=kind, sheets=sheets, modified=modified)  # type: ignore[arg-type]
