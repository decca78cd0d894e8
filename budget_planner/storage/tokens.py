"""API tokens: one per account, random, shown once; only their SHA-256 is stored.

A token is 32 random bytes (``secrets``), so a plain SHA-256 is enough to keep it: there is nothing
to guess, and the lookup by hash needs no per-account salt. Issuing a new token replaces the old one;
a password reset (``accounts.reset_password``) revokes it; a disabled account's token is refused.
"""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Session

from budget_planner.errors import UsageError
from budget_planner.storage.audit import Action, record
from budget_planner.storage.db import write_transaction
from budget_planner.storage.models import User
from budget_planner.storage.scope import Actor, NotFound, load_actor
from budget_planner.storage.types import utcnow

PREFIX = "bp_"  # tells a token apart in a configuration file or a leaked log
MAX_TOKEN_LENGTH = 200


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _own_account(session: Session, user_id: int, actor: Actor | None) -> User:
    """The account itself: a token is issued or revoked by its owner only (the command line too)."""
    user = load_actor(session, actor)
    if user is not None and user.id != user_id:
        raise UsageError("只能为自己的账号生成或作废 API 令牌")
    account = session.get(User, user_id)
    if account is None or not account.active:
        raise NotFound("账号")
    return account


def issue_token(session: Session, user_id: int, *, actor: Actor | None) -> str:
    """A new token for the account (any earlier one stops working); returned once, never stored."""
    token = PREFIX + secrets.token_urlsafe(32)
    with write_transaction(session):
        account = _own_account(session, user_id, actor)
        replaced = account.api_token_hash is not None
        account.api_token_hash = token_hash(token)
        account.api_token_at = utcnow()
        record(
            session,
            account,
            Action.TOKEN_ISSUED,
            detail=account.username + ("（原令牌作废）" if replaced else ""),
        )
    return token


def revoke_token(session: Session, user_id: int, *, actor: Actor | None) -> bool:
    """Revoke the account's token; False when it had none."""
    with write_transaction(session):
        account = _own_account(session, user_id, actor)
        if account.api_token_hash is None:
            return False
        account.api_token_hash = None
        account.api_token_at = None
        record(session, account, Action.TOKEN_REVOKED, detail=account.username)
    return True


def user_by_token(session: Session, token: str) -> User | None:
    """The active account this token belongs to, else None."""
    token = token.strip()
    if not token.startswith(PREFIX) or len(token) > MAX_TOKEN_LENGTH:
        return None
    query = sa.select(User).where(User.api_token_hash == token_hash(token), User.active.is_(True))
    return session.scalars(query).first()
