"""One collection table (表一–表四) as the data sheet of a template, laid out like the notice's tables (docs/domain.md).

Rows: title, subtitle, the 填报单位 line with 单位：万元 on the right, the header, then the body — per 类型
a group of rows with the 类型 written once and merged down (表四: the round's presets first), or plain
empty rows for 表二 — and a 合计 row summing exactly the body's amount cells.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.workbook import Workbook

from budget_planner.templates.book_style import header_text, row_height
from budget_planner.templates.formats import Styles
from budget_planner.templates.round import Preset, Unit
from budget_planner.templates.sheet_setup import (
    TABLE_PROTECTION,
    ListSheet,
    merge_text,
    protect,
    setup_print,
)
from budget_planner.templates.spec import Column, ColumnKind, TableSpec, budget_spec
from budget_planner.templates.validation import (
    amount_rule,
    category_rule,
    length_rule,
    unit_name_rule,
)

TITLE_ROW, SUBTITLE_ROW, UNIT_ROW, HEADER_ROW = 0, 1, 2, 3
FIRST_BODY_ROW = 4
TOTAL_LABEL = "合计"
EMPTY_ROWS_AFTER_PRESETS = 2
INPUT_ROW_HEIGHT = 24.0
HEADER_MIN_HEIGHT = 30.0

RowKind = Literal["preset", "prompt", "empty"]


@dataclass(frozen=True)
class PlannedRow:
    """A body row: the office's preset (locked text), a prompt to overwrite, or an empty row."""

    kind: RowKind
    values: Mapping[str, str]


@dataclass(frozen=True)
class Group:
    category: str | None
    rows: tuple[PlannedRow, ...]
    fixed: bool  # the 类型 belongs to the office's presets: locked


@dataclass(frozen=True)
class TableLayout:
    """Where the body landed (0-based rows), for callers that point at cells."""

    first_body_row: int
    last_body_row: int
    total_row: int
    amount_col: int


def plan_groups(spec: TableSpec, presets: Sequence[Preset]) -> list[Group]:
    """The body: per 类型 its presets in round order then empty rows; 表二 only empty rows."""
    empty = PlannedRow("empty", {})
    if not spec.categories:
        return [Group(None, (empty,) * spec.blank_rows, fixed=False)]
    groups = []
    for category in spec.categories:
        own = [p for p in presets if p.category == category] if spec.has_presets else []
        rows = [PlannedRow("prompt" if p.placeholder else "preset", p.values) for p in own]
        rows += [empty] * (EMPTY_ROWS_AFTER_PRESETS if own else spec.rows_per_category)
        groups.append(Group(category, tuple(rows), fixed=bool(own)))
    return groups


def _spans(columns: Sequence[Column]) -> tuple[int, int]:
    """(last column of the 填报单位 label, first column of 单位：万元) for the line above the header."""
    widths = [c.width for c in columns]
    label_end, total = 0, 0
    for i, width in enumerate(widths):
        total += width
        label_end = i
        if total >= 12:
            break
    money_start, total = len(widths) - 1, 0
    for i in range(len(widths) - 1, label_end + 1, -1):
        total += widths[i]
        money_start = i
        if total >= 14:
            break
    return label_end, money_start


class TableSheetWriter:
    def __init__(self, workbook: Workbook, styles: Styles, lists: ListSheet) -> None:
        self.workbook, self.styles, self.lists = workbook, styles, lists

    def write(
        self,
        spec: TableSpec,
        *,
        year: int,
        presets: Sequence[Preset],
        unit: Unit | None,
        unit_names: Sequence[str],
    ) -> TableLayout:
        ws = self.workbook.add_worksheet(spec.id)
        self.ws, self.spec = ws, spec
        self.columns = spec.issued_columns  # the notice's columns (no 来源单位)
        self._heights: dict[int, float] = {}
        columns = self.columns
        last_col = len(columns) - 1
        for i, col in enumerate(columns):
            ws.set_column(i, i, col.width)
        self._heading(spec.title(year), spec.subtitle, last_col)
        self._unit_line(unit, unit_names)
        self._header()

        row = FIRST_BODY_ROW
        for group in plan_groups(spec, presets):
            row = self._group(group, row)
        first, last = FIRST_BODY_ROW, row - 1
        self._validations(first, last)
        amount_col = columns.index(spec.amount_column)
        self._total_row(row, first, last, amount_col)

        ws.freeze_panes(FIRST_BODY_ROW, 0)
        setup_print(ws, last_row=row, last_col=last_col, landscape=True, repeat_row=HEADER_ROW)
        protect(ws, TABLE_PROTECTION)
        ws.activate()
        return TableLayout(first, last, row, amount_col)

    # ------------------------------------------------------------------ above the table
    def _heading(self, title: str, subtitle: str, last_col: int) -> None:
        ws, st = self.ws, self.styles
        merge_text(ws, TITLE_ROW, 0, last_col, title, st["title"])
        ws.set_row(TITLE_ROW, 34)
        merge_text(ws, SUBTITLE_ROW, 0, last_col, subtitle, st["subtitle"])
        ws.set_row(SUBTITLE_ROW, 24)

    def _unit_line(self, unit: Unit | None, unit_names: Sequence[str]) -> None:
        ws, st, budget = self.ws, self.styles, budget_spec()
        label_end, money_start = _spans(self.columns)
        value_start, value_end = label_end + 1, money_start - 1
        unit_field = budget.field("unit")
        merge_text(ws, UNIT_ROW, 0, label_end, f"{unit_field.label}：", st["line_label"])
        style = st["line_value"] if unit else st["line_input"]
        merge_text(ws, UNIT_ROW, value_start, value_end, unit.full_name if unit else "", style)
        if unit is None:
            ws.data_validation(
                UNIT_ROW,
                value_start,
                UNIT_ROW,
                value_start,
                unit_name_rule(self.lists, unit_names, unit_field.label),
            )
        last_col = len(self.columns) - 1
        merge_text(ws, UNIT_ROW, money_start, last_col, budget.unit_label, st["money_unit"])
        ws.set_row(UNIT_ROW, 24)

    def _header(self) -> None:
        ws, st = self.ws, self.styles
        texts = [(header_text(c.label, c.width), c.width) for c in self.columns]
        for i, (text, _) in enumerate(texts):
            ws.write_string(HEADER_ROW, i, text, st["header"])
        ws.set_row(HEADER_ROW, row_height(texts, HEADER_MIN_HEIGHT))

    # ------------------------------------------------------------------ the body
    def _group(self, group: Group, start: int) -> int:
        row = start
        for planned in group.rows:
            self._body_row(row, planned)
            row += 1
        category_col = self.spec.category_column
        if category_col is not None and group.category is not None:
            c = self.columns.index(category_col)
            style = self.styles["preset_category" if group.fixed else "input_category"]
            merge_text(self.ws, start, c, c, group.category, style, last_row=row - 1)
            self._fit_merged_category(group, start, row - 1, category_col.width)
        return row

    def _body_row(self, row: int, planned: PlannedRow) -> None:
        ws, st = self.ws, self.styles
        written: list[tuple[str, float]] = []
        for c, col in enumerate(self.columns):
            if col.kind is ColumnKind.CATEGORY:
                continue
            value = planned.values.get(col.key, "")
            if col.kind is ColumnKind.SERIAL:
                ws.write_blank(row, c, None, st["input_center"])
            elif col.kind is ColumnKind.AMOUNT or not value or planned.kind == "empty":
                ws.write_blank(row, c, None, st["input_amount" if col.is_amount else "input"])
            else:
                ws.write_string(
                    row, c, value, st["preset" if planned.kind == "preset" else "prompt"]
                )
                written.append((value, col.width))
        self._heights[row] = row_height(written, INPUT_ROW_HEIGHT)
        ws.set_row(row, self._heights[row])

    def _fit_merged_category(self, group: Group, first: int, last: int, width: float) -> None:
        """Merged cells are never autofitted: make the group's rows tall enough for its 类型."""
        needed = row_height([(group.category or "", width)], INPUT_ROW_HEIGHT)
        have = sum(self._heights[r] for r in range(first, last + 1))
        if have < needed:
            self._heights[last] += needed - have
            self.ws.set_row(last, self._heights[last])

    def _validations(self, first: int, last: int) -> None:
        for c, col in enumerate(self.columns):
            if col.kind is ColumnKind.CATEGORY:
                rule = category_rule(self.lists, col, self.spec.categories)
            elif col.kind is ColumnKind.AMOUNT:
                rule = amount_rule(col)
            elif col.max_length:
                rule = length_rule(col)
            else:
                continue
            self.ws.data_validation(first, c, last, c, rule)

    def _total_row(self, row: int, first: int, last: int, amount_col: int) -> None:
        ws, st = self.ws, self.styles
        merge_text(ws, row, 0, amount_col - 1, TOTAL_LABEL, st["total_label"])
        letter = xl_col_to_name(amount_col)
        formula = f"=SUM({letter}{first + 1}:{letter}{last + 1})"
        ws.write_formula(row, amount_col, formula, st["total_amount"], 0)
        for c in range(amount_col + 1, len(self.columns)):
            ws.write_blank(row, c, None, st["total_blank"])
        ws.set_row(row, 26)
