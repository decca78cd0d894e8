"""The unit tree and its accounts, as the 审核 of the selected round looks after them: the units at
and below its own (a 县市区 or 园区 added under a 地市, names and contacts corrected), a new account
for one of them, and what an account holds there (审核, 财务). Everything is limited to the signed-in
account's subtree (``storage.roles.manages``); other units and accounts answer 404. Short names are
never edited (they are in every project key and usually the username)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from budget_planner.errors import UsageError
from budget_planner.storage import models, repository
from budget_planner.storage.accounts import one_time_password
from budget_planner.web import db, queries
from budget_planner.web.access import REVIEWER, roles, user

bp = Blueprint("units", __name__, url_prefix="/admin/units")


@bp.before_request
@roles(REVIEWER)
def _reviewer_only():
    return None


def _unit_or_404(unit_id: int) -> models.Unit:
    session = db.session()
    unit = session.get(models.Unit, unit_id)
    if unit is None or not repository.manages(session, user(), unit.id):
        abort(404)
    return unit


def _account_or_404(user_id: int) -> models.User:
    session = db.session()
    account = queries.get_user_by_id(session, user_id)
    if account is None or not repository.manages(session, user(), account.unit_id):
        abort(404)
    return account


def _flag(name: str) -> bool:
    return request.form.get(name) in ("1", "on", "yes")


@bp.route("/")
def index():
    """The tree below (and with) the signed-in account's unit, each unit with its accounts and the
    rounds it collects or reports in."""
    session = db.session()
    mine = user().unit_id
    tree = repository.outline(session, mine) if mine is not None else []
    accounts: dict[int, list[models.User]] = {}
    for account in repository.list_users(session, within=mine) if mine is not None else []:
        if account.unit_id is not None:
            accounts.setdefault(account.unit_id, []).append(account)
    collects: dict[int, list[models.Round]] = {}
    reports: dict[int, list[models.Round]] = {}
    for stored in repository.list_rounds(session):
        collects.setdefault(stored.collector_id, []).append(stored)
        for unit in stored.units:
            reports.setdefault(unit.id, []).append(stored)
    return render_template(
        "admin/units.html",
        tree=tree,
        accounts=accounts,
        collects=collects,
        reports=reports,
    )


@bp.route("/", methods=["POST"])
def add():
    """A new unit under one the account looks after."""
    chosen = request.form.get("parent_id", type=int)
    if chosen is None:
        flash("请选择上级单位。", "error")
        return redirect(url_for("units.index"))
    parent = _unit_or_404(chosen)
    try:
        added = repository.add_unit(
            db.session(),
            parent.id,
            request.form.get("short_name", ""),
            request.form.get("full_name", ""),
            actor=user(),
            contact=request.form.get("contact", ""),
            phone=request.form.get("phone", ""),
        )
    except UsageError as exc:
        flash(str(exc), "error")
    else:
        flash(f"已在{parent.short_name}下新增单位“{added.short_name}”。", "success")
    return redirect(url_for("units.index"))


@bp.route("/<int:unit_id>", methods=["POST"])
def edit(unit_id: int):
    """A unit's full name, contact and phone."""
    unit = _unit_or_404(unit_id)
    try:
        repository.edit_unit(
            db.session(),
            unit.id,
            actor=user(),
            full_name=request.form.get("full_name"),
            contact=request.form.get("contact"),
            phone=request.form.get("phone"),
        )
    except UsageError as exc:
        flash(str(exc), "error")
    else:
        flash(f"已保存“{unit.short_name}”的信息。", "success")
    return redirect(url_for("units.index"))


@bp.route("/accounts", methods=["POST"])
def add_account():
    """A new account of a unit, holding 审核 and/or 财务 there if asked; its one-time password is
    shown once."""
    chosen = request.form.get("unit_id", type=int)
    if chosen is None:
        flash("请选择账号所属的单位。", "error")
        return redirect(url_for("units.index"))
    unit = _unit_or_404(chosen)

    password = one_time_password()
    try:
        account = repository.create_user(
            db.session(),
            request.form.get("username", ""),
            password,
            unit,
            reviewer=_flag("reviewer"),
            finance=_flag("finance"),
            actor=user(),
        )
    except UsageError as exc:
        flash(str(exc), "error")
        return redirect(url_for("units.index"))
    created = [repository.NewAccount(unit.short_name, unit.full_name, account.username, password)]
    return render_template("admin/passwords.html", created=created, title="新建的账号")


@bp.route("/accounts/<int:user_id>", methods=["POST"])
def holdings(user_id: int):
    """What an account holds within its unit: 审核, 财务, both or neither."""
    account = _account_or_404(user_id)
    try:
        changed = repository.set_holdings(
            db.session(),
            account.username,
            reviewer=_flag("reviewer"),
            finance=_flag("finance"),
            actor=user(),
        )
    except UsageError as exc:
        flash(str(exc), "error")
    else:
        held = "、".join(h.label for h in changed.holdings) or "无审核、财务权限"
        flash(
            f"“{changed.username}”在{account.unit.short_name if account.unit else ''}：{held}。",
            "success",
        )
    return redirect(url_for("units.index"))
