"""What an account is in a round, from the unit tree: the one rule every route, API call and query
scope uses (docs/units-and-rounds.md).

An account belongs to a unit and may hold 审核 and/or 财务 within it (``User.reviewer``,
``User.finance``), or neither. In a round its unit collects, it uses what it holds, over that
round's member units within its subtree; in a round where its unit is a member, it is that unit's
报送单位 (submitter); in any other round it is nothing, and the round does not exist for it. One
清远市 account is thus a submitter in the province's round and, holding 审核, the reviewer of
清远市's county round, with the rights of each and no more. The command line (``None``) holds
every role over every unit.

    round_roles(s, account, round) -> RoundRoles     # the rule
    account_rounds(s, account) -> [(Round, RoundRoles)]   # the rounds it has a part in
    scope_in(s, scope, round_id) -> Scope            # what a query in that round may read
    require(s, account, round_id, *roles) -> RoundRoles   # PermissionDenied (403) otherwise
    manages(s, account, unit_id) -> bool             # 审核 held at the unit or above it
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from budget_planner.storage import tree
from budget_planner.storage.models import Round, RoundMember, RoundStatus
from budget_planner.storage.scope import (
    Actor,
    PermissionDenied,
    Scope,
    plain_scope,
)
from budget_planner.storage.workflow import WorkflowRole

R = WorkflowRole
EVERY_ROLE = frozenset(WorkflowRole)
NOTHING: frozenset[WorkflowRole] = frozenset()


def holds(account: Actor) -> frozenset[WorkflowRole]:
    """The roles an account holds within its unit (used in the rounds its unit collects)."""
    found = set()
    if getattr(account, "reviewer", False):
        found.add(R.REVIEWER)
    if getattr(account, "finance", False):
        found.add(R.FINANCE)
    return frozenset(found)


@dataclass(frozen=True)
class RoundRoles:
    """An account's part in one round: its roles, the member units it reaches, the unit it files
    for (as 报送单位), and the units whose account events it reads (its subtree when it holds
    审核, else its own unit). ``units`` None: every unit (the command line)."""

    round_id: str
    roles: frozenset[WorkflowRole]
    units: frozenset[int] | None
    own_unit: int | None = None
    accounts: frozenset[int] | None = None

    @property
    def visible(self) -> bool:
        return bool(self.roles)

    @property
    def submitter(self) -> bool:
        return R.SUBMITTER in self.roles

    @property
    def reviewer(self) -> bool:
        return R.REVIEWER in self.roles

    @property
    def finance(self) -> bool:
        return R.FINANCE in self.roles

    def on(self, unit_id: int | None) -> frozenset[WorkflowRole]:
        """The roles it acts in on one unit's versions (none outside its reach)."""
        if self.units is None:
            return self.roles
        if unit_id is None or unit_id not in self.units:
            return NOTHING
        if unit_id == self.own_unit:
            return frozenset({R.SUBMITTER})
        return self.roles - {R.SUBMITTER}

    @property
    def scope(self) -> Scope:
        return Scope(self.round_id, self.units, self.roles, self.accounts)

    @property
    def labels(self) -> str:
        """审核、财务 / 报送单位 (for the round selector and the page header)."""
        return "、".join(r.label for r in WorkflowRole if r in self.roles)


def members(session: Session, round_id: str) -> frozenset[int]:
    query = sa.select(RoundMember.unit_id).where(RoundMember.round_id == round_id)
    return frozenset(session.scalars(query))


def account_units(
    session: Session, account: Actor, links: dict[int, int | None] | None = None
) -> frozenset[int]:
    """The units whose accounts this account looks after (its subtree when it holds 审核), or
    its own unit: the account events (audit entries of no round) it reads."""
    unit = account.unit_id
    if unit is None:
        return frozenset()
    if not getattr(account, "reviewer", False):
        return frozenset({unit})
    return frozenset(tree.subtree(session, unit, links))


def round_roles(session: Session, account: Actor | None, round_: Round | str) -> RoundRoles:
    """The rule: what ``account`` is in the round (nothing when it has no part in it)."""
    stored = round_ if isinstance(round_, Round) else session.get(Round, round_)
    round_id = round_.id if isinstance(round_, Round) else round_
    if account is None:
        return RoundRoles(round_id, EVERY_ROLE if stored is not None else NOTHING, None)
    unit = account.unit_id
    if stored is None or unit is None:
        return RoundRoles(round_id, NOTHING, frozenset(), None, frozenset())
    held = holds(account)
    in_round = members(session, round_id)
    if stored.collector_id == unit and held:
        links = tree.parents(session)
        reach = in_round & tree.subtree(session, unit, links)
        return RoundRoles(round_id, held, reach, None, account_units(session, account, links))
    if unit in in_round:
        mine = frozenset({unit})
        return RoundRoles(
            round_id, frozenset({R.SUBMITTER}), mine, unit, account_units(session, account)
        )
    return RoundRoles(round_id, NOTHING, frozenset(), None, account_units(session, account))


def account_rounds(session: Session, account: Actor | None) -> list[tuple[Round, RoundRoles]]:
    """Every round the account has a part in: open rounds first, then those its unit collects,
    then the newest."""
    query = sa.select(Round)
    if account is not None:
        unit = account.unit_id
        if unit is None:
            return []
        member_of = sa.select(RoundMember.round_id).where(RoundMember.unit_id == unit)
        collected = Round.collector_id == unit if holds(account) else sa.false()
        query = query.where(sa.or_(collected, Round.id.in_(member_of)))
    found = [(r, round_roles(session, account, r)) for r in session.scalars(query)]
    found = [(r, roles) for r, roles in found if roles.visible]
    found.sort(
        key=lambda item: (
            item[0].status != RoundStatus.OPEN.value,
            item[1].submitter,
            -item[0].year,
            -item[0].created_at.timestamp(),
            item[0].id,
        )
    )
    return found


def scope_in(session: Session, scope: object, round_id: str) -> Scope:
    """What ``scope`` (an account, a ``Scope``, a unit id, None) reaches in ``round_id``."""
    plain = plain_scope(scope)
    if plain is not None:
        return plain.within(round_id)
    return round_roles(session, scope, round_id).scope  # type: ignore[arg-type]


def require(
    session: Session, account: Actor | None, round_id: str, *roles: WorkflowRole
) -> RoundRoles:
    """The account's part in the round, which must include one of ``roles`` (else 403)."""
    found = round_roles(session, account, round_id)
    if not found.roles & set(roles):
        wanted = "或".join(r.label for r in roles)
        raise PermissionDenied(f"只有本轮次的{wanted}才能进行此操作")
    return found


def manages(session: Session, account: Actor | None, unit_id: int | None) -> bool:
    """Whether the account looks after ``unit_id``'s accounts and place in the tree: it holds 审核
    at that unit or above it (the command line looks after every unit)."""
    if account is None:
        return True
    if unit_id is None or account.unit_id is None or not getattr(account, "reviewer", False):
        return False
    return unit_id in tree.subtree(session, account.unit_id)


def require_manager(session: Session, account: Actor | None, unit_id: int | None) -> None:
    if not manages(session, account, unit_id):
        raise PermissionDenied("只有本单位或上级单位持有审核权限的账号才能管理该单位的账号和信息")
