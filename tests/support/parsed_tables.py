"""Hand-built ParsedTable objects, shaped as the reader hands them on, for unit tests of the checks.

Rows are given by column key; the table's columns sit in spec order from column A, the header on
``header_row`` and the body right below it, so a test can name the exact cell (E12) it expects.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from budget_planner.project_key import project_key
from budget_planner.templates.spec import ColumnKind, budget_spec, load_specs
from budget_planner.text import canonical
from budget_planner.validators.intake.grid import SheetGrid, a1
from budget_planner.validators.read.model import BudgetForm, Field, ParsedTable, RowKind, TableRow


def _typed(kind: ColumnKind, raw: object) -> object:
    if raw is None:
        return None
    if kind is ColumnKind.AMOUNT:
        if isinstance(raw, Decimal):
            return raw
        try:
            return Decimal(str(raw).replace(",", ""))
        except InvalidOperation:
            return None
    return canonical(raw) or None


def make_table(
    table_id: str,
    rows: list[dict[str, object]],
    *,
    unit: str | None = "清远市",
    sheet: str = "Sheet1",
    file: str = "清远市.xlsx",
    header_row: int = 4,
    kinds: dict[int, RowKind] | None = None,
    omit: tuple[str, ...] = (),
) -> ParsedTable:
    """A table whose body rows are ``rows`` (column key → raw value); ``kinds`` by index in ``rows``.

    A row's 类型 is filled down from the rows above, as the reader does; ``omit`` leaves columns out
    of the table entirely (a hand-made copy without them).
    """
    spec = load_specs().table(table_id)
    filled = {k for r in rows for k, v in r.items() if v}  # 来源单位 only where a row has one
    kept = (c for c in spec.columns if c.key not in omit and (c.issued or c.key in filled))
    columns = {c.key: i for i, c in enumerate(kept, 1)}
    table = ParsedTable(
        file=file,
        sheet=sheet,
        table=table_id,
        unit=unit,
        header_rows=(header_row,),
        columns=columns,
    )
    category = None
    for i, values in enumerate(rows):
        excel_row = header_row + 1 + i
        fields = {}
        for col in spec.columns:
            if col.key not in columns:
                continue
            raw = values.get(col.key)
            value = _typed(col.kind, raw)
            if col.kind is ColumnKind.CATEGORY and value is not None:
                value = spec.is_category(value) or value
            fields[col.key] = Field(raw=raw, cell=a1(excel_row, columns[col.key]), value=value)
        cat_col = spec.category_column
        if cat_col is not None and fields.get(cat_col.key) and fields[cat_col.key].value:
            category = fields[cat_col.key].value
        kind = (kinds or {}).get(i, RowKind.PROJECT)
        row = TableRow(excel_row=excel_row, kind=kind, fields=fields, category=category)
        name = row.value(spec.project_column.key)
        if kind is RowKind.PROJECT:
            row.key = project_key(unit, table_id, category, name)
        table.rows.append(row)
    return table


def assign_ids(*tables: ParsedTable, start: int = 0) -> None:
    """Number every row of the tables as the pipeline does (unique within the batch)."""
    n = start
    for table in tables:
        for row in table.rows:
            row.row_id = n
            n += 1


# where make_budget puts each 预算表 line: (label cell column, value column) and its first row
BUDGET_LAYOUT = {"header": 3, "sources": 10, "expenses": 16, "note": 23}


def make_budget(
    values: dict[str, object],
    *,
    unit: str | None = "清远市",
    sheet: str = "预算表",
    file: str = "清远市-预算表.xlsx",
    labels: dict[str, str] | None = None,
    remarks: dict[str, str] | None = None,
) -> tuple[ParsedTable, SheetGrid]:
    """A 预算表 laid out as seed 000 §三, and its sheet grid.

    Header fields: label in A, value in B from row 3; sources (合计 first) and expense lines: label in
    B, amount in C, 备注 in D, from rows 10 and 16; the 测算说明 in B23. ``labels`` replaces a line's
    label as filed (e.g. the 其他相关费用 line with its note written into it), ``remarks`` fills 备注.
    """
    spec = budget_spec()
    grid = SheetGrid(name=sheet, values=[[None] * 4 for _ in range(24)])

    def put(row: int, col: int, value: object) -> None:
        grid.values[row - 1][col - 1] = value

    put(1, 1, spec.title)
    put(2, 1, spec.unit_label)
    form = BudgetForm()
    places: list[tuple[object, int, int, int]] = []  # (column, label col, value col, row)
    places += [(c, 1, 2, BUDGET_LAYOUT["header"] + i) for i, c in enumerate(spec.header)]
    places += [(c, 2, 3, BUDGET_LAYOUT["sources"] + i) for i, c in enumerate(spec.sources)]
    places += [(c, 2, 3, BUDGET_LAYOUT["expenses"] + i) for i, c in enumerate(spec.expenses)]
    places.append((spec.note, 1, 2, BUDGET_LAYOUT["note"]))
    for col, label_col, value_col, row in places:
        put(row, label_col, (labels or {}).get(col.key, col.label))
        raw = values.get(col.key)
        put(row, value_col, raw)
        if col.key in (remarks or {}):
            put(row, 4, remarks[col.key])
        form.fields[col.key] = Field(raw=raw, cell=a1(row, value_col), value=_typed(col.kind, raw))
    total = form.amount("total")
    table = ParsedTable(
        file=file,
        sheet=sheet,
        table="预算表",
        unit=unit,
        budget=form,
        stated_total=total,
        stated_total_cell=form.fields["total"].cell,
    )
    return table, grid
