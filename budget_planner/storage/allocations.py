"""Approved amounts (核定金额) per project, kept by project key so they survive resubmissions.

``set_allocation`` records one amount as given; ``set_allocations`` is finance's form: several
amounts of one unit, checked against what the unit asked for and its control number, all or none.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from budget_planner.errors import UsageError
from budget_planner.money import plain
from budget_planner.storage.audit import Action, record
from budget_planner.storage.db import write_transaction
from budget_planner.storage.models import Allocation, ControlNumber, ProjectRow, Role, Unit
from budget_planner.storage.queries import counted_versions, get_version, project_rows
from budget_planner.storage.rounds import find_unit
from budget_planner.storage.scope import Actor, NotFound, as_scope, load_actor, require_role
from budget_planner.storage.types import utcnow
from budget_planner.templates.spec import COLLECTION_TABLES


def set_allocation(
    session: Session,
    round_id: str,
    unit_name: str,
    key: str,
    amount: Decimal | None,
    *,
    actor: Actor | None,
) -> Allocation | None:
    """Record the approved amount of the project with this key (``ProjectRow.key``); None clears it.

    Finance and admin only. The key names its unit; it must be the unit given.
    """
    if amount is not None and (not isinstance(amount, Decimal) or amount < 0):
        raise UsageError("核定金额必须是不小于 0 的金额")
    with write_transaction(session):
        user = load_actor(session, actor)
        require_role(user, Role.ADMIN, Role.FINANCE)
        unit = find_unit(session, round_id, unit_name, scope=None)
        if unit is None:
            raise NotFound("单位")
        if key.split("|", 1)[0] != unit.short_name:
            raise UsageError(f"项目“{key}”不属于{unit.short_name}")
        row = session.scalar(
            sa.select(Allocation).where(
                Allocation.round_id == round_id,
                Allocation.unit_id == unit.id,
                Allocation.key == key,
            )
        )
        old = row.amount if row is not None else None
        row = _put(session, row, round_id, unit, key, amount, user, utcnow())
        record(
            session,
            user,
            Action.ALLOCATION,
            round_id=round_id,
            unit_id=unit.id,
            detail=f"{key}：{plain(old) or '无'} → {plain(amount) or '无'} 万元",
        )
    return row


def _put(
    session: Session,
    row: Allocation | None,
    round_id: str,
    unit: Unit,
    key: str,
    amount: Decimal | None,
    user,
    at,
) -> Allocation | None:
    """Write one approved amount over the stored ``row`` (None: none yet); None clears it."""
    if amount is None:
        if row is not None:
            session.delete(row)
        return None
    if row is None:
        row = Allocation(round_id=round_id, unit_id=unit.id, key=key)
        session.add(row)
    row.amount = amount
    row.by_id = user.id if user is not None else None
    row.by_name = user.username if user is not None else "命令行"
    row.at = at
    return row


def allocations(
    session: Session, round_id: str, *, scope: object
) -> dict[tuple[str, str], Decimal]:
    """Approved amounts by (unit short name, project key), limited to the scope."""
    query = (
        sa.select(Unit.short_name, Allocation.key, Allocation.amount)
        .join(Unit, Unit.id == Allocation.unit_id)
        .where(Allocation.round_id == round_id, as_scope(scope).filter(Allocation.unit_id))
    )
    return {(unit, key): amount for unit, key, amount in session.execute(query)}


@dataclass(frozen=True)
class AllocatedRow:
    row: ProjectRow
    allocated: Decimal | None


def rows_with_allocations(
    session: Session, version_id: int, *, scope: object
) -> list[AllocatedRow]:
    """A version's project rows, each with the approved amount recorded for its key (if any)."""
    version = get_version(session, version_id, scope=scope)
    if version is None:
        return []
    submission = version.submission
    by_key = {
        key: amount
        for (_unit, key), amount in allocations(
            session, submission.round_id, scope=submission.unit_id
        ).items()
    }
    return [
        AllocatedRow(row, by_key.get(row.key))
        for row in project_rows(session, version_id, scope=scope)
    ]


# ---------------------------------------------------------------- finance's form: checked, all at once

CONTROLLED_TABLE = "表四"  # the control number bounds the funds devolved to a unit (DESIGN §2)


class AllocationRefused(UsageError):
    """Some amounts broke a rule; nothing was saved. ``problems``: message by project key ("" for
    the unit as a whole)."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("；".join(problems.values()))
        self.problems = problems


@dataclass(frozen=True)
class Requested:
    """A project of a counted version: what the unit asked for (its rows with this key summed)."""

    key: str
    table: str
    category: str
    name: str
    amount: Decimal | None
    version_id: int


def requested_projects(session: Session, round_id: str, unit_id: int) -> dict[str, Requested]:
    """The projects of the unit's counted 表一–表四 versions, by key (the ones 核定金额 is for)."""
    found: dict[str, Requested] = {}
    for counted in counted_versions(session, round_id, scope=unit_id):
        table = counted.submission.table_id
        if table not in COLLECTION_TABLES:
            continue
        for row in counted.version.rows:
            seen = found.get(row.key)
            amount = row.amount
            if seen is not None and seen.amount is not None:
                amount = seen.amount + (row.amount or Decimal(0))
            found[row.key] = Requested(
                row.key, table, row.category, row.name, amount, counted.version.id
            )
    return found


def _controlled_total(amounts: dict[str, Decimal], projects: dict[str, Requested]) -> Decimal:
    return sum(
        (a for k, a in amounts.items() if k in projects and projects[k].table == CONTROLLED_TABLE),
        Decimal(0),
    )


def _problems(
    changes: dict[str, Decimal | None],
    current: dict[str, Decimal],
    projects: dict[str, Requested],
    control: Decimal | None,
    unit: Unit,
) -> dict[str, str]:
    problems: dict[str, str] = {}
    for key, amount in changes.items():
        if key.split("|", 1)[0] != unit.short_name:
            problems[key] = f"项目“{key}”不属于{unit.short_name}"
        elif amount is None:
            continue  # clearing is always allowed
        elif amount < 0:
            problems[key] = "核定金额必须是不小于 0 的金额"
        elif key not in projects:
            problems[key] = f"项目“{key}”不在{unit.short_name}计入的版本中，不能核定"
        elif amount > (projects[key].amount or Decimal(0)):
            asked = plain(projects[key].amount) or "0"
            problems[key] = (
                f"“{projects[key].name}”核定金额 {plain(amount)} 万元超过申报金额 {asked} 万元"
            )
    if control is not None and not problems:
        after = {k: a for k, a in {**current, **changes}.items() if a is not None}
        before_total = _controlled_total(current, projects)
        after_total = _controlled_total(after, projects)
        if after_total > control and after_total > before_total:
            problems[""] = (
                f"{unit.short_name}{CONTROLLED_TABLE}核定金额合计 {plain(after_total)} 万元"
                f"将超过控制数 {plain(control)} 万元（超出 {plain(after_total - control)} 万元）"
            )
    return problems


def set_allocations(
    session: Session,
    round_id: str,
    unit_name: str,
    changes: dict[str, Decimal | None],
    *,
    actor: Actor | None,
) -> int:
    """Record finance's 核定金额 for several projects of one unit at once (None clears one).

    Refused whole (``AllocationRefused``, nothing saved) when an amount is negative, exceeds the
    project's 申报金额, names a project not in the unit's counted versions, or would raise the
    unit's 表四 total above its control number (a total already over it may still be lowered).
    Each change is audited with the version it was made on. Returns how many amounts changed.
    """
    with write_transaction(session):
        user = load_actor(session, actor)
        require_role(user, Role.ADMIN, Role.FINANCE)
        unit = find_unit(session, round_id, unit_name, scope=None)
        if unit is None:
            raise NotFound("单位")
        stored = {
            row.key: row
            for row in session.scalars(
                sa.select(Allocation).where(
                    Allocation.round_id == round_id, Allocation.unit_id == unit.id
                )
            )
        }
        current = {k: row.amount for k, row in stored.items()}
        changes = {k: a for k, a in changes.items() if current.get(k) != a}
        projects = requested_projects(session, round_id, unit.id)
        control = session.scalar(
            sa.select(ControlNumber.amount).where(
                ControlNumber.round_id == round_id, ControlNumber.unit_id == unit.id
            )
        )
        problems = _problems(changes, current, projects, control, unit)
        if problems:
            raise AllocationRefused(problems)
        now = utcnow()
        for key, amount in changes.items():
            _put(session, stored.get(key), round_id, unit, key, amount, user, now)
            project = projects.get(key)
            record(
                session,
                user,
                Action.ALLOCATION,
                round_id=round_id,
                unit_id=unit.id,
                version_id=project.version_id if project is not None else None,
                detail=f"{key}：{plain(current.get(key)) or '无'} → {plain(amount) or '无'} 万元",
            )
    return len(changes)
