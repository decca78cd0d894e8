"""The allocation plan (分配方案): every project of the counted 表一–表四 with what the unit asked for
(申报金额) and what finance approved (核定金额), by unit, against the units' control numbers.

Built from a ``Consolidation`` (so the plan and the consolidated workbook show the same rows) and
the approved amounts by project key. Two rows with one key (a name given twice under one 类型) are
one project, as 核定金额 is recorded per key. On the site only the keys of rows that may carry a
核定金额 (``eligible``: a counted version that is submitted or approved, without errors, the row
named) take their amount into the plan; a stored amount of any other key is ``held``: kept, shown
to finance, left out of the plan.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from budget_planner.aggregate.consolidate import Consolidation, from_yuan
from budget_planner.aggregate.reconcile import UnitBalance
from budget_planner.aggregate.status import Verdict, unit_verdict
from budget_planner.templates.spec import COLLECTION_TABLES, CONTROLLED_TABLE


@dataclass
class PlanLine:
    unit: str
    table: str
    category: str
    project: str
    key: str
    requested: Decimal | None
    approved: Decimal | None = None
    state: str = ""  # the row's version state (已提交, 已通过 …; 有错误 in the offline CLI)
    reason: str = ""  # why finance cut it (核减理由)

    @property
    def cut(self) -> Decimal | None:
        """申报 - 核定 (what finance took off), None until 核定金额 is recorded."""
        if self.approved is None:
            return None
        return (self.requested or Decimal(0)) - self.approved


def _sum(values) -> Decimal:
    return sum((v for v in values if v is not None), Decimal(0))


@dataclass
class UnitPlan:
    unit: str
    control: Decimal | None
    lines: list[PlanLine] = field(default_factory=list)
    balance: UnitBalance | None = None  # the unit's 表四 request against its control number

    def tables(self) -> list[str]:
        return [t for t in COLLECTION_TABLES if any(line.table == t for line in self.lines)]

    def lines_of(self, table: str) -> list[PlanLine]:
        return [line for line in self.lines if line.table == table]

    def requested(self, table: str | None = None) -> Decimal:
        return _sum(line.requested for line in self.lines if table in (None, line.table))

    def approved(self, table: str | None = None) -> Decimal:
        return _sum(line.approved for line in self.lines if table in (None, line.table))

    @property
    def unapproved(self) -> int:
        """Projects with no 核定金额 yet."""
        return sum(1 for line in self.lines if line.approved is None)

    @property
    def difference(self) -> Decimal | None:
        """核定金额 of 表四 - 控制数 (positive: over), None without a control number."""
        if self.control is None:
            return None
        return self.approved(CONTROLLED_TABLE) - self.control

    @property
    def over(self) -> bool:
        return self.difference is not None and self.difference > 0

    @property
    def verdict(self) -> Verdict:
        """The unit's 结论, in the site's words (``aggregate.status.unit_verdict``)."""
        balance = self.balance or UnitBalance(self.unit, self.control, Decimal(0), False)
        return unit_verdict(balance, self)


@dataclass
class Plan:
    title: str
    units: list[UnitPlan]  # units with projects or a control number (the 分配方案 sheet)
    held: dict[str, Decimal] = field(default_factory=dict)  # stored 核定金额 left out of the plan
    every_unit: list[UnitPlan] = field(default_factory=list)  # the round's units, in order

    @property
    def requested(self) -> Decimal:
        return _sum(u.requested() for u in self.units)

    @property
    def approved(self) -> Decimal:
        return _sum(u.approved() for u in self.units)

    @property
    def control(self) -> Decimal | None:
        known = [u.control for u in self.units if u.control is not None]
        return _sum(known) if known else None


def build_plan(
    cons: Consolidation,
    approved: Mapping[str, Decimal],
    control: Mapping[str, Decimal],
    *,
    eligible: Collection[str] | None = None,
    reasons: Mapping[str, str] | None = None,
) -> Plan:
    """Every unit of the round (in its order) with its projects; ``units`` leaves out a unit with
    neither projects nor a control number. ``eligible``: the keys whose 核定金额 enter the plan
    (None: every key); the other stored amounts are ``held``."""
    reasons = reasons or {}
    by_key: dict[str, PlanLine] = {}
    for rec in cons.records:
        if rec["table"] not in COLLECTION_TABLES:
            continue
        amount = rec["amount_yuan"]
        requested = None if amount is None else from_yuan(amount)
        seen = by_key.get(rec["key"])
        if seen is not None:
            if requested is not None:
                seen.requested = (seen.requested or Decimal(0)) + requested
            continue
        by_key[rec["key"]] = PlanLine(
            unit=rec["unit"],
            table=rec["table"],
            category=rec["category"] or rec["category_text"] or "",
            project=rec["project"] or "",
            key=rec["key"],
            requested=requested,
            approved=approved.get(rec["key"])
            if eligible is None or rec["key"] in eligible
            else None,
            state=rec.get("state") or "",
            reason=reasons.get(rec["key"], ""),
        )
    balances = {b.unit: b for b in cons.reconciliation.units}
    units, every = [], []
    for unit in cons.round.units:
        name = unit.short_name
        plan = UnitPlan(name, control.get(name), balance=balances.get(name))
        lines = [line for line in by_key.values() if line.unit == name]
        plan.lines = sorted(lines, key=lambda line: COLLECTION_TABLES.index(line.table))
        every.append(plan)
        if plan.lines or plan.control is not None:
            units.append(plan)
    placed = {k for k, line in by_key.items() if line.approved is not None}
    held = {k: a for k, a in approved.items() if k not in placed}
    return Plan(cons.round.title, units, held, every)
