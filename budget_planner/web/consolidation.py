"""The round consolidated from the stored versions that count (the core's ``consolidate``), with the
control numbers and 核定金额 recorded on the site: what reconciliation, the downloads and the API
read. Only the 核定金额 of eligible projects (``storage.allocations``) enter the plan and the
workbook; the others are held."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from budget_planner.aggregate.allocation import Plan, build_plan
from budget_planner.aggregate.consolidate import Consolidation, consolidate
from budget_planner.aggregate.control import ControlNumbers
from budget_planner.aggregate.summary import summary
from budget_planner.money import plain
from budget_planner.storage import repository
from budget_planner.storage.counted import StoredCounted
from budget_planner.storage.eligibility import AllocationView
from budget_planner.web import db, rounds
from budget_planner.web.access import scope

CONTROL_SOURCE = "站点录入的控制数"


@dataclass
class Consolidated:
    cons: Consolidation
    stored: StoredCounted
    view: AllocationView  # eligible projects, refused rows, stored 核定金额
    controls: dict[str, Decimal]  # by unit short name

    @property
    def approved(self) -> dict[str, Decimal]:
        """The 核定金额 in the plan: those of eligible projects, by project key."""
        return {k: a.amount for k, a in self.view.stored.items() if k in self.view.projects}

    def plan(self) -> Plan:
        stored = {k: a.amount for k, a in self.view.stored.items()}
        reasons = {k: a.reason for k, a in self.view.stored.items()}
        return build_plan(
            self.cons, stored, self.controls, eligible=self.view.projects, reasons=reasons
        )

    def summary(self) -> dict:
        """The ``aggregate --json`` shape of DESIGN §5 (with the approved amounts added)."""
        data = summary(self.cons, self.stored.superseded)
        data["approved"] = {
            unit.unit: {
                "approved": plain(unit.approved()),
                "approved_controlled": plain(unit.approved("表四")),
                "over": unit.over,
            }
            for unit in self.plan().units
        }
        return data

    def workbook(self, made_at: dt.datetime | None = None) -> bytes:
        from budget_planner.export.consolidated import write_consolidated

        buffer = io.BytesIO()
        write_consolidated(
            buffer,
            self.cons,
            superseded=self.stored.superseded,
            approved=self.approved,
            made_at=made_at,
        )
        return buffer.getvalue()


def current() -> Consolidated:
    """The current round consolidated within the signed-in user's scope."""
    stored, config = rounds.required()
    session = db.session()
    found = repository.stored_counted(session, stored.id, scope=scope())
    controls = repository.control_numbers(session, stored.id, scope=scope())
    control = ControlNumbers(file=CONTROL_SOURCE, amounts=dict(controls)) if controls else None
    view = repository.allocation_view(session, stored.id, scope=scope())
    return Consolidated(consolidate(config, found.counted, control), found, view, controls)
