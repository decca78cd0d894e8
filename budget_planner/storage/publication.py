"""发布: finance publishes a snapshot of the round's allocation plan; units see only that snapshot
(on the version page, the receipt and the API), and later edits stay unseen until published again.

    publish(s, round_id, *, actor) -> Publication          # admin or finance; audited
    latest_publication(s, round_id) -> Publication | None
    published_amounts(s, round_id, *, scope) -> {key: PublishedAllocation}   # the latest snapshot
"""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from budget_planner.errors import UsageError
from budget_planner.money import plain
from budget_planner.storage.audit import Action, record
from budget_planner.storage.db import write_transaction
from budget_planner.storage.eligibility import allocation_view
from budget_planner.storage.models import Publication, PublishedAllocation, Round
from budget_planner.storage.roles import require, scope_in
from budget_planner.storage.scope import Actor, NotFound, load_actor
from budget_planner.storage.types import utcnow
from budget_planner.storage.workflow import WorkflowRole


def latest_publication(session: Session, round_id: str) -> Publication | None:
    query = (
        sa.select(Publication)
        .where(Publication.round_id == round_id)
        .order_by(Publication.number.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def publish(session: Session, round_id: str, *, actor: Actor | None) -> Publication:
    """Snapshot every stored 核定金额 of an eligible project (what the allocation plan holds)."""
    with write_transaction(session):
        user = load_actor(session, actor)
        # the round's row locked until commit: two 发布 at once (on two servers) take numbers
        # one after the other, never the same one
        locked = sa.select(Round.id).where(Round.id == round_id).with_for_update()
        if session.scalar(locked) is None:
            raise NotFound("轮次")
        require(session, user, round_id, WorkflowRole.REVIEWER, WorkflowRole.FINANCE)
        view = allocation_view(session, round_id, scope=None)
        lines = [
            PublishedAllocation(
                unit_id=allocation.unit_id,
                key=key,
                table_id=project.table,
                category=project.category,
                project=project.name,
                requested=project.amount,
                amount=allocation.amount,
                reason=allocation.reason,
            )
            for key, allocation in view.stored.items()
            if (project := view.projects.get(key)) is not None
        ]
        if not lines:
            raise UsageError("还没有可发布的核定金额（只有已提交或已通过版本中的项目计入）")
        previous = latest_publication(session, round_id)
        entry = Publication(
            round_id=round_id,
            number=previous.number + 1 if previous is not None else 1,
            by_id=user.id if user is not None else None,
            by_name=user.username if user is not None else "命令行",
            at=utcnow(),
            lines=lines,
        )
        session.add(entry)
        total = sum((line.amount for line in lines), Decimal(0))
        record(
            session,
            user,
            Action.PUBLISHED,
            round_id=round_id,
            detail=f"第 {entry.number} 次发布：{len(lines)} 个项目，核定金额合计 {plain(total)} 万元",
        )
    return entry


def published_amounts(
    session: Session, round_id: str, *, scope: object
) -> dict[str, PublishedAllocation]:
    """The latest published 核定金额 in scope, by project key (empty before the first 发布)."""
    latest = latest_publication(session, round_id)
    if latest is None:
        return {}
    query = sa.select(PublishedAllocation).where(
        PublishedAllocation.publication_id == latest.id,
        scope_in(session, scope, round_id).filter(PublishedAllocation.unit_id),
    )
    return {line.key: line for line in session.scalars(query)}
