"""The completeness matrix: units × tables owed, with status, overdue and the contacts for reminders."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from budget_planner.aggregate.completeness import budget_owed
from budget_planner.aggregate.status import DONE, least_advanced
from budget_planner.storage.models import Round, Status, Submission, Version
from budget_planner.storage.queries import Counted, counted_for, versions_by_submission
from budget_planner.storage.roles import scope_in
from budget_planner.storage.rounds import config_of, units
from budget_planner.storage.types import utcnow
from budget_planner.templates.spec import ALL_TABLES, BUDGET


@dataclass(frozen=True)
class Cell:
    """One unit × table: its status (the least advanced of a 预算表's projects), the newest version."""

    table: str
    required: bool
    status: Status
    overdue: bool = False
    submission_id: int | None = None
    version_number: int | None = None
    projects: int = 0  # threads behind the cell (several for 预算表)
    after_approval: bool = False
    late: bool = False  # 逾期提交: a version was submitted after the deadline (kept once set)

    @property
    def label(self) -> str:
        return self.status.label


@dataclass
class UnitRow:
    unit_id: int
    short_name: str
    full_name: str
    contact: str
    phone: str
    cells: dict[str, Cell] = field(default_factory=dict)

    @property
    def missing(self) -> list[str]:
        """Required tables with nothing uploaded."""
        return [t for t, c in self.cells.items() if c.required and c.status is Status.MISSING]

    @property
    def outstanding(self) -> list[str]:
        """Required tables not yet submitted or approved (what a reminder asks for)."""
        return [t for t, c in self.cells.items() if c.required and c.status not in DONE]


@dataclass
class Completeness:
    round_id: str
    deadline: dt.datetime  # the end of the deadline day, Beijing time
    tables: tuple[str, ...]  # required of some unit, in table order
    optional_tables: tuple[str, ...]  # not required, but uploaded by some unit
    rows: list[UnitRow]

    @property
    def missing_count(self) -> int:
        return sum(len(r.missing) for r in self.rows)


def completeness(
    session: Session, round_id: str, *, scope: object, now: dt.datetime | None = None
) -> Completeness | None:
    """Units (in scope) × tables with status; only required tables count as missing or overdue."""
    stored = session.get(Round, round_id)
    if stored is None:
        return None
    config = config_of(stored)
    now = now or utcnow()
    overdue_now = now > config.deadline_end
    visible = scope_in(session, scope, round_id)
    grouped = versions_by_submission(session, round_id, visible)
    threads: dict[tuple[int, str], list[Submission]] = defaultdict(list)
    query = (
        sa.select(Submission)
        .where(Submission.round_id == round_id, visible.filter(Submission.unit_id))
        .options(selectinload(Submission.unit))
    )
    for submission in session.scalars(query):
        threads[(submission.unit_id, submission.table_id)].append(submission)
    rows, required_any, present = [], set(), set()
    for unit in units(session, round_id, scope=visible):
        required = set(config.required_tables(unit.short_name))
        projects = (
            c.version.rows_count
            for table in ALL_TABLES
            if table != BUDGET
            for s in threads.get((unit.id, table), [])
            if (c := counted_for(s, grouped.get(s.id, []))) is not None
        )
        if not budget_owed(projects):
            required.discard(BUDGET)  # nil returns only: no project to budget
        required_any |= required
        row = UnitRow(unit.id, unit.short_name, unit.full_name, unit.contact, unit.phone)
        for table in ALL_TABLES:
            found = threads.get((unit.id, table), [])
            if table not in required and not found:
                continue
            present.add(table)
            row.cells[table] = _cell(table, table in required, found, grouped, overdue_now)
        rows.append(row)
    ordered = tuple(t for t in ALL_TABLES if t in required_any)
    optional = tuple(t for t in ALL_TABLES if t in present and t not in required_any)
    return Completeness(round_id, config.deadline_end, ordered, optional, rows)


def _cell(
    table: str,
    required: bool,
    found: list[Submission],
    grouped: dict[int, list[Version]],
    overdue_now: bool,
) -> Cell:
    """A unit × table from what counts in each of its threads (several for 预算表): the least
    advanced status; threads whose versions were all deleted count as nothing received."""
    counted: list[Counted] = [
        c for s in found if (c := counted_for(s, grouped.get(s.id, []))) is not None
    ]
    if not counted:
        return Cell(table, required, Status.MISSING, overdue=required and overdue_now)
    status = least_advanced(c.status for c in counted)
    worst = next(c for c in counted if c.status is status)
    versions = grouped.get(worst.submission.id, [])
    return Cell(
        table,
        required,
        status,
        overdue=required and overdue_now and status not in DONE,
        submission_id=worst.submission.id,
        version_number=versions[-1].number if versions else None,
        projects=len(counted),
        after_approval=any(c.newer_after_approval for c in counted),
        late=any(v.submitted_late for s in found for v in grouped.get(s.id, [])),
    )
