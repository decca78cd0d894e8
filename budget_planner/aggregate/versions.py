"""Which version of a unit × table counts in the offline CLI (docs/contracts.md).

A unit × table's files are ordered by the workbook's own modified time (document properties), then
the file's modified time, then its name (then the sheet order inside a file); ``version`` is the
1-based position. The newest counts (flagged when it has errors); the others are superseded, with the
reason. 预算表 are kept per unit × 项目名称. Files with no unit, or no recognised table, are
reported and never aggregated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from budget_planner.aggregate.status import TableStatus
from budget_planner.templates.round import BEIJING
from budget_planner.templates.spec import BUDGET
from budget_planner.text import canonical
from budget_planner.validators.check.pipeline import Checked
from budget_planner.validators.read.model import ParsedTable
from budget_planner.validators.read.programmes import same_project
from budget_planner.validators.report.issues import Issue, Report, issue

_OLDEST = dt.datetime.min.replace(tzinfo=dt.UTC)


def as_utc(moment: dt.datetime | None) -> dt.datetime | None:
    """An aware UTC time; a naive time is taken as UTC (document properties are stored in UTC)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def beijing(moment: dt.datetime | None) -> str:
    """'2023-12-10 09:30' in Beijing time, '' when unknown."""
    utc = as_utc(moment)
    return "" if utc is None else utc.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class Candidate:
    """One table of one file as the caller found it: the validation result and where it came from."""

    checked: Checked
    file: str  # how the file is shown to the user (the path as given)
    file_time: dt.datetime | None = None  # the file system's modified time
    position: int = 0  # the table's order inside its file

    @property
    def report(self) -> Report:
        return self.checked.report

    @property
    def modified(self) -> dt.datetime | None:
        return as_utc(self.checked.modified)

    def order(self) -> tuple:
        return (
            self.modified or _OLDEST,
            as_utc(self.file_time) or _OLDEST,
            self.file,
            self.position,
        )


class Slot(NamedTuple):
    """What a version is a version of: (unit, table, project); project is "" except for 预算表."""

    unit: str
    table: str
    project: str = ""


def budget_project(table: ParsedTable | None) -> str:
    """A 预算表's 项目名称 (canonical), "" when it has none."""
    if table is None or table.budget is None:
        return ""
    return canonical(table.budget.text("project_name"))


@dataclass
class CountedVersion:
    """The version of a unit × table (or unit × 预算表 project) that is aggregated."""

    unit: str
    table: str
    checked: Checked
    file: str
    version: int = 1
    versions: int = 1
    project: str = ""
    file_time: dt.datetime | None = None
    # on the site: the unit × table's status and the version's workflow state (已提交 …), so the
    # workbooks say what the site says; the offline CLI has neither
    status: TableStatus | None = None
    state: str = ""

    @property
    def report(self) -> Report:
        return self.checked.report

    @property
    def parsed(self) -> ParsedTable | None:
        return self.checked.table

    @property
    def modified(self) -> dt.datetime | None:
        return as_utc(self.checked.modified)

    @property
    def flagged(self) -> bool:
        """Counted although it has errors."""
        return not self.report.ok

    @property
    def slot(self) -> Slot:
        return Slot(self.unit, self.table, self.project)


@dataclass
class Superseded:
    unit: str
    table: str
    project: str
    file: str
    version: int
    reason: str
    checked: Checked


@dataclass
class Unplaced:
    """A table that cannot be aggregated: no unit, or no recognised table, or an unreadable file."""

    file: str
    reason: str
    checked: Checked
    issue: Issue | None = None  # what aggregation adds: a table with no unit cannot be placed

    @property
    def issues(self) -> list[Issue]:
        own = self.checked.report.issues
        if self.issue is None:
            return own
        same = [i for i in own if i.code == self.issue.code]
        if any(i.is_error for i in same):
            return own  # the file's own error says it already (填报单位“…”不是本轮的地市)
        # aggregation's error in place of the file's warning (无法识别填报单位 … 不能计入)
        return [*(i for i in own if i.code != self.issue.code), self.issue]

    @property
    def ok(self) -> bool:
        return not any(i.is_error for i in self.issues)

    @property
    def table(self) -> str | None:
        return self.checked.report.table

    @property
    def sheet(self) -> str | None:
        return self.checked.report.sheet


@dataclass
class VersionChoice:
    counted: list[CountedVersion] = field(default_factory=list)
    superseded: list[Superseded] = field(default_factory=list)
    unassigned: list[Unplaced] = field(default_factory=list)  # a table with no unit
    unrecognised: list[Unplaced] = field(default_factory=list)  # no table, or unreadable


def _why_newer(newer: Candidate, older: Candidate) -> str:
    if newer.modified != older.modified:
        if older.modified is None:
            return f"文档修改时间 {beijing(newer.modified)}，本文件未记录文档修改时间"
        return f"文档修改时间 {beijing(newer.modified)} 晚于本文件的 {beijing(older.modified)}"
    newer_time, older_time = as_utc(newer.file_time), as_utc(older.file_time)
    if newer_time != older_time:
        if older_time is None:
            return f"文件修改时间 {beijing(newer_time)}，本文件的修改时间未知"
        return f"文件修改时间 {beijing(newer_time)} 晚于本文件的 {beijing(older_time)}"
    if newer.file != older.file:
        return "两者修改时间相同，按文件名排序在后"
    return "同一文件中位置在后的工作表"


def _same_projects(slots: dict[Slot, list[Candidate]]) -> dict[Slot, list[Candidate]]:
    """预算表 slots of one unit whose 项目名称 name the same project (``same_project``: one is the
    other with its place, year or trailing 项目 — a revision that adds 蒸湘区 before the name) made
    one: a 预算表's versions are the versions of its project."""
    merged: dict[Slot, list[Candidate]] = {}
    for slot, group in slots.items():
        if slot.table == BUDGET:
            into = next(
                (
                    other
                    for other in merged
                    if other.table == BUDGET
                    and other.unit == slot.unit
                    and same_project(other.project, slot.project)
                ),
                None,
            )
            if into is not None:
                merged[into].extend(group)
                continue
        merged[slot] = list(group)
    return merged


def _unplaced_reason(report: Report) -> str:
    if report.unreadable:
        return "文件无法读取：" + "；".join(
            i.message for i in report.errors if i.code.startswith("file.")
        )
    return "无法识别是哪一张表"


def choose_versions(candidates: Iterable[Candidate]) -> VersionChoice:
    """Group by unit × table (预算表 by unit × 项目名称), newest counts, the rest superseded."""
    choice = VersionChoice()
    slots: dict[Slot, list[Candidate]] = {}
    for cand in candidates:
        report = cand.report
        if report.table is None or cand.checked.table is None:
            choice.unrecognised.append(Unplaced(cand.file, _unplaced_reason(report), cand.checked))
            continue
        if not report.unit:
            reason = "无法识别填报单位，未计入汇总"
            unplaced = issue("unit.unknown", "unplaced", sheet=report.sheet)
            choice.unassigned.append(Unplaced(cand.file, reason, cand.checked, unplaced))
            continue
        project = budget_project(cand.checked.table) if report.table == BUDGET else ""
        slots.setdefault(Slot(report.unit, report.table, project), []).append(cand)
    for slot, group in _same_projects(slots).items():
        group.sort(key=Candidate.order)
        newest = group[-1]
        if slot.table == BUDGET:  # the project as its newest version names it
            slot = slot._replace(project=budget_project(newest.checked.table))
        choice.counted.append(
            CountedVersion(
                unit=slot.unit,
                table=slot.table,
                checked=newest.checked,
                file=newest.file,
                version=len(group),
                versions=len(group),
                project=slot.project,
                file_time=newest.file_time,
            )
        )
        for number, older in enumerate(group[:-1], start=1):
            reason = f"被较新的版本取代：{newest.file}（第 {len(group)} 版；{_why_newer(newest, older)}）"
            choice.superseded.append(
                Superseded(
                    slot.unit, slot.table, slot.project, older.file, number, reason, older.checked
                )
            )
    return choice
