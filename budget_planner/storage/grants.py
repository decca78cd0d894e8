"""Whether a unit may still file (upload, submit, withdraw) in a round: while it is open, or after
关闭征集 with a 补报 grant until the end of a given day (Beijing time). Grants are audited.

    grant_late(s, round_id, unit_name, until: date | None, *, actor) -> LateGrant | None
    late_grants(s, round_id) -> {unit short name: date}
    filing_refusal(s, round, unit_id, now=None) -> str | None    # None: the unit may file
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from budget_planner.errors import UsageError
from budget_planner.storage.audit import Action, record
from budget_planner.storage.db import write_transaction
from budget_planner.storage.models import LateGrant, Round, RoundMember, RoundStatus, Unit
from budget_planner.storage.roles import require
from budget_planner.storage.rounds import config_of, find_unit
from budget_planner.storage.scope import Actor, NotFound, load_actor
from budget_planner.storage.types import utcnow
from budget_planner.storage.workflow import WorkflowRole
from budget_planner.templates.round import BEIJING


def end_of_day(day: dt.date) -> dt.datetime:
    """The end of a day in Beijing time (a deadline or a grant means the whole day)."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=BEIJING)


def _grant(session: Session, round_id: str, unit_id: int) -> LateGrant | None:
    return session.scalar(
        sa.select(LateGrant).where(LateGrant.round_id == round_id, LateGrant.unit_id == unit_id)
    )


def filing_refusal(
    session: Session, stored: Round, unit_id: int, now: dt.datetime | None = None
) -> str | None:
    """Why a unit may not upload or submit now (a Chinese sentence), or None when it may."""
    status = RoundStatus(stored.status)
    if status is RoundStatus.OPEN:
        return None
    office = config_of(stored).collector.office
    if status is RoundStatus.CLOSED:
        grant = _grant(session, stored.id, unit_id)
        if grant is not None and (now or utcnow()) < end_of_day(grant.until):
            return None
        if grant is not None:
            return f"本轮征集已关闭，补报期限（{grant.until:%Y年%m月%d日}）已过；如需补报，请联系{office}"
        return f"本轮征集已关闭；如需补报，请联系{office}"
    return f"本轮征集{status.label}，暂不能上传或提交"


def grant_late(
    session: Session,
    round_id: str,
    unit_name: str,
    until: dt.date | None,
    *,
    actor: Actor | None,
) -> LateGrant | None:
    """Let one unit upload and submit after 关闭征集 until the end of ``until``; None withdraws
    the grant. Admin only; audited."""
    with write_transaction(session):
        user = load_actor(session, actor)
        if session.get(Round, round_id) is None:
            raise NotFound("轮次")
        require(session, user, round_id, WorkflowRole.REVIEWER)
        unit = find_unit(session, round_id, unit_name, scope=None)
        if unit is None:
            raise NotFound("单位")
        grant = _grant(session, round_id, unit.id)
        if until is None:
            if grant is None:
                return None
            session.delete(grant)
            detail = f"{unit.short_name}：取消补报"
            grant = None
        else:
            if until < utcnow().astimezone(BEIJING).date():
                raise UsageError("补报截止日期不能早于今天")
            if grant is None:
                grant = LateGrant(round_id=round_id, unit_id=unit.id)
                session.add(grant)
            grant.until = until
            grant.by_name = user.username if user is not None else "命令行"
            grant.at = utcnow()
            detail = f"{unit.short_name}：准予补报至 {until:%Y年%m月%d日}（北京时间当日 24 时）"
        record(
            session, user, Action.LATE_GRANTED, round_id=round_id, unit_id=unit.id, detail=detail
        )
    return grant


def late_grants(session: Session, round_id: str) -> dict[str, dt.date]:
    query = (
        sa.select(Unit.short_name, LateGrant.until)
        .join(Unit, Unit.id == LateGrant.unit_id)
        .join(
            RoundMember,
            sa.and_(RoundMember.unit_id == Unit.id, RoundMember.round_id == round_id),
            isouter=True,
        )
        .where(LateGrant.round_id == round_id)
        .order_by(RoundMember.position, Unit.id)
    )
    return {name: until for name, until in session.execute(query)}
