"""Table rules (docs/domain.md) that look across cells: counts × amounts, stated totals, policy documents,
shifted rows and numbers typed into text columns. Each returns Issues at the cell a user must fix."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from decimal import Decimal

from budget_planner.money import plain
from budget_planner.templates.spec import Column, ColumnKind, TableSpec
from budget_planner.text import canonical
from budget_planner.validators.intake.grid import CellValue, SheetGrid, a1, row_of
from budget_planner.validators.read.amounts import parse_amount, parse_count_amount
from budget_planner.validators.read.cells import blank
from budget_planner.validators.read.model import (
    Columns,
    ParsedTable,
    RowKind,
    TableRow,
    column_raws,
    column_values,
)
from budget_planner.validators.report.codes import TEXT_AMOUNTS
from budget_planner.validators.report.issues import Issue, issue

DOCUMENT = re.compile(r"《[^《》]+》")
UPPER_BOUND = re.compile(r"不超过|不高于|最高|最多|以内")
# the first character of a number written as text (\uff0b is the full-width plus)
_NUMBER_START = frozenset("+-.¥￥\uff0b－．RMB人0123456789０１２３４５６７８９")
_NUMBER_TEXT_MAX = 32
# … and those or a space of any kind (str.isspace): what may start a number's text before lstrip
_NUMBER_HEAD = _NUMBER_START | frozenset(c for c in map(chr, range(0x3001)) if c.isspace())
_SERIAL_LIKE = re.compile(r"[(（]?[0-9一二三四五六七八九十]{1,3}[)）.、]?")
# codes that describe one cell of a row: on a shifted row they are consequences, not causes
ROW_CELL_CODES = frozenset(
    {
        "required.missing",
        "category.unknown",
        "text.too_long",
        "amount.not_number",
        "amount.too_large",
        "amount.negative",
        "amount.normalised",
        "amount.in_yuan",
        "amount.in_text_column",
        "count_amount.mismatch",
        "count_amount.unreadable",
        "policy_basis.no_document",
    }
)


def check_table(
    table: ParsedTable,
    spec: TableSpec,
    sheet: SheetGrid | None = None,
    others: Mapping[str, SheetGrid] | None = None,
) -> list[Issue]:
    """Every cross-cell check of one collection table (the schema checks single cells); ``others``:
    the later sheets of a continued table, by name."""
    issues = [
        *check_count_amount(table, spec),
        *check_totals(table, spec),
        *check_policy_basis(table, spec),
        *check_numbers_in_text(table, spec),
    ]
    shifted = check_shifted_rows(table, spec, sheet, others)
    return drop_consequences_of_shift([*issues, *shifted])


def drop_consequences_of_shift(issues: list[Issue]) -> list[Issue]:
    """On a row found shifted, keep ``row.shifted`` alone: the cell errors all follow from it."""
    rows = {(i.sheet, i.row) for i in issues if i.code == "row.shifted"}
    return [i for i in issues if i.code not in ROW_CELL_CODES or (i.sheet, i.row) not in rows]


def _issue(
    code: str,
    table: ParsedTable,
    row: TableRow,
    col: Column,
    value=None,
    case: str | None = None,
    **fields,
):
    return issue(
        code,
        case,
        sheet=table.sheet_of(row),
        cell=row.cell(col.key),
        row=row.excel_row,
        column=col.label,
        value=value,
        **fields,
    )


def _is_number(raw: object) -> bool:
    """Whether a cell holds one number (50, "50万元", "1,200"); most text fails the cheap look first."""
    kind = type(raw)
    if kind is float:  # the common amounts first: what parse_amount would say, without its work
        return math.isfinite(raw)  # type: ignore[arg-type]
    if kind is int:
        return True
    if raw is None or isinstance(raw, bool):
        return False
    if isinstance(raw, str):
        head = raw.lstrip()[:1]
        if len(raw) > _NUMBER_TEXT_MAX or not head or head not in _NUMBER_START:
            return False
    return parse_amount(raw).value is not None  # type: ignore[arg-type]


# ---------------------------------------------------------------- 项目数及单项金额
def check_count_amount(table: ParsedTable, spec: TableSpec) -> Iterator[Issue]:
    cols = [c for c in spec.columns if c.kind is ColumnKind.COUNT_AMOUNT]
    amount = spec.amount_column
    for col in cols:
        for row in table.project_rows:
            text = row.value(col.key)
            if not isinstance(text, str) or not text or row.cell(col.key) is None:
                continue
            parsed = parse_count_amount(text)
            if parsed is None:
                yield _issue("count_amount.unreadable", table, row, col, text, text=text)
                continue
            requested = row.value(amount.key)
            if not isinstance(requested, Decimal) or requested < 0:
                continue  # unreadable or negative: the amount has its own error (one mistake, one)
            if not parsed.agrees_with(requested, bool(UPPER_BOUND.search(text))):
                yield _issue(
                    "count_amount.mismatch",
                    table,
                    row,
                    col,
                    text,
                    case="each" if parsed.total is None else None,
                    text=text,
                    product=plain(parsed.total if parsed.total is not None else parsed.each),
                    label=amount.label,
                    funding=plain(requested),
                )


# ---------------------------------------------------------------- 合计 / 小计
def _sum(rows: list[TableRow], key: str) -> Decimal:
    """The amounts of ``rows`` (each has the column ``key``) that could be read."""
    values = column_values(rows, key)
    return sum((v for v in values if isinstance(v, Decimal)), Decimal(0))


def _total_issue(
    table: ParsedTable,
    cell: str | None,
    word: str,
    col: Column,
    stated: Decimal,
    rows: list[TableRow],
    sheet: str | None = None,
) -> Issue | None:
    """total.mismatch when ``stated`` (on ``sheet``) is not the sum of ``rows``; None when it is."""
    summed = _sum(rows, col.key)
    if stated == summed:
        return None
    typed_as_numbers = [r for r in rows if not isinstance(r.raw(col.key), str)]
    as_text = len(typed_as_numbers) < len(rows) and _sum(typed_as_numbers, col.key) == stated
    return issue(
        "total.mismatch",
        sheet=sheet or table.sheet,
        cell=cell,
        row=row_of(cell),
        column=col.label,
        value=plain(stated),
        word=word,
        stated=plain(stated),
        summed=plain(summed),
        difference=plain(stated - summed),
        hint=TEXT_AMOUNTS if as_text else "",
    )


def check_totals(table: ParsedTable, spec: TableSpec) -> Iterator[Issue]:
    """A stated 合计 equals all project rows; a 小计 the rows of its group.

    A 小计 sums the project rows since the previous 小计 or the start of its 类型 group; where it sits
    at the head of its group instead, the rows of its 类型 count; a page's 小计 (本页小计, 本页合计)
    the rows of its sheet since the previous 小计 or 合计, whatever their 类型. Nothing is said where an
    amount of the rows it sums could not be read (that cell already has its error).
    """
    col = spec.amount_column
    key = col.key

    unreadable: set[int] = set()  # id() of the project rows whose amount could not be read

    def readable(rows: list[TableRow]) -> bool:
        return not unreadable or not any(id(r) in unreadable for r in rows)

    projects = [r for r in table.project_rows if r.has(key)]
    by_category: dict[str | None, list[TableRow]] = {}
    columns = Columns(projects)
    for r, value, raw in zip(projects, columns.values(key), columns.raws(key), strict=True):
        if type(value) is not Decimal and not blank(raw):
            unreadable.add(id(r))
        by_category.setdefault(r.category, []).append(r)
    projects_readable = readable(projects)
    last_sheet = table.sheets[-1] if table.sheets else table.sheet
    found: list[Issue | None] = []
    checked_cells: set[tuple[str, str | None]] = set()
    group: list[TableRow] = []
    so_far: list[TableRow] = []  # the project rows above, for a page's 合计 of a continued table
    since: list[TableRow] = []  # the project rows of this sheet since the last 小计 or 合计
    since_sheet = table.sheet
    for row in table.rows:
        sheet = table.sheet_of(row)
        if sheet != since_sheet:
            since, since_sheet = [], sheet
        if row.kind is RowKind.PROJECT and row.has(key):
            if group and row.category != group[-1].category:
                group = []
            group.append(row)
            so_far.append(row)
            since.append(row)
            continue
        stated = row.value(key)
        if row.kind is RowKind.TOTAL and isinstance(stated, Decimal):
            checked_cells.add((sheet, row.cell(key)))
            if not projects_readable:
                continue
            if sheet == last_sheet:
                found.append(
                    _total_issue(table, row.cell(key), "合计", col, stated, projects, sheet)
                )
                continue
            # a 合计 on a continued table's earlier sheet: that page's rows, or all rows so far
            page = [r for r in so_far if table.sheet_of(r) == sheet]
            issues = [
                _total_issue(table, row.cell(key), "合计", col, stated, g, sheet)
                for g in (page, so_far)
            ]
            if all(issues):
                found.append(issues[-1])
        elif row.kind is RowKind.SUBTOTAL:
            same_type = by_category.get(row.category, []) if row.category else []
            # (when none agrees, the last is the one the message names: the 类型's rows)
            candidates = [g for g in (since, group, same_type) if g and readable(g)]
            if isinstance(stated, Decimal) and candidates:
                issues = [
                    _total_issue(table, row.cell(key), "小计", col, stated, g, sheet)
                    for g in candidates
                ]
                if all(issues):
                    found.append(issues[-1])
            group = []
        if row.kind in (RowKind.SUBTOTAL, RowKind.TOTAL):
            since = []
    stated_total = table.stated_total
    stated_sheet = table.stated_total_sheet or table.sheet
    if (
        stated_total is not None
        and (stated_sheet, table.stated_total_cell) not in checked_cells
        and projects_readable
    ):
        found.append(
            _total_issue(
                table, table.stated_total_cell, "合计", col, stated_total, projects, stated_sheet
            )
        )
    yield from (i for i in found if i is not None)


# ---------------------------------------------------------------- 政策依据
def check_policy_basis(table: ParsedTable, spec: TableSpec) -> Iterator[Issue]:
    for col in (c for c in spec.columns if "cites_document" in c.checks):
        cites: dict[str, bool] = {}  # the same 政策依据 repeats down a table: looked at once
        projects = table.project_rows
        for row, text in zip(projects, column_values(projects, col.key), strict=True):
            if not isinstance(text, str) or not text:
                continue
            cited = cites.get(text)
            if cited is None:
                cited = cites[text] = DOCUMENT.search(text) is not None
            if not cited:
                yield _issue(
                    "policy_basis.no_document",
                    table,
                    row,
                    col,
                    text if len(text) <= 40 else text[:40] + "…",
                    label=col.label,
                )


# ---------------------------------------------------------------- numbers in text columns
def check_numbers_in_text(table: ParsedTable, spec: TableSpec) -> Iterator[Issue]:
    """A bare number in a required text column (拟设置项目, 必要性, 绩效 …) is an amount gone astray."""
    amount = spec.amount_column
    projects = table.project_rows
    columns = Columns(projects)
    for col in spec.columns:
        if col.kind is not ColumnKind.TEXT or not col.required:
            continue
        key = col.key
        # most cells are long text: _is_number's own first look, in one comprehension per column
        # (a blank is no number: only cells holding something are looked at)
        candidates = [
            (row, raw)
            for row, raw in zip(projects, columns.raws(key), strict=True)
            if raw is not None
            and (type(raw) is not str or (len(raw) <= _NUMBER_TEXT_MAX and raw[:1] in _NUMBER_HEAD))
            and row.has(key)
        ]
        for row, raw in candidates:
            if not _is_number(raw):
                continue
            shown = (
                canonical(raw)
                if not isinstance(raw, int | float)
                else plain(parse_amount(raw).value)
            )
            yield _issue(
                "amount.in_text_column",
                table,
                row,
                col,
                shown,
                label=col.label,
                shown=shown,
                amount_label=amount.label,
            )


# ---------------------------------------------------------------- shifted rows
def _serial_like(raw: CellValue) -> bool:
    if blank(raw) or isinstance(raw, int | float | Decimal):
        return True
    return bool(_SERIAL_LIKE.fullmatch(canonical(raw).replace(" ", "")))


def check_shifted_rows(
    table: ParsedTable,
    spec: TableSpec,
    first_sheet: SheetGrid | None = None,
    others: Mapping[str, SheetGrid] | None = None,
) -> Iterator[Issue]:
    """A row whose cells all sit one column to the right (or left) of their headers.

    Evidence for a shift by ``s``: the amount column holds text while the column ``s`` away holds a
    number, and one more sign points the same way: the 类型 sits ``s`` away from its column while its
    own cell is no 类型, or the row spills past the table's last column (right) or the 序号 column
    holds text (left). One sign alone is a typo, not a shift.
    """
    amount_col = table.columns.get(spec.amount_column.key)
    if amount_col is None:
        return
    category = spec.category_column
    category_col = table.columns.get(category.key) if category else None
    serial_col = next(
        (table.columns.get(c.key) for c in spec.columns if c.kind is ColumnKind.SERIAL), None
    )
    positions = {col: key for key, col in table.columns.items()}
    last_col = max(table.columns.values())

    amount_key = positions.get(amount_col)
    rows = [r for r in table.rows if r.kind in (RowKind.PROJECT, RowKind.PRESET_UNUSED)]
    if amount_key is not None:
        # an amount read as a finite number is no shifted row: only the others are looked at
        rows = [
            r
            for r, raw in zip(rows, column_raws(rows, amount_key), strict=True)
            if type(raw) is not float or not math.isfinite(raw)
        ]
    for row in rows:
        sheet = (others or {}).get(row.sheet, first_sheet) if row.sheet else first_sheet

        def raw_at(col: int, row: TableRow = row, sheet: SheetGrid | None = sheet) -> CellValue:
            key = positions.get(col)
            if key is not None and row.has(key):
                return row.raw(key)
            return sheet.get(row.excel_row, col) if sheet is not None else None

        own = (
            row.raw(amount_key)
            if amount_key is not None and row.has(amount_key)
            else raw_at(amount_col)
        )
        if blank(own) or _is_number(own):
            continue
        for s in (1, -1):
            if not _is_number(raw_at(amount_col + s)):
                continue
            signs = 0
            if category_col is not None and spec.is_category(raw_at(category_col + s)):
                signs += not spec.is_category(raw_at(category_col))
            if s == 1 and sheet is not None and not blank(sheet.get(row.excel_row, last_col + 1)):
                signs += 1
            if s == -1 and serial_col is not None and not _serial_like(raw_at(serial_col)):
                signs += 1
            if signs:
                where, should = a1(row.excel_row, amount_col + s), a1(row.excel_row, amount_col)
                side, back = ("右", "左") if s == 1 else ("左", "右")
                yield issue(
                    "row.shifted",
                    sheet=table.sheet_of(row),
                    cell=should,
                    row=row.excel_row,
                    column=spec.amount_column.label,
                    side=side,
                    back=back,
                    amount_label=spec.amount_column.label,
                    found=where,
                    should=should,
                )
                break
