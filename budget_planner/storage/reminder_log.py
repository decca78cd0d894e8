"""Reminders sent (催报): to which unit, when, by whom and how (the message copied from the page,
or the list exported as a workbook). Each sending is also one audit entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Session

from budget_planner.storage.audit import Action, record
from budget_planner.storage.db import write_transaction
from budget_planner.storage.models import ReminderSent, Round, Unit
from budget_planner.storage.roles import round_roles
from budget_planner.storage.scope import Actor, NotFound, PermissionDenied, load_actor
from budget_planner.storage.types import utcnow


class How(StrEnum):
    COPIED = "copied"
    EXPORTED = "exported"

    @property
    def label(self) -> str:
        return {"copied": "复制催报内容发送", "exported": "导出催报名单"}[self.value]


@dataclass(frozen=True)
class Sent:
    unit_id: int
    unit: str
    how: How
    by_name: str
    at: dt.datetime


def record_sent(
    session: Session,
    round_id: str,
    unit_ids: Iterable[int],
    how: How,
    *,
    actor: Actor | None,
    at: dt.datetime | None = None,
) -> int:
    """Record one reminder to each unit (its round's collecting office only); how many."""
    ids = sorted(set(unit_ids))
    with write_transaction(session):
        user = load_actor(session, actor)
        stored = session.get(Round, round_id)
        if stored is None:
            raise NotFound(f"没有轮次 {round_id}")
        mine = round_roles(session, user, stored)
        if not (mine.reviewer or mine.finance):
            raise PermissionDenied("只有征集单位的审核或财务账号才能记录催报")
        reached = [i for i in ids if mine.units is None or i in mine.units]
        units = (
            session.scalars(sa.select(Unit).where(Unit.id.in_(reached))).all() if reached else []
        )
        when = at or utcnow()
        by_name = user.username if user is not None else "命令行"
        for unit in units:
            session.add(
                ReminderSent(
                    round_id=round_id,
                    unit_id=unit.id,
                    how=how.value,
                    by_id=user.id if user is not None else None,
                    by_name=by_name,
                    at=when,
                )
            )
        if units:
            names = "、".join(u.short_name for u in units)
            record(
                session,
                user,
                Action.REMINDED,
                round_id=round_id,
                unit_id=stored.collector_id,
                detail=f"{how.label}：催报 {len(units)} 个单位（{names}）",
            )
    return len(units)


def sent(session: Session, round_id: str, *, unit_ids: Iterable[int] | None = None) -> list[Sent]:
    """The reminders of the round, newest first (optionally only to these units)."""
    query = (
        sa.select(ReminderSent, Unit.short_name)
        .join(Unit, Unit.id == ReminderSent.unit_id)
        .where(ReminderSent.round_id == round_id)
        .order_by(ReminderSent.at.desc(), ReminderSent.id)
    )
    if unit_ids is not None:
        query = query.where(ReminderSent.unit_id.in_(list(unit_ids)))
    return [
        Sent(row.unit_id, name, How(row.how), row.by_name, row.at)
        for row, name in session.execute(query)
    ]
