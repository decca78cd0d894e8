"""A plain listing sheet (the receipt, the reminders, the audit log): a title, note lines, a header
and one row per record, A4 print-ready like the consolidated workbook. Cells are text (written with
``xlsx_safe``), ``Decimal`` amounts (numbers in 万元 format) or ints; a ``Styled`` cell names its
style (``bad``, ``good``, ``warn``, ``muted`` …)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import NamedTuple

from xlsxwriter.workbook import Workbook

from budget_planner.export.book_styles import SheetWriter, setup_sheet
from budget_planner.export.xlsx_safe import Styles


class Styled(NamedTuple):
    value: object
    style: str


def _money_style(style: str) -> str:
    return {"bad": "bad_money", "bad_text": "bad_money", "total_text": "total_money"}.get(
        style, "money"
    )


def write_cell(sheet: SheetWriter, row: int, col: int, value: object, style: str = "text") -> None:
    if isinstance(value, Styled):
        value, style = value
    if isinstance(value, Decimal):
        sheet.money(row, col, value, _money_style(style))
    elif isinstance(value, int) and not isinstance(value, bool):
        sheet.ws.write_number(row, col, value, sheet.styles["text_center"])
    else:
        sheet.text(row, col, value, style)


def listing_sheet(
    wb: Workbook,
    styles: Styles,
    name: str,
    *,
    title: str,
    notes: Sequence[str],
    pairs: Sequence[tuple[str, object]] = (),
    headers: Sequence[str],
    widths: Sequence[float],
    rows: Iterable[Sequence[object]],
    empty: str = "（无）",
) -> int:
    """Write the sheet; returns the row after the last one written."""
    widths = list(widths)
    ws = wb.add_worksheet(name)
    sheet = SheetWriter(ws, styles, widths)
    ws.write_string(0, 0, title, styles["title"])
    row = 1
    for note in notes:
        sheet.text(row, 0, note, "note")
        row += 1
    for label, value in pairs:  # the label over the first two columns, the value after it
        sheet.ws.merge_range(row, 0, row, 1, "", styles["label"])
        sheet.text(row, 0, label, "label")
        if isinstance(value, Decimal):
            sheet.money(row, 2, value, "value_money")
        else:
            sheet.merged_text(row, 2, len(widths) - 1, value, "value_wrap")
        sheet.end_row(row)
        row += 1
    if pairs:
        row += 1
    header = row
    sheet.texts(header, list(headers), "header")
    sheet.end_row(header)
    row += 1
    wrote = False
    for values in rows:
        for col, value in enumerate(values):
            write_cell(sheet, row, col, value)
        sheet.end_row(row)
        row += 1
        wrote = True
    if not wrote:
        ws.write_string(row, 0, empty, styles["note"])
        row += 1
    else:
        ws.autofilter(header, 0, row - 1, len(headers) - 1)
    setup_sheet(ws, widths=widths, last_row=row - 1, header_row=header, freeze_cols=1)
    return row
