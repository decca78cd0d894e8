"""Secrets every app server of one site must share, kept in the database.

Two servers over one database are one site only if they sign alike: a form rendered by one server
is posted to the other, whose CSRF check verifies the token's signature with its own key. When the
operator sets no key (``SECRET_KEY``), the first server to start makes one and keeps it here; every
other server, and every restart, reads the same one. Made by ``INSERT … ON CONFLICT DO NOTHING``
and read back, so servers starting at the same moment still end up with one key.

    shared(s, name, make) -> str   # the value kept under name, made with make() if there is none
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from budget_planner.storage.db import write_transaction
from budget_planner.storage.models import SiteSecret
from budget_planner.storage.types import utcnow

SESSION_KEY = "session_key"


def _kept(session: Session, name: str) -> str | None:
    return session.scalar(
        sa.select(SiteSecret.value)
        .where(SiteSecret.name == name)
        .execution_options(populate_existing=True)
    )


def shared(session: Session, name: str, make: Callable[[], str]) -> str:
    """The secret kept under ``name``; the first caller's ``make()`` when none was kept yet (a
    caller losing the race to another server gets the winner's)."""
    found = _kept(session, name)
    if found:
        return found
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    with write_transaction(session):
        session.execute(
            dialect.insert(SiteSecret)
            .values(name=name, value=make(), created_at=utcnow())
            .on_conflict_do_nothing()
        )
        kept = _kept(session, name)
    assert kept, name
    return kept
