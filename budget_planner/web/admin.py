"""The provincial admin: open and close the round, create and reset accounts, upload on a unit's
behalf, read the audit log. Every view here is for admin accounts only (403 for the others)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from budget_planner.errors import UsageError
from budget_planner.storage import repository
from budget_planner.storage.audit import ACTION_LABELS
from budget_planner.web import db, queries, rounds, uploads
from budget_planner.web.access import ADMIN, roles, user
from budget_planner.web.forms import ActionForm, UploadForm, choice

bp = Blueprint("admin", __name__, url_prefix="/admin")
AUDIT_PAGE = 300


@bp.before_request
@roles(ADMIN)
def _admin_only():
    return None


@bp.route("/")
def index():
    stored, config = rounds.required()
    return render_template(
        "admin/index.html",
        stored=stored,
        config=config,
        accounts=repository.list_users(db.session()),
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
    return _round_action(repository.close_round, "已关闭征集：各单位不能再上传或提交。")


@bp.route("/accounts", methods=["POST"])
def create_accounts():
    stored, _config = rounds.required()
    ActionForm().validate_on_submit()
    created = repository.create_unit_accounts(db.session(), stored.id, actor=user())
    return render_template("admin/passwords.html", created=created, title="新建的单位账号")


@bp.route("/accounts/<int:user_id>/reset", methods=["POST"])
def reset_password(user_id: int):
    account = queries.get_user_by_id(db.session(), user_id)
    if account is None:
        abort(404)
    ActionForm().validate_on_submit()
    password = repository.reset_password(db.session(), account.username, actor=user())
    unit = account.unit.short_name if account.unit else ""
    created = [repository.NewAccount(unit, "", account.username, password)]
    return render_template("admin/passwords.html", created=created, title="已重置密码")


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
    stored, _config = rounds.required()
    entries = repository.audit_log(db.session(), stored.id, scope=user(), limit=AUDIT_PAGE)
    logins = repository.audit_log(
        db.session(),
        None,
        scope=user(),
        actions=("login", "login.failed", "login.throttled", "logout"),
        limit=50,
    )
    return render_template(
        "admin/audit.html", entries=entries, logins=logins, labels=ACTION_LABELS, limit=AUDIT_PAGE
    )
