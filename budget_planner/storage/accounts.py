"""Accounts: hashed passwords, one-time passwords for new and reset accounts, sign-in with audit.

A password is hashed (scrypt, deliberately slow) outside any database transaction: on SQLite a
write transaction holds the one write lock, so hashing inside it would stop every other write for
the hash's time. What the hash is checked against is read first; a write then confirms nothing
changed meanwhile.

The password policy (``password_problem``): at least 8 characters, at least two of letters,
digits and symbols, and not a common or easily guessed password (zxcvbn, score 2 or more, which
also weighs the username in). A password change or reset ends every session of the account and
revokes its API token (``sessions.end_all_sessions``).
"""

from __future__ import annotations

import datetime as dt
import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Session

from budget_planner.errors import UsageError
from budget_planner.storage import throttle
from budget_planner.storage.audit import Action, record
from budget_planner.storage.db import write_transaction
from budget_planner.storage.models import User
from budget_planner.storage.roles import manages
from budget_planner.storage.scope import Actor, load_actor
from budget_planner.storage.sessions import end_all_sessions
from budget_planner.storage.types import utcnow
from budget_planner.text import canonical

PASSWORD_METHOD = "scrypt"  # werkzeug's scrypt (n=32768, r=8, p=1); tests may lower the cost
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 200
MIN_STRENGTH = 2  # zxcvbn's score (0–4): 2 is "somewhat guessable", enough behind the lock-out
OTP_LENGTH = 12
OTP_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"  # no 0/O, 1/l/I
_DUMMY_HASH: str | None = None


def one_time_password() -> str:
    """12 random letters and digits, with at least one of each (the password policy's two kinds)."""
    while True:
        password = "".join(secrets.choice(OTP_ALPHABET) for _ in range(OTP_LENGTH))
        if any(c.isdigit() for c in password) and any(c.isalpha() for c in password):
            return password


def hash_password(password: str) -> str:
    from werkzeug.security import generate_password_hash

    return generate_password_hash(password, method=PASSWORD_METHOD)


def _matches(password_hash: str, password: str) -> bool:
    from werkzeug.security import check_password_hash

    return bool(password_hash) and check_password_hash(password_hash, password)


def check_password(user: User, password: str) -> bool:
    return _matches(user.password_hash, password)


def clean_username(username: str) -> str:
    name = canonical(username)
    if not name or len(name) > 100 or any(c.isspace() for c in name):
        raise UsageError("用户名不能为空、不能含空格，且不超过 100 个字符")
    return name


def _kinds(password: str) -> int:
    letters = any(c.isalpha() for c in password)
    digits = any(c.isdigit() for c in password)
    symbols = any(not c.isalnum() and not c.isspace() for c in password)
    return letters + digits + symbols


def password_problem(password: str, username: str = "") -> str | None:
    """Why this password is refused (in Chinese), or None when it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"密码至少 {MIN_PASSWORD_LENGTH} 位"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"密码不能超过 {MAX_PASSWORD_LENGTH} 位"
    if _kinds(password) < 2:
        return "密码须包含字母、数字、符号中的至少两类"
    from zxcvbn import zxcvbn

    inputs = [canonical(username)] if username else []
    if zxcvbn(password[:100], user_inputs=inputs)["score"] < MIN_STRENGTH:
        return "密码太常见或太容易猜到（如 12345678、password1、用户名加数字），请换一个"
    return None


def check_new_password(password: str, username: str = "") -> None:
    problem = password_problem(password, username)
    if problem is not None:
        raise UsageError(problem)


def end_reads(session: Session) -> None:
    """Close the session's read transaction before a slow hash (no transaction is held while
    hashing)."""
    if session.in_transaction():
        session.commit()


def get_user(session: Session, username: str) -> User | None:
    return session.scalar(sa.select(User).where(User.username == canonical(username)))


def managed_account(session: Session, actor: User | None, username: str) -> User:
    """The account ``actor`` looks after (``roles.manages``: 审核 at its unit or above): another
    unit's account reads as absent."""
    account = get_user(session, username)
    if account is None or not manages(session, actor, account.unit_id):
        raise UsageError(f"没有用户名为“{canonical(username)}”的账号")
    return account


def reset_password(session: Session, username: str, *, actor: Actor | None = None) -> str:
    """A new one-time password for the account (to be changed at the next sign-in); its API token,
    if any, is revoked, every session of it ended and its sign-in lock (too many failures) lifted."""
    end_reads(session)
    password = one_time_password()
    password_hash = hash_password(password)
    with write_transaction(session):
        user = load_actor(session, actor)
        account = managed_account(session, user, username)
        account.password_hash = password_hash
        account.must_change_password = True
        revoked = account.api_token_hash is not None
        account.api_token_hash = None  # a reset also ends the account's API access …
        account.api_token_at = None
        end_all_sessions(session, account.id)  # … and every session it has
        unlocked = throttle.forget(session, throttle.key_for_user(account.username))
        notes = [
            t for t, done in (("API 令牌同时作废", revoked), ("登录锁定同时解除", unlocked)) if done
        ]
        note = f"（{'，'.join(notes)}）" if notes else ""
        record(
            session,
            user,
            Action.PASSWORD_RESET,
            unit_id=account.unit_id,
            detail=account.username + note,
        )
    return password


def change_password(
    session: Session, user_id: int, new_password: str, *, current_password: str | None = None
) -> User:
    """The user's own new password; clears ``must_change_password``, ends every session of the
    account (the web signs this browser in again) and revokes its API token.

    ``current_password`` is checked when given (a voluntary change); after a one-time password the
    web may leave it out, the user having just signed in with it. The hashes are checked and made
    before the write transaction; it then confirms the password was not changed meanwhile.
    """
    account = session.get(User, user_id, populate_existing=True)
    if account is None or not account.active:
        raise UsageError("账号不存在或已停用")
    check_new_password(new_password, account.username)
    seen = account.password_hash
    end_reads(session)
    if current_password is not None and not _matches(seen, current_password):
        raise UsageError("当前密码不正确")
    if _matches(seen, new_password):
        raise UsageError("新密码不能与原密码相同")
    new_hash = hash_password(new_password)
    with write_transaction(session):
        account = session.get(User, user_id)
        if account is None or not account.active:
            raise UsageError("账号不存在或已停用")
        if account.password_hash != seen:
            raise UsageError("密码刚刚已被修改或重置，请重新登录后再试")
        revoked = account.api_token_hash is not None
        account.password_hash = new_hash
        account.must_change_password = False
        account.api_token_hash = None
        account.api_token_at = None
        end_all_sessions(session, account.id)
        note = "API 令牌同时作废" if revoked else ""
        record(session, account, Action.PASSWORD_CHANGED, unit_id=account.unit_id, detail=note)
    return account


def authenticate(
    session: Session, username: str, password: str, *, detail: str = ""
) -> User | None:
    """The account if the password is right (and the account active), else None; both audited.

    ``detail`` is added to the entry (the web passes the client address). An unknown username
    costs the same hashing time as a known one. The password is checked with no transaction open
    (the audit entry is written after).
    """
    global _DUMMY_HASH
    name = canonical(username)[:100]
    found = get_user(session, name) if name else None
    seen = found.password_hash if found is not None else None
    end_reads(session)
    if seen is None:
        _DUMMY_HASH = _DUMMY_HASH or hash_password(secrets.token_hex(8))
        _matches(_DUMMY_HASH, password)
        ok, reason = False, "用户名不存在"
    elif not _matches(seen, password):
        ok, reason = False, "密码错误"
    else:
        ok, reason = True, ""
    with write_transaction(session):
        account = get_user(session, name) if name else None
        if ok and (account is None or account.password_hash != seen):
            ok, reason = False, "密码已被修改"  # changed while it was being checked
        elif ok and not account.active:  # type: ignore[union-attr]
            ok, reason = False, "账号已停用"
        note = "；".join(t for t in (reason, detail) if t)
        if ok and account is not None:
            account.last_login_at = utcnow()
            record(session, account, Action.LOGIN, unit_id=account.unit_id, detail=note)
        else:
            record(
                session,
                account,
                Action.LOGIN_FAILED,
                username=name or "（空）",
                unit_id=account.unit_id if account is not None else None,
                detail=note,
            )
    return account if ok else None


def set_active(session: Session, username: str, active: bool, *, actor: Actor | None) -> User:
    """Enable or disable an account. A disabled account cannot sign in; every session it has is
    ended and its API token revoked (the site's user loader also reads ``active``)."""
    with write_transaction(session):
        user = load_actor(session, actor)
        account = managed_account(session, user, username)
        if user is not None and account.id == user.id and not active:
            raise UsageError("不能停用自己正在使用的账号")
        if account.active == active:
            return account
        account.active = active
        revoked = not active and account.api_token_hash is not None
        if not active:
            end_all_sessions(session, account.id)
        record(
            session,
            user,
            Action.USER_ENABLED if active else Action.USER_DISABLED,
            unit_id=account.unit_id,
            detail=account.username + ("（API 令牌同时作废）" if revoked else ""),
        )
    return account


def unlock(session: Session, username: str, *, actor: Actor | None) -> bool:
    """Lift the account's sign-in lock (too many failed sign-ins); whether it was locked."""
    with write_transaction(session):
        user = load_actor(session, actor)
        account = managed_account(session, user, username)
        locked = throttle.forget(session, throttle.key_for_user(account.username))
        record(
            session,
            user,
            Action.USER_UNLOCKED,
            unit_id=account.unit_id,
            detail=account.username + ("" if locked else "（未处于锁定状态）"),
        )
    return locked


def sign_in_locks(session: Session, users: list[User]) -> dict[int, dt.datetime]:
    """Until when each locked account of ``users`` is locked (by user id)."""
    keys = {throttle.key_for_user(u.username): u.id for u in users}
    return {keys[k]: until for k, until in throttle.locked_until(session, keys).items()}
