"""The templates' styles: borders, fills, number formats, and locked or not, over the look every
workbook shares (``book_style``: fonts and colours).

White cells are for filling in (unlocked); shaded cells are the office's text (locked). One dictionary of
properties per style, turned into xlsxwriter formats once per workbook by ``Styles``.
"""

from __future__ import annotations

from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook

from budget_planner.templates.book_style import (
    BAD_COLOUR,
    BAD_FILL,
    BODY_FONT,
    BODY_SIZE,
    GOOD_COLOUR,
    GREY_FILL,
    HEADER_FILL,
    MUTED_COLOUR,
    TITLE_FONT,
    TOTAL_FILL,
)

AMOUNT_FORMAT = "#,##0.00##"  # what a unit types: no sign or dash for zero (cf. the exports')
PRESET_FILL = GREY_FILL
PROMPT_COLOUR = MUTED_COLOUR

_BASE: dict[str, Any] = {"font_name": BODY_FONT, "font_size": BODY_SIZE, "valign": "vcenter"}
_BOX: dict[str, Any] = {**_BASE, "border": 1, "text_wrap": True}
_OPEN: dict[str, Any] = {"locked": False}

STYLES: dict[str, dict[str, Any]] = {
    # the lines above the table
    "title": {**_BASE, "font_name": TITLE_FONT, "font_size": 16, "bold": True, "align": "center"},
    "subtitle": {**_BASE, "font_size": 12, "bold": True, "align": "center"},
    "line_label": {**_BASE, "font_size": 11, "bold": True, "align": "right"},
    "line_value": {**_BASE, "font_size": 11, "align": "left", "bottom": 1},
    "line_input": {**_BASE, **_OPEN, "font_size": 11, "align": "left", "bottom": 1},
    "money_unit": {**_BASE, "font_size": 11, "align": "right"},
    # the table
    "header": {**_BOX, "bold": True, "align": "center", "bg_color": HEADER_FILL},
    "preset": {**_BOX, "align": "left", "bg_color": PRESET_FILL},
    # a preset group runs over pages: its 类型 stands at the group's top, not lost mid-group
    "preset_category": {
        **_BOX,
        "bold": True,
        "align": "center",
        "valign": "top",
        "bg_color": PRESET_FILL,
    },
    "prompt": {**_BOX, **_OPEN, "align": "left", "font_color": PROMPT_COLOUR},
    "input": {**_BOX, **_OPEN, "align": "left"},
    "input_center": {**_BOX, **_OPEN, "align": "center"},
    "input_category": {**_BOX, **_OPEN, "bold": True, "align": "center"},
    "input_amount": {**_BOX, **_OPEN, "align": "right", "num_format": AMOUNT_FORMAT},
    "total_label": {**_BOX, "bold": True, "align": "center", "bg_color": TOTAL_FILL},
    "total_amount": {
        **_BOX,
        "bold": True,
        "align": "right",
        "num_format": AMOUNT_FORMAT,
        "bg_color": TOTAL_FILL,
    },
    "total_blank": {**_BOX, "bg_color": TOTAL_FILL},
    # the 预算表 form
    "label": {**_BOX, "bold": True, "align": "center", "bg_color": HEADER_FILL},
    "label_left": {**_BOX, "align": "left", "bg_color": PRESET_FILL},
    "input_note": {**_BOX, **_OPEN, "align": "left", "valign": "top"},
    "hint": {**_BOX, "align": "left", "font_size": 9, "font_color": PROMPT_COLOUR},
    "check_label": {**_BOX, "align": "left", "bg_color": PRESET_FILL},
    "check_value": {**_BOX, "align": "right", "num_format": AMOUNT_FORMAT, "bg_color": PRESET_FILL},
    "check_result": {**_BOX, "bold": True, "align": "center", "bg_color": PRESET_FILL},
    # the 填表说明 sheet
    "doc_title": {**_BASE, "font_name": TITLE_FONT, "font_size": 16, "align": "center"},
    "doc_heading": {**_BASE, "font_size": 11, "bold": True, "align": "left"},
    "doc_text": {**_BASE, "align": "left", "text_wrap": True},
    "doc_header": {**_BOX, "bold": True, "align": "center", "bg_color": HEADER_FILL},
    "doc_cell": {**_BOX, "align": "left"},
    "doc_cell_center": {**_BOX, "align": "center"},
    # conditional formats (only font, fill and border apply)
    "bad": {"bg_color": BAD_FILL, "font_color": BAD_COLOUR},
    "good": {"font_color": GOOD_COLOUR},
}


class Styles:
    """The formats of one workbook, made on first use: ``styles["header"]``."""

    def __init__(self, workbook: Workbook) -> None:
        self._workbook = workbook
        self._made: dict[str, Format] = {}

    def __getitem__(self, name: str) -> Format:
        if name not in self._made:
            self._made[name] = self._workbook.add_format(STYLES[name])
        return self._made[name]
