"""Which counted rows may carry a 核定金额, and why the others may not.

核定金额 may be entered only on the rows of a version that counts and is 已提交 or 已通过, has no
errors, and whose row has a project key (a 项目名称): those are the ``eligible`` projects. A stored
amount whose project is no longer eligible (withdrawn, approval revoked, the key gone from a newly
approved version) is kept but ``held``: left out of the plan and listed for finance.

    allocation_view(s, round_id, *, scope) -> AllocationView(projects, refused, stored, held)
    requested_projects(s, round_id, unit_id) -> {key: Requested}      # the eligible ones
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from budget_planner.storage.models import Allocation, ProjectRow, Unit
from budget_planner.storage.queries import Counted, counted_versions
from budget_planner.storage.roles import scope_in
from budget_planner.storage.transitions import version_label
from budget_planner.storage.workflow import VersionState
from budget_planner.templates.spec import COLLECTION_TABLES
from budget_planner.text import compact


@dataclass(frozen=True)
class Requested:
    """An eligible project of a counted version: what the unit asked for (its rows with this key
    summed)."""

    key: str
    table: str
    category: str
    name: str
    amount: Decimal | None
    version_id: int
    state: str = ""  # its version's state: 已提交 or 已通过


@dataclass(frozen=True)
class RefusedRow:
    """A counted row that may not carry a 核定金额, and why (a Chinese sentence)."""

    unit_id: int
    key: str
    table: str
    category: str
    name: str
    amount: Decimal | None
    version_id: int
    state: str
    why: str


@dataclass(frozen=True)
class Held:
    """A stored 核定金额 left out of the plan: its project is not eligible now."""

    unit: str
    key: str
    name: str
    amount: Decimal
    reason: str
    why: str


@dataclass
class AllocationView:
    """A scope's projects for 核定金额: eligible by key, refused rows, and what is stored."""

    projects: dict[str, Requested] = field(default_factory=dict)
    refused: list[RefusedRow] = field(default_factory=list)
    stored: dict[str, Allocation] = field(default_factory=dict)
    unit_names: dict[int, str] = field(default_factory=dict)

    @property
    def held(self) -> list[Held]:
        why = {r.key: r.why for r in self.refused if r.name}
        return [
            Held(
                self.unit_names.get(a.unit_id, ""),
                key,
                key.split("|")[-1],
                a.amount,
                a.reason,
                why.get(key, "项目已不在计入的版本中（名称或类型改变，或项目删除）"),
            )
            for key, a in self.stored.items()
            if key not in self.projects
        ]


def _refusal(counted: Counted, row: ProjectRow) -> str | None:
    """Why this counted row may not carry a 核定金额, or None when it may."""
    what = version_label(counted.submission, counted.version)
    if not compact(row.name):
        where = f"第 {row.excel_row} 行" if row.excel_row else "此行"
        return f"{what}{where}没有项目名称，不能核定"
    if counted.version.has_errors:
        return f"{what}有错误，不能核定"
    if counted.eligible:
        return None
    if counted.state is VersionState.DRAFT:
        return f"{what}尚未提交，不能核定"
    return f"{what}{counted.state.label}，不能核定"


def allocation_view(session: Session, round_id: str, *, scope: object) -> AllocationView:
    """Every counted 表一–表四 row in scope, eligible or refused, and the stored amounts."""
    view = AllocationView()
    visible = scope_in(session, scope, round_id)
    for counted in counted_versions(session, round_id, scope=visible):
        table = counted.submission.table_id
        if table not in COLLECTION_TABLES:
            continue
        view.unit_names[counted.submission.unit_id] = counted.submission.unit.short_name
        for row in counted.version.rows:
            why = _refusal(counted, row)
            if why is not None:
                view.refused.append(
                    RefusedRow(
                        counted.submission.unit_id,
                        row.key,
                        table,
                        row.category,
                        row.name,
                        row.amount,
                        counted.version.id,
                        counted.state.label,
                        why,
                    )
                )
                continue
            seen = view.projects.get(row.key)
            amount = row.amount
            if seen is not None and seen.amount is not None:
                amount = seen.amount + (row.amount or Decimal(0))
            view.projects[row.key] = Requested(
                row.key,
                table,
                row.category,
                row.name,
                amount,
                counted.version.id,
                counted.state.label,
            )
    query = sa.select(Allocation).where(
        Allocation.round_id == round_id, visible.filter(Allocation.unit_id)
    )
    for allocation in session.scalars(query):
        view.stored[allocation.key] = allocation
    if view.stored:
        ids = {a.unit_id for a in view.stored.values()} - set(view.unit_names)
        view.unit_names.update(
            session.execute(sa.select(Unit.id, Unit.short_name).where(Unit.id.in_(ids))).all()
        )
    return view


def requested_projects(session: Session, round_id: str, unit_id: int) -> dict[str, Requested]:
    """The eligible projects of the unit's counted 表一–表四 versions, by key."""
    return allocation_view(session, round_id, scope=unit_id).projects
