"""A 预算表's period as people write it (DESIGN §3): one cell (``2024年6月至2025年12月``), the label and
the period in one cell (``实施周期：2024年1月—2025年12月``), the start and the end in cells of their own
with ``至`` between (seed 000's ``研究起止日期 | … | 至 | …``), or real date cells.

The value read is one text the rules parse (``2024年1月至2025年12月``); its cell is where the period
starts, so a rule points at what the user typed first.
"""

from __future__ import annotations

import datetime as dt
import re

from budget_planner.text import canonical, compact
from budget_planner.validators.cells import blank
from budget_planner.validators.grid import CellValue, SheetGrid, a1
from budget_planner.validators.model import Field

MAX_PARTS = 3  # start, 至, end
# a year and month: 2024年6月, 2024.06, 2024/6, 2024-06
_YEAR_MONTH = re.compile(r"(\d{4})\s*(?:年|[./\-])\s*(\d{1,2})")
_SAME_YEAR_END = re.compile(r"^\D*?(?:至|到|~|-|—|－|–)+\s*(\d{1,2})\s*月")
_CONNECTORS = frozenset({"至", "到", "~", "-", "—", "——", "－", "–", "起至", "止"})


def _part(value: CellValue) -> str:
    """One part of a period as text: a date cell as 2024年6月, anything else as typed."""
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.year}年{value.month}月"
    return canonical(value)


def _single(text: str) -> bool:
    """Whether a part names exactly one year and month (a start or an end, not a whole period)."""
    return len(_YEAR_MONTH.findall(text)) == 1


def read_period(sheet: SheetGrid, r: int, c: int, inline: str | None) -> Field:
    """The period at the label in (r, c): ``inline`` is what followed its colon, if anything."""
    from budget_planner.validators.budget_form import is_label, merge_end, right_of

    parts: list[tuple[int, CellValue]] = []  # (column, value) in reading order
    if inline:
        parts.append((c, inline))
    col = merge_end(sheet, r, c) + 1
    line = sheet.values[r - 1] if r <= sheet.height else []
    while col <= len(line) and len(parts) < MAX_PARTS:
        value = line[col - 1]
        if blank(value):
            col += 1
            continue
        if is_label(value):
            break
        parts.append((col, value))
        col = merge_end(sheet, r, col) + 1
    if not parts:
        where = right_of(sheet, r, c)
        return Field(sheet.get(*where), a1(*where), None)
    first_col, first = parts[0]
    text = _part(first)
    rest = parts[1:]
    if rest and compact(_part(rest[0][1])) in _CONNECTORS:
        rest = rest[1:]
    if rest and _single(text):
        end = _part(rest[0][1])
        if _single(end):
            text = f"{text}至{end}"
    return Field(first if not inline else sheet.get(r, c), a1(r, first_col), text or None)


# ---------------------------------------------------------------- the period as the rules read it
def parse_period(text: object) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """((year, month), (year, month)) of 2024年6月至2025年12月, 2024.06-2025.12, 2024/6—2026/5 …"""
    s = canonical(text)
    found = [(int(m.group(1)), int(m.group(2)), m.end()) for m in _YEAR_MONTH.finditer(s)]
    if len(found) == 1:
        same_year = _SAME_YEAR_END.match(s[found[0][2] :])
        if same_year:
            found.append((found[0][0], int(same_year.group(1)), 0))
    if len(found) != 2:
        return None
    (y1, m1, _), (y2, m2, _) = found
    if not (1 <= m1 <= 12 and 1 <= m2 <= 12) or (y2, m2) < (y1, m1):
        return None
    return (y1, m1), (y2, m2)


def months_spanned(start: tuple[int, int], end: tuple[int, int]) -> int:
    """Whole months from start to end, both counted: 2024年6月至2026年5月 → 24."""
    return (end[0] * 12 + end[1]) - (start[0] * 12 + start[1]) + 1
