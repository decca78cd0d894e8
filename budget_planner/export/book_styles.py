"""The exports' styles (the consolidated workbook, the allocation plan, the receipt …) over the look
every workbook shares (``templates.book_style``), and how amounts are written.

Amounts are exact Decimals (万元, at most 4 places) until the very cell write: an .xlsx cell holds a
double, and xlsxwriter writes it with 16 significant digits, so ``float(Decimal)`` at this edge stores
the exact decimal text (``1234.5678``) for any amount below 10^11 万元; nothing is summed in float.
Totals are formulas (so they follow 核定金额 as finance fills it in) with the exact total as their
cached value.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Any

from xlsxwriter.worksheet import Worksheet

from budget_planner.export.xlsx_safe import Styles, write_text
from budget_planner.templates.book_style import (
    BAD_COLOUR,
    BAD_FILL,
    BODY_FONT,
    BODY_SIZE,
    GOOD_COLOUR,
    GREY_FILL,
    HEADER_FILL,
    MUTED_COLOUR,
    PAGE_NUMBERS,
    TITLE_FONT,
    TOTAL_FILL,
    lines_height,
    print_setup,
    wrapped_lines,
)

AMOUNT_FORMAT = '#,##0.00##;-#,##0.00##;"-"'  # a report: zero shown as a dash
SHARE_FORMAT = "0.00%"
SUBTOTAL_FILL = GREY_FILL
WARN_FILL = "#FFEB9C"
WARN_COLOUR = "#9C5700"
GOOD_FILL = "#C6EFCE"
FOOTER = (
    f"&L&A&C{PAGE_NUMBERS}&R打印时间：&D &T"  # a report names its sheet and when it was printed
)

_BASE: dict[str, Any] = {"font_name": BODY_FONT, "font_size": BODY_SIZE, "valign": "vcenter"}
_BOX: dict[str, Any] = {**_BASE, "border": 1, "border_color": "#A6A6A6"}
_MONEY: dict[str, Any] = {**_BOX, "align": "right", "num_format": AMOUNT_FORMAT}

STYLES: dict[str, dict[str, Any]] = {
    "title": {**_BASE, "font_name": TITLE_FONT, "font_size": 16, "align": "left"},
    "subtitle": {**_BASE, "font_size": 11, "bold": True},
    "note": {**_BASE, "font_color": MUTED_COLOUR, "text_wrap": False},
    "label": {**_BASE, "bold": True, "align": "right"},
    "value": {**_BASE, "align": "left"},
    "value_wrap": {**_BASE, "align": "left", "text_wrap": True},
    "value_money": {**_BASE, "bold": True, "align": "left", "num_format": AMOUNT_FORMAT},
    "header": {**_BOX, "bold": True, "align": "center", "text_wrap": True, "bg_color": HEADER_FILL},
    "text": {**_BOX, "align": "left", "text_wrap": True},
    "text_center": {**_BOX, "align": "center"},
    "money": _MONEY,
    "share": {**_BOX, "align": "right", "num_format": SHARE_FORMAT},
    "approved": {**_MONEY, "bg_color": "#FFFFFF", "locked": False},
    "subtotal_text": {**_BOX, "bold": True, "bg_color": SUBTOTAL_FILL},
    "subtotal_money": {**_MONEY, "bold": True, "bg_color": SUBTOTAL_FILL},
    "total_text": {**_BOX, "bold": True, "bg_color": TOTAL_FILL},
    "total_money": {**_MONEY, "bold": True, "bg_color": TOTAL_FILL},
    "total_share": {
        **_BOX,
        "bold": True,
        "align": "right",
        "num_format": SHARE_FORMAT,
        "bg_color": TOTAL_FILL,
    },
    "bad": {**_BOX, "align": "center", "bg_color": BAD_FILL, "font_color": BAD_COLOUR},
    "bad_text": {
        **_BOX,
        "align": "left",
        "text_wrap": True,
        "bg_color": BAD_FILL,
        "font_color": BAD_COLOUR,
    },
    "bad_money": {**_MONEY, "bg_color": BAD_FILL, "font_color": BAD_COLOUR},
    "bad_share": {
        **_BOX,
        "align": "right",
        "num_format": SHARE_FORMAT,
        "bg_color": BAD_FILL,
        "font_color": BAD_COLOUR,
    },
    "warn": {**_BOX, "align": "center", "bg_color": WARN_FILL, "font_color": WARN_COLOUR},
    "warn_text": {
        **_BOX,
        "align": "left",
        "text_wrap": True,
        "bg_color": WARN_FILL,
        "font_color": WARN_COLOUR,
    },
    "good": {**_BOX, "align": "center", "bg_color": GOOD_FILL, "font_color": GOOD_COLOUR},
    "muted": {**_BOX, "align": "center", "font_color": MUTED_COLOUR},
}


# the styles whose text wraps: their rows are sized to the text
WRAPPED = frozenset(name for name, props in STYLES.items() if props.get("text_wrap"))


@lru_cache(maxsize=1 << 14)
def _lines(text: str, width: float) -> int:
    """``wrapped_lines``, once per text and width (a sheet repeats its units, 类型, file names)."""
    return wrapped_lines(text, width)


def book_styles(workbook) -> Styles:
    return Styles(workbook, STYLES)


def number(amount: Decimal | None) -> float | None:
    """The cell-write edge: an exact Decimal as the double an .xlsx cell holds (see module doc)."""
    return None if amount is None else float(amount)  # edge: an .xlsx number cell is a double


def write_money(ws: Worksheet, row: int, col: int, amount: Decimal | None, fmt) -> None:
    if amount is None:
        ws.write_blank(row, col, None, fmt)
    else:
        ws.write_number(row, col, number(amount), fmt)


def write_total(
    ws: Worksheet, row: int, col: int, formula: str, amount: Decimal | None, fmt
) -> None:
    """A total as a formula, with the exact total as its cached value."""
    ws.write_formula(row, col, formula, fmt, number(amount))


def setup_sheet(
    ws: Worksheet,
    *,
    widths: list[float],
    last_row: int,
    header_row: int | None = None,
    landscape: bool = True,
    freeze_cols: int = 0,
    repeat: bool = True,
) -> None:
    """A4, fit to one page wide, page numbers in the footer; the header rows (title to
    ``header_row``) repeated on every page and frozen on screen, unless ``repeat`` is off (a sheet of
    several sections with headers of their own)."""
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    repeated = header_row is not None and repeat
    print_setup(
        ws,
        last_row=last_row,
        last_col=len(widths) - 1,
        landscape=landscape,
        footer=FOOTER,
        repeat_rows=(0, header_row) if repeated and header_row is not None else None,
    )
    if repeated and header_row is not None:
        ws.freeze_panes(header_row + 1, freeze_cols)


class SheetWriter:
    """Writes one sheet row by row: user text safely, amounts as numbers, and each row as tall as
    its wrapped text needs (neither Excel nor LibreOffice re-measures rows when opening a file)."""

    def __init__(self, ws: Worksheet, styles: Styles, widths: list[float]) -> None:
        self.ws, self.styles, self.widths = ws, styles, widths
        self._lines = 1

    def text(self, row: int, col: int, value: object, style: str = "text", where: str = "") -> None:
        write_text(self.ws, row, col, value, self.styles, style, where=where)
        if style in WRAPPED and value is not None and value != "" and col < len(self.widths):
            self._lines = max(self._lines, _lines(str(value), self.widths[col]))

    def merged_text(
        self, row: int, first: int, last: int, value: object, style: str = "text"
    ) -> None:
        """Text across the cells first..last of a row (merged), wrapped in their joint width."""
        self.ws.merge_range(row, first, row, last, "", self.styles[style])
        write_text(self.ws, row, first, value, self.styles, style)
        if value not in (None, ""):
            width = sum(self.widths[first : last + 1])
            self._lines = max(self._lines, _lines(str(value), width))

    def texts(
        self, row: int, values: Sequence[object], style: str = "text", start: int = 0
    ) -> None:
        for col, value in enumerate(values, start=start):
            self.text(row, col, value, style)

    def money(self, row: int, col: int, amount: Decimal | None, style: str = "money") -> None:
        write_money(self.ws, row, col, amount, self.styles[style])

    def total(self, row: int, col: int, formula: str, amount: Decimal | None, style: str) -> None:
        write_total(self.ws, row, col, formula, amount, self.styles[style])

    def blank(self, row: int, col: int, style: str = "text") -> None:
        self.ws.write_blank(row, col, None, self.styles[style])

    def fill(self, row: int, style: str, first: int = 1, last: int | None = None) -> None:
        """Blank styled cells across a row (a subtotal or total line)."""
        for col in range(first, (len(self.widths) if last is None else last + 1)):
            self.blank(row, col, style)

    def end_row(self, row: int, level: int = 0) -> None:
        """Size the row just written (call before writing the next one)."""
        height = lines_height(self._lines) if self._lines > 1 else None
        if height is not None or level:
            self.ws.set_row(row, height, None, {"level": level} if level else None)
        self._lines = 1
