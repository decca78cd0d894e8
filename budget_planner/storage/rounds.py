"""Rounds in the database: loading a round's TOML (attached to its collecting unit, its members
placed in the unit tree), opening and closing, the members, control numbers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib
from decimal import Decimal
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.orm import Session

from budget_planner.errors import ConfigError, UsageError
from budget_planner.money import plain
from budget_planner.storage import models, roles, tree
from budget_planner.storage.audit import Action, record
from budget_planner.storage.db import write_transaction
from budget_planner.storage.models import ControlNumber, RoundMember, RoundStatus, Unit
from budget_planner.storage.roles import require_manager
from budget_planner.storage.scope import Actor, Scope, load_actor
from budget_planner.storage.types import utcnow
from budget_planner.storage.workflow import WorkflowRole
from budget_planner.templates import round as round_config
from budget_planner.text import canonical, compact


def load_round_into_db(
    session: Session,
    round_: round_config.Round,
    toml_text: str,
    *,
    actor: Actor | None = None,
) -> models.Round:
    """Create the round, attached to its collecting unit, or bring it up to date; running it twice
    changes nothing.

    The collector and the members are placed in the lasting tree (``storage.tree``): the collector
    under its parent (a root without one), each member where it already sits in the collector's
    subtree, else as the collector's child; their full names and contacts come from the file. A
    member missing from a newer configuration stays a member (it may hold submissions). The status
    of an existing round is left as it is; a round stays with the unit it was first attached to.
    """
    try:
        described = _parse(toml_text).id
    except (tomllib.TOMLDecodeError, ConfigError) as exc:
        raise UsageError(f"轮次配置文本无法读取：{exc}") from exc
    if described != round_.id:
        raise UsageError(f"轮次配置文本描述的是 {described}，不是 {round_.id}")
    with write_transaction(session):
        user = load_actor(session, actor)
        collector = _collector(session, round_.collector)
        require_manager(session, user, collector.id)
        stored = session.get(models.Round, round_.id)
        created = stored is None
        if stored is None:
            stored = models.Round(
                id=round_.id, status=RoundStatus.DRAFT.value, collector_id=collector.id
            )
            session.add(stored)
        elif stored.collector_id != collector.id:
            raise UsageError(
                f"轮次 {round_.id} 已属于{stored.collector.short_name}，"
                f"不能改为由{collector.short_name}征集"
            )
        stored.year = round_.year
        stored.title = round_.title
        stored.issuer = round_.issuer
        stored.deadline = round_.deadline
        stored.config_toml = toml_text
        session.flush()
        added, changed = _place_members(session, stored, collector, round_)
        if created or added or changed:
            verb = "新建" if created else "更新"
            record(
                session,
                user,
                Action.ROUND_LOADED,
                round_id=round_.id,
                unit_id=collector.id,
                detail=f"{verb}轮次“{round_.title}”（征集单位：{collector.short_name}）："
                f"新增 {added} 个单位，更新 {changed} 个单位",
            )
    return stored


def _collector(session: Session, spec: round_config.Collector) -> Unit:
    """The collecting unit in the tree: under its parent (made as a root when not there yet);
    without a parent named, the one unit of that name wherever it is, else a new root."""
    parent = None
    if not spec.parent:
        same = [
            u for u in tree.find_units(session, spec.short_name) if u.short_name == spec.short_name
        ]
        if len(same) > 1:
            raise UsageError(
                f"有 {len(same)} 个单位名为“{spec.short_name}”：请在轮次配置的 [collector] 中写明 parent"
            )
        if same:
            return tree.place(session, spec.short_name, spec.full_name, same[0].parent)
    else:
        found = tree.find_units(session, spec.parent)
        roots = [u for u in found if u.short_name == spec.parent] or found
        if len(roots) > 1:
            raise UsageError(f"有 {len(roots)} 个单位名为“{spec.parent}”，无法确定上级单位")
        parent = roots[0] if roots else None
        if parent is None:
            parent = tree.place(session, spec.parent, spec.parent_full_name or spec.parent, None)
    return tree.place(session, spec.short_name, spec.full_name, parent)


def _place_members(
    session: Session, stored: models.Round, collector: Unit, round_: round_config.Round
) -> tuple[int, int]:
    """The round's members in the file's order, placed in the collector's subtree."""
    current = {m.unit_id: m for m in stored.members}
    added = changed = 0
    taken: set[int] = set()
    for position, unit in enumerate(round_.units):
        row = tree.in_subtree(session, collector, unit.short_name, unit.full_name)
        if row is None:
            row = tree.place(session, unit.short_name, unit.full_name, collector)
        if row.id in taken:
            raise UsageError(f"轮次配置中的单位“{unit.short_name}”重复")
        taken.add(row.id)
        before = (row.full_name, row.contact, row.phone)
        row.full_name = unit.full_name
        row.contact = unit.contact
        row.phone = unit.phone
        member = current.get(row.id)
        if member is None:
            stored.members.append(models.RoundMember(unit_id=row.id, position=position))
            added += 1
        elif member.position != position or before != (row.full_name, row.contact, row.phone):
            member.position = position
            changed += 1
    kept = sorted((m for m in stored.members if m.unit_id not in taken), key=lambda m: m.position)
    for offset, member in enumerate(kept):  # kept, after the file's units
        member.position = len(round_.units) + offset
    session.flush()
    return added, changed


def _set_status(
    session: Session, round_id: str, status: RoundStatus, action: Action, actor: Actor | None
) -> models.Round:
    with write_transaction(session):
        user = load_actor(session, actor)
        stored = session.get(models.Round, round_id)
        if stored is None:
            raise UsageError(f"找不到轮次 {round_id}，请先导入（budget-planner round load）")
        roles.require(session, user, round_id, WorkflowRole.REVIEWER)
        if stored.status != status.value:
            stored.status = status.value
            record(session, user, action, round_id=round_id, detail=status.label)
    return stored


def open_round(session: Session, round_id: str, *, actor: Actor | None = None) -> models.Round:
    return _set_status(session, round_id, RoundStatus.OPEN, Action.ROUND_OPENED, actor)


def close_round(session: Session, round_id: str, *, actor: Actor | None = None) -> models.Round:
    return _set_status(session, round_id, RoundStatus.CLOSED, Action.ROUND_CLOSED, actor)


def get_round(session: Session, round_id: str) -> models.Round | None:
    return session.get(models.Round, round_id)


def list_rounds(session: Session) -> list[models.Round]:
    query = sa.select(models.Round).order_by(
        models.Round.year.desc(), models.Round.created_at.desc()
    )
    return list(session.scalars(query))


def current_round(session: Session) -> models.Round | None:
    """The open round (the newest if several are open), else the newest round."""
    rounds = list_rounds(session)
    return next((r for r in rounds if r.status == RoundStatus.OPEN), rounds[0] if rounds else None)


def member_query(round_id: str, scope: Scope) -> sa.Select:
    """The round's member units in the round's order, limited to ``scope``."""
    return (
        sa.select(Unit)
        .join(RoundMember, RoundMember.unit_id == Unit.id)
        .where(RoundMember.round_id == round_id, scope.filter(Unit.id))
        .order_by(RoundMember.position, Unit.id)
    )


def config_of(stored: models.Round) -> round_config.Round:
    """The round's configuration (tables owed, presets) as loaded from its TOML, with the deadline
    as stored (the admin may move it on the site: ``storage.deadlines``)."""
    return _with_deadline(stored.config_toml, stored.deadline)


@lru_cache(maxsize=16)
def _with_deadline(toml_text: str, deadline: dt.date | None) -> round_config.Round:
    parsed = _parse(toml_text)
    if deadline is None or deadline == parsed.deadline:
        return parsed
    return dataclasses.replace(parsed, deadline=deadline)


@lru_cache(maxsize=16)
def _parse(toml_text: str) -> round_config.Round:
    return round_config.parse_round(tomllib.loads(toml_text))


def units(session: Session, round_id: str, *, scope: object) -> list[Unit]:
    """The round's member units in configuration order, limited to the scope."""
    return list(session.scalars(member_query(round_id, roles.scope_in(session, scope, round_id))))


def find_unit(session: Session, round_id: str, name: str, *, scope: object) -> Unit | None:
    """A unit by short name, full name or (through the round's configuration) an alias."""
    wanted = compact(name)
    stored = get_round(session, round_id)
    if stored is None or not wanted:
        return None
    configured = config_of(stored).unit(name)
    short = configured.short_name if configured else canonical(name)
    for unit in units(session, round_id, scope=scope):
        if unit.short_name == short or compact(unit.full_name) == wanted:
            return unit
    return None


def set_control_number(
    session: Session,
    round_id: str,
    unit_name: str,
    amount: Decimal,
    *,
    actor: Actor | None,
) -> ControlNumber:
    """Record (or change) a unit's control number (控制数, 万元)."""
    return set_control_numbers(session, round_id, {unit_name: amount}, actor=actor)[0]


def set_control_numbers(
    session: Session,
    round_id: str,
    amounts: dict[str, Decimal],
    *,
    actor: Actor | None,
    source: str = "",
) -> list[ControlNumber]:
    """Record several units' control numbers at once (a control-number file, finance's form): all
    of them or, when one is refused, none. ``source`` (a file name) goes into the audit entries."""
    for amount in amounts.values():
        if not isinstance(amount, Decimal) or amount < 0:
            raise UsageError("控制数必须是不小于 0 的金额")
    saved = []
    with write_transaction(session):
        user = load_actor(session, actor)
        roles.require(session, user, round_id, WorkflowRole.REVIEWER, WorkflowRole.FINANCE)
        for unit_name, amount in amounts.items():
            unit = find_unit(session, round_id, unit_name, scope=None)
            if unit is None:
                raise UsageError(f"轮次 {round_id} 中没有单位“{unit_name}”")
            row = session.scalar(
                sa.select(ControlNumber).where(
                    ControlNumber.round_id == round_id, ControlNumber.unit_id == unit.id
                )
            )
            old = row.amount if row is not None else None
            if row is None:
                row = ControlNumber(round_id=round_id, unit_id=unit.id)
                session.add(row)
            elif old == amount:
                saved.append(row)
                continue
            row.amount = amount
            row.by_name = user.username if user else "命令行"
            row.at = utcnow()
            record(
                session,
                user,
                Action.CONTROL_NUMBER,
                round_id=round_id,
                unit_id=unit.id,
                detail=f"{unit.short_name} 控制数：{plain(old) or '无'} → {plain(amount)} 万元"
                + (f"（{source}）" if source else ""),
            )
            saved.append(row)
    return saved


def control_numbers(session: Session, round_id: str, *, scope: object) -> dict[str, Decimal]:
    """Control numbers by unit short name, limited to the scope."""
    visible = roles.scope_in(session, scope, round_id)
    query = (
        sa.select(Unit.short_name, ControlNumber.amount)
        .join(Unit, Unit.id == ControlNumber.unit_id)
        .join(
            RoundMember,
            sa.and_(RoundMember.unit_id == Unit.id, RoundMember.round_id == round_id),
            isouter=True,
        )
        .where(ControlNumber.round_id == round_id, visible.filter(Unit.id))
        .order_by(RoundMember.position, Unit.id)
    )
    return {name: amount for name, amount in session.execute(query)}
