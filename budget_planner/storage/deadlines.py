"""The round's deadline moved on the site (audited: who, the old date, the new one), and the
逾期提交 mark a version gets when it is submitted after the deadline."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from budget_planner.errors import UsageError
from budget_planner.storage.audit import Action, record
from budget_planner.storage.db import write_transaction
from budget_planner.storage.models import Round
from budget_planner.storage.roles import require_manager
from budget_planner.storage.scope import Actor, NotFound, load_actor
from budget_planner.templates.round import BEIJING


def deadline_end(deadline: dt.date) -> dt.datetime:
    """The deadline means the end of that day, Beijing time."""
    return dt.datetime.combine(deadline, dt.time(23, 59, 59), BEIJING)


def is_late(stored: Round, at: dt.datetime) -> bool:
    """Whether a submission at ``at`` is after the round's (stored) deadline."""
    return at > deadline_end(stored.deadline)


def set_deadline(
    session: Session, round_id: str, deadline: dt.date, *, actor: Actor | None
) -> tuple[dt.date, dt.date]:
    """Move the round's deadline (the collecting unit's 审核 only); returns (old, new). Marks
    already given (逾期提交) stay; what is overdue now follows the new date."""
    with write_transaction(session):
        user = load_actor(session, actor)
        stored = session.get(Round, round_id)
        if stored is None:
            raise NotFound(f"没有轮次 {round_id}")
        require_manager(session, user, stored.collector_id)
        old = stored.deadline
        if deadline == old:
            raise UsageError(f"报送截止日期已是 {old:%Y年%m月%d日}，没有修改。")
        if deadline.year < stored.year - 2:
            raise UsageError(f"报送截止日期 {deadline:%Y年%m月%d日} 早于本轮次的年度，请核对。")
        stored.deadline = deadline
        record(
            session,
            user,
            Action.DEADLINE_CHANGED,
            round_id=round_id,
            unit_id=stored.collector_id,
            detail=f"报送截止日期由 {old:%Y年%m月%d日} 改为 {deadline:%Y年%m月%d日}",
        )
    return old, deadline
