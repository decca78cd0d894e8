"""One-time password sheets: the workbook of new passwords offered for a single download.

The server never keeps the sheet in clear: it is sealed with a random key that only the download
link carries (the row's id is the key's SHA-256), and the row is deleted when it is downloaded or
found expired. Sealing XORs the bytes with a SHAKE-256 key stream of the key and a random nonce,
and a keyed BLAKE2 tag refuses a tampered or wrong key."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Session

from budget_planner.storage.db import write_transaction
from budget_planner.storage.models import OneTimeSheet
from budget_planner.storage.types import utcnow

LIFETIME = dt.timedelta(minutes=30)
_NONCE, _TAG = 16, 32


def _stream(key: bytes, nonce: bytes, size: int) -> bytes:
    return hashlib.shake_256(b"one-time-sheet" + key + nonce).digest(size)


def _tag(key: bytes, body: bytes) -> bytes:
    return hashlib.blake2b(body, key=key, digest_size=_TAG).digest()


def seal(key: bytes, data: bytes) -> bytes:
    nonce = secrets.token_bytes(_NONCE)
    body = nonce + bytes(a ^ b for a, b in zip(data, _stream(key, nonce, len(data)), strict=True))
    return body + _tag(key, body)


def unseal(key: bytes, sealed: bytes) -> bytes | None:
    body, tag = sealed[:-_TAG], sealed[-_TAG:]
    if len(body) < _NONCE or not hmac.compare_digest(tag, _tag(key, body)):
        return None
    nonce, data = body[:_NONCE], body[_NONCE:]
    return bytes(a ^ b for a, b in zip(data, _stream(key, nonce, len(data)), strict=True))


def _id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def keep(session: Session, user_id: int, name: str, data: bytes) -> str:
    """Store the sheet sealed for ``user_id``; returns the token its download link carries."""
    token = secrets.token_urlsafe(32)
    key = hashlib.sha256(("key:" + token).encode()).digest()
    now = utcnow()
    with write_transaction(session):
        session.execute(sa.delete(OneTimeSheet).where(OneTimeSheet.expires_at < now))
        session.add(
            OneTimeSheet(
                id=_id(token),
                user_id=user_id,
                name=name,
                sealed=seal(key, data),
                expires_at=now + LIFETIME,
            )
        )
    return token


def take(session: Session, user_id: int, token: str) -> tuple[str, bytes] | None:
    """The sheet (its file name and bytes) once, for the account that made it; None when it was
    downloaded already, expired, or is another account's."""
    key = hashlib.sha256(("key:" + token).encode()).digest()
    with write_transaction(session):
        found = session.get(OneTimeSheet, _id(token), with_for_update=True)
        if found is None or found.user_id != user_id:
            return None
        session.delete(found)
        if found.expires_at < utcnow():
            return None
        data = unseal(key, found.sealed)
    return (found.name, data) if data is not None else None
