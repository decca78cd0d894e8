"""python-calamine → SheetGrid values: the one place that turns calamine's cells into grid values.

Used for .xlsx/.xlsm and .xls alike. Values are anchored at A1 (calamine's ``skip_empty_area=False``),
empty cells become None, trailing empty rows and columns are trimmed.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

import python_calamine as pc

from budget_planner.validators.intake.grid import CellValue, SheetGrid, Visibility

MAX_MERGE_CELLS = 100_000


def _visibility(value: pc.SheetVisibleEnum) -> Visibility:
    # calamine's enum members are not hashable: compare, do not look up
    if value == pc.SheetVisibleEnum.Visible:
        return "visible"
    if value == pc.SheetVisibleEnum.VeryHidden:
        return "veryhidden"
    return "hidden"


def open_workbook(data: bytes) -> pc.CalamineWorkbook:
    return pc.CalamineWorkbook.from_filelike(io.BytesIO(data))


def worksheets(book: pc.CalamineWorkbook) -> Iterator[tuple[str, Visibility]]:
    """The workbook's worksheets in order, with their visibility; chart and macro sheets are skipped."""
    for meta in book.sheets_metadata:
        if meta.typ == pc.SheetTypeEnum.WorkSheet:
            yield meta.name, _visibility(meta.visible)


def _duration(value: dt.timedelta) -> CellValue:
    """A duration ([h]:mm): a time of day when under a day, else its text."""
    if dt.timedelta(0) <= value < dt.timedelta(days=1):
        return (dt.datetime.min + value).time()
    return str(value)


def _row(line: list) -> list[CellValue]:
    """calamine's row with empty cells as None (and the rare duration as a time), changed in
    place: a row's types are looked at once, and only its empty cells are touched."""
    types = set(map(type, line))
    if dt.timedelta in types:
        return [None if v == "" else _duration(v) if type(v) is dt.timedelta else v for v in line]
    if str in types:
        at = -1
        for _ in range(line.count("")):
            at = line.index("", at + 1)
            line[at] = None
    return line


def _trim(rows: list[list[CellValue]]) -> list[list[CellValue]]:
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    for line in rows:
        while line and line[-1] is None:
            line.pop()
    return rows


def read_sheet(book: pc.CalamineWorkbook, name: str, visibility: Visibility) -> SheetGrid:
    """One worksheet's values (anchored at A1) and merged ranges (1-based, inclusive)."""
    return sheet_grid(book.get_sheet_by_name(name), name, visibility)


def sheet_grid(sheet: pc.CalamineSheet, name: str, visibility: Visibility) -> SheetGrid:
    """The grid of a worksheet calamine has parsed (``CalamineWorkbook.get_sheet_by_name``)."""
    rows = sheet.to_python(skip_empty_area=False) if sheet.start is not None else []
    values = _trim([_row(line) for line in rows])
    merged = [
        (r0 + 1, c0 + 1, r1 + 1, c1 + 1) for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []
    ]
    return SheetGrid(name=name, visibility=visibility, values=values, merged=merged)


def clip_merged(sheet: SheetGrid, max_cells: int = MAX_MERGE_CELLS) -> None:
    """A merged range of more than ``max_cells`` cells (A1:XFD1048576 is formatting) is cut to the
    cells holding data, so whoever walks merged cells never walks billions; others stay as they are."""
    height, width = sheet.height, sheet.width
    kept = []
    for r0, c0, r1, c1 in sheet.merged:
        if (r1 - r0 + 1) * (c1 - c0 + 1) > max_cells:
            r1, c1 = min(r1, height), min(c1, width)
            if not (r0 <= r1 and c0 <= c1 and (r1 > r0 or c1 > c0)):
                continue
        kept.append((r0, c0, r1, c1))
    sheet.merged = kept
