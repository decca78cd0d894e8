"""Cells defined twice, or rows out of order: Excel never writes either, and readers disagree on which
definition of a cell counts (calamine keeps the last one, Excel's repair the first), so what we read
could differ from what the user sees. The sheet scan refuses such a file as corrupt.

Rows must come in non-decreasing order (cells of one row are then together, so a duplicate can only
sit within one row); within a segment a set finds a repeated reference, and the row cut between two
segments is checked against the references remembered from the previous one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from itertools import islice
from operator import le
from typing import Any

from budget_planner.errors import UnreadableFile
from budget_planner.validators.report.issues import unreadable


class CellOrder:
    def __init__(self, sheet: str) -> None:
        self.sheet = sheet
        self.row = 0  # the last row seen
        self.row_keys: set[Hashable] = set()  # the cells of that row seen so far
        self.segments = 0  # how many segments were fed (a later pass skips them)

    def feed(
        self, keys: Sequence[Hashable], rows: Sequence[int], name: Callable[[Any], str]
    ) -> None:
        """The cells of one segment in document order: a key per cell, its row number, and how to
        name a key in a message."""
        self.segments += 1
        if not rows:
            return
        if rows[0] < self.row or not all(map(le, rows, islice(rows, 1, None))):
            back = next(i for i, r in enumerate(rows) if r < (rows[i - 1] if i else self.row))
            raise _out_of_order(self.sheet, rows[back], rows[back - 1] if back else self.row)
        unique = set(keys)
        if len(unique) != len(keys):
            twice = next(k for k, n in Counter(keys).items() if n > 1)
            raise _twice(self.sheet, name(twice))
        if rows[0] == self.row:
            head = set(islice(keys, 0, _run_length(rows, 0)))
            if not head.isdisjoint(self.row_keys):
                raise _twice(self.sheet, name(next(iter(head & self.row_keys))))
        tail_start = len(rows) - _run_length(rows, len(rows) - 1, -1)
        tail = set(islice(keys, tail_start, None))
        self.row_keys = self.row_keys | tail if rows[-1] == self.row else tail
        self.row = rows[-1]


def _run_length(rows: Sequence[int], start: int, step: int = 1) -> int:
    """How many rows from ``start`` (going by ``step``) have the same number."""
    n, i = 0, start
    while 0 <= i < len(rows) and rows[i] == rows[start]:
        n, i = n + 1, i + step
    return n


def _twice(sheet: str, ref: str) -> UnreadableFile:
    return unreadable("file.corrupt", "cell_twice", sheet=sheet, ref=ref[:20])


def _out_of_order(sheet: str, row: int, after: int) -> UnreadableFile:
    return unreadable("file.corrupt", "rows_out_of_order", sheet=sheet, row=row, after=after)
