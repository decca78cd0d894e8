"""Validation of a batch of uploads: read (in the parse worker), recognise, check, report.

The CLI and the web both go through here. A batch is validated with one schema run per table type
(docs/architecture.md), and every table found gets a Report in the shape of docs/contracts.md.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from budget_planner.errors import UnreadableFile
from budget_planner.templates.round import Round
from budget_planner.templates.spec import BUDGET, load_specs
from budget_planner.validators.check.budget_checks import budget_row_mismatch, check_budget
from budget_planner.validators.check.checks import check_table, drop_consequences_of_shift
from budget_planner.validators.check.duplicates import find_duplicates
from budget_planner.validators.check.rule_checks import apply_rules
from budget_planner.validators.intake.grid import SheetGrid, WorkbookGrid
from budget_planner.validators.read.model import ParsedTable
from budget_planner.validators.read.reader import read_tables, summarise, unknown_issue
from budget_planner.validators.report.issues import Issue, Report, sort_issues, unreadable
from budget_planner.warm import load_in_background, no_cyclic_gc

Parse = Callable[[bytes, str], WorkbookGrid]
_SCHEMA = "budget_planner.validators.check.schema"


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
    with no_cyclic_gc(age_survivors=True):  # a batch's many small objects (budget_planner.warm)
        if parse is None and uploads and _SCHEMA not in sys.modules:
            # the first batch of a process: pandas and pandera load on the other core while the
            # parse worker reads the file (whole-process validate saves ~0.5 s)
            load_in_background(load_validation, "bp-load-validation")
        files = [_read(upload, round_, parse) for upload in uploads]
        tables = [t for f in files for t in f.tables]
        _number_rows(tables)
        found = _check_batch(files, tables, round_)
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
def load_validation() -> None:
    """Import pandas and pandera and build every table's schema (pandera's first validation loads
    the rest of it): what validation needs, loaded ahead (``budget_planner.warm``)."""
    from budget_planner.validators.check import schema

    schema.warm()
    for spec in load_specs().tables.values():
        schema.table_schema(spec)


def _read(upload: Upload, round_: Round, parse: Parse | None) -> _File:
    if parse is None:
        from budget_planner.validators.intake.worker import parse_workbook

        parse = parse_workbook
    try:
        grid = parse(upload.data, upload.name)
    except UnreadableFile as exc:
        return _File(upload, error=exc)
    except Exception:  # a parser failing on a broken file: that file's error, nothing more
        return _File(upload, error=unreadable("file.corrupt"))
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


def _check_batch(
    files: list[_File], tables: list[ParsedTable], round_: Round
) -> dict[int, list[Issue]]:
    """Issues found by validation, by ``id()`` of the table they belong to."""
    specs = load_specs()
    found: dict[int, list[Issue]] = {id(t): [] for t in tables}
    by_type: dict[str, list[ParsedTable]] = {}
    for t in tables:
        if t.table in specs.tables:
            by_type.setdefault(t.table, []).append(t)
    if by_type:
        from budget_planner.validators.check.schema import (
            validate_tables,  # pandas: only when needed
        )

        owner = {row.row_id: t for t in tables for row in t.rows}
        for table_id, group in by_type.items():
            for row_id, issues in validate_tables(specs.table(table_id), group).items():
                found[id(owner[row_id])].extend(issues)
    table_rows = [r for t in tables if t.table in specs.tables for r in t.project_rows]
    for f in files:
        for table_key, issues in find_duplicates(f.tables, round_).items():
            found[table_key].extend(issues)
        for t in f.tables:
            sheet = _sheet(f, t.sheet)
            if t.table in specs.tables:
                others = {name: s for name in t.sheets[1:] if (s := _sheet(f, name)) is not None}
                found[id(t)].extend(check_table(t, specs.table(t.table), sheet, others))
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
        issue = unknown_issue()
        issues = [*f.grid.issues, *(i for s in f.grid.sheets for i in s.issues), issue]
        return [Checked(Report(file=upload.name, issues=_tidy(issues)), None, modified, f.grid)]
    placed = {name for t in f.tables for name in t.sheets}
    # a sheet holding no table (填表说明, a list sheet, a hidden draft) is not read: only its
    # sheet-wide issues are kept, never a cell it holds
    loose = [i for s in f.grid.sheets if s.name not in placed for i in s.issues if i.cell is None]
    out = []
    for n, t in enumerate(f.tables):
        extracted = [i for name in t.sheets if (s := _sheet(f, name)) for i in s.issues]
        if any(i.cell is not None for i in extracted):  # the set of cells read only when needed
            read = _cells_read(t)
            extracted = [i for i in extracted if i.cell is None or (i.sheet, i.cell) in read]
        issues = [*f.grid.issues, *extracted, *t.issues, *found[id(t)]]
        if n == 0:
            issues += loose
        report = _report(upload.name, t, _tidy(issues))
        out.append(Checked(report, t, modified, f.grid))
    return out


def _cells_read(t: ParsedTable) -> set[tuple[str, str]]:
    """The (sheet, cell) a table was read from: what the extractor found elsewhere on the sheet (a
    helper formula beside the form, a note far below) is not the submission's problem."""
    cells = {(t.sheet_of(row), cell) for row in t.rows for cell in row.cells()}
    if t.budget is not None:
        cells.update((t.sheet_of(key=k), f.cell) for k, f in t.budget.fields.items())
    if t.stated_total_cell:
        cells.add((t.stated_total_sheet or t.sheet, t.stated_total_cell))
    return cells


def _tidy(issues: list[Issue]) -> list[Issue]:
    """Each issue once; on a shifted row only the shift; sorted by sheet, row and column."""
    return sort_issues(drop_consequences_of_shift(list(dict.fromkeys(issues))))


def _report(name: str, t: ParsedTable, issues: list[Issue]) -> Report:
    """The report of one table (docs/contracts.md); rows and totals as the reader sums them."""
    report = Report(
        file=name,
        table=t.table,
        unit=t.unit,
        sheet=t.sheet,
        stated_total=t.stated_total,
        issues=issues,
        sheets=list(t.sheets),
        applicant=t.applicant,
    )
    if t.table is not None or t.project_rows:
        report.rows, report.total, report.totals_by_category = summarise(t)
    return report
