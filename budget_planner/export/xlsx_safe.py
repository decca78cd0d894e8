"""Writing user text into a workbook safely (docs/architecture.md), shared by every xlsxwriter export.

- Text always goes through ``write_string``: xlsxwriter's ``write()`` would turn ``=HYPERLINK(…)`` into a
  live formula; the workbook is also opened with ``strings_to_formulas`` and ``strings_to_urls`` off.
- Text beginning with ``= + - @``, a tab, CR or LF gets the quote prefix (Excel's ``'``), so that
  editing the cell in Excel, or saving the sheet as CSV and opening it, never makes a formula of it.
- Text longer than Excel's 32,767 characters is an error, never silently truncated.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, BinaryIO

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from budget_planner.errors import BudgetPlannerError

MAX_CELL_TEXT = 32_767
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


class CellTextTooLong(BudgetPlannerError):
    """A text longer than an Excel cell holds: cutting it would change what the user wrote."""


def new_workbook(target: str | Path | BinaryIO, *, constant_memory: bool = False) -> Workbook:
    """An xlsxwriter workbook that never turns text into formulas or links.

    ``target`` is a path, or a binary stream (e.g. ``io.BytesIO`` for a web download)."""
    options = {
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
        "constant_memory": constant_memory,
    }
    if isinstance(target, str | Path):
        return xlsxwriter.Workbook(str(target), options)
    return xlsxwriter.Workbook(target, {**options, "in_memory": True, "constant_memory": False})


def needs_quote_prefix(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


class Styles:
    """Named xlsxwriter formats, made once per workbook, each with a quote-prefixed twin on demand."""

    def __init__(self, workbook: Workbook, styles: dict[str, dict[str, Any]]) -> None:
        self._workbook = workbook
        self._props = styles
        self._formats: dict[tuple[str, bool], Format] = {}

    def __getitem__(self, name: str) -> Format:
        return self.get(name)

    def get(self, name: str, *, quoted: bool = False) -> Format:
        key = (name, quoted)
        if key not in self._formats:
            props = dict(self._props[name])
            if quoted:
                props["quote_prefix"] = True
            self._formats[key] = self._workbook.add_format(props)
        return self._formats[key]


def write_text(
    ws: Worksheet,
    row: int,
    col: int,
    value: object,
    styles: Styles,
    style: str,
    *,
    where: str = "",
) -> None:
    """Write user text as text: never a formula, quote-prefixed when it starts like one.

    ``where`` names the source of the text (file and cell) for the error when it is too long.
    """
    text = value if type(value) is str else "" if value is None else str(value)
    if len(text) > MAX_CELL_TEXT:
        place = f"（{where}）" if where else ""
        raise CellTextTooLong(
            f"文字长度 {len(text)} 字超过 Excel 单元格上限 {MAX_CELL_TEXT} 字{place}，"
            f"无法完整写入工作表“{ws.get_name()}”：请删减该处文字后重新生成。"
        )
    if not text:
        ws.write_blank(row, col, None, styles[style])
        return
    ws.write_string(row, col, text, styles.get(style, quoted=needs_quote_prefix(text)))
