"""The 项目支出预算明细表 reader: labels found anywhere, each value typed with its cell (the 申报书's §三, docs/domain.md).

Every label of ``budget_spec()`` (header fields, funding sources, expense lines, the 测算说明, and what
a 申报书 also says: the applicant) is looked for in the grid by its label or aliases (compact,
numbering optional: ``省局项目支出`` for ``1、省局项目支出``). A header field's value is the next non-empty
cell to the right of its label (past the label's merged cells), or after a colon in the label cell
itself; a label met twice (a 申报书's cover page ``项目名称：____`` and its §一) gives the first value
that is filled in. The period may run over cells (``2024年1月 | 至 | 2025年12月``) or be dates
(``budget_period``). An amount sits in the 金额 column of its block, else right of the label; a
``单位：元`` line or a ``金额（元）`` head makes the amounts 元 (÷ 10,000). The 测算说明 may also stand
below its label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from budget_planner.templates.spec import BudgetSpec, Column, ColumnKind, budget_spec, load_specs
from budget_planner.text import canonical, compact
from budget_planner.validators.intake.grid import CellValue, SheetGrid, a1
from budget_planner.validators.read import yuan
from budget_planner.validators.read.amounts import AmountParse, parse_amount
from budget_planner.validators.read.budget_period import read_period
from budget_planner.validators.read.cells import amount_issue, text_value
from budget_planner.validators.read.model import BudgetForm, Field
from budget_planner.validators.report.issues import Issue, issue

SCAN_ROWS = 200  # a 申报书 on one sheet: cover, §一, §二, participants, then §三
SCAN_COLS = 16
LABEL_MAX_LEN = 60  # a longer cell is a label only with its value after a colon
MIN_LINES = 6  # labels of sources and expense lines a sheet must hold to be a 预算表
# a line's numbering: 1、 一、 1. (1) 1) — and ① (NFKC: a digit right before the label's first character)
_NUMBERING = re.compile(
    r"^(\d+|[一二三四五六七八九十]+)[、.]|^\(?\d+\)|^\d{1,2}(?=[\u4e00-\u9fff])"
)
_FILL_IN = re.compile(r"_+|\((盖|公|签)?章\)|\(签字\)")  # a blank to fill: ____, (公章)


@dataclass
class BudgetLabels:
    """Where each field's label was found: key → (row, col), 1-based, in reading order."""

    places: dict[str, tuple[int, int]] = field(default_factory=dict)  # the first of each
    more: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # the others
    inline: dict[tuple[int, int], str] = field(default_factory=dict)  # value after "label："
    title_row: int | None = None
    yuan_line: tuple[str, str] | None = None  # a 单位：元 line: (its text, its cell)

    @property
    def lines(self) -> int:
        spec = budget_spec()
        keys = {c.key for c in (*spec.sources, *spec.expenses)}
        return len(keys & self.places.keys())

    def occurrences(self, key: str) -> list[tuple[int, int]]:
        first = self.places.get(key)
        return [] if first is None else [first, *self.more.get(key, ())]


def _strip(text: str) -> str:
    return text.rstrip(":")


@cache
def _index() -> dict[str, str]:
    """compact label or alias (colon and numbering dropped too) → field key."""
    spec = budget_spec()
    index: dict[str, str] = {}
    for col in spec.read_fields:
        for key in col.match_keys:
            for variant in (_strip(key), _NUMBERING.sub("", _strip(key))):
                if variant:
                    index.setdefault(variant, col.key)
    return index


def _label_key(text: str) -> str | None:
    index = _index()
    return index.get(text) or index.get(_NUMBERING.sub("", text))


def _amount_headers() -> frozenset[str]:
    keys = load_specs().table("表四").amount_column.match_keys
    return frozenset((*keys, *(y for k in keys for y in yuan.yuan_header_keys(k))))


def find_labels(sheet: SheetGrid) -> BudgetLabels:
    """Every budget label on the sheet, each occurrence, and a 单位：元 line."""
    found = BudgetLabels()
    title = compact(budget_spec().title)
    for r in range(1, min(sheet.height, SCAN_ROWS) + 1):
        for c, value in enumerate(sheet.values[r - 1][:SCAN_COLS], 1):
            if type(value) is not str:
                continue
            long = len(value) > LABEL_MAX_LEN
            key_text = compact(value if not long else value[:LABEL_MAX_LEN])
            if found.title_row is None and title in key_text:
                found.title_row = r
            if found.yuan_line is None and not long and yuan.says_yuan(value):
                found.yuan_line = (value.strip(), a1(r, c))
            key = None if long else _label_key(_strip(key_text))
            if key is None and ":" in key_text:
                head, _, _ = key_text.partition(":")
                key = _label_key(head)
                if key is not None:
                    rest = canonical(value).partition(":")[2].strip()
                    if rest:
                        found.inline[(r, c)] = rest
            if key is None and not long:
                key = _prefixed(_strip(key_text))
            if key is None:
                continue
            if key not in found.places:
                found.places[key] = (r, c)
            else:
                found.more.setdefault(key, []).append((r, c))
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


def merge_end(sheet: SheetGrid, r: int, c: int) -> int:
    """The last column of the merged range starting at (r, c), or c."""
    for r0, c0, r1, c1 in sheet.merged:
        if r0 <= r <= r1 and c0 <= c <= c1:
            return c1
    return c


def right_of(sheet: SheetGrid, r: int, c: int) -> tuple[int, int]:
    """The cell holding the value right of a label: the next non-empty one, else the first past it."""
    start = merge_end(sheet, r, c) + 1
    line = sheet.values[r - 1] if r <= sheet.height else []
    for col in range(start, len(line) + 1):
        value = line[col - 1]
        if value is not None and not (isinstance(value, str) and not value.strip()):
            return r, col
    return r, start


def _amount_column(r: int, c: int, headers: list[tuple[int, int]]) -> int | None:
    """The column of the 金额 header over a label at (r, c): the nearest one above, and of those on
    that row the first right of the label (sources and expense lines side by side each have one)."""
    above = [(hr, hc) for hr, hc in headers if hr < r]
    if not above:
        return None
    row = max(hr for hr, _ in above)
    right = [hc for hr, hc in above if hr == row and hc > c]
    return min(right) if right else max(hc for hr, hc in above if hr == row)


def is_label(value: object) -> bool:
    """Whether a cell is some budget field's label (a value must not be taken from one)."""
    return type(value) is str and _label_key(_strip(compact(value))) is not None


def _filled(text: str | None) -> str | None:
    """A header value with the form's fill-in blanks (____, （公章）) taken out: ``东莞市某公司（公章）``
    is the firm's name; None when nothing else is written."""
    if text is None:
        return None
    rest = _FILL_IN.sub("", canonical(text)).strip(" :：")
    return rest or None


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
    in_yuan = labels.yuan_line is not None or any(
        yuan.header_in_yuan(sheet.get(r, c)) for r, c in headers
    )
    form = BudgetForm()
    issues: list[Issue] = []
    for col in spec.read_fields:
        place = labels.places.get(col.key)
        if place is None:
            continue
        if col.kind is ColumnKind.AMOUNT:
            parsed, where, raw = _amount_at(
                sheet, labels.occurrences(col.key), headers, numbers_are_text, in_yuan
            )
            cell = a1(*where)
            if parsed.issue is not None:
                label = _NUMBERING.sub("", col.label)
                issues.append(amount_issue(sheet.name, label, parsed, where[0], cell, raw))
            value = parsed.value
            if in_yuan and value is not None and not yuan.carries_unit(raw):
                value, _ = yuan.to_wan(value)
            form.fields[col.key] = Field(raw, cell, value)
            continue
        found = read_text_field(sheet, labels, col)
        if found is not None:
            form.fields[col.key] = found
    if in_yuan:
        issues.append(_yuan_issue(sheet, labels, headers))
    return form, issues


def _amount_at(
    sheet: SheetGrid,
    places: list[tuple[int, int]],
    headers: list[tuple[int, int]],
    numbers_are_text: bool,
    in_yuan: bool,
) -> tuple[AmountParse, tuple[int, int], CellValue]:
    """An amount line's cell: at the first of its label's places whose cell holds a number, else
    the first that is blank, else the first (a column header 合计 over 合计 | 2024年 | 2025年 is
    no 合计 line)."""
    got = [_amount(sheet, place, headers, numbers_are_text, in_yuan) for place in places]
    return next(
        (g for g in got if g[0].value is not None), next((g for g in got if g[0].ok), got[0])
    )


def _amount(
    sheet: SheetGrid,
    place: tuple[int, int],
    headers: list[tuple[int, int]],
    numbers_are_text: bool,
    in_yuan: bool,
) -> tuple[AmountParse, tuple[int, int], CellValue]:
    r, c = place
    amount_col = _amount_column(r, c, headers)
    where = (r, amount_col) if amount_col and amount_col > c else right_of(sheet, r, c)
    raw = sheet.get(*where)
    parsed = parse_amount(raw, numbers_are_text=numbers_are_text, in_yuan=in_yuan, numerals=True)
    return parsed, where, raw


def read_text_field(sheet: SheetGrid, labels: BudgetLabels, col: Column) -> Field | None:
    """A header field's value: at the first of its labels that has one filled in (else at the first
    label, empty), after a colon in the label cell, right of it, or (the 测算说明) below it."""
    first: Field | None = None
    for r, c in labels.occurrences(col.key):
        got = _text_at(sheet, labels, col, r, c)
        if first is None:
            first = got
        if isinstance(got.value, str) and _filled(got.value):
            return got
    return first


def _text_at(sheet: SheetGrid, labels: BudgetLabels, col: Column, r: int, c: int) -> Field:
    inline = labels.inline.get((r, c))
    if col.kind is ColumnKind.PERIOD:
        return read_period(sheet, r, c, inline)
    if inline is not None:
        return Field(sheet.get(r, c), a1(r, c), text_value(_filled(inline)))
    where = right_of(sheet, r, c)
    raw = sheet.get(*where)
    if is_label(raw) and col.key != budget_spec().note.key:
        raw = None  # the next label on the row: this one was left empty
        where = (r, merge_end(sheet, r, c) + 1)
    if raw is None and col.key == budget_spec().note.key:
        below = _below(sheet, r, c)
        if below is not None:
            where, raw = below, sheet.get(*below)
    value = text_value(raw)
    return Field(raw, a1(*where), text_value(_filled(value)) if value else None)


def _below(sheet: SheetGrid, r: int, c: int) -> tuple[int, int] | None:
    """The 测算说明 written in the row right under its label (not past the next label)."""
    rr = _merge_bottom(sheet, r, c) + 1
    if rr > sheet.height:
        return None
    for cc, v in enumerate(sheet.values[rr - 1], 1):
        if cc >= c and text_value(v):
            return None if is_label(v) else (rr, cc)
    return None


def _merge_bottom(sheet: SheetGrid, r: int, c: int) -> int:
    for r0, c0, r1, c1 in sheet.merged:
        if r0 <= r <= r1 and c0 <= c <= c1:
            return r1
    return r


def _yuan_issue(sheet: SheetGrid, labels: BudgetLabels, headers: list[tuple[int, int]]) -> Issue:
    if labels.yuan_line is not None:
        text, cell = labels.yuan_line
    else:
        r, c = next((r, c) for r, c in headers if yuan.header_in_yuan(sheet.get(r, c)))
        text, cell = str(sheet.get(r, c)).strip(), a1(r, c)
    return issue("amount.in_yuan", "form", sheet=sheet.name, cell=cell, value=text, text=text)


def sources_total(form: BudgetForm) -> Decimal | None:
    """The total of the funding sources: their sum when any is filled, else the 合计 as stated."""
    spec = budget_spec()
    total_key = next(c.key for c in spec.sources if c.role.value == "total")
    parts = [form.amount(c.key) for c in spec.sources if c.key != total_key]
    if any(p is not None for p in parts):
        return sum((p for p in parts if p is not None), Decimal(0))
    return form.amount(total_key)
