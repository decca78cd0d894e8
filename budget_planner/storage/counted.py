"""The stored versions that count, handed to the core's consolidation (``aggregate.consolidate``).

The inputs are rebuilt from what was stored at upload — the report (``report_json``, the docs/contracts.md
dict the unit and the admin saw) and the project rows (every column's typed value and cell, the
amounts as exact decimal strings) — rather than by validating the stored bytes again. The stored
record is what was checked, shown, submitted and approved; validating again under a later rules file
or reader could give a different answer than the one the admin approved. Nothing consolidation reads
is lost: it takes the project rows (values, 类型, keys, cells) and the 预算表 form, both stored whole.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.orm import Session

from budget_planner.aggregate.versions import CountedVersion, Superseded
from budget_planner.project_key import row_key
from budget_planner.storage.models import ProjectRow, Version
from budget_planner.storage.queries import Counted, counted_versions
from budget_planner.storage.records import money_or_none
from budget_planner.storage.workflow import machine_states
from budget_planner.templates.spec import (
    BUDGET,
    ColumnKind,
    TableSpec,
    budget_spec,
    load_specs,
)
from budget_planner.text import canonical
from budget_planner.validators.check.pipeline import Checked
from budget_planner.validators.read.model import BudgetForm, Field, ParsedTable, RowKind, TableRow
from budget_planner.validators.report.codes import Severity
from budget_planner.validators.report.issues import Issue, Report

REASONS = {
    "approved": "已通过",
    "submitted": "已提交待审核",
    "unsubmitted": "最新的无错误版本，未提交",
    "errors": "最新版本，有错误",
}


def _decimal(value: Any) -> Decimal | None:
    """A stored amount read back; what no amount column could hold (not finite, or beyond the
    Money column's range, as a report stored before amount.too_large may carry) is left out, as an
    unreadable cell is, so consolidation and every export meet only amounts they can sum."""
    if value in (None, ""):
        return None
    try:
        found = Decimal(str(value))
    except InvalidOperation:
        return None
    return money_or_none(found)


def report_from_dict(found: dict[str, Any]) -> Report:
    """A stored report (the shape of docs/contracts.md) back as a Report."""
    return Report(
        file=found.get("file") or "",
        table=found.get("table"),
        unit=found.get("unit"),
        sheet=found.get("sheet"),
        rows=int(found.get("rows") or 0),
        total=_decimal(found.get("total")),
        totals_by_category={
            k: amount
            for k, v in (found.get("totals_by_category") or {}).items()
            if (amount := _decimal(v)) is not None
        },
        stated_total=_decimal(found.get("stated_total")),
        sheets=list(found.get("sheets") or []),
        applicant=found.get("applicant"),
        issues=[
            Issue(
                code=i["code"],
                message=i["message"],
                sheet=i.get("sheet"),
                cell=i.get("cell"),
                row=i.get("row"),
                column=i.get("column"),
                value=i.get("value"),
                severity=Severity(i["severity"]),
            )
            for i in found.get("issues") or []
        ],
    )


def _fields(row: ProjectRow, amount_keys: set[str]) -> dict[str, Field]:
    fields = {}
    for key, stored in (row.values_json or {}).items():
        value = stored.get("value")
        typed = _decimal(value) if key in amount_keys else value
        fields[key] = Field(raw=value, cell=stored.get("cell") or "", value=typed)
    return fields


def parsed_of(version: Version, unit: str) -> ParsedTable:
    """The version's table as consolidation reads it, from its stored project rows."""
    table = version.submission.table_id
    parsed = ParsedTable(
        file=version.original_name, sheet=version.sheet or "", table=table, unit=unit
    )
    if table == BUDGET:
        budget = budget_spec()
        amounts = {c.key for c in (*budget.sources, *budget.expenses)}
        if version.rows:
            parsed.budget = BudgetForm(_fields(version.rows[0], amounts))
        return parsed
    spec = load_specs().table(table)
    amounts = {c.key for c in spec.columns if c.kind is ColumnKind.AMOUNT}
    for row in version.rows:
        fields = _fields(row, amounts)
        parsed.rows.append(
            TableRow(
                excel_row=row.excel_row or 0,
                kind=RowKind.PROJECT,
                fields=fields,
                category=row.category or None,
                key=row_key(unit, table, row.category, _value_of(fields, row.name, spec)),
                sheet=row.sheet or None,
            )
        )
    return parsed


def _value_of(fields: dict[str, Field], name: str, spec: TableSpec) -> Callable[[str], object]:
    """A stored row's cell values by column key, its name as stored."""

    def value(key: str) -> object:
        return name if key == spec.project_column.key else getattr(fields.get(key), "value", None)

    return value


def checked_of(version: Version, unit: str, *, with_table: bool = True) -> Checked:
    report = report_from_dict(version.report_json)
    parsed = parsed_of(version, unit) if with_table else None
    return Checked(report, parsed, modified=version.document_modified)


def _project(counted: Counted, parsed: ParsedTable) -> str:
    if counted.submission.table_id != BUDGET or parsed.budget is None:
        return ""
    return canonical(parsed.budget.text("project_name")) or counted.submission.slot


@dataclass
class StoredCounted:
    """What consolidation takes from the database: the counted versions, the others superseded."""

    counted: list[CountedVersion] = field(default_factory=list)
    superseded: list[Superseded] = field(default_factory=list)
    sources: list[Counted] = field(default_factory=list)  # the storage records behind ``counted``


def stored_counted(session: Session, round_id: str, *, scope: object) -> StoredCounted:
    """The versions that count (``queries.counted_versions``) as the core's ``CountedVersion``s."""
    found = StoredCounted()
    for item in counted_versions(session, round_id, scope=scope):
        submission, version = item.submission, item.version
        unit = submission.unit.short_name
        checked = checked_of(version, unit)
        assert checked.table is not None
        project = _project(item, checked.table)
        versions = sorted(submission.versions, key=lambda v: v.number)
        found.sources.append(item)
        found.counted.append(
            CountedVersion(
                unit=unit,
                table=submission.table_id,
                checked=checked,
                file=version.original_name,
                version=version.number,
                versions=len(versions),
                project=project,
                file_time=version.uploaded_at,
                status=item.status,
                state=item.state.label,
            )
        )
        why = REASONS.get(item.reason, item.reason)
        states = machine_states(versions)
        for other in versions:
            if other.id == version.id:
                continue
            state = states[other.id].label
            found.superseded.append(
                Superseded(
                    unit,
                    submission.table_id,
                    project,
                    other.original_name,
                    other.number,
                    f"{state}；计入的是第 {version.number} 版（{why}）",
                    checked_of(other, unit, with_table=False),
                )
            )
    return found
