"""Who is acting and what they may see: the scope every query filters by, and the domain errors.

Every query and mutation takes ``scope`` as a required keyword argument. Pass the acting user (the
``User`` model, or any object with ``role`` and ``unit_id``, such as the web's signed-in user): a unit
account sees only its own unit (a unit account without a unit sees nothing), admin and finance see
every unit. A bare unit id (``int``) limits to that unit and ``None`` means every unit, as the
first draft of this API had it; prefer passing the user, which cannot widen by mistake.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

from budget_planner.errors import BudgetPlannerError, UsageError
from budget_planner.storage.models import Role, User


class NotFound(UsageError):
    """The object does not exist, or lies outside the acting user's scope (never told apart)."""

    def __init__(self, what: str = "记录") -> None:
        super().__init__(f"找不到该{what}，或无权查看")


class PermissionDenied(BudgetPlannerError):
    """The acting user's role may not do this."""


class WorkflowConflict(BudgetPlannerError):
    """The role may take this action, but not now (the version's state, a closed round): 409.
    Nothing was changed."""


class Actor(Protocol):
    id: int
    username: str
    role: str
    unit_id: int | None


@dataclass(frozen=True)
class Scope:
    """``unit_id`` None with ``everything`` True: every unit; otherwise only that unit (or none)."""

    unit_id: int | None
    everything: bool = False

    @classmethod
    def all_units(cls) -> Scope:
        return cls(None, everything=True)

    def allows(self, unit_id: int | None) -> bool:
        return self.everything or (self.unit_id is not None and unit_id == self.unit_id)

    def filter(self, column: Any) -> Any:
        """A WHERE clause limiting ``column`` (a unit id column) to this scope."""
        if self.everything:
            return sa.true()
        if self.unit_id is None:
            return sa.false()
        return column == self.unit_id


def as_scope(scope: object) -> Scope:
    if isinstance(scope, Scope):
        return scope
    if scope is None:
        return Scope.all_units()
    if isinstance(scope, int) and not isinstance(scope, bool):
        return Scope(scope)
    role = getattr(scope, "role", None)
    if role is not None and hasattr(scope, "unit_id"):
        if str(role) == Role.UNIT:
            return Scope(scope.unit_id)
        if str(role) in (Role.ADMIN, Role.FINANCE):
            return Scope.all_units()
        return Scope(None)
    raise TypeError(f"scope 应为当前用户、Scope、单位 id 或 None，而不是 {type(scope).__name__}")


def scope_for(user: object) -> Scope:
    """The scope of an acting user (any object with ``role`` and ``unit_id``)."""
    return as_scope(user)


def load_actor(session: Session, user: Actor | None) -> User | None:
    """The acting user as stored now (role and unit from the database, not from a stale copy).

    ``None`` stands for the command line (the operator of the server), which may do anything.
    """
    if user is None:
        return None
    stored = session.get(User, user.id)
    if stored is None or not stored.active:
        raise PermissionDenied("账号不存在或已停用，请重新登录")
    return stored


def actor_name(user: User | None) -> str:
    return user.username if user is not None else "命令行"


def require_role(user: User | None, *roles: Role) -> None:
    if user is not None and user.role not in roles:
        raise PermissionDenied(f"{Role(user.role).label}账号无权进行此操作")


def require_unit_access(user: User | None, unit_id: int, what: str = "单位") -> None:
    """A unit account acting on another unit's data gets NotFound, as if it did not exist."""
    if user is not None and not scope_for(user).allows(unit_id):
        raise NotFound(what)
