"""A unit's receipt (回执): every file received from it, when, by whom, its state and totals, which
version counts, and the required tables still missing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.orm import Session

from budget_planner.aggregate.completeness import budget_owed
from budget_planner.storage.history import unit_history, unit_of
from budget_planner.storage.models import Decision, PublishedAllocation, Round, Submission
from budget_planner.storage.publication import latest_publication, published_amounts
from budget_planner.storage.queries import counted_versions
from budget_planner.storage.rounds import config_of, control_numbers
from budget_planner.storage.types import utcnow
from budget_planner.templates.spec import BUDGET, CONTROLLED_TABLE

REQUESTED_TABLE = CONTROLLED_TABLE  # what is set against the control number


@dataclass(frozen=True)
class ReceiptLine:
    table: str
    project: str  # a 预算表's 项目名称, else ""
    version: int
    versions: int
    file: str
    uploaded_at: dt.datetime
    uploaded_by: str
    on_behalf: bool
    state: str
    submitted_at: dt.datetime | None
    rows: int
    total: Decimal | None
    counted: bool
    comment: str  # the newest review's decision and comment on this version
    number: str = ""  # 回执编号 (``receipt_number``)


@dataclass
class Receipt:
    round_title: str
    deadline: dt.date
    unit_id: int
    unit: str
    full_name: str
    contact: str
    phone: str
    required: tuple[str, ...]
    missing: list[str]  # required tables nothing was received for
    requested: Decimal  # the counted 表四's total
    control: Decimal | None
    made_at: dt.datetime
    lines: list[ReceiptLine] = field(default_factory=list)
    published_at: dt.datetime | None = None  # the last 发布 of 核定金额, None before any
    allocations: list[PublishedAllocation] = field(default_factory=list)  # as published

    @property
    def approved(self) -> Decimal:
        return sum((a.amount for a in self.allocations), Decimal(0))

    @property
    def over(self) -> bool:
        return self.control is not None and self.requested > self.control


def receipt_number(code: str, unit: str, table: str, version: int, ordinal: int = 0) -> str:
    """回执编号: ``GD2024-清远市-表四-V3`` (round code, unit, table, version); a 预算表 adds the
    project's ordinal among the unit's 预算表 (``预算表2``: the second project first uploaded).
    One per unit × table (× project) × version, the same every time it is shown (docs/contracts.md)."""
    slot = f"{table}{ordinal}" if ordinal else table
    return f"{code}-{unit}-{slot}-V{version}"


def ordinals(submissions: Iterable[Submission]) -> dict[int, int]:
    """Each 预算表 thread's place (1, 2 …) among its unit's 预算表 threads, in the order they were
    first uploaded (by id: a thread is never removed, so the place never changes)."""
    found: dict[int, int] = {}
    seen: dict[tuple[str, int], int] = {}
    for s in sorted(submissions, key=lambda s: s.id):
        if s.table_id == BUDGET:
            place = seen[(s.round_id, s.unit_id)] = seen.get((s.round_id, s.unit_id), 0) + 1
            found[s.id] = place
    return found


def _comment(version) -> str:
    if not version.reviews:
        return ""
    last = version.reviews[-1]
    word = Decision(last.decision).label
    return f"{word}：{last.comment}" if last.comment else word


def receipt(
    session: Session,
    round_id: str,
    unit_id: int,
    *,
    scope: object,
    now: dt.datetime | None = None,
) -> Receipt | None:
    """The unit's receipt; None when the unit is out of scope or not in the round."""
    unit = unit_of(session, unit_id, scope=scope, round_id=round_id)
    stored = session.get(Round, round_id)
    if unit is None or stored is None:
        return None
    config = config_of(stored)
    threads = unit_history(session, round_id, unit_id, scope=scope)
    counted = {c.version.id: c for c in counted_versions(session, round_id, scope=unit_id)}
    required = config.required_tables(unit.short_name)
    projects = (c.version.rows_count for c in counted.values() if c.submission.table_id != BUDGET)
    if not budget_owed(projects):  # nil returns only: no project to budget (completeness too)
        required = tuple(t for t in required if t != BUDGET)
    received = {t.submission.table_id for t in threads}
    requested = sum(
        (
            c.version.total or Decimal(0)
            for c in counted.values()
            if c.submission.table_id == REQUESTED_TABLE
        ),
        Decimal(0),
    )
    found = Receipt(
        round_title=stored.title,
        deadline=stored.deadline,
        unit_id=unit.id,
        unit=unit.short_name,
        full_name=unit.full_name,
        contact=unit.contact,
        phone=unit.phone,
        required=tuple(required),
        missing=[t for t in required if t not in received],
        requested=requested,
        control=control_numbers(session, round_id, scope=unit_id).get(unit.short_name),
        made_at=now or utcnow(),
    )
    latest = latest_publication(session, round_id)
    if latest is not None:
        found.published_at = latest.at
        found.allocations = list(published_amounts(session, round_id, scope=unit_id).values())
    places = ordinals(t.submission for t in threads)
    for thread in threads:
        count = len(thread.entries)
        place = places.get(thread.submission.id, 0)
        for entry in thread.entries:
            v = entry.version
            found.lines.append(
                ReceiptLine(
                    table=thread.submission.table_id,
                    project=thread.submission.slot,
                    version=v.number,
                    versions=count,
                    file=v.original_name,
                    uploaded_at=v.uploaded_at,
                    uploaded_by=v.uploaded_by_name,
                    on_behalf=v.on_behalf,
                    state=entry.state,
                    submitted_at=v.submitted_at,
                    rows=v.rows_count,
                    total=v.total,
                    counted=v.id in counted,
                    comment=_comment(v),
                    number=receipt_number(
                        config.code, unit.short_name, thread.submission.table_id, v.number, place
                    ),
                )
            )
    return found
