"""What a parser hands on: a workbook as plain grids of cell values, anchored at A1.

This is the boundary between the parse worker (which runs the risky third-party parsers in a separate
process) and everything after it, so it holds only picklable plain data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from budget_planner.validators.report.issues import Issue

Visibility = Literal["visible", "hidden", "veryhidden"]


class ErrorValue(str):
    """An Excel error cell (#DIV/0!, #REF!, #N/A …): an error, never a blank."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Formula:
    """A formula cell that came without a cached result; ``text`` has no leading '='."""

    text: str


# Decimal: the evaluated result of a formula that came without a cached value (formula.evaluated)
CellValue = (
    str
    | int
    | float
    | bool
    | Decimal
    | dt.datetime
    | dt.date
    | dt.time
    | ErrorValue
    | Formula
    | None
)


def column_letter(col: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def a1(row: int, col: int) -> str:
    return f"{column_letter(col)}{row}"


def parse_a1(cell: str | None) -> tuple[int, int] | None:
    """The 1-based (row, column) of an A1 reference, "E12" → (12, 5); None when it is not one."""
    letters = (cell or "").rstrip("0123456789")
    digits = (cell or "")[len(letters) :]
    if not letters or not digits or not letters.isalpha() or not letters.isascii():
        return None
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return int(digits), col


def row_of(cell: str | None) -> int | None:
    """The row of an A1 reference: "E12" → 12."""
    where = parse_a1(cell)
    return where[0] if where else None


@dataclass
class SheetGrid:
    """One sheet (or one Word table) as values; ``values[r][c]`` is Excel row r+1, column c+1."""

    name: str
    visibility: Visibility = "visible"
    values: list[list[CellValue]] = field(default_factory=list)
    # merged ranges as (first_row, first_col, last_row, last_col), 1-based inclusive
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    # formula text (without the leading "=") of cells known to hold a formula, 1-based (row, col):
    # every formula of an .xlsx/.xlsm (shared ones moved to each cell); none for .xls and .docx
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    # problems found while extracting this sheet (formula.evaluated, formula.no_cached_value)
    issues: list[Issue] = field(default_factory=list)
    # a Word table only: up to 6 non-empty paragraphs right above the table (title, 填报单位, 单位：万元)
    preamble: list[str] = field(default_factory=list)
    # the 1-based rows the sheet hides (row height zero / hidden="1"); data all the same
    hidden_rows: list[int] = field(default_factory=list)

    @property
    def height(self) -> int:
        return len(self.values)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.values), default=0)

    def get(self, row: int, col: int) -> CellValue:
        """The value at a 1-based position, None outside the data."""
        if 1 <= row <= len(self.values):
            line = self.values[row - 1]
            if 1 <= col <= len(line):
                return line[col - 1]
        return None


@dataclass
class WorkbookGrid:
    """A whole file: its sheets in workbook order, with what the container told us."""

    kind: Literal["xlsx", "xlsm", "xls", "docx"]
    sheets: list[SheetGrid] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)  # file-level warnings (file.macros_ignored)
    modified: dt.datetime | None = None  # the document properties' modified time, when stated
    # a Word file only: its non-empty paragraphs outside tables, in order (a 申报书's cover page)
    paragraphs: list[str] = field(default_factory=list)
