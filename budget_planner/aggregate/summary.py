"""The ``aggregate --json`` shape of docs/contracts.md; amounts as plain-notation strings.

Listed keys (units, tables, reconciliation, missing and theirs) are a contract; keys may be added,
never renamed.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from budget_planner.aggregate.consolidate import Consolidation
from budget_planner.aggregate.reconcile import BudgetCheck
from budget_planner.aggregate.versions import CountedVersion, Superseded, Unplaced, beijing
from budget_planner.money import plain
from budget_planner.templates.spec import ALL_TABLES, BUDGET


def _money(amount: Decimal | None) -> str | None:
    return plain(amount)


def _version(v: CountedVersion, total: Decimal, rows: int) -> dict[str, Any]:
    return {
        "total": _money(total),
        "rows": rows,
        "version": v.version,
        "file": v.file,
        "versions": v.versions,
        "sheet": v.report.sheet,
        "ok": v.report.ok,
        "flagged": v.flagged,
        "modified": beijing(v.modified) or None,
    }


def _budget_entry(cons: Consolidation, versions: list[CountedVersion]) -> dict[str, Any]:
    checks = {id(c.version): c for c in cons.reconciliation.budgets}
    projects = {}
    total = Decimal(0)
    for v in versions:
        check: BudgetCheck | None = checks.get(id(v))
        project_total = check.total if check and check.total is not None else Decimal(0)
        total += project_total
        entry = _version(v, project_total, 1)
        entry["provincial"] = _money(check.provincial) if check else None
        entry["table_ref"] = check.table_ref if check else None
        entry["row_amount"] = _money(check.row_amount) if check else None
        entry["row_mismatch"] = check is not None and any(
            i.code == "budget.row_mismatch" for i in check.issues
        )
        projects[v.project] = entry
    return {
        "total": _money(total),
        "rows": len(versions),
        "version": None,  # one per project, below
        "file": None,
        "files": [v.file for v in versions],
        "projects": projects,
    }


def _units(cons: Consolidation) -> dict[str, Any]:
    units: dict[str, Any] = {}
    budgets: dict[str, list[CountedVersion]] = {}
    for v in cons.counted:
        if v.table == BUDGET:
            budgets.setdefault(v.unit, []).append(v)
            continue
        total = cons.unit_totals.get(v.unit, {}).get(v.table, Decimal(0))
        rows = cons.row_counts.get((v.unit, v.table), 0)
        units.setdefault(v.unit, {})[v.table] = _version(v, total, rows)
    for unit, versions in budgets.items():
        units.setdefault(unit, {})[BUDGET] = _budget_entry(cons, versions)
    order = {u.short_name: i for i, u in enumerate(cons.round.units)}
    return {
        u: dict(sorted(tables.items(), key=lambda kv: ALL_TABLES.index(kv[0])))
        for u, tables in sorted(units.items(), key=lambda kv: order.get(kv[0], len(order)))
    }


def _superseded(items: Sequence[Superseded]) -> list[dict[str, Any]]:
    return [
        {
            "unit": s.unit,
            "table": s.table,
            "project": s.project or None,
            "file": s.file,
            "version": s.version,
            "reason": s.reason,
        }
        for s in items
    ]


def _unplaced(items: Sequence[Unplaced]) -> list[dict[str, Any]]:
    return [{"file": u.file, "table": u.table, "sheet": u.sheet, "reason": u.reason} for u in items]


def summary(
    cons: Consolidation,
    superseded: Sequence[Superseded] = (),
    unassigned: Sequence[Unplaced] = (),
    unrecognised: Sequence[Unplaced] = (),
) -> dict[str, Any]:
    """The ``aggregate --json`` of an aggregation (docs/contracts.md) (the listed keys first, then the added ones)."""
    rec = cons.reconciliation
    return {
        "units": _units(cons),
        "tables": {
            t: {
                "total": _money(cons.table_totals[t]),
                "by_category": {c: _money(a) for c, a in cons.category_totals[t].items()},
            }
            for t in ALL_TABLES
        },
        "reconciliation": [
            {
                "unit": u.unit,
                "control": _money(u.control),
                "requested": _money(u.requested),
                "difference": _money(u.difference),
                "over": u.over,
                "share": _money(u.share),
            }
            for u in rec.units
        ],
        "missing": [[u, t] for u, t in cons.missing],
        "round": cons.round.id,
        "total": _money(cons.total),
        "control_total": _money(rec.control_total),
        "over": [u.unit for u in rec.over],
        "flagged": [
            {"unit": v.unit, "table": v.table, "project": v.project or None, "file": v.file}
            for v in cons.flagged
        ],
        "superseded": _superseded(superseded),
        "unassigned": _unplaced(unassigned),
        "unrecognised": _unplaced(unrecognised),
        "budgets": [
            {
                "unit": c.version.unit,
                "project": c.version.project,
                "table": c.table_ref,
                "provincial": _money(c.provincial),
                "row_amount": _money(c.row_amount),
                "ok": c.ok,
                "issues": [i.to_dict() for i in c.issues],
            }
            for c in rec.budgets
        ],
        "control_file": None
        if cons.control is None
        else {
            "file": cons.control.file,
            "ok": cons.control.ok,
            "issues": [i.to_dict() for i in cons.control.report.issues],
        },
    }
