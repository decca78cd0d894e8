"""Who is acting and what they may see: the scope every query filters by, and the domain errors.

Every query and mutation takes ``scope`` as a required keyword argument. Pass the acting account
(the ``User`` model, or any object with ``id``, ``unit_id``, ``reviewer`` and ``finance``, such as
the web's signed-in user) or a ``Scope`` made from it: what an account reaches in a round comes
from the unit tree, through one function (``storage.roles.round_roles``; docs/units-and-rounds.md).
A bare unit id (``int``) limits to that unit and ``None`` means every unit (the command line).

A ``Scope`` made for one round (``round_id`` set) also hides every other round: an object of
another round reads as absent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

from budget_planner.errors import BudgetPlannerError, UsageError
from budget_planner.storage.models import User
from budget_planner.storage.workflow import WorkflowRole


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
    """An account as the storage reads it (the ``User`` model, the web's signed-in user)."""

    id: int
    username: str
    unit_id: int | None
    reviewer: bool
    finance: bool


def _frozen(ids: Iterable[int] | None) -> frozenset[int] | None:
    return None if ids is None else frozenset(ids)


@dataclass(frozen=True)
class Scope:
    """What a viewer reaches: ``round_id`` None is any round, ``units`` None every unit.

    ``roles`` are the viewer's workflow roles in that round (None: not known, as for a bare unit id
    or the command line); ``accounts`` the units whose account events (the audit entries of no
    round: accounts made, passwords reset) it reads (None: every unit's).
    """

    round_id: str | None = None
    units: frozenset[int] | None = None
    roles: frozenset[WorkflowRole] | None = None
    accounts: frozenset[int] | None = None

    @classmethod
    def all_units(cls) -> Scope:
        return cls()

    @classmethod
    def of_units(cls, ids: Iterable[int], round_id: str | None = None) -> Scope:
        found = frozenset(ids)
        return cls(round_id, found, None, found)

    @property
    def everything(self) -> bool:
        return self.round_id is None and self.units is None

    def within(self, round_id: str | None) -> Scope:
        """This scope in ``round_id``: itself, or nothing when it was made for another round."""
        if round_id is None or self.round_id == round_id:
            return self
        if self.round_id is None:
            return Scope(round_id, self.units, self.roles, self.accounts)
        return Scope(round_id, frozenset(), frozenset(), self.accounts)

    def allows(self, unit_id: int | None, round_id: str | None = None) -> bool:
        if round_id is not None and self.round_id is not None and round_id != self.round_id:
            return False
        return self.units is None or (unit_id is not None and unit_id in self.units)

    def filter(self, column: Any, round_column: Any = None) -> Any:
        """A WHERE clause limiting ``column`` (a unit id column) and, when given, ``round_column``
        (the same row's round) to this scope."""
        clauses = []
        if self.round_id is not None and round_column is not None:
            clauses.append(round_column == self.round_id)
        if self.units is not None:
            clauses.append(column.in_(sorted(self.units)) if self.units else sa.false())
        return sa.and_(sa.true(), *clauses)

    @property
    def submitter_only(self) -> bool:
        """The viewer files for its unit here and holds nothing more (it sees what was published)."""
        return self.roles == frozenset({WorkflowRole.SUBMITTER})


def is_account(scope: object) -> bool:
    return hasattr(scope, "unit_id") and hasattr(scope, "id") and not isinstance(scope, int)


def plain_scope(scope: object) -> Scope | None:
    """A scope that needs no database to read (a ``Scope``, ``None``, a unit id); None for an
    account, whose scope depends on the round (``storage.roles.scope_in``)."""
    if isinstance(scope, Scope):
        return scope
    if scope is None:
        return Scope.all_units()
    if isinstance(scope, int) and not isinstance(scope, bool):
        return Scope.of_units([scope])
    if is_account(scope):
        return None
    raise TypeError(f"scope 应为当前用户、Scope、单位 id 或 None，而不是 {type(scope).__name__}")


def actor_name(user: Actor | None) -> str:
    return user.username if user is not None else "命令行"


def load_actor(session: Session, user: Actor | None) -> User | None:
    """The acting account as stored now (its unit and holdings from the database, not from a
    stale copy); ``None`` stands for the command line (the operator of the server)."""
    if user is None:
        return None
    stored = session.get(User, user.id)
    if stored is None or not stored.active:
        raise PermissionDenied("账号不存在或已停用，请重新登录")
    return stored
