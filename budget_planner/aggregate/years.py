"""This year against last year (issue 19, docs/years.md): last year's allocation plan as lines
(``LastYearPlan``: imported from a workbook, or made from a stored round's plan), and per unit and
per 类型 what was requested and approved, and the control number, in both years.

Core code: the site (from the database) and ``budget-planner aggregate --last-year`` (from a file)
build the same ``LastYearPlan`` and call the same ``compare_years``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from budget_planner.aggregate.allocation import Plan
from budget_planner.project_key import project_key

NO_CATEGORY = "（无类型）"  # how a line without 类型 (表二's 后补助) is grouped


@dataclass(frozen=True)
class LastYearLine:
    """One project of last year's plan: 万元, ``approved`` None when no 核定金额 was recorded."""

    unit: str  # the unit's short name (the lasting unit)
    table: str
    category: str
    project: str
    requested: Decimal | None
    approved: Decimal | None
    where: str = ""  # where it was read: 分配方案!D12, or the stored round's id

    @property
    def key(self) -> str:
        return str(project_key(self.unit, self.table, self.category, self.project))


@dataclass(frozen=True)
class LastYearPlan:
    """Last year's plan: its projects and the units' control numbers (万元)."""

    title: str
    year: int
    lines: tuple[LastYearLine, ...]
    controls: Mapping[str, Decimal] = field(default_factory=dict)
    source: str = ""  # the file imported, or the stored round's id

    @property
    def units(self) -> list[str]:
        seen: dict[str, None] = {}
        for line in self.lines:
            seen.setdefault(line.unit)
        for unit in self.controls:
            seen.setdefault(unit)
        return list(seen)


def from_plan(plan: Plan, year: int, source: str) -> LastYearPlan:
    """A stored round's plan as last year's (the rounds kept by the service in later years)."""
    lines = tuple(
        LastYearLine(
            line.unit, line.table, line.category, line.project, line.requested, line.approved
        )
        for unit in plan.units
        for line in unit.lines
    )
    controls = {u.unit: u.control for u in plan.every_unit or plan.units if u.control is not None}
    return LastYearPlan(plan.title, year, lines, controls, source)


def _add(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    if b is None:
        return a
    return (a or Decimal(0)) + b


def change(this: Decimal | None, last: Decimal | None) -> Decimal | None:
    """This year less last year; None when either is unknown."""
    if this is None or last is None:
        return None
    return this - last


@dataclass
class Figures:
    """申报, 核定 of one unit (or one 类型 of it) in both years, 万元."""

    requested: Decimal = Decimal(0)
    approved: Decimal | None = None
    last_requested: Decimal = Decimal(0)
    last_approved: Decimal | None = None

    @property
    def requested_change(self) -> Decimal:
        return self.requested - self.last_requested

    @property
    def approved_change(self) -> Decimal | None:
        return change(self.approved, self.last_approved)


@dataclass
class UnitYears:
    unit: str
    control: Decimal | None
    last_control: Decimal | None
    total: Figures = field(default_factory=Figures)
    categories: dict[str, Figures] = field(default_factory=dict)  # by 类型, in order met

    @property
    def control_change(self) -> Decimal | None:
        return change(self.control, self.last_control)


@dataclass
class YearComparison:
    title: str
    year: int
    last_title: str
    last_year: int
    units: list[UnitYears]

    @property
    def total(self) -> UnitYears:
        whole = UnitYears("合计", None, None)
        for unit in self.units:
            whole.control = _add(whole.control, unit.control)
            whole.last_control = _add(whole.last_control, unit.last_control)
            _fold(whole.total, unit.total)
        return whole


def _fold(into: Figures, figures: Figures) -> None:
    into.requested += figures.requested
    into.approved = _add(into.approved, figures.approved)
    into.last_requested += figures.last_requested
    into.last_approved = _add(into.last_approved, figures.last_approved)


def _category(category: str, table: str) -> str:
    return category or f"{table}{NO_CATEGORY}"


def compare_years(
    plan: Plan, year: int, last: LastYearPlan, units: Iterable[str] | None = None
) -> YearComparison:
    """Per unit (this round's units in order, then last year's others) and per 类型: 申报 and 核定
    of both years, and the control numbers. 核定 stays None where no amount was recorded."""
    order = list(units) if units is not None else [u.unit for u in plan.every_unit or plan.units]
    order += [u for u in last.units if u not in order]
    this_units = {u.unit: u for u in plan.every_unit or plan.units}
    found: dict[str, UnitYears] = {}
    for name in order:
        this = this_units.get(name)
        found[name] = UnitYears(name, this.control if this else None, last.controls.get(name))
    for unit in plan.every_unit or plan.units:
        for line in unit.lines:
            figures = found[unit.unit].categories.setdefault(
                _category(line.category, line.table), Figures()
            )
            figures.requested += line.requested or Decimal(0)
            figures.approved = _add(figures.approved, line.approved)
    for old in last.lines:
        figures = found[old.unit].categories.setdefault(
            _category(old.category, old.table), Figures()
        )
        figures.last_requested += old.requested or Decimal(0)
        figures.last_approved = _add(figures.last_approved, old.approved)
    for unit_years in found.values():
        for figures in unit_years.categories.values():
            _fold(unit_years.total, figures)
    return YearComparison(plan.title, year, last.title, last.year, list(found.values()))
