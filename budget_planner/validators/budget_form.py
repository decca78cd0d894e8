"""The 项目支出预算明细表 reader: labels found anywhere, each value typed with its cell (seed 000 §三).

Every label of ``budget_spec()`` (header fields, funding sources, expense lines, the 测算说明) is looked
for in the grid by its label or aliases (compact, numbering optional: ``省局项目支出`` for
``1、省局项目支出``). A header field's value is the next non-empty cell to the right of its label (past
the label's merged cells), or after a colon in the label cell itself; an amount sits in the 金额 column
of its block, else right of the label; the 测算说明 may also stand below its label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from budget_planner.templates.spec import BudgetSpec, ColumnKind, budget_spec, load_specs
from budget_planner.text import compact
from budget_planner.validators.amounts import parse_amount
from budget_planner.validators.cells import amount_issue, text_value
from budget_planner.validators.grid import SheetGrid, a1
from budget_planner.validators.model import BudgetForm, Field
from budget_planner.validators.report import Issue

SCAN_ROWS = 120
SCAN_COLS = 12
MIN_LINES = 6  # labels of sources and expense lines a sheet must hold to be a 预算表
_NUMBERING = re.compile(r"^(\d+|[一二三四五六七八九十]+)[、.]|^\(\d+\)")


@dataclass
class BudgetLabels:
    """Where each field's label was found: key → (row, col), 1-based."""

    places: dict[str, tuple[int, int]] = field(default_factory=dict)
    inline: dict[str, str] = field(default_factory=dict)  # key → value written after "label："
    title_row: int | None = None

    @property
    def lines(self) -> int:
        spec = budget_spec()
        keys = {c.key for c in (*spec.sources, *spec.expenses)}
        return len(keys & self.places.keys())


def _strip(text: str) -> str:
    return text.rstrip(":")


@cache
def _index() -> dict[str, str]:
    """compact label or alias (colon and numbering dropped too) → field key."""
    spec = budget_spec()
    index: dict[str, str] = {}
    for col in spec.fields:
        for key in col.match_keys:
            for variant in (_strip(key), _NUMBERING.sub("", _strip(key))):
                if variant:
                    index.setdefault(variant, col.key)
    return index


def _amount_headers() -> frozenset[str]:
    return frozenset(load_specs().table("表四").amount_column.match_keys)


def find_labels(sheet: SheetGrid) -> BudgetLabels:
    """Every budget label on the sheet (the first occurrence of each)."""
    index = _index()
    found = BudgetLabels()
    title = compact(budget_spec().title)
    for r in range(1, min(sheet.height, SCAN_ROWS) + 1):
        for c, value in enumerate(sheet.values[r - 1][:SCAN_COLS], 1):
            if type(value) is not str or len(value) > 60:
                continue
            key_text = compact(value)
            if found.title_row is None and title in key_text:
                found.title_row = r
            stripped = _strip(key_text)
            key = index.get(stripped) or index.get(_NUMBERING.sub("", stripped))
            if key is None and ":" in key_text:
                head, _, rest = key_text.partition(":")
                key = index.get(head) or index.get(_NUMBERING.sub("", head))
                if key is not None and rest:
                    found.inline.setdefault(key, rest)
            if key is None:
                key = _prefixed(stripped)
            if key is not None and key not in found.places:
                found.places[key] = (r, c)
    return found


def _prefixed(text: str) -> str | None:
    """An expense line whose label carries its note: 7、其他相关费用（须注明）：印制宣传册."""
    bare = _NUMBERING.sub("", text)
    for col in budget_spec().expenses:
        if not col.needs_note:
            continue
        for key in col.match_keys:
            name = _NUMBERING.sub("", _strip(key)).split("(")[0]
            if len(name) >= 4 and bare.startswith(name):
                return col.key
    return None


def is_budget(labels: BudgetLabels) -> bool:
    return labels.lines >= MIN_LINES or (labels.title_row is not None and labels.lines >= 3)


# ---------------------------------------------------------------- values


def _merge_end(sheet: SheetGrid, r: int, c: int) -> int:
    """The last column of the merged range starting at (r, c), or c."""
    for r0, c0, r1, c1 in sheet.merged:
        if r0 <= r <= r1 and c0 <= c <= c1:
            return c1
    return c


def _right(sheet: SheetGrid, r: int, c: int) -> tuple[int, int]:
    """The cell holding the value right of a label: the next non-empty one, else the first past it."""
    start = _merge_end(sheet, r, c) + 1
    line = sheet.values[r - 1] if r <= sheet.height else []
    for col in range(start, len(line) + 1):
        if line[col - 1] is not None and not (
            type(line[col - 1]) is str and not line[col - 1].strip()
        ):
            return r, col
    return r, start


def _amount_column(sheet: SheetGrid, r: int, headers: list[tuple[int, int]]) -> int | None:
    """The column of the nearest 金额 header above row r."""
    above = [(hr, hc) for hr, hc in headers if hr < r]
    return max(above)[1] if above else None


def read_form(sheet: SheetGrid, labels: BudgetLabels, *, numbers_are_text: bool = False):
    """The BudgetForm of a sheet whose labels were found, and the issues of its amount cells."""
    spec: BudgetSpec = budget_spec()
    amount_heads = _amount_headers()
    headers = [
        (r, c)
        for r in range(1, min(sheet.height, SCAN_ROWS) + 1)
        for c, v in enumerate(sheet.values[r - 1][:SCAN_COLS], 1)
        if type(v) is str and compact(v) in amount_heads
    ]
    form = BudgetForm()
    issues: list[Issue] = []
    for col in spec.fields:
        place = labels.places.get(col.key)
        if place is None:
            continue
        r, c = place
        if col.kind is ColumnKind.AMOUNT:
            amount_col = _amount_column(sheet, r, headers)
            where = (r, amount_col) if amount_col and amount_col > c else _right(sheet, r, c)
            raw = sheet.get(*where)
            parsed = parse_amount(raw, numbers_are_text=numbers_are_text)
            cell = a1(*where)
            if parsed.issue is not None:
                label = _NUMBERING.sub("", col.label)
                issues.append(amount_issue(sheet.name, label, parsed, where[0], cell, raw))
            form.fields[col.key] = Field(raw, cell, parsed.value)
            continue
        if col.key in labels.inline:
            raw = sheet.get(r, c)
            form.fields[col.key] = Field(raw, a1(r, c), text_value(labels.inline[col.key]))
            continue
        where = _right(sheet, r, c)
        raw = sheet.get(*where)
        if raw is None and col.key == spec.note.key:
            below = _below(sheet, r, c)
            if below is not None:
                where, raw = below, sheet.get(*below)
        form.fields[col.key] = Field(raw, a1(*where), text_value(raw))
    return form, issues


def _below(sheet: SheetGrid, r: int, c: int) -> tuple[int, int] | None:
    """The 测算说明 written in the row right under its label (not past the next label)."""
    rr = _merge_bottom(sheet, r, c) + 1
    if rr > sheet.height:
        return None
    for cc, v in enumerate(sheet.values[rr - 1], 1):
        if cc >= c and text_value(v):
            return None if type(v) is str and _index().get(_strip(compact(v))) else (rr, cc)
    return None


def _merge_bottom(sheet: SheetGrid, r: int, c: int) -> int:
    for r0, c0, r1, c1 in sheet.merged:
        if r0 <= r <= r1 and c0 <= c <= c1:
            return r1
    return r


def sources_total(form: BudgetForm) -> Decimal | None:
    """The total of the funding sources: their sum when any is filled, else the 合计 as stated."""
    spec = budget_spec()
    total_key = next(c.key for c in spec.sources if c.role.value == "total")
    parts = [form.amount(c.key) for c in spec.sources if c.key != total_key]
    if any(p is not None for p in parts):
        return sum((p for p in parts if p is not None), Decimal(0))
    return form.amount(total_key)
