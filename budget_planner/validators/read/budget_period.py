"""A 预算表's period as people write it (docs/reader.md): one cell (``2024年6月至2025年12月``), the label and
the period in one cell (``实施周期：2024年1月—2025年12月``), the start and the end in cells of their own
with ``至`` between (the 申报书's ``研究起止日期 | … | 至 | …``), or real date cells.

The value read is one text the rules parse (``2024年1月至2025年12月``); its cell is where the period
starts, so a rule points at what the user typed first. A period may also be written as the guides
write it, a duration (``实施周期：1年``, ``18个月``, ``一年半``): ``period_months`` reads both.
"""

from __future__ import annotations

import datetime as dt
import re

from budget_planner.text import canonical, compact
from budget_planner.validators.intake.grid import CellValue, SheetGrid, a1
from budget_planner.validators.read.cells import blank
from budget_planner.validators.read.model import Field

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
    from budget_planner.validators.read.budget_form import is_label, merge_end, right_of

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


# ---------------------------------------------------------------- a duration, as the guides write it
_NUMERALS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_DURATION = re.compile(
    r"^(?:共|为|约|不超过|不超过于|最长)?(?P<n>\d{1,2}(?:\.5)?|[一二两三四五六七八九十]{1,3})"
    r"(?P<half>个半)?(?P<unit>年|个月|月)(?P<half2>半)?(?:内|以内|左右)?$"
)


def _number(text: str) -> float | None:
    if not text:
        return None
    if text[0].isdigit():
        return float(text)
    if text == "十":
        return 10.0
    tens, _, ones = text.partition("十")
    if "十" not in text:
        return float(_NUMERALS[text]) if text in _NUMERALS else None
    if (tens and tens not in _NUMERALS) or (ones and ones not in _NUMERALS):
        return None
    return float((_NUMERALS[tens] if tens else 1) * 10 + (_NUMERALS[ones] if ones else 0))


def parse_duration(text: object) -> int | None:
    """The months of a duration: ``3年`` → 36, ``18个月`` → 18, ``一年半`` / ``1.5年`` → 18; a year
    (``2024年``) is no duration."""
    m = _DURATION.match(compact(text))
    if m is None:
        return None
    n = _number(m["n"])
    if n is None:
        return None
    half = 0.5 if (m["half"] or m["half2"]) else 0.0
    months = (n + half) * 12 if m["unit"] == "年" else n + half
    return int(months) if months == int(months) and months > 0 else None


def period_months(text: object) -> int | None:
    """The months a period spans, both ends counted (``2024年6月至2026年5月`` → 24), or the months
    of a duration (``2年`` → 24); None when neither can be read."""
    period = parse_period(text)
    if period is not None:
        return months_spanned(*period)
    return parse_duration(text)
