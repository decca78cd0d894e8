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
from budget_planner.templates.round import Round
from budget_planner.templates.spec import (
    BUDGET,
    COLLECTION_TABLES,
    CONTROLLED_TABLE,
    load_specs,
    resolve_table,
)
from budget_planner.validators.check.budget_checks import (
    budget_row_mismatch,
    budget_rows,
    row_amount,
)
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
    table_ref: str | None  # the table it names (所属表), else the one its row was found in
    total: Decimal | None
    provincial: Decimal | None
    row: TableRow | None  # the table row with the same project key
    row_version: CountedVersion | None  # where that row is
    issues: list[Issue] = field(default_factory=list)  # its checks, then the row comparison
    rows: list[TableRow] = field(default_factory=list)  # every row of the project (row the first)

    @property
    def row_amount(self) -> Decimal | None:
        """The amount of its rows it is held to (``budget_checks.row_amount``)."""
        if self.row is None or self.table_ref is None:
            return None
        return row_amount(self.rows or [self.row], self.table_ref, self.provincial)

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


def _named_table(version: CountedVersion) -> str | None:
    """The 所属表 a 预算表 names, if any."""
    parsed = version.parsed
    if parsed is None or parsed.budget is None:
        return None
    return resolve_table(parsed.budget.text("table_ref"))


def _check_budgets(
    budgets: list[CountedVersion], table_versions: dict[tuple[str, str], CountedVersion]
) -> list[BudgetCheck]:
    """Each counted 预算表 with the row it belongs to, found as validation finds it
    (``budget_rows``: in the 所属表 it names, else in any table of its unit)."""
    holder: dict[int, CountedVersion] = {}  # id() of a table row → the version it is in
    rows_of: dict[str, list[TableRow]] = {}  # unit → its counted tables' project rows
    for (unit, _), tv in table_versions.items():
        if tv.parsed is None:
            continue
        for r in tv.parsed.project_rows:
            holder[id(r)] = tv
        rows_of.setdefault(unit, []).extend(tv.parsed.project_rows)
    checks = []
    for version in budgets:
        parsed = version.parsed
        form = parsed.budget if parsed else None
        unit_rows = rows_of.get(version.unit, [])
        found = budget_rows(parsed, unit_rows, version.unit) if parsed is not None else None
        matched = found[1] if found is not None else []
        row = matched[0] if matched else None
        ref = _named_table(version) or (row.key.table if row is not None and row.key else None)
        issues = list(version.report.issues)
        if parsed is not None and form is not None:
            seen = {(i.code, i.cell) for i in issues}
            fresh = budget_row_mismatch(parsed, unit_rows)
            issues += [i for i in fresh if (i.code, i.cell) not in seen]
        checks.append(
            BudgetCheck(
                version=version,
                table_ref=ref,
                total=form.amount("total") if form else None,
                provincial=form.amount("provincial") if form else None,
                row=row,
                row_version=holder.get(id(row)) if row is not None else None,
                issues=issues,
                rows=matched,
            )
        )
    return checks


def _unbudgeted(
    table_versions: dict[tuple[str, str], CountedVersion], checks: list[BudgetCheck]
) -> list[UnbudgetedRow]:
    budgeted = {id(r) for c in checks for r in c.rows}
    found = []
    for (unit, table), version in table_versions.items():
        parsed = version.parsed
        if parsed is None:
            continue
        spec = load_specs().table(table)
        amount_key, name_key = spec.amount_column.key, spec.project_column.key
        for row in parsed.project_rows:
            if id(row) in budgeted:
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
    checks = _check_budgets([v for v in counted if v.table == BUDGET], table_versions)
    return Reconciliation(
        units=units,
        control_total=control_total,
        requested=table_totals[CONTROLLED_TABLE],
        by_table=by_table,
        by_category=by_category,
        budgets=checks,
        unbudgeted=_unbudgeted(table_versions, checks),
    )
