"""Failed sign-ins counted in the database, per username and per client address.

Kept in the database, not in a process, so every app server (DESIGN §6) sees the same counts and a
restart forgets nothing. A key (``user:清远市``, ``addr:203.0.113.7``) counts its failures in a
window that opens at its first failure; the failure that reaches the limit locks the key until
``now + lock``. Each call is one write transaction (the key's row locked), so failures sent at once
all count. The web layer (``web/throttle.py``) sets the policy and words the refusal.

    refuse(s, keys, username, *, detail, now=None) -> datetime | None  # if locked: audited
    record_failure(s, limits: {key: limit}, *, window, lock, now=None) -> datetime | None
    clear(s, key)                                                   # after a good sign-in
    locked_until(s, keys) -> {key: datetime};  forget(s, key) -> bool  # the admin's list, unlock
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from budget_planner.storage.audit import Action, record
from budget_planner.storage.db import write_transaction
from budget_planner.storage.models import LoginThrottle, User
from budget_planner.storage.types import utcnow
from budget_planner.text import canonical

MAX_KEY = 200


def key_for_user(username: str) -> str:
    return f"user:{canonical(username)[:100]}"


def key_for_address(address: str) -> str:
    return f"addr:{address}"[:MAX_KEY]


def _locks(session: Session, keys: Iterable[str], now: dt.datetime) -> dt.datetime | None:
    query = sa.select(sa.func.max(LoginThrottle.locked_until)).where(
        LoginThrottle.key.in_(list(keys)), LoginThrottle.locked_until > now
    )
    return session.scalar(query)


def refuse(
    session: Session,
    keys: Iterable[str],
    username: str,
    *,
    detail: str = "",
    now: dt.datetime | None = None,
) -> dt.datetime | None:
    """If one of ``keys`` is locked, audit the refused attempt (``login.throttled``) and return
    when the lock ends; else None, and nothing is written."""
    now = now or utcnow()
    name = canonical(username)[:100] or "（空）"
    with write_transaction(session):
        until = _locks(session, keys, now)
        if until is None:
            return None
        account = session.scalar(sa.select(User).where(User.username == name))
        ends = until.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%H:%M")
        record(
            session,
            None,
            Action.LOGIN_THROTTLED,
            username=name,
            unit_id=account.unit_id if account is not None else None,
            detail="；".join(
                t for t in (f"登录失败次数过多，锁定至 {ends}（北京时间）", detail) if t
            ),
            at=now,
        )
    return until


def record_failure(
    session: Session,
    limits: Mapping[str, int],
    *,
    window: dt.timedelta,
    lock: dt.timedelta,
    now: dt.datetime | None = None,
) -> dt.datetime | None:
    """Count one failed sign-in against every key; a key reaching its limit within ``window`` is
    locked for ``lock``. Returns the latest lock this failure set, or None."""
    now = now or utcnow()
    locked = None
    with write_transaction(session):
        session.execute(  # forget what is neither counting nor locked any more
            sa.delete(LoginThrottle).where(
                LoginThrottle.window_start < now - window,
                sa.or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until < now),
            )
        )
        for key, limit in sorted(limits.items()):  # one order: two requests never deadlock
            dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
            session.execute(
                dialect.insert(LoginThrottle)
                .values(key=key, failures=0, window_start=now)
                .on_conflict_do_nothing()
            )
            row = session.scalars(
                sa.select(LoginThrottle)
                .where(LoginThrottle.key == key)
                .with_for_update()
                .execution_options(populate_existing=True)
            ).one()
            if row.window_start < now - window:
                row.failures, row.window_start = 0, now
            row.failures += 1
            if row.failures >= limit:
                row.locked_until = now + lock
                row.failures, row.window_start = 0, now  # after the lock: a fresh allowance
                locked = max(locked or row.locked_until, row.locked_until)
    return locked


def clear(session: Session, key: str) -> None:
    """Forget a key's failures (a good sign-in clears its username's count, not its address's)."""
    with write_transaction(session):
        session.execute(
            sa.delete(LoginThrottle).where(
                LoginThrottle.key == key,
                sa.or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until < utcnow()),
            )
        )


def locked_until(
    session: Session, keys: Iterable[str], now: dt.datetime | None = None
) -> dict[str, dt.datetime]:
    """The keys among ``keys`` locked now, with when each lock ends (read only)."""
    wanted = list(keys)
    if not wanted:
        return {}
    query = sa.select(LoginThrottle.key, LoginThrottle.locked_until).where(
        LoginThrottle.key.in_(wanted), LoginThrottle.locked_until > (now or utcnow())
    )
    return {key: until for key, until in session.execute(query)}


def forget(session: Session, key: str) -> bool:
    """Drop a key's count and lock inside the caller's transaction (an admin's reset or unlock);
    whether it was locked."""
    row = session.get(LoginThrottle, key)
    if row is None:
        return False
    locked = row.locked_until is not None and row.locked_until > utcnow()
    session.delete(row)
    return locked
