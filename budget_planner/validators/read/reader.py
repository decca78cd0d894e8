"""The reader: a WorkbookGrid → the tables it holds, each with its unit and typed, classified rows.

``read_tables`` finds every table on the visible sheets in sheet order (several per workbook, and
several stacked on one sheet), tells which table each is (``detect``), which unit filed it (``units``),
and reads its rows (``rows``) or its 预算表 form (``budget_form``). What it normalised and what it
could not read are issues on the table; the extractor's own issues (``grid.issues``, ``sheet.issues``)
stay where they are, for the pipeline to add. A hidden sheet holding a table is reported, not read.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import groupby
from operator import itemgetter

from budget_planner.project_key import keys_of, project_key
from budget_planner.templates.round import Round
from budget_planner.templates.spec import (
    BUDGET,
    COLLECTION_TABLES,
    budget_spec,
    load_specs,
    resolve_table,
    returns_spec,
)
from budget_planner.text import compact
from budget_planner.validators.intake.grid import SheetGrid, WorkbookGrid
from budget_planner.validators.read import budget_form, continued, detect, returns, units
from budget_planner.validators.read.cells import category_label
from budget_planner.validators.read.continued import Placed
from budget_planner.validators.read.model import Columns, Field, ParsedTable, RowKind, TableRow
from budget_planner.validators.read.rows import read_rows
from budget_planner.validators.report.issues import Issue, issue
from budget_planner.warm import no_cyclic_gc

FOOTER_ROWS = 8  # rows below a table searched for a 填报单位 line
# the rows a sheet without a header may hold to go on with the table before it
_GOING_ON = frozenset({RowKind.PROJECT, RowKind.SUBTOTAL, RowKind.TOTAL})
PARAGRAPHS = "正文"  # where a Word file's paragraphs outside tables are said to be


def read_tables(
    grid: WorkbookGrid, name: str, round_: Round, expected_unit: str | None = None
) -> list[ParsedTable]:
    """Every table of a file, in sheet order; one table-less entry with the reason when none."""
    with no_cyclic_gc():  # many small objects and no cycles (budget_planner.warm)
        return _read_tables(grid, name, round_, expected_unit)


def _read_tables(
    grid: WorkbookGrid, name: str, round_: Round, expected_unit: str | None
) -> list[ParsedTable]:
    meta = detect.read_metadata(grid)
    words = grid.kind == "docx"
    found: list[Placed] = []
    hidden: list[Issue] = []
    others: list[SheetGrid] = []  # visible sheets holding no table: a 申报书's other parts
    backups = _backups(grid)
    for sheet in grid.sheets:
        if detect.is_own_sheet(sheet):
            continue
        if sheet.visibility != "visible" or sheet.name in backups:
            what = _what_is_hidden(sheet, name, meta)
            if what is not None:
                hidden.append(_hidden_issue(sheet, what, backup=sheet.name in backups))
            continue
        on_sheet = _read_sheet(sheet, name, meta, round_, words)
        if not on_sheet:
            going_on = _headerless_part(sheet, found[-1] if found else None, name, round_, words)
            if going_on is None:
                others.append(sheet)
            else:
                on_sheet = [going_on]
        found.extend(on_sheet)
    found = continued.merge(found)
    if grid.paragraphs:  # a Word 申报书's cover page: 推荐单位名称：…, 项目名称：…
        others.append(SheetGrid(name=PARAGRAPHS, values=[[p] for p in grid.paragraphs]))
    _complete_budget(found, others)
    fallback_line = next((t.line for t in found if t.line is not None and t.line.name), None)
    tables = []
    for t in found:
        line = t.line if t.line is not None and t.line.name else fallback_line
        result = units.resolve_unit(
            round_,
            meta=meta,
            line=line,
            file_name=name,
            expected=expected_unit,
            sheet=t.parsed.sheet,
        )
        _set_unit(t.parsed, result.unit)
        t.parsed.issues[:0] = result.issues
        nil = returns.nil_return_issue(t.parsed)
        if nil is not None:
            t.parsed.issues.append(nil)
        tables.append(t.parsed)
    if not tables:
        first = next((s.name for s in grid.sheets if s.visibility == "visible"), "")
        unknown = ParsedTable(file=name, sheet=first, table=None, unit=None)
        unknown.issues.append(unknown_issue())
        result = units.resolve_unit(
            round_, meta=meta, line=None, file_name=name, expected=expected_unit, sheet=None
        )
        unknown.unit = result.unit
        tables.append(unknown)
    tables[0].issues.extend(hidden)
    return tables


def _complete_budget(found: list[Placed], others: list[SheetGrid]) -> None:
    """A 申报书 as several Word tables (or sheets): §一 holds 项目名称, the period, the applicant and
    the 推荐单位, §三 the money, and a Word file's cover page (paragraphs, ``正文``) may hold the
    推荐单位 alone. Header fields the one 预算表 of a file lacks are read from the file's sheets that
    hold no table, then from the cover; each keeps its own sheet and cell (a paragraph has none)."""
    budgets = [t for t in found if t.parsed.table == BUDGET and t.parsed.budget is not None]
    if len(budgets) != 1:
        return
    t = budgets[0]
    form = t.parsed.budget
    assert form is not None
    for sheet in others:
        labels = budget_form.find_labels(sheet)
        for col in (*budget_spec().header, *budget_spec().also_read):
            if form.text(col.key) or col.key not in labels.places:
                continue
            got = budget_form.read_text_field(sheet, labels, col)
            if got is not None and got.value:
                if sheet.name == PARAGRAPHS:  # a paragraph has no cell to point at
                    got = Field(got.raw, None, got.value)  # type: ignore[arg-type]
                form.fields[col.key] = got
                form.elsewhere[col.key] = sheet.name
    t.parsed.rows[0].fields = dict(form.fields)
    t.parsed.applicant = form.text("applicant") or None
    if (t.line is None or not t.line.name) and form.text("unit"):
        f = form.fields["unit"]
        t.line = units.UnitLine(form.text("unit"), f.cell, t.parsed.sheet_of(key="unit"))


# ---------------------------------------------------------------- one sheet


def _read_sheet(
    sheet: SheetGrid, name: str, meta: dict[str, str] | None, round_: Round, words: bool
) -> list[Placed]:
    if meta is not None and meta.get("table") == BUDGET:
        budget = _read_budget(sheet, name, words)
        if budget is not None:
            return [budget]
    out: list[Placed] = []
    start = 1
    while start <= sheet.height:
        header = detect.find_header(sheet, start=start)
        if header is None:
            break
        table, next_start = _read_table(sheet, header, start, name, meta, round_, words)
        out.append(table)
        if next_start is None or next_start <= start:
            break
        start = next_start
    if not out:
        budget = _read_budget(sheet, name, words)
        if budget is not None:
            out.append(budget)
    for i, t in enumerate(out):
        t.first_on_sheet, t.last_on_sheet = i == 0, i == len(out) - 1
    return out


def _headerless_part(
    sheet: SheetGrid, before: Placed | None, name: str, round_: Round, words: bool
) -> Placed | None:
    """A Word table with no header that goes on with the collection table before it (split by a
    page break, its header not repeated): read in that table's columns, it is taken when it holds
    nothing but project rows and totals from its first line, every project's amount a number, and
    no column past the table's. (A workbook's sheet without a header is a sheet of its own: a
    测算 sheet the amounts refer to.)"""
    a = before.parsed if words and before is not None and before.last_on_sheet else None
    if a is None or a.table is None or a.table not in COLLECTION_TABLES:
        return None
    if not a.columns or not a.header_rows or sheet.width > max(a.columns.values()):
        return None
    spec = load_specs().table(a.table)
    in_yuan = frozenset(
        c.key
        for c in spec.columns
        if c.is_amount and any(i.code == "amount.in_yuan" and i.column == c.label for i in a.issues)
    )
    first = next(
        (r for r, line in enumerate(sheet.values, 1) if any(v is not None for v in line)), 0
    )
    if not first:
        return None
    result = read_rows(
        sheet,
        spec,
        a.columns,
        first,
        table=a.table,
        unit=None,
        round_=round_,
        numbers_are_text=words,
        in_yuan=in_yuan,
    )
    rows = result.rows
    projects = [r for r in rows if r.kind is RowKind.PROJECT]
    amount = spec.amount_column.key
    if (
        not projects
        or rows[0].excel_row != first
        or result.next_header is not None
        or any(r.kind not in _GOING_ON for r in rows)
        or not all(isinstance(r.value(amount), Decimal) for r in projects)
    ):
        return None
    parsed = ParsedTable(
        file=name, sheet=sheet.name, table=a.table, unit=None, columns=dict(a.columns)
    )
    parsed.rows = rows
    parsed.stated_total = result.stated_total
    parsed.stated_total_cell = result.stated_total_cell
    parsed.issues.extend(result.issues)
    return Placed(sheet, parsed, None, headerless=True)


def _read_table(
    sheet: SheetGrid,
    header: detect.HeaderMatch,
    start: int,
    name: str,
    meta: dict[str, str] | None,
    round_: Round,
    words: bool,
) -> tuple[Placed, int | None]:
    table_id = detect.resolve(header, sheet, name, meta, start=start)
    spec_id = table_id or header.tables[0]
    spec = load_specs().table(spec_id)
    columns = header.columns[spec_id]
    parsed = ParsedTable(
        file=name,
        sheet=sheet.name,
        table=table_id,
        unit=None,
        header_rows=header.rows,
        columns=dict(columns),
    )
    if table_id is None:
        parsed.issues.append(detect.ambiguous_issue(sheet, header))
    missing = detect.missing_issue(sheet, spec_id, header)
    if missing is not None:
        parsed.issues.append(missing)
    parsed.issues.extend(detect.split_issue(sheet, header, spec_id))
    in_yuan = detect.yuan_columns(sheet, header, spec_id, start)
    result = read_rows(
        sheet,
        spec,
        columns,
        header.first_data_row,
        table=table_id or "",
        unit=None,
        round_=round_,
        numbers_are_text=words,
        header_height=len(header.rows),
        in_yuan=frozenset(in_yuan),
    )
    parsed.rows = result.rows
    parsed.stated_total = result.stated_total
    parsed.stated_total_cell = result.stated_total_cell
    parsed.issues.extend(result.issues)
    parsed.issues.extend(returns.yuan_issues(parsed, spec, in_yuan))
    line = units.find_unit_line(sheet, range(start, header.rows[0]))
    if line is None and getattr(sheet, "preamble", None):
        line = units.find_unit_in_preamble(sheet.preamble)
    if line is None:
        after = result.end_row + 1
        stop = result.next_header or after + FOOTER_ROWS
        line = units.find_unit_line(sheet, range(after, min(stop, sheet.height + 1)))
    # another table may follow: look from the row after this one's last (its title rows included)
    next_start = result.end_row + 1 if result.end_row < sheet.height else None
    return Placed(sheet, parsed, line), next_start


def _read_budget(sheet: SheetGrid, name: str, words: bool) -> Placed | None:
    labels = budget_form.find_labels(sheet)
    if not budget_form.is_budget(labels):
        return None
    form, issues = budget_form.read_form(sheet, labels, numbers_are_text=words)
    spec = budget_spec()
    total = next(c for c in spec.sources if c.role.value == "total")
    total_field = form.fields.get(total.key)
    parsed = ParsedTable(
        file=name,
        sheet=sheet.name,
        table=BUDGET,
        unit=None,
        budget=form,
        stated_total=form.amount(total.key),
        stated_total_cell=total_field.cell if total_field else None,
        issues=issues,
    )
    first_row = min((r for r, _ in labels.places.values()), default=1)
    parsed.rows = [TableRow(excel_row=first_row, kind=RowKind.PROJECT, fields=dict(form.fields))]
    parsed.applicant = form.text("applicant") or None
    unit_field = form.fields.get("unit")
    line = None
    if unit_field is not None and form.text("unit"):
        line = units.UnitLine(form.text("unit"), unit_field.cell, sheet.name)
    return Placed(sheet, parsed, line)


def _set_unit(parsed: ParsedTable, unit: str | None) -> None:
    """Give the table and the keys of its rows their unit."""
    parsed.unit = unit
    if parsed.table == BUDGET and parsed.budget is not None:
        row = parsed.rows[0]
        row.key, row.category = budget_key(parsed.budget, unit)
        return
    u = unit or ""
    rows = [row for row in parsed.rows if row.key is not None and row.key.unit != u]
    if not rows:
        return
    parts = [(u, *row.key[1:]) for row in rows]  # type: ignore[index]
    for row, key in zip(rows, keys_of(parts), strict=True):
        row.key = key


def budget_key(form, unit: str | None):
    """(project key, 类型 as a list label when valid) of a 预算表: (unit, 所属表, 类型, 项目名称)."""
    table_ref = form.text("table_ref")
    ref = resolve_table(table_ref)
    category = form.text("category")
    if ref is not None and category:
        category = category_label(load_specs().table(ref), category) or category
    return project_key(
        unit, ref or table_ref, category, form.text("project_name")
    ), category or None


def unknown_issue() -> Issue:
    """table.unknown: no table the specs describe was found in the file."""
    labels = "、".join(c.label for c in load_specs().table("表四").columns[:5])
    return issue("table.unknown", labels=labels)


# ---------------------------------------------------------------- hidden sheets


def _what_is_hidden(sheet: SheetGrid, name: str, meta: dict[str, str] | None) -> str | None:
    header = detect.find_header(sheet)
    if header is not None:
        return detect.resolve(header, sheet, name, meta) or "/".join(header.tables)
    if budget_form.is_budget(budget_form.find_labels(sheet)):
        return BUDGET
    return None


def _hidden_issue(sheet: SheetGrid, what: str, backup: bool = False) -> Issue:
    """sheet.hidden_ignored; ``backup``: a visible sheet whose name says it is a backup."""
    case = "backup" if backup else None
    return issue("sheet.hidden_ignored", case, sheet=sheet.name, value=sheet.name, what=what)


def _backups(grid: WorkbookGrid) -> set[str]:
    """The visible sheets named as a backup (表四（备份）, ``returns.backup_marks``), when the
    workbook has other visible sheets: an old draft kept beside the table sent, never read."""
    marks = returns_spec().backup_marks
    visible = [s.name for s in grid.sheets if s.visibility == "visible"]
    found = {n for n in visible if any(m in compact(n).lower() for m in marks)}
    return found if len(found) < len(visible) else set()


# ---------------------------------------------------------------- totals


def summarise(parsed: ParsedTable) -> tuple[int, Decimal, dict[str, Decimal]]:
    """(rows, total, totals_by_category) as docs/contracts.md reports them."""
    if parsed.table == BUDGET:
        total = budget_form.sources_total(parsed.budget) if parsed.budget else None
        return 1, total if total is not None else Decimal(0), {}
    rows = parsed.project_rows
    spec = load_specs().table(parsed.table or "表一") if parsed.table != "" else None
    if spec is None:
        return len(rows), Decimal(0), {}
    key = spec.amount_column.key
    counted = [
        (row.category, amount)
        for row, amount in zip(rows, Columns(rows).values(key), strict=True)
        if isinstance(amount, Decimal)
    ]
    total = sum(map(itemgetter(1), counted), Decimal(0))  # (exact: amounts are capped)
    by_category: dict[str, Decimal] = {}
    if spec.categories:
        # the rows of one 类型 come together: each run summed at once, its label looked up once
        for category, run in groupby(counted, key=itemgetter(0)):
            label = spec.is_category(category) if category else None
            if label is not None:
                amounts = map(itemgetter(1), run)
                by_category[label] = sum(amounts, by_category.get(label, Decimal(0)))
    return len(rows), total, {c: by_category[c] for c in spec.categories if c in by_category}
