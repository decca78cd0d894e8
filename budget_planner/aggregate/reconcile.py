"""Reconciliation: each unit's 表四 against its control number, each 预算表 against its table row,
and the province's requests against the sum of control numbers.

A unit over its control number is a finding for finance, not a file error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from budget_planner.aggregate.control import ControlNumbers
from budget_planner.aggregate.versions import CountedVersion
from budget_planner.project_key import ProjectKey, matches_row
from budget_planner.templates.round import Round
from budget_planner.templates.spec import (
    BUDGET,
    COLLECTION_TABLES,
    CONTROLLED_TABLE,
    load_specs,
    resolve_table,
)
from budget_planner.validators.check.budget_checks import budget_key, budget_row_mismatch
from budget_planner.validators.read.model import TableRow
from budget_planner.validators.report.issues import Issue

SHARE_PLACES = Decimal("0.0001")


def share(part: Decimal, whole: Decimal | None) -> Decimal | None:
    """part / whole to 4 places (1.0833 = 108.33 %), None when whole is unknown or 0."""
    if whole is None or whole == 0:
        return None
    return (part / whole).quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class UnitBalance:
    unit: str
    control: Decimal | None
    requested: Decimal  # the unit's 表四 total, 0 without one
    has_request: bool = True  # whether a 表四 was counted
    control_cell: str | None = None

    @property
    def difference(self) -> Decimal | None:
        """requested - control: positive = over."""
        return None if self.control is None else self.requested - self.control

    @property
    def share(self) -> Decimal | None:
        return share(self.requested, self.control)

    @property
    def over(self) -> bool:
        return self.control is not None and self.requested > self.control


@dataclass
class BudgetCheck:
    """One counted 预算表: its own checks, and its 省局项目支出 against its table row."""

    version: CountedVersion
    table_ref: str | None  # the table it says it belongs to (表一–表四), None when unreadable
    total: Decimal | None
    provincial: Decimal | None
    row: TableRow | None  # the table row with the same project key
    row_version: CountedVersion | None  # where that row is
    issues: list[Issue] = field(default_factory=list)  # its checks, then the row comparison

    @property
    def row_amount(self) -> Decimal | None:
        if self.row is None or self.table_ref is None:
            return None
        value = self.row.value(load_specs().table(self.table_ref).amount_column.key)
        return value if isinstance(value, Decimal) else None

    @property
    def ok(self) -> bool:
        return not any(i.is_error for i in self.issues)


@dataclass(frozen=True)
class UnbudgetedRow:
    """A table row no counted 预算表 names."""

    unit: str
    table: str
    category: str | None
    project: str
    amount: Decimal | None
    file: str
    sheet: str
    cell: str | None


@dataclass(frozen=True)
class ProvinceLine:
    label: str  # a table id, or a 类型 of 表四
    requested: Decimal
    share: Decimal | None  # of the sum of control numbers


@dataclass
class Reconciliation:
    units: list[UnitBalance]
    control_total: Decimal | None  # None without a control-number file
    requested: Decimal  # 表四 of all units
    by_table: list[ProvinceLine]
    by_category: list[ProvinceLine]  # 表四 by 类型
    budgets: list[BudgetCheck] = field(default_factory=list)
    unbudgeted: list[UnbudgetedRow] = field(default_factory=list)

    @property
    def over(self) -> list[UnitBalance]:
        return [u for u in self.units if u.over]

    @property
    def difference(self) -> Decimal | None:
        return None if self.control_total is None else self.requested - self.control_total

    @property
    def province_over(self) -> bool:
        return self.control_total is not None and self.requested > self.control_total


def _table_ref(version: CountedVersion) -> str | None:
    parsed = version.parsed
    if parsed is None or parsed.budget is None:
        return None
    return resolve_table(parsed.budget.text("table_ref"))


def _budget_key(version: CountedVersion) -> ProjectKey | None:
    """The 预算表's key, with the unit the version is counted for."""
    if version.parsed is None:
        return None
    key = budget_key(version.parsed)
    return None if key is None else key._replace(unit=version.unit)


def _check_budgets(
    budgets: list[CountedVersion], table_versions: dict[tuple[str, str], CountedVersion]
) -> list[BudgetCheck]:
    checks = []
    for version in budgets:
        parsed = version.parsed
        form = parsed.budget if parsed else None
        ref = _table_ref(version)
        row_version = table_versions.get((version.unit, ref)) if ref else None
        rows = row_version.parsed.project_rows if row_version and row_version.parsed else []
        key = _budget_key(version)
        row = None
        if key is not None:
            row = next((r for r in rows if r.key is not None and matches_row(key, r.key)), None)
        issues = list(version.report.issues)
        if parsed is not None and form is not None:
            seen = {(i.code, i.cell) for i in issues}
            issues += [i for i in budget_row_mismatch(parsed, rows) if (i.code, i.cell) not in seen]
        checks.append(
            BudgetCheck(
                version=version,
                table_ref=ref,
                total=form.amount("total") if form else None,
                provincial=form.amount("provincial") if form else None,
                row=row,
                row_version=row_version if row is not None else None,
                issues=issues,
            )
        )
    return checks


def _unbudgeted(
    table_versions: dict[tuple[str, str], CountedVersion], budgets: list[CountedVersion]
) -> list[UnbudgetedRow]:
    keys = [k for v in budgets if (k := _budget_key(v)) is not None]
    found = []
    for (unit, table), version in table_versions.items():
        parsed = version.parsed
        if parsed is None:
            continue
        spec = load_specs().table(table)
        amount_key, name_key = spec.amount_column.key, spec.project_column.key
        for row in parsed.project_rows:
            if row.key is not None and any(matches_row(k, row.key) for k in keys):
                continue
            amount = row.value(amount_key)
            found.append(
                UnbudgetedRow(
                    unit=unit,
                    table=table,
                    category=row.category,
                    project=str(row.value(name_key) or ""),
                    amount=amount if isinstance(amount, Decimal) else None,
                    file=version.file,
                    sheet=parsed.sheet,
                    cell=row.cell(amount_key),
                )
            )
    return found


def reconcile(
    round_: Round,
    counted: Sequence[CountedVersion],
    control: ControlNumbers | None,
    *,
    unit_totals: Mapping[str, Mapping[str, Decimal]],
    table_totals: Mapping[str, Decimal],
    controlled_by_category: Mapping[str, Decimal],
) -> Reconciliation:
    """The round's totals (by unit and table, by table, the controlled table's by 类型) against the
    control numbers, and each counted 预算表 against its table row."""
    units = []
    for unit in round_.units:
        name = unit.short_name
        totals_by_table = unit_totals.get(name, {})
        units.append(
            UnitBalance(
                unit=name,
                control=control.get(name) if control else None,
                requested=totals_by_table.get(CONTROLLED_TABLE, Decimal(0)),
                has_request=CONTROLLED_TABLE in totals_by_table,
                control_cell=control.cells.get(name) if control else None,
            )
        )
    control_total = control.total if control else None
    by_table = [
        ProvinceLine(t, table_totals[t], share(table_totals[t], control_total))
        for t in COLLECTION_TABLES
    ]
    by_category = [
        ProvinceLine(c, amount, share(amount, control_total))
        for c, amount in controlled_by_category.items()
    ]
    table_versions = {(v.unit, v.table): v for v in counted if v.table != BUDGET}
    budgets = [v for v in counted if v.table == BUDGET]
    return Reconciliation(
        units=units,
        control_total=control_total,
        requested=table_totals[CONTROLLED_TABLE],
        by_table=by_table,
        by_category=by_category,
        budgets=_check_budgets(budgets, table_versions),
        unbudgeted=_unbudgeted(table_versions, budgets),
    )
