"""Across years and units, for finance and admin (issue 19, docs/years.md): the findings page
(重复申报, 延续, the 申报书s whose 新增/延续 box disagrees, the 政策依据 index), the comparison with
last year (``/last-year/``), where 审核 imports last year's 分配方案 in the service's first year, and
the same in the API (``/api/v1/reports/findings``, ``/api/v1/reports/last-year``). The tables are
``aggregate.findings_tables``'s, so the pages, the API and the consolidated workbook agree."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from budget_planner.aggregate.findings_tables import (
    Table,
    continued_table,
    doubles_table,
    mismatches_table,
    policy_table,
    years_table,
)
from budget_planner.aggregate.plan_reader import read_last_year_plan
from budget_planner.app.findings import RoundFindings, round_findings
from budget_planner.errors import UnreadableFile, UsageError
from budget_planner.matching import Continuation
from budget_planner.money import plain
from budget_planner.storage import last_year
from budget_planner.storage.scope import PermissionDenied
from budget_planner.storage.uploads import clean_file_name
from budget_planner.web import api as api_module
from budget_planner.web import db, rounds
from budget_planner.web.access import FINANCE, REVIEWER, in_round, roles, scope, user
from budget_planner.web.forms import ActionForm

bp = Blueprint("years", __name__)
api = api_module.bp  # the API's routes of this module join ``web/api.py``'s (``/api/v1/…``)


def current_findings() -> RoundFindings:
    stored, config = rounds.required()
    return round_findings(db.session(), stored, config, scope=scope())


def continuation_marks() -> dict[str, Continuation]:
    """The round's 延续 rows by project key (the 核定 page marks them with last year's amounts)."""
    return {c.row.key: c for c in current_findings().findings.continuations}


@bp.route("/findings/")
@roles(REVIEWER, FINANCE)
def findings():
    found = current_findings()
    tables = [doubles_table(found.findings)]
    if found.findings.last_year is not None:
        tables += [continued_table(found.findings), mismatches_table(found.findings)]
    tables.append(policy_table(found.findings.policy))
    return render_template(
        "years/findings.html", found=found, tables=tables, previous=found.previous
    )


@bp.route("/last-year/")
@roles(REVIEWER, FINANCE)
def index():
    stored, _config = rounds.required()
    found = current_findings()
    previous = found.previous
    return render_template(
        "years/last_year.html",
        stored=stored,
        previous=previous,
        imported=last_year.imported(db.session(), previous.id) if previous else None,
        table=years_table(found.comparison) if found.comparison else None,
        may_import=REVIEWER in in_round().roles,
        form=ActionForm(),
    )


@bp.route("/last-year/import", methods=["POST"])
@roles(REVIEWER)
def import_plan():
    """Last year's 分配方案 (the service's own workbook, or a sheet with its columns): imported
    whole as a closed round of last year, or not at all."""
    stored, _config = rounds.required()
    form = ActionForm()
    upload = request.files.get("plan_file")
    if not form.validate_on_submit() or upload is None or not upload.filename:
        flash("请选择上年分配方案（Excel 文件）。", "error")
        return redirect(url_for("years.index"))
    name = clean_file_name(upload.filename)
    data = upload.read()
    try:
        plan = read_last_year_plan(data, name, parse=current_app.config.get("VALIDATION_PARSE"))
        made = last_year.import_plan(db.session(), stored.id, plan, data, name, actor=user())
    except UnreadableFile as exc:
        flash(f"上年分配方案“{name}”无法读取：{exc.message}", "error")
    except (UsageError, PermissionDenied) as exc:
        flash(str(exc), "error")
    else:
        flash(
            f"已导入上年分配方案“{name}”：{len(plan.lines)} 个项目，作为“{made.title}”。", "success"
        )
    return redirect(url_for("years.index"))


def _json_table(table: Table) -> dict[str, Any]:
    def cell(value: object) -> object:
        return plain(value) if isinstance(value, Decimal) else value

    return {
        "title": table.title,
        "note": table.note,
        "headers": list(table.headers),
        "rows": [[cell(v) for v in row] for row in table.rows],
    }


def _ref(ref) -> dict[str, Any]:
    return {
        "unit": ref.unit,
        "table": ref.table,
        "project": ref.name,
        "source": ref.source,
        "amount": plain(ref.amount),
        "approved": plain(ref.approved),
        "key": ref.key,
    }


@api.route("/reports/findings")
@roles(REVIEWER, FINANCE)
def reports_findings():
    """重复申报, 延续, continuation.mismatch and the 政策依据 index of the round (审核, 财务)."""
    found = current_findings().findings
    index = found.policy
    return jsonify(
        {
            "double_requests": [
                {"first": _ref(d.first), "second": _ref(d.second), "reason": d.match.reason}
                for d in found.doubles
            ],
            "continuations": [
                {"row": _ref(c.row), "last_year": _ref(c.last_year), "reason": c.match.reason}
                for c in found.continuations
            ],
            "mismatches": [
                {"code": m.code, "row": _ref(m.row), "declared": m.declared, "message": m.message}
                for m in found.mismatches
            ],
            "policy_index": {
                "documents": [
                    {"title": d.title, "total": plain(d.total), "rows": [_ref(r) for r in d.rows]}
                    for d in index.documents
                ],
                "round_total": plain(index.round_total),
                "documents_total": plain(index.documents_total),
                "adds_up": index.adds_up,
                "note": index.note,
            },
            "last_year": found.last_year.title if found.last_year else None,
        }
    )


@api.route("/reports/last-year")
@roles(REVIEWER, FINANCE)
def reports_last_year():
    """This year against last year, per unit and per 类型 (审核, 财务); null without last year."""
    comparison = current_findings().comparison
    return jsonify({"comparison": _json_table(years_table(comparison)) if comparison else None})
