"""Failed sign-ins counted in the database, per username and per client address.

Kept in the database, not in a process, so every app server (docs/architecture.md) sees the same counts and a
restart forgets nothing. A key (``user:清远市``, ``addr:203.0.113.7``) counts its failures in a
window that opens at its first failure; the failure that reaches the limit locks the key until
``now + lock``. The web layer (``web/throttle.py``) sets the policy and words the refusal.

Guesses sent at once must not slip past the count while their passwords are being checked, so a
sign-in first *claims* an attempt: under the key's lock (a row lock, ``SELECT … FOR UPDATE``, on
PostgreSQL; SQLite's one write lock, ``BEGIN IMMEDIATE``) it is refused when the key is locked or
when its failures plus the attempts still being checked reach the limit, else it counts as pending.
The password is then checked with no transaction open, and the attempt *settled*: a failure
counts (and may lock), a success clears the username's count. Twenty guesses sent at once against
a limit of 5 check exactly five passwords. A pending attempt older than ``PENDING_TTL`` (a server
killed mid-check) no longer counts.

    claim(s, limits: {key: limit}, username, *, detail, now=None) -> datetime | None  # refused
    settle(s, limits, *, failed, window, lock, now=None) -> datetime | None
    refuse(s, keys, username, *, detail, now=None) -> datetime | None  # if locked: audited
    record_failure(s, limits, *, window, lock, now=None) -> datetime | None
    clear(s, key)                                         # forget a key (its lock too)
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
USER_PREFIX = "user:"
PENDING_TTL = dt.timedelta(minutes=2)  # an attempt being checked longer than this has died
DEFAULT_WINDOW = dt.timedelta(minutes=15)


def key_for_user(username: str) -> str:
    return f"{USER_PREFIX}{canonical(username)[:100]}"


def key_for_address(address: str) -> str:
    return f"addr:{address}"[:MAX_KEY]


def _locks(session: Session, keys: Iterable[str], now: dt.datetime) -> dt.datetime | None:
    query = sa.select(sa.func.max(LoginThrottle.locked_until)).where(
        LoginThrottle.key.in_(list(keys)), LoginThrottle.locked_until > now
    )
    return session.scalar(query)


def _audit_refusal(
    session: Session, username: str, until: dt.datetime | None, detail: str, now: dt.datetime
) -> None:
    name = canonical(username)[:100] or "（空）"
    account = session.scalar(sa.select(User).where(User.username == name))
    if until is not None:
        ends = until.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%H:%M")
        why = f"登录失败次数过多，锁定至 {ends}（北京时间）"
    else:
        why = "登录失败次数过多（连同正在核对的尝试已达上限）"
    record(
        session,
        None,
        Action.LOGIN_THROTTLED,
        username=name,
        unit_id=account.unit_id if account is not None else None,
        detail="；".join(t for t in (why, detail) if t),
        at=now,
    )


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
    with write_transaction(session):
        until = _locks(session, keys, now)
        if until is None:
            return None
        _audit_refusal(session, username, until, detail, now)
    return until


def _locked_row(session: Session, key: str, now: dt.datetime) -> LoginThrottle:
    """The key's row, created if new, locked until commit (PostgreSQL row lock; SQLite's write
    lock is already held by the write transaction)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(
        dialect.insert(LoginThrottle)
        .values(key=key, failures=0, pending=0, window_start=now)
        .on_conflict_do_nothing()
    )
    row = session.scalars(
        sa.select(LoginThrottle)
        .where(LoginThrottle.key == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    if row.pending and (row.pending_at is None or row.pending_at < now - PENDING_TTL):
        row.pending = 0  # attempts of a server that died mid-check
    return row


def _forget_stale(session: Session, window: dt.timedelta, now: dt.datetime) -> None:
    """Forget what is neither counting, locked nor being checked any more — the rows no other
    transaction holds (``SKIP LOCKED``): called once this one holds its own keys, it never waits, so
    two servers settling at once cannot deadlock over each other's keys."""
    stale = (
        sa.select(LoginThrottle.key)
        .where(
            LoginThrottle.window_start < now - window,
            sa.or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until < now),
            sa.or_(LoginThrottle.pending == 0, LoginThrottle.pending_at < now - PENDING_TTL),
        )
        .with_for_update(skip_locked=True)
    )
    session.execute(
        sa.delete(LoginThrottle)
        .where(LoginThrottle.key.in_(stale))
        .execution_options(synchronize_session=False)
    )


def claim(
    session: Session,
    limits: Mapping[str, int],
    username: str,
    *,
    detail: str = "",
    window: dt.timedelta = DEFAULT_WINDOW,
    now: dt.datetime | None = None,
) -> dt.datetime | None:
    """Reserve one sign-in attempt against every key, or refuse it (audited as ``login.throttled``).

    Refused when a key is locked (returns when the lock ends) or when its failures in the window
    plus the attempts being checked reach its limit (returns ``now``). Else every key counts one
    pending attempt, to be ``settle``d, and None is returned."""
    now = now or utcnow()
    with write_transaction(session):
        rows = {key: _locked_row(session, key, now) for key in sorted(limits)}  # one order
        until = max(
            (r.locked_until for r in rows.values() if r.locked_until and r.locked_until > now),
            default=None,
        )
        full = any(
            (r.failures if r.window_start >= now - window else 0) + r.pending >= limits[k]
            for k, r in rows.items()
        )
        if until is not None or full:
            _audit_refusal(session, username, until, detail, now)
            return until or now
        for row in rows.values():
            row.pending += 1
            row.pending_at = now
    return None


def _count_failure(
    row: LoginThrottle, limit: int, window: dt.timedelta, lock: dt.timedelta, now: dt.datetime
) -> dt.datetime | None:
    if row.window_start < now - window:
        row.failures, row.window_start = 0, now
    row.failures += 1
    if row.failures >= limit:
        row.locked_until = now + lock
        row.failures, row.window_start = 0, now  # after the lock: a fresh allowance
        return row.locked_until
    return None


def settle(
    session: Session,
    limits: Mapping[str, int],
    *,
    failed: bool | None,
    window: dt.timedelta,
    lock: dt.timedelta,
    now: dt.datetime | None = None,
) -> dt.datetime | None:
    """End a claimed attempt: a failure counts against every key (the one reaching its limit
    locks); a success forgets the username's failures; None (the check itself broke down) only
    ends the attempt. Returns the latest lock set, or None."""
    now = now or utcnow()
    locked = None
    with write_transaction(session):
        for key, limit in sorted(limits.items()):
            row = _locked_row(session, key, now)
            row.pending = max(row.pending - 1, 0)
            if failed is None:
                continue
            if failed:
                found = _count_failure(row, limit, window, lock, now)
                if found is not None:
                    locked = max(locked or found, found)
            elif key.startswith(USER_PREFIX):
                row.failures, row.window_start = 0, now
        session.flush()
        _forget_stale(session, window, now)  # last: with this attempt's keys held, never waiting
    return locked


def record_failure(
    session: Session,
    limits: Mapping[str, int],
    *,
    window: dt.timedelta,
    lock: dt.timedelta,
    now: dt.datetime | None = None,
) -> dt.datetime | None:
    """Count one failed sign-in (not claimed) against every key; a key reaching its limit within
    ``window`` is locked for ``lock``. Returns the latest lock this failure set, or None."""
    now = now or utcnow()
    locked = None
    with write_transaction(session):
        for key, limit in sorted(limits.items()):  # one order: two requests never deadlock
            found = _count_failure(_locked_row(session, key, now), limit, window, lock, now)
            if found is not None:
                locked = max(locked or found, found)
        session.flush()
        _forget_stale(session, window, now)
    return locked


def clear(session: Session, key: str) -> None:
    """Forget a key: its failures and its lock (an administrator unlocking an account, a reset)."""
    with write_transaction(session):
        session.execute(
            sa.delete(LoginThrottle).where(LoginThrottle.key == key, LoginThrottle.pending == 0)
        )
        session.execute(
            sa.update(LoginThrottle)
            .where(LoginThrottle.key == key)
            .values(failures=0, locked_until=None, window_start=utcnow())
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
    return {key: until for key, until in session.execute(query) if until is not None}


def forget(session: Session, key: str) -> bool:
    """Drop a key's count and lock inside the caller's transaction (an admin's reset or unlock);
    whether it was locked."""
    row = session.get(LoginThrottle, key)
    if row is None:
        return False
    locked = row.locked_until is not None and row.locked_until > utcnow()
    session.delete(row)
    return locked
