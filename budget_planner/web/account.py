"""账号设置: the signed-in user's own account — who it is, 修改密码, and its API token (make one,
shown once; or revoke it). The token lives here, not in every clerk's menu."""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_login import login_required

from budget_planner.storage import models, repository
from budget_planner.web import db
from budget_planner.web.access import user
from budget_planner.web.after_post import shown_once
from budget_planner.web.forms import ActionForm, PasswordForm

bp = Blueprint("account", __name__, url_prefix="/account")


def _account() -> models.User:
    found = db.session().get(models.User, user().id)
    if found is None:
        abort(404)
    return found


def _page(token: str | None = None):
    return render_template(
        "account/settings.html", account=_account(), token=token, password_form=PasswordForm()
    )


@bp.route("/")
@login_required
def settings():
    return _page()


@bp.route("/token")
@login_required
def token():
    return _page()


@bp.route("/token", methods=["POST"])
@login_required
def new_token():
    if not ActionForm().validate_on_submit():
        abort(400)
    made = repository.issue_token(db.session(), user().id, actor=user())
    shown_once()  # the token is shown once, never kept
    response = make_response(_page(made))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/token/revoke", methods=["POST"])
@login_required
def revoke_token():
    if not ActionForm().validate_on_submit():
        abort(400)
    if repository.revoke_token(db.session(), user().id, actor=user()):
        flash("API 令牌已作废，使用它的程序将无法再访问。", "success")
    return redirect(url_for("account.settings"))
