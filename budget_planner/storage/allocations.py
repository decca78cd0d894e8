"""Approved amounts (核定金额) per project, kept by project key so they survive resubmissions.

Only the projects ``storage.eligibility`` finds eligible take one (a counted version that is 已提交
or 已通过, without errors, the row named); a stored amount of any other key is kept but held out of
the plan. Finance gives a reason for each 核减 (an amount below the request). ``set_allocations`` is
finance's form: several amounts of one unit, checked, all or none; ``set_allocation`` is the same
for one amount.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from budget_planner.errors import UsageError
from budget_planner.money import plain
from budget_planner.storage.audit import Action, record
from budget_planner.storage.audit_words import project_words
from budget_planner.storage.db import write_transaction
from budget_planner.storage.eligibility import AllocationView, Requested, allocation_view
from budget_planner.storage.models import Allocation, ControlNumber, ProjectRow, Unit
from budget_planner.storage.queries import get_version, project_rows
from budget_planner.storage.roles import require, scope_in
from budget_planner.storage.rounds import find_unit
from budget_planner.storage.scope import Actor, NotFound, load_actor
from budget_planner.storage.types import utcnow
from budget_planner.storage.workflow import WorkflowRole
from budget_planner.templates.spec import CONTROLLED_TABLE

MAX_REASON = 500


def allocations(
    session: Session, round_id: str, *, scope: object
) -> dict[tuple[str, str], Decimal]:
    """Stored approved amounts by (unit short name, project key), limited to the scope (eligible
    or held: ``allocation_view`` tells them apart)."""
    query = (
        sa.select(Unit.short_name, Allocation.key, Allocation.amount)
        .join(Unit, Unit.id == Allocation.unit_id)
        .where(
            Allocation.round_id == round_id,
            scope_in(session, scope, round_id).filter(Allocation.unit_id),
        )
    )
    return {(unit, key): amount for unit, key, amount in session.execute(query)}


@dataclass(frozen=True)
class AllocatedRow:
    row: ProjectRow
    allocated: Decimal | None
    reason: str = ""


def rows_with_allocations(
    session: Session, version_id: int, *, scope: object, published: bool | None = None
) -> list[AllocatedRow]:
    """A version's project rows, each with the 核定金额 its viewer may see for its key.

    ``published``: True for the last published snapshot (what a unit sees), False for the amounts
    as finance entered them; None decides by the viewer (a unit account sees the snapshot).
    """
    from budget_planner.storage.publication import published_amounts

    version = get_version(session, version_id, scope=scope)
    if version is None:
        return []
    submission = version.submission
    if published is None:
        published = scope_in(session, scope, submission.round_id).submitter_only
    if published:
        shown = published_amounts(session, submission.round_id, scope=submission.unit_id)
        by_key = {k: (line.amount, line.reason) for k, line in shown.items()}
    else:
        query = sa.select(Allocation).where(
            Allocation.round_id == submission.round_id, Allocation.unit_id == submission.unit_id
        )
        by_key = {a.key: (a.amount, a.reason) for a in session.scalars(query)}
    found = []
    for row in project_rows(session, version_id, scope=scope):
        amount, reason = by_key.get(row.key, (None, ""))
        found.append(AllocatedRow(row, amount, reason))
    return found


# ---------------------------------------------------------------- finance's form: checked, all at once


class AllocationRefused(UsageError):
    """Some amounts broke a rule; nothing was saved. ``problems``: message by project key ("" for
    the unit as a whole)."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("；".join(problems.values()))
        self.problems = problems


def _controlled_total(amounts: dict[str, Decimal], projects: dict[str, Requested]) -> Decimal:
    return sum(
        (a for k, a in amounts.items() if k in projects and projects[k].table == CONTROLLED_TABLE),
        Decimal(0),
    )


def _problems(
    changes: dict[str, Decimal | None],
    reasons: dict[str, str],
    current: dict[str, Decimal],
    view: AllocationView,
    control: Decimal | None,
    unit: Unit,
) -> dict[str, str]:
    projects = view.projects
    refused = {r.key: r.why for r in view.refused}
    problems: dict[str, str] = {}
    for key, amount in changes.items():
        if key.split("|", 1)[0] != unit.short_name:
            problems[key] = f"项目“{key}”不属于{unit.short_name}"
        elif amount is None:
            continue  # clearing is always allowed
        elif amount < 0:
            problems[key] = "核定金额必须是不小于 0 的金额"
        elif key in refused and key not in projects:
            problems[key] = refused[key]
        elif key not in projects:
            problems[key] = f"项目“{key}”不在{unit.short_name}计入的版本中，不能核定"
        elif amount > (projects[key].amount or Decimal(0)):
            asked = plain(projects[key].amount) or "0"
            problems[key] = (
                f"“{projects[key].name}”核定金额 {plain(amount)} 万元超过申报金额 {asked} 万元"
            )
        elif amount < (projects[key].amount or Decimal(0)) and not reasons.get(key):
            problems[key] = (
                f"“{projects[key].name}”核减 {plain((projects[key].amount or Decimal(0)) - amount)} 万元，请填写核减理由"
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
    changes: Mapping[str, Decimal | None],
    *,
    actor: Actor | None,
    reasons: Mapping[str, str] | None = None,
) -> int:
    """Record finance's 核定金额 (and 核减理由) for several projects of one unit at once (None
    clears one).

    Refused whole (``AllocationRefused``, nothing saved) when an amount is negative, exceeds the
    project's 申报金额, is below it without a reason, is for a project that may not carry one (its
    version not submitted or approved, with errors, the row unnamed, or not counted at all), or
    would raise the unit's 表四 total above its control number (a total already over it may still
    be lowered). A reason left out keeps the stored one. Each change is audited with the version it
    was made on. Returns how many amounts (or reasons) changed.
    """
    with write_transaction(session):
        user = load_actor(session, actor)
        require(session, user, round_id, WorkflowRole.REVIEWER, WorkflowRole.FINANCE)
        unit = find_unit(session, round_id, unit_name, scope=None)
        if unit is None:
            raise NotFound("单位")
        view = allocation_view(session, round_id, scope=unit.id)
        stored = view.stored
        current = {k: row.amount for k, row in stored.items()}
        given = {k: (r or "").strip()[:MAX_REASON] for k, r in (reasons or {}).items()}
        wanted = {
            k: given.get(k) or (stored[k].reason if k in stored else "") for k in {*changes, *given}
        }
        for key, amount in changes.items():  # no cut, no reason
            asked = view.projects[key].amount if key in view.projects else None
            if amount is not None and asked is not None and amount >= asked:
                wanted[key] = ""
        changes = {
            k: a
            for k, a in changes.items()
            if current.get(k) != a or (k in stored and stored[k].reason != wanted.get(k, ""))
        }
        control = session.scalar(
            sa.select(ControlNumber.amount).where(
                ControlNumber.round_id == round_id, ControlNumber.unit_id == unit.id
            )
        )
        problems = _problems(changes, wanted, current, view, control, unit)
        if problems:
            raise AllocationRefused(problems)
        now = utcnow()
        for key, amount in changes.items():
            _put(
                session,
                stored.get(key),
                round_id,
                unit,
                key,
                amount,
                wanted.get(key, ""),
                user,
                now,
            )
            project = view.projects.get(key)
            note = f"（核减理由：{wanted[key]}）" if amount is not None and wanted.get(key) else ""
            record(
                session,
                user,
                Action.ALLOCATION,
                round_id=round_id,
                unit_id=unit.id,
                version_id=project.version_id if project is not None else None,
                detail=f"{project_words(key)}：{plain(current.get(key)) or '无'} → "
                f"{plain(amount) or '无'} 万元{note}",
            )
    return len(changes)


def set_allocation(
    session: Session,
    round_id: str,
    unit_name: str,
    key: str,
    amount: Decimal | None,
    *,
    actor: Actor | None,
    reason: str = "",
) -> Allocation | None:
    """One project's 核定金额 (None clears it), under the same rules as ``set_allocations``."""
    if amount is not None and (not isinstance(amount, Decimal) or amount < 0):
        raise UsageError("核定金额必须是不小于 0 的金额")
    set_allocations(session, round_id, unit_name, {key: amount}, actor=actor, reasons={key: reason})
    return session.scalar(
        sa.select(Allocation)
        .join(Unit, Unit.id == Allocation.unit_id)
        .where(Allocation.round_id == round_id, Allocation.key == key)
    )


def _put(
    session: Session,
    row: Allocation | None,
    round_id: str,
    unit: Unit,
    key: str,
    amount: Decimal | None,
    reason: str,
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
    row.reason = reason
    row.by_id = user.id if user is not None else None
    row.by_name = user.username if user is not None else "命令行"
    row.at = at
    return row
