"""Reads the web needs beyond the storage API: select() over storage's models."""

from __future__ import annotations

from sqlalchemy.orm import Session

from budget_planner.storage.models import User


def get_user_by_id(session: Session, user_id: int) -> User | None:
    """An account by id (admin's account list links by id; the storage API finds by username)."""
    return session.get(User, user_id)
