"""Reconciliation for finance (and admin): control numbers (a file as docs/contracts.md describes, or typed
in), each unit's 表四 against its control number, the 预算表 checks, 核定金额 per project, and 发布.

核定金额 are kept by project key (they survive a resubmission) and audited. They may be entered
only on the rows of a counted version that is 已提交 or 已通过, without errors, whose row has a
项目名称; the page shows every other counted row with the reason it cannot take one. An amount
above what the project asked for, a 核减 without its reason, or one that would take a unit's 表四
above its control number, is refused with nothing saved. A stored amount whose project is no longer
eligible is kept but left out of the plan, and listed here. Units see only what was last published.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from budget_planner.aggregate.control import read_control
from budget_planner.errors import UnreadableFile, UsageError
from budget_planner.storage import repository
from budget_planner.storage.uploads import clean_file_name
from budget_planner.templates.spec import COLLECTION_TABLES, CONTROLLED_TABLE
from budget_planner.validators.read.amounts import parse_amount
from budget_planner.web import consolidation, db, rounds, years
from budget_planner.web.access import FINANCE, REVIEWER, roles, scope, user
from budget_planner.web.forms import ActionForm
from budget_planner.web.paging import paginate, requested_page

bp = Blueprint("reconcile", __name__, url_prefix="/reconciliation")
ACCEPTED = (None, "amount.normalised")  # typed amounts: "45", "45.5", "1,200", "４５"
NOT_AN_AMOUNT = "请填写金额（万元，最多 4 位小数），如 45 或 45.5"


@bp.before_request
@roles(REVIEWER, FINANCE)
def _finance_only():
    return None


def typed_amount(text: str) -> tuple[Decimal | None, str | None]:
    """(amount, None), (None, None) for a blank, or (None, the reason it is not an amount)."""
    text = (text or "").strip()
    if not text:
        return None, None
    parsed = parse_amount(text, numbers_are_text=True)
    if parsed.value is None or parsed.issue not in ACCEPTED:
        return None, NOT_AN_AMOUNT
    if parsed.value < 0:
        return None, "金额不能为负数"
    return parsed.value, None


@bp.route("/")
def index():
    stored, _config = rounds.required()
    found = consolidation.current()
    rec = found.cons.reconciliation
    assert rec is not None
    whole = found.plan()
    plan = {u.unit: u for u in whole.every_unit}
    approved_total = sum((u.approved(CONTROLLED_TABLE) for u in plan.values()), Decimal(0))
    unbudgeted = paginate(rec.unbudgeted, requested_page())
    return render_template(
        "reconcile/index.html",
        stored=stored,
        units=repository.units(db.session(), stored.id, scope=scope()),
        rec=rec,
        plan=plan,
        approved_total=approved_total,
        held=found.view.held,
        publication=repository.latest_publication(db.session(), stored.id),
        unbudgeted=unbudgeted,
        page_url=lambda n: url_for("reconcile.index", page=n, _anchor="unbudgeted"),
        controlled=CONTROLLED_TABLE,
        form=ActionForm(),
    )


@bp.route("/publish", methods=["POST"])
def publish():
    """发布: a snapshot of the plan's 核定金额, the only figures units see."""
    stored, _config = rounds.required()
    if not ActionForm().validate_on_submit():
        abort(400)
    done = repository.publish(db.session(), stored.id, actor=user())
    flash(
        f"已发布第 {done.number} 次核定金额（{len(done.lines)} 个项目）：各单位现在可以看到。"
        "此后的修改在再次发布前单位看不到。",
        "success",
    )
    return redirect(url_for("reconcile.index"))


@bp.route("/control", methods=["POST"])
def control():
    """Control numbers typed into the table (a blank leaves a unit's as it is)."""
    stored, _config = rounds.required()
    if not ActionForm().validate_on_submit():
        abort(400)
    amounts: dict[str, Decimal] = {}
    wrong = []
    for unit in repository.units(db.session(), stored.id, scope=scope()):
        amount, problem = typed_amount(request.form.get(f"control-{unit.id}", ""))
        if problem:
            wrong.append(f"{unit.short_name}：{problem}")
        elif amount is not None:
            amounts[unit.short_name] = amount
    if wrong:
        flash("控制数未保存：" + "；".join(wrong), "error")
    else:
        repository.set_control_numbers(db.session(), stored.id, amounts, actor=user())
        flash(f"已保存 {len(amounts)} 个单位的控制数。", "success")
    return redirect(url_for("reconcile.index"))


@bp.route("/control/file", methods=["POST"])
def control_file():
    """A control-number file (xlsx or CSV, columns 单位 and 控制数): imported whole, or not at all
    when it has errors."""
    stored, config = rounds.required()
    form = ActionForm()
    upload = request.files.get("control_file")
    if not form.validate_on_submit() or upload is None or not upload.filename:
        flash("请选择控制数文件（Excel 或 CSV）。", "error")
        return redirect(url_for("reconcile.index"))
    name = clean_file_name(upload.filename)
    try:
        found = read_control(
            upload.read(), name, config, parse=current_app.config.get("VALIDATION_PARSE")
        )
    except UnreadableFile as exc:
        flash(f"控制数文件“{name}”无法读取：{exc.message}", "error")
        return redirect(url_for("reconcile.index"))
    issues = [i.to_dict() for i in found.report.issues]
    if not found.ok or not found.amounts:
        return render_template(
            "reconcile/control_file.html", name=name, issues=issues, imported=None
        )
    repository.set_control_numbers(
        db.session(), stored.id, found.amounts, actor=user(), source=name
    )
    return render_template(
        "reconcile/control_file.html", name=name, issues=issues, imported=found.amounts
    )


def _unit_or_404(unit_id: int):
    stored, _config = rounds.required()
    unit = repository.unit_of(db.session(), unit_id, scope=scope(), round_id=stored.id)
    if unit is None:
        abort(404)
    return stored, unit


@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
def unit(unit_id: int):
    """One unit's projects with 申报金额, the 核定金额 finance enters and each 核减's reason; the
    rows that cannot take one, and why; amounts held out of the plan. A page of ``PAGE_SIZE`` rows
    at a time (the totals are the whole unit's); saving changes the projects of the page."""
    stored, found = _unit_or_404(unit_id)
    number = requested_page()
    session = db.session()
    typed: dict[str, str] = {}
    reasons: dict[str, str] = {}
    problems: dict[str, str] = {}
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        changes: dict[str, Decimal | None] = {}
        for name, key in request.form.items():
            if not name.startswith("key-"):
                continue
            text = request.form.get("amount-" + name[4:], "")
            typed[key] = text
            reasons[key] = request.form.get("reason-" + name[4:], "")
            amount, problem = typed_amount(text)
            if problem:
                problems[key] = problem
            else:
                changes[key] = amount
        if not problems:
            try:
                count = repository.set_allocations(
                    session, stored.id, found.short_name, changes, actor=user(), reasons=reasons
                )
            except repository.AllocationRefused as exc:
                problems = exc.problems
            else:
                flash(f"已保存 {count} 项核定金额。" if count else "核定金额没有变化。", "success")
                return redirect(url_for("reconcile.unit", unit_id=unit_id, page=number))
        flash("核定金额未保存，请按提示修改：" + "；".join(problems.values()), "error")
    view = repository.allocation_view(session, stored.id, scope=unit_id)
    projects = view.projects
    approved = {k: a.amount for k, a in view.stored.items()}
    saved_reasons = {k: a.reason for k, a in view.stored.items()}
    control = repository.control_numbers(session, stored.id, scope=unit_id).get(found.short_name)
    ordered: list[tuple[str, Any, bool]] = []  # (table, row, refused) in the order shown
    for table in COLLECTION_TABLES:
        ordered += [(table, p, False) for p in projects.values() if p.table == table]
        ordered += [(table, r, True) for r in view.refused if r.table == table]
    page = paginate(ordered, number)
    tables = []
    for table in COLLECTION_TABLES:
        on_page = [row for t, row, refused in page.items if t == table and not refused]
        refused_on_page = [row for t, row, refused in page.items if t == table and refused]
        if on_page or refused_on_page:
            rows = [p for p in projects.values() if p.table == table]
            asked = sum((p.amount or Decimal(0) for p in rows), Decimal(0))
            given = sum((approved.get(p.key, Decimal(0)) for p in rows), Decimal(0))
            tables.append((table, on_page, refused_on_page, asked, given))
    controlled = [p for p in projects.values() if p.table == CONTROLLED_TABLE]
    approved_controlled = sum((approved.get(p.key, Decimal(0)) for p in controlled), Decimal(0))
    return render_template(
        "reconcile/unit.html",
        stored=stored,
        unit=found,
        tables=tables,
        approved=approved,
        saved_reasons=saved_reasons,
        held=view.held if number == 1 else [],
        page=page,
        page_url=lambda n: url_for("reconcile.unit", unit_id=unit_id, page=n),
        typed=typed,
        reasons=reasons,
        problems=problems,
        control=control,
        requested_controlled=sum((p.amount or Decimal(0) for p in controlled), Decimal(0)),
        approved_controlled=approved_controlled,
        controlled=CONTROLLED_TABLE,
        form=ActionForm(),
        marks=years.continuation_marks(),  # 延续 (issue 19): last year's 申报 and 核定 by key
    )


@bp.errorhandler(UsageError)
def _refused(error: UsageError):
    flash(str(error), "error")
    return redirect(url_for("reconcile.index"))
