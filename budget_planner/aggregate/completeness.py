"""Completeness: which units sent which tables of the round, and which required ones are missing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from budget_planner.aggregate.status import TableStatus, least_advanced
from budget_planner.aggregate.versions import CountedVersion
from budget_planner.templates.round import Round
from budget_planner.templates.spec import ALL_TABLES, BUDGET

Status = TableStatus  # the site's statuses (``aggregate.status``)


def version_status(version: CountedVersion) -> TableStatus:
    """The status of a counted version: the site's (carried in), else the offline CLI's — a file
    read from disk is 有错误 or 已提交 (received)."""
    if version.status is not None:
        return version.status
    return TableStatus.ERRORS if version.flagged else TableStatus.SUBMITTED


@dataclass(frozen=True)
class CompletenessCell:
    unit: str
    table: str
    required: bool
    status: Status
    versions: tuple[CountedVersion, ...] = ()  # the counted version(s); several 预算表 per unit

    @property
    def missing(self) -> bool:
        return self.required and self.status is Status.MISSING


def completeness_cells(round_: Round, counted: Sequence[CountedVersion]) -> list[CompletenessCell]:
    """One cell per unit × table it owes (required or optional) or sent; only required ones can be
    missing."""
    by_slot: dict[tuple[str, str], list[CountedVersion]] = {}
    for v in counted:
        by_slot.setdefault((v.unit, v.table), []).append(v)
    cells = []
    for unit in round_.units:
        req = round_.requirement(unit)
        owed = set(req.required) | set(req.optional)
        nothing_to_budget = not budget_owed(
            len(v.parsed.project_rows) if v.parsed is not None else 1
            for v in counted
            if v.unit == unit.short_name and v.table != BUDGET
        )
        for table in ALL_TABLES:
            if table not in owed and (unit.short_name, table) not in by_slot:
                continue
            versions = tuple(by_slot.get((unit.short_name, table), ()))
            status = least_advanced(version_status(v) for v in versions)
            required = table in req.required and not (table == BUDGET and nothing_to_budget)
            cells.append(CompletenessCell(unit.short_name, table, required, status, versions))
    return cells


def budget_owed(projects: Iterable[int]) -> bool:
    """Whether a unit owes its required 预算表, given the number of project rows of each table it
    sent: not when it sent tables and none holds a project (nil returns, 本单位无需求) — a 预算表
    details a project. The one rule for the consolidated workbook and the site's 完成情况."""
    counts = list(projects)
    return not counts or any(counts)
