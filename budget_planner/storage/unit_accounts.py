"""Accounts belong to units of the lasting tree (never to a round): made one at a time or for every
member of a round, with what they hold within their unit (审核 and/or 财务, or neither), listed in
the tree's order. Only an account holding 审核 at the unit or above it may do any of this
(``roles.manages``); the command line may do all of it.

    create_user(s, username, password, unit, *, reviewer=False, finance=False,
                must_change_password=True, actor=None) -> User
    create_unit_accounts(s, round_id, *, actor=None) -> [NewAccount]   # one per member without one
    set_holdings(s, username, *, reviewer, finance, actor) -> User
    list_users(s, *, within=None) -> [User]      # (within: a unit id, its subtree's accounts)
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from budget_planner.errors import UsageError
from budget_planner.storage import tree
from budget_planner.storage.accounts import (
    check_new_password,
    clean_username,
    end_reads,
    get_user,
    hash_password,
    managed_account,
    one_time_password,
)
from budget_planner.storage.audit import Action, record
from budget_planner.storage.db import write_transaction
from budget_planner.storage.models import Holding, Round, Unit, User
from budget_planner.storage.roles import require_manager
from budget_planner.storage.rounds import member_query
from budget_planner.storage.scope import Actor, Scope, load_actor
from budget_planner.storage.sessions import end_all_sessions


@dataclass(frozen=True)
class NewAccount:
    """A unit account created in bulk: what the admin hands over (the password is shown once)."""

    unit: str  # the unit's short name
    full_name: str
    username: str
    password: str


def describe(account: User | None, unit: Unit | None = None) -> str:
    """“清远市（审核、财务）” — the unit and what the account holds there."""
    unit = unit if unit is not None else (account.unit if account is not None else None)
    held = "、".join(h.label for h in account.holdings) if account is not None else ""
    where = unit.short_name if unit is not None else "未指定单位"
    return f"{where}（{held}）" if held else where


def create_user(
    session: Session,
    username: str,
    password: str,
    unit: Unit,
    *,
    reviewer: bool = False,
    finance: bool = False,
    must_change_password: bool = True,
    actor: Actor | None = None,
) -> User:
    """A new account of ``unit``, holding 审核 and/or 财务 there when asked."""
    if unit is None:
        raise UsageError("账号必须属于一个单位")
    name = clean_username(username)
    check_new_password(password, name)
    end_reads(session)
    password_hash = hash_password(password)
    with write_transaction(session):
        user = load_actor(session, actor)
        require_manager(session, user, unit.id)
        if get_user(session, name) is not None:
            raise UsageError(f"用户名“{name}”已存在")
        account = User(
            username=name,
            password_hash=password_hash,
            unit_id=unit.id,
            reviewer=reviewer,
            finance=finance,
            must_change_password=must_change_password,
            active=True,
        )
        session.add(account)
        session.flush()
        record(
            session,
            user,
            Action.USER_CREATED,
            unit_id=unit.id,
            detail=f"{name}：{describe(account, session.get(Unit, unit.id))}",
        )
    return account


def _free_name(session: Session, unit: Unit, collector: Unit, planned: set[str]) -> str:
    """The short name, else the collector's short name before it (two 高新区 in two cities),
    else that with a number."""
    for name in (unit.short_name, collector.short_name + unit.short_name):
        if name not in planned and get_user(session, name) is None:
            return name
    number = 2
    while (name := f"{collector.short_name}{unit.short_name}{number}") in planned or get_user(
        session, name
    ):
        number += 1
    return name


def create_unit_accounts(
    session: Session, round_id: str, *, actor: Actor | None = None
) -> list[NewAccount]:
    """An account for every member unit of the round that has none yet, named by the unit's short
    name, with a one-time password. A unit that has an account keeps it (accounts outlive rounds),
    and is left out of the list; ``reset_password`` gives it a new password."""
    stored = session.get(Round, round_id)
    if stored is None:
        raise UsageError(f"找不到轮次 {round_id}，请先导入（budget-planner round load）")
    owned = set(session.scalars(sa.select(User.unit_id).where(User.unit_id.is_not(None))))
    planned: dict[int, str] = {}
    for unit in session.scalars(member_query(round_id, Scope.all_units())):
        if unit.id not in owned:
            planned[unit.id] = _free_name(session, unit, stored.collector, set(planned.values()))
    end_reads(session)
    passwords = {uid: one_time_password() for uid in planned}
    hashes = {uid: hash_password(p) for uid, p in passwords.items()}  # before the write lock
    created: list[NewAccount] = []
    with write_transaction(session):
        user = load_actor(session, actor)
        stored = session.get(Round, round_id)
        assert stored is not None
        require_manager(session, user, stored.collector_id)
        units = list(session.scalars(member_query(round_id, Scope.all_units())))
        if not units:
            raise UsageError(f"轮次 {round_id} 没有单位，请先导入轮次（budget-planner round load）")
        for unit in units:
            name = planned.get(unit.id)
            if name is None or get_user(session, name) is not None:
                continue  # it had an account, or its name was taken meanwhile
            if session.scalar(sa.select(User.id).where(User.unit_id == unit.id)) is not None:
                continue
            session.add(
                User(
                    username=name,
                    password_hash=hashes[unit.id],
                    unit_id=unit.id,
                    must_change_password=True,
                    active=True,
                )
            )
            record(
                session,
                user,
                Action.USER_CREATED,
                unit_id=unit.id,
                round_id=round_id,
                detail=f"{name}：{unit.short_name}（一次性密码）",
            )
            created.append(NewAccount(unit.short_name, unit.full_name, name, passwords[unit.id]))
    return created


def set_holdings(
    session: Session, username: str, *, reviewer: bool, finance: bool, actor: Actor | None
) -> User:
    """What the account holds within its unit from now on (审核, 财务, both or neither); its
    sessions end, so that no page keeps offering what it no longer holds. One's own 审核 cannot be
    given up here (someone must be left to manage the unit)."""
    with write_transaction(session):
        user = load_actor(session, actor)
        account = managed_account(session, user, username)
        if user is not None and account.id == user.id and not reviewer:
            raise UsageError("不能取消自己账号的审核权限")
        before = describe(account)
        if (account.reviewer, account.finance) == (reviewer, finance):
            return account
        account.reviewer = reviewer
        account.finance = finance
        if user is None or account.id != user.id:
            end_all_sessions(session, account.id)
        record(
            session,
            user,
            Action.USER_UPDATED,
            unit_id=account.unit_id,
            detail=f"{account.username}：{before} → {describe(account)}",
        )
    return account


def list_users(session: Session, *, within: int | None = None) -> list[User]:
    """Every account (``within``: of the units in that unit's subtree), in the tree's order, then
    by username; accounts without a unit last."""
    order = {unit.id: i for i, (_depth, unit) in enumerate(tree.outline(session))}
    allowed = tree.subtree(session, within) if within is not None else None
    found = [
        u
        for u in session.scalars(sa.select(User))
        if allowed is None or (u.unit_id is not None and u.unit_id in allowed)
    ]
    last = len(order)
    found.sort(
        key=lambda u: (
            order.get(u.unit_id, last) if u.unit_id is not None else last + 1,
            not u.reviewer,
            not u.finance,
            u.username,
        )
    )
    return found


__all__ = [
    "Holding",
    "NewAccount",
    "create_unit_accounts",
    "create_user",
    "describe",
    "list_users",
    "set_holdings",
]
