"""What every template sheet shares: print setup, protection, the hidden list sheet, the metadata sheet."""

from __future__ import annotations

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from budget_planner.templates import metadata
from budget_planner.templates.book_style import print_setup

LIST_SHEET = "下拉选项"

# Sheet protection without a password: it keeps the header and the office's text from being typed
# over by accident, not a security measure. Rows may be inserted (可加行) and cells formatted.
TABLE_PROTECTION = {
    "format_cells": True,
    "format_columns": True,
    "format_rows": True,
    "insert_rows": True,
    "delete_rows": True,
}
FORM_PROTECTION = {"format_cells": True, "format_columns": True, "format_rows": True}


def setup_print(
    ws: Worksheet,
    *,
    last_row: int,
    last_col: int,
    landscape: bool,
    repeat_row: int | None = None,
) -> None:
    """The shared print setup (``book_style``), centred, without gridlines: a form, not a list."""
    repeat = None if repeat_row is None else (repeat_row, repeat_row)
    print_setup(ws, last_row=last_row, last_col=last_col, landscape=landscape, repeat_rows=repeat)
    ws.center_horizontally()
    ws.hide_gridlines(2)


def merge_text(
    ws: Worksheet,
    row: int,
    first_col: int,
    last_col: int,
    text: str,
    style: Format,
    last_row: int | None = None,
) -> None:
    """Text in a cell or merged range, always through write_string (never a formula by accident)."""
    last_row = row if last_row is None else last_row
    if (last_row, last_col) != (row, first_col):
        ws.merge_range(row, first_col, last_row, last_col, "", style)
    if text:
        ws.write_string(row, first_col, text, style)
    else:
        ws.write_blank(row, first_col, None, style)


def protect(ws: Worksheet, options: dict[str, bool]) -> None:
    ws.protect("", options)


class ListSheet:
    """The hidden sheet holding dropdown lists, one per column; references are known before writing."""

    def __init__(self) -> None:
        self._lists: list[tuple[str, ...]] = []

    def add(self, values: tuple[str, ...]) -> str:
        """The absolute range reference (``='下拉选项'!$A$1:$A$8``) a list validation points at."""
        if values in self._lists:
            col = self._lists.index(values)
        else:
            col = len(self._lists)
            self._lists.append(values)
        letter = chr(ord("A") + col)
        return f"='{LIST_SHEET}'!${letter}$1:${letter}${len(values)}"

    def write(self, workbook: Workbook) -> None:
        if not self._lists:
            return
        ws = workbook.add_worksheet(LIST_SHEET)
        for col, values in enumerate(self._lists):
            ws.set_column(col, col, 40)
            for row, value in enumerate(values):
                ws.write_string(row, col, value)
        ws.hide()


def write_metadata(workbook: Workbook, pairs: list[tuple[str, str]]) -> None:
    """The very hidden sheet naming table, spec version, round, year and unit (``metadata.rows``)."""
    ws = workbook.add_worksheet(metadata.SHEET_NAME)
    for row, (key, value) in enumerate(pairs):
        ws.write_string(row, 0, key)
        ws.write_string(row, 1, value)
    ws.very_hidden()
