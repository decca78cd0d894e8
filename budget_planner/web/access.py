"""Who is asking: the signed-in user as the site sees it, role checks, and the unit scope.

A unit account's scope is its own unit, taken from the session and never from the URL; admin and
finance have no scope (they see every unit). Objects outside the scope answer 404, as if absent.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort
from flask_login import UserMixin, current_user

from budget_planner.web.extensions import login_manager

ADMIN, FINANCE, UNIT = "admin", "finance", "unit"


def session_token(password_hash: str) -> str:
    """Part of the session id: a password change or reset signs out every other session."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class SiteUser(UserMixin):
    id: int
    username: str
    role: str
    unit_id: int | None
    unit_name: str | None
    must_change_password: bool
    token: str

    def get_id(self) -> str:
        return f"{self.id}:{self.token}"

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def is_finance(self) -> bool:
        return self.role == FINANCE

    @property
    def is_unit(self) -> bool:
        return self.role == UNIT

    @property
    def scope(self) -> int | None:
        """The unit id a query must be limited to; None for admin and finance."""
        return self.unit_id if self.role == UNIT else None

    def may_see_unit(self, unit_id: int | None) -> bool:
        return self.role != UNIT or (unit_id is not None and unit_id == self.unit_id)


def user() -> SiteUser:
    return current_user._get_current_object()


def roles(*allowed: str) -> Callable:
    """Only these roles may call the view (403 for the others)."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorate


def in_scope(unit_id: int | None) -> None:
    """404 unless the signed-in user may see this unit's data."""
    if not user().may_see_unit(unit_id):
        abort(404)
