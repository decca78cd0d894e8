"""Browser sessions kept in the database, so that every app server agrees on who is signed in.

The browser holds only a random id (``secrets.token_urlsafe(32)``); the table keeps its SHA-256 (a
copy of the database gives no live cookie), the session's data (serialised by the web layer), the
account it is signed in as, and when it expires unless used. Ending a session is deleting its row:
logout ends that one session (a bureau's clerks sharing an account stay signed in); a password
change or reset (``accounts``) ends every session of the account and revokes its API token through
``end_all_sessions``.

    new_token() -> str
    load(s, token, *, now=None) -> Stored | None           # a read, no write
    create(s, token, data, user_id, *, lifetime, now=None) # a new session (own transaction)
    save(s, token, data, user_id, *, lifetime, now=None) -> bool  # False: ended meanwhile
    touch(s, token, *, lifetime, now=None)                 # push the expiry on
    end(s, token)                                          # this session only
    end_all_sessions(s, user_id) -> int   # every session of the account, and its API token;
                                          # runs inside the caller's write transaction
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import cast

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from budget_planner.storage.db import write_transaction
from budget_planner.storage.models import User, WebSession
from budget_planner.storage.types import utcnow

MAX_TOKEN = 100


@dataclass(frozen=True)
class Stored:
    data: str
    user_id: int | None
    expires_at: dt.datetime


def new_token() -> str:
    return secrets.token_urlsafe(32)


def _key(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def load(session: Session, token: str, *, now: dt.datetime | None = None) -> Stored | None:
    """The live session this cookie names, else None (unknown, ended or expired)."""
    if not token or len(token) > MAX_TOKEN:
        return None
    row = session.get(WebSession, _key(token), populate_existing=True)
    if row is None or row.expires_at <= (now or utcnow()):
        return None
    return Stored(row.data, row.user_id, row.expires_at)


def create(
    session: Session,
    token: str,
    data: str,
    user_id: int | None,
    *,
    lifetime: dt.timedelta,
    now: dt.datetime | None = None,
) -> None:
    """Keep a new session (expired ones are swept away then)."""
    now = now or utcnow()
    with write_transaction(session):
        session.execute(sa.delete(WebSession).where(WebSession.expires_at <= now))
        session.add(
            WebSession(
                id=_key(token),
                user_id=user_id,
                data=data,
                created_at=now,
                expires_at=now + lifetime,
            )
        )


def save(
    session: Session,
    token: str,
    data: str,
    user_id: int | None,
    *,
    lifetime: dt.timedelta,
    now: dt.datetime | None = None,
) -> bool:
    """Keep an existing session's data; False when it was ended meanwhile (a logout or a password
    change while this request ran): an ended session is never brought back."""
    now = now or utcnow()
    with write_transaction(session):
        done = cast(  # an UPDATE's result is a CursorResult, with its rowcount
            CursorResult,
            session.execute(
                sa.update(WebSession)
                .where(WebSession.id == _key(token), WebSession.expires_at > now)
                .values(data=data, user_id=user_id, expires_at=now + lifetime)
            ),
        )
    return bool(done.rowcount)


def touch(
    session: Session, token: str, *, lifetime: dt.timedelta, now: dt.datetime | None = None
) -> None:
    now = now or utcnow()
    with write_transaction(session):
        session.execute(
            sa.update(WebSession)
            .where(WebSession.id == _key(token), WebSession.expires_at > now)
            .values(expires_at=now + lifetime)
        )


def end(session: Session, token: str) -> None:
    """End one session (logout): its cookie is worth nothing from now on."""
    with write_transaction(session):
        session.execute(sa.delete(WebSession).where(WebSession.id == _key(token)))


def end_all_sessions(session: Session, user_id: int) -> int:
    """End every session of the account and revoke its API token (a password change or reset,
    an account disabled). Runs inside the caller's write transaction; returns how many sessions
    ended."""
    ended = cast(
        CursorResult, session.execute(sa.delete(WebSession).where(WebSession.user_id == user_id))
    )
    session.execute(
        sa.update(User).where(User.id == user_id).values(api_token_hash=None, api_token_at=None)
    )
    return int(ended.rowcount or 0)
