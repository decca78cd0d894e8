"""Hand-built validation results (Checked) for the aggregation tests, shaped as the pipeline hands them on."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from parsed_tables import make_budget, make_table

from budget_planner.aggregate.versions import Candidate
from budget_planner.templates.round import BEIJING
from budget_planner.templates.spec import BUDGET, load_specs
from budget_planner.validators.check.pipeline import Checked
from budget_planner.validators.read.model import ParsedTable
from budget_planner.validators.report.issues import Issue, Report


def beijing_time(text: str) -> dt.datetime:
    """'2023-12-10 09:30' in Beijing time, as an aware datetime."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=BEIJING)


def report_for(parsed: ParsedTable, issues: list[Issue] | None = None) -> Report:
    """The Report the pipeline would give: rows, exact total and totals by 类型 of the project rows."""
    report = Report(file=parsed.file, table=parsed.table, unit=parsed.unit, sheet=parsed.sheet)
    if parsed.table == BUDGET:
        report.rows = 1
        report.total = parsed.budget.amount("total") if parsed.budget else None
    elif parsed.table is not None:
        spec = load_specs().table(parsed.table)
        key = spec.amount_column.key
        amounts = [(r, r.value(key)) for r in parsed.project_rows]
        report.rows = len(amounts)
        report.total = sum((a for _, a in amounts if isinstance(a, Decimal)), Decimal(0))
        for row, amount in amounts:
            if isinstance(amount, Decimal) and row.category in spec.categories:
                cats = report.totals_by_category
                cats[row.category] = cats.get(row.category, Decimal(0)) + amount
    report.add(issues or [])
    return report


def checked(
    parsed: ParsedTable, issues: list[Issue] | None = None, modified: dt.datetime | None = None
) -> Checked:
    return Checked(report_for(parsed, issues), parsed, modified)


def table_file(
    table: str,
    unit: str | None,
    rows: list[dict[str, object]],
    *,
    file: str | None = None,
    modified: str | None = None,
    file_time: str | None = None,
    issues: list[Issue] | None = None,
) -> Candidate:
    """One file holding one table, as the CLI finds it: ``modified`` is the document's own time."""
    name = file or f"{unit or '未知'}-{table}.xlsx"
    parsed = make_table(table, rows, unit=unit, file=name.rsplit("/", 1)[-1])
    when = beijing_time(modified) if modified else None
    return Candidate(
        checked(parsed, issues, when), name, beijing_time(file_time) if file_time else None
    )


def budget_file(
    unit: str,
    project: str,
    values: dict[str, object],
    *,
    file: str | None = None,
    modified: str | None = None,
    issues: list[Issue] | None = None,
) -> Candidate:
    name = file or f"{unit}-预算表-{project}.xlsx"
    parsed, _ = make_budget({"project_name": project, **values}, unit=unit, file=name)
    when = beijing_time(modified) if modified else None
    return Candidate(checked(parsed, issues, when), name)


def unreadable_file(name: str) -> Candidate:
    report = Report(file=name)
    report.add([Issue("file.corrupt", "文件已损坏，无法读取")])
    return Candidate(Checked(report, None), name)


def error(code: str, cell: str, sheet: str = "Sheet1") -> Issue:
    return Issue(code, f"{code} 在 {cell}", sheet=sheet, cell=cell, row=int(cell[1:]))
