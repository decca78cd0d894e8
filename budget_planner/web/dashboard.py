"""The dashboard: completeness matrix, deadline and overdue units, headline totals, the chart;
and one unit's page listing all its tables and 预算表 projects."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import login_required

from budget_planner.storage import repository
from budget_planner.storage.forwarding import county_round
from budget_planner.storage.receipt import ordinals, receipt_number
from budget_planner.storage.types import utcnow
from budget_planner.templates.spec import ALL_TABLES, CONTROLLED_TABLE
from budget_planner.web import chart, db, rounds
from budget_planner.web.access import in_round, scope

bp = Blueprint("dashboard", __name__)
REQUESTED_TABLE = CONTROLLED_TABLE  # what is compared with the control number


def now() -> dt.datetime:
    """The current moment (tests may fix it with the NOW setting)."""
    return current_app.config.get("NOW") or utcnow()


@dataclass
class Totals:
    """The counted versions' totals: per table, per unit × table, and the unit counts."""

    by_table: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    units_by_table: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_unit: dict[tuple[int, str], Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    flagged: set[tuple[int, str]] = field(default_factory=set)

    def add(self, counted: repository.Counted) -> None:
        table = counted.submission.table_id
        unit = counted.submission.unit_id
        amount = counted.version.total or Decimal(0)
        self.by_table[table] += amount
        self.units_by_table[table].add(unit)
        self.by_unit[(unit, table)] += amount
        if counted.flagged:
            self.flagged.add((unit, table))

    def requested(self, unit_id: int) -> Decimal:
        return self.by_unit.get((unit_id, REQUESTED_TABLE), Decimal(0))


def _totals(round_id: str) -> Totals:
    totals = Totals()
    for counted in repository.counted_versions(db.session(), round_id, scope=scope()):
        totals.add(counted)
    return totals


@bp.route("/")
@login_required
def index():
    if rounds.current() is None and not request.args.get("round"):
        # an account whose unit neither collects nor is a member of any round yet
        return render_template("dashboard/none.html")
    stored, config = rounds.required()
    session = db.session()
    matrix = repository.completeness(session, stored.id, scope=scope(), now=now())
    controls = repository.control_numbers(session, stored.id, scope=scope())
    totals = _totals(stored.id)
    assert matrix is not None
    bars = [
        chart.Bar(row.short_name, totals.requested(row.unit_id), controls.get(row.short_name))
        for row in matrix.rows
    ]
    required_cells = [c for row in matrix.rows for c in row.cells.values() if c.required]
    return render_template(
        "dashboard/index.html",
        stored=stored,
        matrix=matrix,
        deadline=rounds.deadline(config, now()),
        overdue=[row for row in matrix.rows if any(c.overdue for c in row.cells.values())],
        counts=_status_counts(required_cells),
        required_count=len(required_cells),
        totals=totals,
        tables=[t for t in ALL_TABLES if t in totals.by_table],
        requested_sum=sum((b.requested for b in bars), Decimal(0)),
        control_sum=sum((b.control for b in bars if b.control is not None), Decimal(0)),
        over=[b for b in bars if b.over],
        chart=chart.requested_vs_control(bars) if bars else None,
        has_controls=bool(controls),
    )


def _status_counts(cells: list) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for cell in cells:
        counts[cell.label] += 1
    return counts


@bp.route("/units/<int:unit_id>")
@login_required
def unit(unit_id: int):
    """One unit's tables and 预算表 projects with their status and newest version (its receipt)."""
    stored, config = rounds.required()
    session = db.session()
    found = next(
        (u for u in repository.units(session, stored.id, scope=scope()) if u.id == unit_id), None
    )
    if found is None:
        abort(404)
    threads = repository.submissions(session, stored.id, scope=scope(), unit_id=unit_id)
    versions = {s.id: repository.versions_of(session, s.id, scope=scope()) for s in threads}
    published = repository.published_amounts(session, stored.id, scope=unit_id)
    places = ordinals(threads)
    receipt_numbers = {
        v.id: receipt_number(
            config.code, found.short_name, s.table_id, v.number, places.get(s.id, 0)
        )
        for s in threads
        for v in versions[s.id]
    }
    # the city's own page in a round above its counties' round: 生成上报版本
    forwarding = (
        in_round().own_unit == found.id and county_round(session, stored, found) is not None
    )
    return render_template(
        "dashboard/unit.html",
        stored=stored,
        unit=found,
        forwarding=forwarding,
        required=config.required_tables(found.short_name),
        optional=config.requirement(found.short_name).optional,
        threads=threads,
        versions=versions,
        control=repository.control_numbers(session, stored.id, scope=scope()).get(found.short_name),
        totals=_totals(stored.id),
        publication=repository.latest_publication(session, stored.id),
        published=list(published.values()),
        receipt_numbers=receipt_numbers,
    )
