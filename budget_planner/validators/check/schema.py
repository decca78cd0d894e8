"""pandera schemas built from the table specs; one frame per table type for a whole batch (docs/architecture.md).

Each PROJECT row of every table of one type becomes a frame row whose index is its ``row_id``, so a
failure found by pandera maps straight back to (file, sheet, Excel row) and to the cell of its column.
The reader has already typed the cells: text columns hold canonical text (object dtype), amounts are
converted to integer 元 (nullable ``Int64``) — never float.

pandas and pandera are imported here only, and this module is imported lazily by the pipeline.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from budget_planner.money import plain, to_yuan
from budget_planner.templates.spec import Column, ColumnKind, TableSpec, load_specs
from budget_planner.text import canonical
from budget_planner.validators.read.cells import blank
from budget_planner.validators.read.model import Columns, ParsedTable, TableRow
from budget_planner.validators.report.issues import Issue, issue

_INT64_MAX = 2**63 - 1
_SHOWN_CHARS = 40  # how much of an over-long text an issue repeats


@dataclass(frozen=True)
class TableSchema:
    """The pandera schema of one table type; each check carries its issue code as its ``error``."""

    spec: TableSpec
    schema: pa.DataFrameSchema

    @property
    def columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.spec.columns if c.key in self.schema.columns)


def _column_schema(spec: TableSpec, col: Column) -> pa.Column:
    checks: list[pa.Check] = []
    if col.kind is ColumnKind.AMOUNT:
        checks.append(pa.Check.ge(0, error="amount.negative"))
    else:
        if col.kind is ColumnKind.CATEGORY and spec.categories:
            checks.append(pa.Check.isin(list(spec.categories), error="category.unknown"))
        if col.max_length:
            checks.append(pa.Check.str_length(max_value=col.max_length, error="text.too_long"))
    # no dtype check: build_frame sets the dtypes (object text, Int64 元) and nothing coerces
    # a missing required value is pandera's not_nullable failure: required.missing
    return pa.Column(None, nullable=not col.required, checks=checks, coerce=False, name=col.key)


@cache
def table_schema(spec: TableSpec) -> TableSchema:
    """The schema of one table type, built from its spec once per process."""
    columns = {}
    for col in spec.columns:
        if col.kind is ColumnKind.SERIAL:
            continue
        columns[col.key] = _column_schema(spec, col)
    schema = pa.DataFrameSchema(
        columns,
        # no index check: validate_tables has checked the row ids unique while collecting them
        strict=True,
        coerce=False,
        name=spec.id,
    )
    return TableSchema(spec, schema)


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = value if isinstance(value, str) else canonical(value)
    return text or None


def _yuan(value: object) -> int | None:
    if not isinstance(value, Decimal) or not value.is_finite():
        return None
    if value.adjusted() >= 14:  # beyond int64 元: only the sign is checked on the frame, keep it
        return _INT64_MAX if value > 0 else -_INT64_MAX
    return to_yuan(value)


def _yuan_column(values: list[object]) -> list[object]:
    """``_yuan`` of each value; amounts repeat down a table, so each is converted once (a finite
    Decimal below 10^14 converts by its value alone: equal values, equal 元)."""
    seen: dict[Decimal, int | None] = {}
    out: list[object] = []
    for v in values:
        if type(v) is Decimal and v.is_finite() and v.adjusted() < 14:
            got = seen.get(v)
            if got is None:
                got = seen[v] = _yuan(v)
            out.append(got)
        else:
            out.append(_yuan(v) if v is not None else None)
    return out


def _column_values(rows: list[TableRow], columns: Columns, col: Column) -> list[object]:
    """One frame column: 元 for amounts, canonical text or None for the rest (a blank 类型 takes
    its group's). Column by column, without a call per cell: the reader's text values are already
    canonical ``str`` or None, so only other values go through ``_text``."""
    values = columns.values(col.key)
    if col.kind is ColumnKind.AMOUNT:
        return _yuan_column(values)
    out: list[object] = [(v or None) if type(v) is str else _text(v) for v in values]
    if col.kind is ColumnKind.CATEGORY:
        # a 类型 given once per group: the rows below inherit it
        return [v if v is not None else _text(r.category) for v, r in zip(out, rows, strict=True)]
    return out


def build_frame(ts: TableSchema, rows: Iterable[TableRow]) -> pd.DataFrame:
    """One frame row per project row, indexed by ``row_id``; object dtype for text, Int64 for 元."""
    rows = list(rows)
    index = pd.Index([r.row_id for r in rows], dtype="int64")
    data = {}
    columns = Columns(rows)
    for col in ts.columns:
        values = _column_values(rows, columns, col)
        if col.kind is ColumnKind.AMOUNT:
            data[col.key] = pd.Series(pd.array(values, dtype="Int64"), index=index, copy=False)
        else:
            array = np.empty(len(values), dtype=object)
            array[:] = values
            # dtype given: pandas 3 would infer its string dtype from the text
            data[col.key] = pd.Series(array, index=index, dtype=object, copy=False)
    return pd.DataFrame(data, index=index, copy=False)


def _shown(text: str) -> str:
    return text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + "…"


def _issue(
    code: str, table: ParsedTable, row: TableRow, col: Column, ts: TableSchema
) -> Issue | None:
    """The Issue for one failure, or None where another part already reports that cell."""
    if not row.has(col.key):  # the table has no such column: header.missing says so once
        return None
    label, raw, value = col.label, row.raw(col.key), row.value(col.key)
    fields: dict[str, Any] = {"label": label}
    if code == "required.missing":
        if not blank(raw):  # something is there but unreadable: the reader reported it
            return None
        shown = None
    elif code == "category.unknown":
        if blank(raw):  # inherited from the group's first row, reported there
            return None
        shown = _text(value) or canonical(raw)
        fields.update(table=ts.spec.id, allowed="、".join(ts.spec.categories))
    elif code == "amount.negative":
        shown = plain(value) if isinstance(value, Decimal) else canonical(raw)
    elif code == "text.too_long":
        text = _text(value) or ""
        shown = _shown(text)
        fields.update(max_length=col.max_length, length=len(text))
    else:  # pragma: no cover - every check of table_schema has a code
        raise AssertionError(code)
    return issue(
        code,
        sheet=table.sheet_of(row),
        cell=row.cell(col.key),
        row=row.excel_row,
        column=label,
        value=shown,
        **fields,
    )


def validate_tables(spec: TableSpec, tables: Iterable[ParsedTable]) -> dict[int, list[Issue]]:
    """Validate the project rows of all tables of one type at once; issues by ``row_id``.

    Every row must already carry a ``row_id`` unique within the batch.
    """
    ts = table_schema(spec)
    where: dict[int, tuple[ParsedTable, TableRow]] = {}
    for table in tables:
        for row in table.project_rows:
            if row.row_id in where or row.row_id < 0:
                raise ValueError(f"row_id {row.row_id} is not unique in the batch")
            where[row.row_id] = (table, row)
    if not where:
        return {}
    frame = build_frame(ts, (row for _, row in where.values()))
    try:
        ts.schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return _translate(ts, exc.failure_cases, where)
    return {}


def _translate(
    ts: TableSchema, failures: pd.DataFrame, where: dict[int, tuple[ParsedTable, TableRow]]
) -> dict[int, list[Issue]]:
    columns = {c.key: c for c in ts.columns}
    found: dict[int, list[Issue]] = {}
    for column, check, index in zip(
        failures["column"], failures["check"], failures["index"], strict=True
    ):
        if column not in columns or index is None or pd.isna(index):
            # a frame-level failure (dtype, strictness) would be a bug in build_frame
            raise AssertionError(f"unexpected schema failure: {column} {check}")
        code = "required.missing" if check == "not_nullable" else check  # the check's error
        table, row = where[int(index)]
        made = _issue(code, table, row, columns[column], ts)
        if made is not None:
            found.setdefault(row.row_id, []).append(made)
    return found


def warm() -> None:
    """Validate an empty frame once: pandera's first ``validate`` imports more (hypothesis's
    strategies, ~0.1 s), so a caller with time to spare (waiting for the parse worker) pays it then."""
    spec = next(iter(load_specs().tables.values()))
    ts = table_schema(spec)
    ts.schema.validate(build_frame(ts, []), lazy=True)
