"""Downloads for the province: the consolidated workbook built from the stored versions that count
(with 核定金额 filled in), the allocation plan (分配方案), and the audit log as a workbook."""

from __future__ import annotations

import io

from flask import Blueprint, render_template

from budget_planner.export.allocation_plan import write_allocation_plan
from budget_planner.export.audit_log import write_audit_log
from budget_planner.storage import repository
from budget_planner.web import consolidation, db, files, rounds, years
from budget_planner.web.access import FINANCE, REVIEWER, roles, scope, user
from budget_planner.web.dashboard import now

bp = Blueprint("exports", __name__, url_prefix="/exports")


def _audited(what: str, name: str) -> None:
    stored, _config = rounds.required()
    repository.audit(
        db.session(),
        user(),
        repository.Action.DOWNLOAD,
        round_id=stored.id,
        detail=f"{what}：{name}",
    )


@bp.route("/")
@roles(REVIEWER, FINANCE)
def index():
    stored, _config = rounds.required()
    found = consolidation.current()
    plan = found.plan()
    return render_template(
        "exports/index.html",
        stored=stored,
        cons=found.cons,
        plan=plan,
        counted=len(found.cons.counted),
        flagged=len(found.cons.flagged),
        approved_count=sum(1 for u in plan.units for line in u.lines if line.approved is not None),
        project_count=sum(len(u.lines) for u in plan.units),
    )


@bp.route("/consolidated.xlsx")
@roles(REVIEWER, FINANCE)
def consolidated():
    stored, _config = rounds.required()
    data = years.current_findings().workbook(made_at=now())
    name = f"{stored.title}汇总表.xlsx"
    _audited("汇总表", name)
    return files.send(data, name, files.XLSX)


@bp.route("/allocation-plan.xlsx")
@roles(REVIEWER, FINANCE)
def allocation_plan():
    stored, _config = rounds.required()
    buffer = io.BytesIO()
    write_allocation_plan(buffer, consolidation.current().plan(), made_at=now())
    name = f"{stored.title}分配方案.xlsx"
    _audited("分配方案", name)
    return files.send(buffer.getvalue(), name, files.XLSX)


@bp.route("/audit-log.xlsx")
@roles(REVIEWER)
def audit_log():
    stored, _config = rounds.required()
    lines = repository.audit_lines(db.session(), stored.id, scope=scope())
    buffer = io.BytesIO()
    write_audit_log(buffer, lines, title=stored.title, made_at=now())
    name = f"{stored.title}操作日志.xlsx"
    _audited("操作日志", name)
    return files.send(buffer.getvalue(), name, files.XLSX)
