"""Problems as data: an Issue has a code, a severity and a place; a Report holds one table's issues.
Every issue is made by ``issue()`` (and a file that cannot be read by ``unreadable()``): its message
is its code's template (``codes``) filled from named fields."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from budget_planner.errors import UnreadableFile
from budget_planner.money import plain
from budget_planner.templates.spec import BUDGET
from budget_planner.validators.report.codes import Severity, code, message


@dataclass(frozen=True)
class Issue:
    code: str
    message: str
    sheet: str | None = None
    cell: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    severity: Severity | None = None

    def __post_init__(self) -> None:
        if self.severity is None:
            object.__setattr__(self, "severity", code(self.code).severity)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def to_dict(self) -> dict[str, Any]:
        return {
            "severity": str(self.severity),
            "code": self.code,
            "sheet": self.sheet,
            "cell": self.cell,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


def issue(
    name: str,
    case: str | None = None,
    /,
    *,
    sheet: str | None = None,
    cell: str | None = None,
    row: int | None = None,
    column: str | None = None,
    value: str | None = None,
    severity: Severity | None = None,
    template: str | None = None,
    **fields: object,
) -> Issue:
    """The issue ``name`` (in situation ``case``) at a place, its message filled from ``fields`` and
    the place itself (a template may name ``{sheet}``, ``{cell}``, ``{row}``, ``{value}``).
    ``template`` is a rules-file code's own (``rule.*``: rules.toml declares it)."""
    place = {"sheet": sheet, "cell": cell, "row": row, "column": column, "value": value}
    given = {**{k: "" if v is None else v for k, v in place.items()}, **fields}
    text = template.format_map(given) if template is not None else message(name, case, **given)
    return Issue(name, text, sheet, cell, row, column, value, severity)


def unreadable(name: str, case: str | None = None, /, **fields: object) -> UnreadableFile:
    """The exception for a file that cannot be read, with its file.* code's message."""
    return UnreadableFile(name, message(name, case, **fields))


@dataclass
class Report:
    """One table found in one file (docs/contracts.md), or one unreadable file."""

    file: str
    table: str | None = None
    unit: str | None = None
    sheet: str | None = None
    rows: int = 0
    total: Decimal | None = None
    totals_by_category: dict[str, Decimal] = field(default_factory=dict)
    stated_total: Decimal | None = None
    issues: list[Issue] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)  # every sheet of a continued table
    applicant: str | None = None  # a 预算表's 项目申请单位, when its 申报书 names one

    @property
    def ok(self) -> bool:
        return not any(i.is_error for i in self.issues)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.is_error]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if not i.is_error]

    @property
    def unreadable(self) -> bool:
        return any(i.code.startswith("file.") and i.is_error for i in self.issues)

    def add(self, issues: Iterable[Issue]) -> None:
        self.issues.extend(issues)

    def to_dict(self) -> dict[str, Any]:
        found = {
            "file": self.file,
            "table": self.table,
            "unit": self.unit,
            "sheet": self.sheet,
            "sheets": self.sheets or ([self.sheet] if self.sheet else []),
            "ok": self.ok,
            "rows": self.rows,
            "total": plain(self.total),
            "totals_by_category": {k: plain(v) for k, v in self.totals_by_category.items()},
            "stated_total": plain(self.stated_total),
            "issues": [i.to_dict() for i in sort_issues(self.issues)],
        }
        if self.table == BUDGET:
            found["applicant"] = self.applicant
        return found

    def flatten(self, *keys: str) -> list[tuple]:
        """The issues as tuples of the given attributes, e.g. flatten("code", "cell")."""
        return [tuple(getattr(i, k) for k in keys) for i in sort_issues(self.issues)]


def _cell_order(issue: Issue) -> tuple:
    return (issue.sheet or "", issue.row or 0, len(issue.cell or ""), issue.cell or "", issue.code)


def sort_issues(issues: Iterable[Issue]) -> list[Issue]:
    """File-level issues first, then by sheet, row and column."""
    return sorted(issues, key=lambda i: (i.cell is not None, *_cell_order(i)))
