"""Plain layout arithmetic for the templates: how many lines wrapped text takes, and so a row's height.

xlsxwriter cannot autofit rows, and neither Excel nor WPS refits a row whose wrapped text sits in a
merged cell, so the writer sets every row height itself from an estimate of the wrapped lines.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence

# A column width unit is the width of "0" in the default font (Calibri 11: 7 px). A CJK glyph of the
# 10 pt body font is about 13.3 px, a Latin glyph about half of that.
PX_PER_WIDTH_UNIT = 7.0
PX_PER_HALF_GLYPH = 6.7
CELL_PADDING_PX = 8.0
# points per wrapped line of the 10 pt body font (Excel uses 13.5; LibreOffice's CJK fallback is taller)
LINE_HEIGHT_PT = 14.0
ROW_PADDING_PT = 5.0
MAX_ROW_HEIGHT_PT = 409.0


def glyph_units(char: str) -> int:
    """2 for a wide (CJK, full-width) character, 1 for anything else."""
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def text_units(text: str) -> int:
    return sum(glyph_units(c) for c in text)


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


def row_height(
    texts_and_widths: Sequence[tuple[str, float]], minimum: float, scale: float = 1.0
) -> float:
    """The height in points for a row holding these wrapped texts (``scale`` for larger fonts)."""
    lines = max((wrapped_lines(t, w) for t, w in texts_and_widths if t), default=0)
    needed = lines * LINE_HEIGHT_PT * scale + ROW_PADDING_PT
    return min(MAX_ROW_HEIGHT_PT, max(minimum, round(needed, 1)))


def header_text(label: str, width: float) -> str:
    """A header label as displayed: too wide for one line, it breaks before its bracket, as the seed
    does (``经费安排\n(万元)``), never leaving a lone ``)`` on the next line. Readers compare headers
    with whitespace removed, so the break changes nothing for them."""
    if text_units(label) <= units_per_line(width) or "(" not in label.strip("("):
        return label
    head, _, tail = label.partition("(")
    return f"{head}\n({tail}"
