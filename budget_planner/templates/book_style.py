"""The look every workbook the service writes shares — the templates and the exports alike: fonts,
colours, A4 print setup, and how wide text is and so how tall a row of wrapped text must be.

xlsxwriter cannot autofit rows, and neither Excel, WPS nor LibreOffice refits a row whose wrapped text
sits in a merged cell, so the writers set every row height themselves from an estimate of the
wrapped lines.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from functools import cache
from typing import Any

BODY_FONT = "宋体"
TITLE_FONT = "黑体"
BODY_SIZE = 10
HEADER_FILL = "#D9E1F2"  # a header row
GREY_FILL = "#F2F2F2"  # the office's preset text; a subtotal line
TOTAL_FILL = "#FFF2CC"
BAD_FILL = "#FFC7CE"
BAD_COLOUR = "#9C0006"
GOOD_COLOUR = "#006100"
MUTED_COLOUR = "#808080"  # prompts and notes
A4 = 9  # xlsxwriter's paper code
PAGE_NUMBERS = "第 &P 页，共 &N 页"


def print_setup(
    ws: Any,
    *,
    last_row: int,
    last_col: int,
    landscape: bool = True,
    footer: str = "&C" + PAGE_NUMBERS,
    repeat_rows: tuple[int, int] | None = None,
) -> None:
    """A4, one page wide and as many pages tall as needed, page numbers in the footer, the rows
    ``repeat_rows`` (first, last) repeated on every page."""
    ws.set_paper(A4)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.55, bottom=0.6)
    ws.set_footer(footer, {"margin": 0.25})
    ws.print_area(0, 0, max(last_row, 0), last_col)
    if repeat_rows is not None:
        ws.repeat_rows(*repeat_rows)


# A column width unit is the width of "0" in the default font (Calibri 11: 7 px). A CJK glyph of the
# 10 pt body font is about 13.3 px, a Latin glyph about half of that.
PX_PER_WIDTH_UNIT = 7.0
PX_PER_HALF_GLYPH = 6.7
CELL_PADDING_PX = 8.0
# points per wrapped line of the 10 pt body font (Excel uses 13.5; LibreOffice's CJK fallback is taller)
LINE_HEIGHT_PT = 14.0
ROW_PADDING_PT = 5.0
MAX_ROW_HEIGHT_PT = 409.0


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


@cache
def _narrow_bmp() -> re.Pattern[str]:
    """A character of the Basic Multilingual Plane that is not wide (W) or full-width (F), as a
    character class built once from this Python's Unicode database (about 5 ms)."""
    ranges, start = [], None
    for code in range(0x10000):
        if _is_wide(chr(code)):
            if start is not None:
                ranges.append((start, code - 1))
                start = None
        elif start is None:
            start = code
    if start is not None:
        ranges.append((start, 0xFFFF))
    parts = (f"\\u{a:04x}-\\u{b:04x}" if a != b else f"\\u{a:04x}" for a, b in ranges)
    return re.compile(f"[{''.join(parts)}]")


def text_units(text: str) -> int:
    """Display width in half-glyph units: a wide (CJK, full-width) character is two, anything else
    one. Counted as twice the length less the narrow characters, which a regular expression finds at
    C speed (this runs over every text cell of the consolidated workbook)."""
    if text.isascii():
        return len(text)
    if _ASTRAL.search(text):
        return sum(2 if _is_wide(c) else 1 for c in text)
    return 2 * len(text) - len(_narrow_bmp().findall(text))


def units_per_line(width: float) -> int:
    """How many half-glyph units fit on one line of a column ``width`` units wide."""
    usable = width * PX_PER_WIDTH_UNIT - CELL_PADDING_PX
    return max(1, math.floor(usable / PX_PER_HALF_GLYPH))


def wrapped_lines(text: str, width: float) -> int:
    """Lines a wrapped cell needs; each paragraph (line break) starts a new line. Empty text: 1."""
    capacity = units_per_line(width)
    lines = 0
    for paragraph in (text or "").split("\n"):
        units = text_units(paragraph)
        # Latin words wrap whole, which wastes part of a line now and then: allow 4 % slack
        lines += max(1, math.ceil(units * 1.04 / capacity))
    return max(1, lines)


def lines_height(lines: int, scale: float = 1.0) -> float:
    """The height in points of a row of ``lines`` wrapped lines (``scale`` for larger fonts)."""
    return min(MAX_ROW_HEIGHT_PT, round(lines * LINE_HEIGHT_PT * scale + ROW_PADDING_PT, 1))


def row_height(
    texts_and_widths: Sequence[tuple[str, float]], minimum: float, scale: float = 1.0
) -> float:
    """The height in points for a row holding these wrapped texts (``scale`` for larger fonts)."""
    lines = max((wrapped_lines(t, w) for t, w in texts_and_widths if t), default=0)
    return max(minimum, lines_height(lines, scale))


def header_text(label: str, width: float) -> str:
    """A header label as displayed: too wide for one line, it breaks before its bracket, as the seed
    does (``经费安排\n(万元)``), never leaving a lone ``)`` on the next line. Readers compare headers
    with whitespace removed, so the break changes nothing for them."""
    if text_units(label) <= units_per_line(width) or "(" not in label.strip("("):
        return label
    head, _, tail = label.partition("(")
    return f"{head}\n({tail}"
