"""生成上报版本 (issue 18, docs/forwarding.md): what a city forwards to the province from its own
return and its counties' approved tables.

    county_round(s, province_round, city) -> Round | None      # the city's own round of that year
    forwarding_plan(s, round_id, city, *, actor) -> Plan        # the rows, their sources, the others

Only county versions that count and are 已通过 in the city's round are forwarded; every other
county × table is listed with its state. County 表X becomes the city's 表X, one row per county row
with 来源单位 = the county, its amount the city's 核定金额 where one is set, else the requested one.
The city's own rows (its counted version in the province round, 来源单位 empty or the city) are
kept; the 预算表 of a forwarded row goes with it when its 省局项目支出 still equals the row's amount.
The workbook is written by ``export.forwarded_book`` and stored by ``app.forwarding``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from budget_planner.aggregate.status import TableStatus
from budget_planner.money import plain
from budget_planner.storage.allocations import allocations
from budget_planner.storage.models import (
    Allocation,
    ProjectRow,
    Round,
    RoundMember,
    RoundStatus,
    Unit,
    Version,
)
from budget_planner.storage.queries import Counted, CountReason, counted_versions
from budget_planner.storage.records import money_or_none
from budget_planner.storage.roles import round_roles
from budget_planner.storage.rounds import config_of, find_unit
from budget_planner.storage.scope import Actor, NotFound, PermissionDenied, load_actor
from budget_planner.storage.workflow import WorkflowRole
from budget_planner.templates.spec import (
    BUDGET,
    COLLECTION_TABLES,
    SOURCE_UNIT,
    ColumnKind,
    budget_spec,
    load_specs,
)
from budget_planner.text import compact


@dataclass(frozen=True)
class Source:
    """The county row a forwarded row came from (kept as its lineage, ``forwarded_rows``)."""

    round_id: str
    unit_id: int
    unit: str
    version_id: int
    row_id: int | None
    sheet: str
    cell: str | None
    excel_row: int | None
    requested: Decimal | None
    approved: Decimal | None = None


@dataclass
class Line:
    """One row of the city's table as forwarded: its cells by column key, and its source (None:
    the city's own row)."""

    values: dict[str, object]
    source: Source | None = None


@dataclass(frozen=True)
class Standing:
    """One county × table on the forwarding page: its state, and whether it is forwarded."""

    unit: str
    table: str
    status: TableStatus
    forwarded: bool
    version_id: int | None = None
    rows: int = 0

    @property
    def label(self) -> str:
        return self.status.label


@dataclass
class Plan:
    round: Round  # the province's round
    county_round: Round  # the city's round of its counties
    city: Unit
    tables: dict[str, list[Line]] = field(default_factory=dict)
    budgets: list[tuple[dict[str, object], Source]] = field(default_factory=list)
    standings: list[Standing] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # 预算表 not forwarded, and why
    as_of: dt.datetime | None = None  # the newest of what it is made from (the file's own time)

    @property
    def forwarded(self) -> int:
        """How many county rows go to the province."""
        return sum(1 for lines in self.tables.values() for line in lines if line.source)


def county_round(session: Session, province_round: Round, city: Unit) -> Round | None:
    """The round the city collects from its counties in the province round's year (an open one
    first, then the newest)."""
    found = session.scalars(
        sa.select(Round).where(Round.collector_id == city.id, Round.year == province_round.year)
    ).all()
    found = [r for r in found if r.id != province_round.id]
    found.sort(key=lambda r: (r.status != RoundStatus.OPEN.value, -r.created_at.timestamp()))
    return found[0] if found else None


def _check(session: Session, actor: Actor | None, round_id: str, unit_name: str) -> Plan:
    """The province round, the city (the actor's own unit, a member) and the city's county round
    (where the actor must hold 审核 or 财务)."""
    stored = session.get(Round, round_id)
    in_round = round_roles(session, actor, round_id)
    if stored is None or not in_round.visible:
        raise NotFound("轮次")
    city = find_unit(session, round_id, unit_name, scope=None)
    if city is None or not in_round.on(city.id):
        raise NotFound("单位")
    if actor is not None and WorkflowRole.SUBMITTER not in in_round.on(city.id):
        raise PermissionDenied("只有本单位才能生成本单位的上报版本")
    counties = county_round(session, stored, city)
    if counties is None:
        raise NotFound(f"{city.short_name}本年度的下级征集轮次")
    below = round_roles(session, actor, counties)
    if not below.roles & {WorkflowRole.REVIEWER, WorkflowRole.FINANCE}:
        raise PermissionDenied(
            f"只有{counties.title}的审核或财务才能汇总下级单位的表格生成上报版本"
        )
    return Plan(stored, counties, city)


def _stored_values(row: ProjectRow, amount_keys: set[str]) -> dict[str, object]:
    values: dict[str, object] = {}
    for key, item in (row.values_json or {}).items():
        value = item.get("value") if isinstance(item, dict) else item
        if key in amount_keys:
            try:
                value = money_or_none(Decimal(str(value))) if value not in (None, "") else None
            except ArithmeticError:
                value = None
        values[key] = value
    return values


def _amount_keys(table_id: str) -> set[str]:
    if table_id == BUDGET:
        spec = budget_spec()
        return {c.key for c in (*spec.sources, *spec.expenses)}
    return {c.key for c in load_specs().table(table_id).columns if c.kind is ColumnKind.AMOUNT}


def _table_values(table_id: str, row: ProjectRow) -> dict[str, object]:
    spec = load_specs().table(table_id)
    values = _stored_values(row, _amount_keys(table_id))
    if spec.category_column is not None:
        values[spec.category_column.key] = row.category
    values[spec.project_column.key] = row.name
    return values


def _own_lines(session: Session, plan: Plan) -> None:
    """The city's own rows of its counted versions in the province round (no 来源单位, or its own)."""
    for counted in counted_versions(session, plan.round.id, scope=plan.city.id):
        table_id = counted.submission.table_id
        if table_id not in COLLECTION_TABLES:
            continue
        for row in counted.version.rows:
            values = _table_values(table_id, row)
            if compact(values.get(SOURCE_UNIT)) not in ("", compact(plan.city.short_name)):
                continue  # forwarded before: made again from the counties below
            values[SOURCE_UNIT] = ""
            plan.tables.setdefault(table_id, []).append(Line(values))


def _forwarded_line(
    plan: Plan, counted: Counted, unit: Unit, row: ProjectRow, approved: Decimal | None
) -> Line:
    table_id = counted.submission.table_id
    spec = load_specs().table(table_id)
    values = _table_values(table_id, row)
    values[SOURCE_UNIT] = unit.short_name
    requested = row.amount
    if approved is not None and approved != requested:
        values[spec.amount_column.key] = approved
        told = values.get("count_amount")
        was = f"（{told}）" if told else ""
        note = (
            f"{unit.short_name}申报 {plain(requested) or '—'} 万元{was}，"
            f"{plan.city.short_name}核定 {plain(approved)} 万元"
        )
        if "count_amount" in values:
            values["count_amount"] = ""  # the number × amount no longer fits the 核定金额
        remarks = str(values.get("remarks") or "")
        values["remarks"] = f"{remarks}；{note}" if remarks else note
    return Line(values, _source(plan, unit, counted, row, row.excel_row, requested, approved))


def _source(
    plan: Plan,
    unit: Unit,
    counted: Counted,
    row: ProjectRow,
    excel_row: int | None,
    requested: Decimal | None,
    approved: Decimal | None = None,
) -> Source:
    """The lineage of a forwarded row or 预算表: the county version, row and amount cell it came from."""
    return Source(
        plan.county_round.id,
        unit.id,
        unit.short_name,
        counted.version.id,
        row.id,
        row.sheet,
        row.amount_cell,
        excel_row,
        requested,
        approved,
    )


def _budget_values(plan: Plan, row: ProjectRow) -> dict[str, object]:
    values = _stored_values(row, _amount_keys(BUDGET))
    values["unit"] = plan.city.full_name
    return values


def forwarding_plan(
    session: Session, round_id: str, unit_name: str, *, actor: Actor | None
) -> Plan:
    """What 生成上报版本 would forward now (nothing is written)."""
    user = load_actor(session, actor)
    plan = _check(session, user, round_id, unit_name)
    _own_lines(session, plan)
    counties = plan.county_round
    granted = allocations(session, counties.id, scope=None)
    members = session.scalars(
        sa.select(Unit)
        .join(RoundMember, RoundMember.unit_id == Unit.id)
        .where(RoundMember.round_id == counties.id)
        .order_by(RoundMember.position, Unit.id)
    ).all()
    by_unit: dict[int, dict[str, list[Counted]]] = {}
    for counted in counted_versions(session, counties.id, scope=None):
        thread = counted.submission
        by_unit.setdefault(thread.unit_id, {}).setdefault(thread.table_id, []).append(counted)
    required = config_of(counties).required_tables  # a table owed and not sent: 未提交
    own_slots = _own_budget_slots(session, plan)
    used_slots: set[str] = set()
    for unit in members:
        threads = by_unit.get(unit.id, {})
        forwarded_rows: dict[tuple[str, str], Decimal | None] = {}  # (table, name) → amount
        for table_id in COLLECTION_TABLES:
            if table_id not in threads and table_id in required(unit.short_name):
                plan.standings.append(
                    Standing(unit.short_name, table_id, TableStatus.MISSING, False)
                )
            for counted in threads.get(table_id, []):
                approved = counted.reason is CountReason.APPROVED
                plan.standings.append(
                    Standing(
                        unit.short_name,
                        table_id,
                        counted.status,
                        approved,
                        counted.version.id,
                        len(counted.version.rows),
                    )
                )
                if not approved:
                    continue
                keys = [r.key for r in counted.version.rows]
                for row in counted.version.rows:
                    single = keys.count(row.key) == 1
                    amount = granted.get((unit.short_name, row.key)) if single else None
                    line = _forwarded_line(plan, counted, unit, row, amount)
                    plan.tables.setdefault(table_id, []).append(line)
                    spec = load_specs().table(table_id)
                    forwarded_rows[(table_id, compact(row.name))] = _as_decimal(
                        line.values.get(spec.amount_column.key)
                    )
        for counted in threads.get(BUDGET, []):
            if counted.reason is not CountReason.APPROVED or not counted.version.rows:
                continue
            _add_budget(plan, counted, unit, forwarded_rows, own_slots, used_slots)
    plan.as_of = _as_of(session, plan)
    return plan


def _as_of(session: Session, plan: Plan) -> dt.datetime | None:
    """When what the return is made of last changed: the newest county version forwarded (its
    approval), the city's own version (not one made by forwarding), a 核定金额 — the same
    inputs give the same time."""
    ids = {s.version_id for lines in plan.tables.values() for line in lines if (s := line.source)}
    ids |= {source.version_id for _, source in plan.budgets}
    times: list[dt.datetime] = []
    if ids:
        for version in session.scalars(sa.select(Version).where(Version.id.in_(ids))):
            times.append(version.approved_at or version.uploaded_at)
    from budget_planner.storage.lineage import forwarded_row_ids

    for counted in counted_versions(session, plan.round.id, scope=plan.city.id):
        rows = [r.id for r in counted.version.rows]
        if not forwarded_row_ids(session, rows):  # a version made by forwarding: not an input
            times.append(counted.version.uploaded_at)
    granted = session.scalar(
        sa.select(sa.func.max(Allocation.at)).where(Allocation.round_id == plan.county_round.id)
    )
    if granted is not None:
        times.append(granted)
    return max(times) if times else None


def _as_decimal(value: object) -> Decimal | None:
    return value if isinstance(value, Decimal) else None


def _own_budget_slots(session: Session, plan: Plan) -> set[str]:
    """The city's own 预算表 in the province round (not made by forwarding): never replaced."""
    from budget_planner.storage.lineage import forwarded_row_ids

    counted = [
        c
        for c in counted_versions(session, plan.round.id, scope=plan.city.id)
        if c.submission.table_id == BUDGET
    ]
    made = forwarded_row_ids(session, [r.id for c in counted for r in c.version.rows])
    return {c.submission.slot for c in counted if not any(r.id in made for r in c.version.rows)}


def _add_budget(
    plan: Plan,
    counted: Counted,
    unit: Unit,
    forwarded_rows: dict[tuple[str, str], Decimal | None],
    own_slots: set[str],
    used_slots: set[str],
) -> None:
    row = counted.version.rows[0]
    values = _budget_values(plan, row)
    table_id = _table_of(values.get("table_ref"), row.key)
    name = compact(row.name)
    what = f"{unit.short_name}的预算表“{row.name}”"
    if (table_id, name) not in forwarded_rows:
        plan.left_out.append(f"{what}：找不到已转报的对应项目行，未随附")
        return
    amount = forwarded_rows[(table_id, name)]
    provincial = _as_decimal(values.get("provincial"))
    if amount is not None and provincial is not None and amount != provincial:
        plan.left_out.append(
            f"{what}：省局项目支出 {plain(provincial)} 万元与核定金额 {plain(amount)} 万元不一致，"
            f"未随附；请{unit.short_name}按核定金额修改预算表"
        )
        return
    slot = name[:200]
    if slot in own_slots or slot in used_slots:
        plan.left_out.append(f"{what}：{plan.city.short_name}已有同名预算表，未随附")
        return
    used_slots.add(slot)
    plan.budgets.append((values, _source(plan, unit, counted, row, None, row.amount)))


def _table_of(table_ref: Any, key: str) -> str:
    from budget_planner.templates.spec import resolve_table

    return resolve_table(table_ref) or key.split("|")[1]
