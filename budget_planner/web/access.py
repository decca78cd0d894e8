"""Who is asking, and what they are in the round the page is about.

The signed-in user is an account of a unit, holding 审核 and/or 财务 there or neither. What it may
do on a page comes from its part in the selected round (``web.rounds``), computed by the storage's
one rule (``storage.roles.round_roles``): 报送单位 of its own unit, or the round's 审核 and 财务 over
its members. Every query is limited to that round's scope (``scope()``), never to ids from the URL;
objects outside it answer 404, as if absent.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort, g
from flask_login import UserMixin, current_user

from budget_planner.storage.roles import RoundRoles
from budget_planner.storage.scope import Scope
from budget_planner.storage.workflow import WorkflowRole
from budget_planner.web.extensions import login_manager

SUBMITTER, REVIEWER, FINANCE = WorkflowRole.SUBMITTER, WorkflowRole.REVIEWER, WorkflowRole.FINANCE
COLLECTING = (REVIEWER, FINANCE)  # the collecting office's pages: every member's data


def session_token(password_hash: str) -> str:
    """Part of the session id: a password change or reset signs out every other session."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class SiteUser(UserMixin):
    id: int
    username: str
    unit_id: int | None
    unit_name: str | None
    reviewer: bool  # holds 审核 within its unit
    finance: bool  # holds 财务 within its unit
    must_change_password: bool
    token: str

    def get_id(self) -> str:
        return f"{self.id}:{self.token}"

    @property
    def holdings(self) -> str:
        return "、".join(w for w, held in (("审核", self.reviewer), ("财务", self.finance)) if held)


def user() -> SiteUser:
    return current_user._get_current_object()


def here() -> RoundRoles:
    """The signed-in user's part in the selected round (nothing before any round exists)."""
    if "round_roles" not in g:
        from budget_planner.web import rounds

        rounds.current()  # sets g.round_roles with the round
    found: RoundRoles = g.round_roles
    return found


def in_round() -> RoundRoles:
    """The user's part in the selected round, which must exist (404: no such round for it)."""
    mine = here()
    if not mine.visible:
        abort(404)
    return mine


def scope() -> Scope:
    """What every query of this request may read: the selected round, the units reached there."""
    return here().scope


def roles(*allowed: WorkflowRole) -> Callable:
    """Only these roles in the selected round may call the view (403 for the others; 404 when no
    round exists for the user)."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            mine = in_round()
            if not mine.roles & set(allowed):
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorate


def in_scope(unit_id: int | None) -> None:
    """404 unless the signed-in user reaches this unit in the selected round."""
    if not scope().allows(unit_id):
        abort(404)
