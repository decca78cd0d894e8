"""Approved amounts (核定金额) per project, kept by project key so they survive resubmissions."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from budget_planner.errors import UsageError
from budget_planner.money import plain
from budget_planner.storage.audit import Action, record
from budget_planner.storage.db import write_transaction
from budget_planner.storage.models import Allocation, ProjectRow, Role, Unit
from budget_planner.storage.queries import get_version, project_rows
from budget_planner.storage.rounds import find_unit
from budget_planner.storage.scope import Actor, NotFound, as_scope, load_actor, require_role
from budget_planner.storage.types import utcnow


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
        if amount is None:
            if row is not None:
                session.delete(row)
        else:
            if row is None:
                row = Allocation(round_id=round_id, unit_id=unit.id, key=key)
                session.add(row)
            row.amount = amount
            row.by_id = user.id if user is not None else None
            row.by_name = user.username if user is not None else "命令行"
            row.at = utcnow()
        record(
            session,
            user,
            Action.ALLOCATION,
            round_id=round_id,
            unit_id=unit.id,
            detail=f"{key}：{plain(old) or '无'} → {plain(amount) or '无'} 万元",
        )
    return row if amount is not None else None


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
