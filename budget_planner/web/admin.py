"""The provincial admin: open and close the round, grant one unit 补报, create, reset, unlock and
disable accounts, upload on a unit's behalf, read the audit log. Every view here is for admin
accounts only (403 for the others). Closing the round, resetting a password and generating
accounts ask for a confirmation first (a POST without ``confirm=yes`` shows what will happen)."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from budget_planner.errors import UsageError
from budget_planner.storage import repository
from budget_planner.storage.audit import LOGIN_ACTIONS
from budget_planner.web import db, queries, rounds, uploads
from budget_planner.web.access import REVIEWER, roles, scope, user
from budget_planner.web.forms import ActionForm, UploadForm, choice
from budget_planner.web.round_admin import password_sheet

bp = Blueprint("admin", __name__, url_prefix="/admin")
AUDIT_PAGE = 300


@bp.before_request
@roles(REVIEWER)
def _admin_only():
    return None


def _confirmed() -> bool:
    return request.form.get("confirm") == "yes"


def _confirm(title: str, message: str, button: str, **fields: str):
    """The confirmation step: the same POST again, with ``confirm=yes``."""
    return render_template(
        "admin/confirm.html",
        title=title,
        message=message,
        button=button,
        action=request.path,
        fields=fields,
    )


@bp.route("/")
def index():
    stored, config = rounds.required()
    session = db.session()
    accounts = repository.list_users(session, within=user().unit_id)
    return render_template(
        "admin/index.html",
        stored=stored,
        config=config,
        accounts=accounts,
        locks=repository.sign_in_locks(session, accounts),
        grants=repository.late_grants(session, stored.id),
        action_form=ActionForm(),
    )


def _round_action(action, done: str):
    stored, _config = rounds.required()
    if ActionForm().validate_on_submit():
        try:
            action(db.session(), stored.id, actor=user())
        except UsageError as exc:
            flash(str(exc), "error")
        else:
            flash(done, "success")
    return redirect(url_for("admin.index"))


@bp.route("/round/open", methods=["POST"])
def open_round():
    return _round_action(repository.open_round, "已开放征集：各单位现在可以上传和提交。")


@bp.route("/round/close", methods=["POST"])
def close_round():
    stored, config = rounds.required()
    if not _confirmed():
        return _confirm(
            "确认关闭征集",
            f"关闭“{stored.title}”后，各单位不能再上传、提交或撤回提交；已提交的版本保持不变，"
            f"{config.collector.office}仍可代为上传。如个别单位需要补报，可在管理页准予该单位补报至某日。",
            "确认关闭征集",
        )
    return _round_action(repository.close_round, "已关闭征集：各单位不能再上传或提交。")


@bp.route("/late", methods=["POST"])
def grant_late():
    """补报: one unit may upload and submit after 关闭征集 until the end of a day (or no more)."""
    stored, config = rounds.required()
    if not ActionForm().validate_on_submit():
        abort(400)
    unit = config.unit(request.form.get("unit", ""))
    if unit is None:
        flash("请选择准予补报的单位。", "error")
        return redirect(url_for("admin.index"))
    text = (request.form.get("until") or "").strip()
    try:
        until = dt.date.fromisoformat(text) if text else None
    except ValueError:
        flash("补报截止日期应为日期，如 2024-01-05。", "error")
        return redirect(url_for("admin.index"))
    try:
        repository.grant_late(db.session(), stored.id, unit.short_name, until, actor=user())
    except UsageError as exc:
        flash(str(exc), "error")
    else:
        if until is None:
            flash(f"已取消{unit.short_name}的补报。", "success")
        else:
            flash(
                f"已准予{unit.short_name}补报至 {until:%Y年%m月%d日}（当日 24 时止）。", "success"
            )
    return redirect(url_for("admin.index"))


@bp.route("/accounts", methods=["POST"])
def create_accounts():
    stored, config = rounds.required()
    if not _confirmed():
        return _confirm(
            "确认生成账号",
            f"将为“{stored.title}”中尚无账号的单位（共 {len(config.units)} 个单位）生成账号和一次性"
            "密码；密码只显示这一次，请在下一页复制或打印后妥善交给各单位。已有账号的单位不受影响。",
            "确认生成账号",
        )
    ActionForm().validate_on_submit()
    created = repository.create_unit_accounts(db.session(), stored.id, actor=user())
    title = "新建的单位账号"
    sheet = password_sheet(created, title)
    return render_template("admin/passwords.html", created=created, title=title, sheet=sheet)


def _account_or_404(user_id: int):
    """An account of a unit the signed-in 审核 looks after (its unit or below); others are 404."""
    session = db.session()
    account = queries.get_user_by_id(session, user_id)
    if account is None or not repository.manages(session, user(), account.unit_id):
        abort(404)
    return account


@bp.route("/accounts/<int:user_id>/reset", methods=["POST"])
def reset_password(user_id: int):
    account = _account_or_404(user_id)
    if not _confirmed():
        return _confirm(
            f"确认重置“{account.username}”的密码",
            f"“{account.username}”现在的密码将立即失效，其 API 令牌作废、登录锁定解除；"
            "新的一次性密码只显示一次，对方首次登录时须修改。",
            "确认重置密码",
        )
    ActionForm().validate_on_submit()
    password = repository.reset_password(db.session(), account.username, actor=user())
    unit = account.unit.short_name if account.unit else ""
    full = account.unit.full_name if account.unit else ""
    created = [repository.NewAccount(unit, full, account.username, password)]
    sheet = password_sheet(created, "已重置密码")
    return render_template("admin/passwords.html", created=created, title="已重置密码", sheet=sheet)


@bp.route("/accounts/<int:user_id>/unlock", methods=["POST"])
def unlock(user_id: int):
    account = _account_or_404(user_id)
    if ActionForm().validate_on_submit():
        if repository.unlock(db.session(), account.username, actor=user()):
            flash(f"已解除“{account.username}”的登录锁定。", "success")
        else:
            flash(f"“{account.username}”没有被锁定。", "info")
    return redirect(url_for("admin.index"))


@bp.route("/accounts/<int:user_id>/active", methods=["POST"])
def set_active(user_id: int):
    """Disable an account (it cannot sign in, its sessions end, its API token is revoked) or
    enable it again."""
    account = _account_or_404(user_id)
    if ActionForm().validate_on_submit():
        active = request.form.get("active") == "1"
        try:
            repository.set_active(db.session(), account.username, active, actor=user())
        except UsageError as exc:
            flash(str(exc), "error")
        else:
            word = "启用" if active else "停用"
            flash(f"已{word}账号“{account.username}”。", "success")
    return redirect(url_for("admin.index"))


@bp.route("/upload", methods=["GET", "POST"])
def upload():
    """Upload on a unit's behalf (what arrived by e-mail); audited as 代为上传."""
    _stored, config = rounds.required()
    form = UploadForm()
    form.unit.choices = [choice("", "（请选择单位）")] + [
        choice(u.short_name, u.short_name) for u in config.units
    ]
    if request.method == "GET" and request.args.get("unit"):
        form.unit.data = request.args["unit"]
    chosen = form.unit.data if form.unit.data in {u.short_name for u in config.units} else None
    return uploads.upload_page(form, chosen, on_behalf=True)


@bp.route("/audit")
def audit():
    """This round's entries and those of no round (accounts, resets, unlocks), with the unit
    each concerns; sign-ins listed apart."""
    stored, _config = rounds.required()
    session = db.session()
    entries = repository.audit_lines(
        session,
        stored.id,
        scope=scope(),
        limit=AUDIT_PAGE,
        roundless=True,
        without=LOGIN_ACTIONS,
    )
    logins = repository.audit_lines(session, None, scope=scope(), limit=50, actions=LOGIN_ACTIONS)
    return render_template("admin/audit.html", entries=entries, logins=logins, limit=AUDIT_PAGE)
