"""A stored round's findings for finance (issue 19): last year's plan (imported, or the stored
round of the year before), 延续, 重复申报, the 申报书 box checks, the 政策依据 index, and the
comparison with last year; what the reconciliation pages, the API and the workbook read."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from budget_planner.aggregate.project_findings import ProjectFindings, find_projects
from budget_planner.aggregate.years import LastYearPlan, YearComparison, compare_years, from_plan
from budget_planner.app.consolidation import Consolidated, consolidate_stored
from budget_planner.storage import last_year, models
from budget_planner.storage.lineage import lineage_ids
from budget_planner.storage.rounds import config_of
from budget_planner.templates.round import Round

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass
class RoundFindings:
    consolidated: Consolidated
    findings: ProjectFindings
    comparison: YearComparison | None
    previous: models.Round | None  # last year's round (imported or kept), if any

    def workbook(self, made_at: dt.datetime | None = None) -> bytes:
        """The consolidated workbook with the findings sheets."""
        from budget_planner.export.consolidated import write_consolidated

        found = self.consolidated
        buffer = io.BytesIO()
        write_consolidated(
            buffer,
            found.cons,
            superseded=found.stored.superseded,
            approved=found.approved,
            made_at=made_at,
            findings=self.findings,
            comparison=self.comparison,
        )
        return buffer.getvalue()


def last_year_of(
    session: Session, stored: models.Round
) -> tuple[models.Round | None, LastYearPlan | None]:
    """Last year's round and its plan: the imported 分配方案, else the stored round's own plan
    (its counted versions and 核定金额, as its 分配方案 shows them)."""
    previous = last_year.previous_round(session, stored)
    if previous is None:
        return None, None
    if last_year.imported(session, previous.id) is not None:
        return previous, last_year.imported_plan(session, previous)
    kept = consolidate_stored(session, previous.id, config_of(previous), scope=None)
    plan = from_plan(kept.plan(), previous.year, previous.id)
    return previous, replace(plan, title=previous.title)


def link_forwarded(session: Session, found: Consolidated) -> None:
    """Give each forwarded row the lineage of its county source (``project_findings.lineage_of``):
    a city's forwarded row and the county row behind it are one project, never 重复申报."""
    linked = lineage_ids(session, found.cons.round.id)
    for rec in found.cons.records:
        ids = linked.get((rec["unit"], rec["key"]))
        if ids:
            rec["lineage"] = ids


def round_findings(
    session: Session, stored: models.Round, config: Round, *, scope: object
) -> RoundFindings:
    found = consolidate_stored(session, stored.id, config, scope=scope)
    link_forwarded(session, found)
    # (审核 and 财务 only: they reach every member of the round, so last year's plan is whole)
    previous, plan = last_year_of(session, stored)
    findings = find_projects(found.cons, plan)
    comparison = None
    if plan is not None:
        units = [u.short_name for u in config.units]
        comparison = compare_years(found.plan(), stored.year, plan, units)
    return RoundFindings(found, findings, comparison, previous)
