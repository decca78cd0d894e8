"""Validation of a batch of uploads: read (in the parse worker), recognise, check, report.

The CLI and the web both go through here. A batch is validated with one schema run per table type
(DESIGN §9), and every table found gets a Report in the DESIGN §5 shape.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from budget_planner.errors import UnreadableFile
from budget_planner.templates.round import Round
from budget_planner.templates.spec import BUDGET, Role, TableSpec, budget_spec, load_specs
from budget_planner.validators.grid import SheetGrid, WorkbookGrid
from budget_planner.validators.model import ParsedTable
from budget_planner.validators.report import Issue, Report, sort_issues

Parse = Callable[[bytes, str], WorkbookGrid]
CORRUPT = "文件已损坏，无法读取：请用 Excel 或 WPS 打开后另存为 .xlsx 再上传"


@dataclass(frozen=True)
class Upload:
    """One file as received: its bytes, its original name, and the unit the caller expects, if known."""

    data: bytes
    name: str
    expected_unit: str | None = None


@dataclass
class Checked:
    """One table of one upload after validation (or the single entry of an unreadable file)."""

    report: Report
    table: ParsedTable | None  # None when the file could not be read
    modified: dt.datetime | None = None  # the workbook's own modified time (document properties)
    grid: WorkbookGrid | None = None  # the file as read (for writing a Word table back as .xlsx)


@dataclass
class _File:
    """One upload on its way through: its grid and the tables found, or the reason it is unreadable."""

    upload: Upload
    grid: WorkbookGrid | None = None
    tables: list[ParsedTable] = field(default_factory=list)
    error: UnreadableFile | None = None


def validate_uploads(
    uploads: Sequence[Upload], round_: Round, *, parse: Parse | None = None
) -> list[list[Checked]]:
    """Validate a batch; one list per upload, in order, with one Checked per table found.

    ``parse`` turns bytes into a grid; by default the guarded parse worker. Tests may pass the
    in-process ``extract.read_workbook``.
    """
    files = [_read(upload, round_, parse) for upload in uploads]
    tables = [t for f in files for t in f.tables]
    _number_rows(tables)
    found = _check_batch(files, tables)
    return [_checked(f, found) for f in files]


def validate_bytes(
    data: bytes,
    name: str,
    round_: Round,
    expected_unit: str | None = None,
    *,
    parse: Parse | None = None,
) -> list[Checked]:
    return validate_uploads([Upload(data, name, expected_unit)], round_, parse=parse)[0]


# ---------------------------------------------------------------- reading
def _read(upload: Upload, round_: Round, parse: Parse | None) -> _File:
    from budget_planner.validators.reader import read_tables

    if parse is None:
        from budget_planner.validators.worker import parse_workbook as parse
    try:
        grid = parse(upload.data, upload.name)
    except UnreadableFile as exc:
        return _File(upload, error=exc)
    except Exception:  # a parser failing on a broken file: that file's error, nothing more
        return _File(upload, error=UnreadableFile("file.corrupt", CORRUPT))
    tables = read_tables(grid, upload.name, round_, upload.expected_unit)
    return _File(upload, grid=grid, tables=list(tables))


def _number_rows(tables: list[ParsedTable]) -> None:
    """Give every row of the batch its id: the frame index that maps back to (file, sheet, row)."""
    n = 0
    for table in tables:
        for row in table.rows:
            row.row_id = n
            n += 1


# ---------------------------------------------------------------- checking
def _sheet(f: _File, name: str) -> SheetGrid | None:
    if f.grid is None:
        return None
    return next((s for s in f.grid.sheets if s.name == name), None)


def _check_batch(files: list[_File], tables: list[ParsedTable]) -> dict[int, list[Issue]]:
    """Issues found by validation, by ``id()`` of the table they belong to."""
    from budget_planner.validators.budget_checks import budget_row_mismatch, check_budget
    from budget_planner.validators.checks import check_table
    from budget_planner.validators.rules import apply_rules

    specs = load_specs()
    found: dict[int, list[Issue]] = {id(t): [] for t in tables}
    by_type: dict[str, list[ParsedTable]] = {}
    for t in tables:
        if t.table in specs.tables:
            by_type.setdefault(t.table, []).append(t)
    if by_type:
        from budget_planner.validators.schema import validate_tables  # pandas: only when needed

        owner = {row.row_id: t for t in tables for row in t.rows}
        for table_id, group in by_type.items():
            for row_id, issues in validate_tables(specs.table(table_id), group).items():
                found[id(owner[row_id])].extend(issues)
    table_rows = [r for t in tables if t.table in specs.tables for r in t.project_rows]
    for f in files:
        for t in f.tables:
            sheet = _sheet(f, t.sheet)
            if t.table in specs.tables:
                found[id(t)].extend(check_table(t, specs.table(t.table), sheet))
            elif t.table == BUDGET:
                found[id(t)].extend(check_budget(t, sheet))
                found[id(t)].extend(budget_row_mismatch(t, table_rows))
            if t.table is not None:
                found[id(t)].extend(apply_rules(t))
    return found


# ---------------------------------------------------------------- reports
def _checked(f: _File, found: dict[int, list[Issue]]) -> list[Checked]:
    upload = f.upload
    if f.error is not None:
        issue = Issue(f.error.code, f.error.message)
        return [Checked(Report(file=upload.name, issues=[issue]), None)]
    assert f.grid is not None
    modified = f.grid.modified
    if not f.tables:
        issue = Issue("table.unknown", "文件中没有找到可识别的需求征集表或预算表")
        issues = [*f.grid.issues, *(i for s in f.grid.sheets for i in s.issues), issue]
        return [Checked(Report(file=upload.name, issues=_tidy(issues)), None, modified, f.grid)]
    placed = {t.sheet for t in f.tables}
    loose = [i for s in f.grid.sheets if s.name not in placed for i in s.issues]
    out = []
    for n, t in enumerate(f.tables):
        sheet = _sheet(f, t.sheet)
        issues = [*f.grid.issues, *(sheet.issues if sheet else ()), *t.issues, *found[id(t)]]
        if n == 0:
            issues += loose
        report = _report(upload.name, t, _tidy(issues))
        out.append(Checked(report, t, modified, f.grid))
    return out


def _tidy(issues: list[Issue]) -> list[Issue]:
    """Each issue once; on a shifted row only the shift; sorted by sheet, row and column."""
    from budget_planner.validators.checks import drop_consequences_of_shift

    return sort_issues(drop_consequences_of_shift(list(dict.fromkeys(issues))))


def _report(name: str, t: ParsedTable, issues: list[Issue]) -> Report:
    report = Report(file=name, table=t.table, unit=t.unit, sheet=t.sheet, issues=issues)
    specs = load_specs()
    if t.table == BUDGET:
        report.rows = 1
        report.stated_total, report.total = _budget_totals(t)
    elif t.table in specs.tables:
        spec = specs.table(t.table)
        rows = t.project_rows
        report.rows = len(rows)
        report.total, report.totals_by_category = _totals(spec, t)
        report.stated_total = t.stated_total
    else:
        report.rows = len(t.project_rows)
        report.stated_total = t.stated_total
    return report


def _totals(spec: TableSpec, t: ParsedTable) -> tuple[Decimal, dict[str, Decimal]]:
    key = spec.amount_column.key
    total = Decimal(0)
    by_category: dict[str, Decimal] = {}
    for row in t.project_rows:
        amount = row.value(key)
        if not isinstance(amount, Decimal):
            continue
        total += amount
        category = spec.is_category(row.category) if spec.categories and row.category else None
        if category is not None:
            by_category[category] = by_category.get(category, Decimal(0)) + amount
    ordered = {c: by_category[c] for c in spec.categories if c in by_category}
    return total, ordered


def _budget_totals(t: ParsedTable) -> tuple[Decimal | None, Decimal | None]:
    """(the 合计 cell, the sum of the sources): a 预算表's stated total and total."""
    form = t.budget
    if form is None:
        return t.stated_total, t.stated_total
    total_col = next(c for c in budget_spec().sources if c.role is Role.TOTAL)
    stated = form.amount(total_col.key)
    if stated is None:
        stated = t.stated_total
    parts = [form.amount(c.key) for c in budget_spec().sources if c is not total_col]
    known = [p for p in parts if p is not None]
    return stated, (sum(known, Decimal(0)) if known else stated)
