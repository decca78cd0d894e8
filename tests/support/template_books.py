"""Open generated templates with openpyxl and look at them the way a user (or a reader) would."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

HEADER_ROW = 4
FIRST_BODY_ROW = 5


def load(source: bytes | Path, data_only: bool = False) -> Workbook:
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    return openpyxl.load_workbook(io.BytesIO(data), data_only=data_only)


def validation_at(ws: Worksheet, cell: str) -> DataValidation | None:
    found = [dv for dv in ws.data_validations.dataValidation if cell in dv.sqref]
    assert len(found) <= 1, f"{cell} has {len(found)} validations"
    return found[0] if found else None


def list_values(wb: Workbook, formula: str) -> list[str]:
    """The values a list validation's range reference (``'下拉选项'!$A$1:$A$8``) points at."""
    match = re.fullmatch(r"'?([^'!]+)'?!\$?([A-Z]+)\$?(\d+):\$?([A-Z]+)\$?(\d+)", formula)
    assert match, formula
    sheet, c1, r1, c2, r2 = match.groups()
    cells = wb[sheet][f"{c1}{r1}:{c2}{r2}"]
    return [c.value for row in cells for c in row]


def total_row(ws: Worksheet) -> int:
    """The row whose first cell says 合计."""
    rows = [r for r in range(FIRST_BODY_ROW, ws.max_row + 1) if ws.cell(r, 1).value == "合计"]
    assert len(rows) == 1, rows
    return rows[0]


def merged_value(ws: Worksheet, row: int, col: int) -> object:
    """A cell's value, or the value of the merged range it lies in (merged text fills down)."""
    for rng in ws.merged_cells.ranges:
        if rng.min_row <= row <= rng.max_row and rng.min_col <= col <= rng.max_col:
            return ws.cell(rng.min_row, rng.min_col).value
    return ws.cell(row, col).value


def body_rows(ws: Worksheet, width: int) -> list[list[object]]:
    """The rows between the header and the 合计 row, merged cells filled down."""
    return [
        [merged_value(ws, r, c) for c in range(1, width + 1)]
        for r in range(FIRST_BODY_ROW, total_row(ws))
    ]


def metadata_pairs(wb: Workbook) -> list[tuple[object, object]]:
    ws = wb["bp_meta"]
    return [(ws.cell(r, 1).value, ws.cell(r, 2).value) for r in range(1, ws.max_row + 1)]
