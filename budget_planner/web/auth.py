"""Sign in, sign out, change the password (forced for one-time passwords); login events audited."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from budget_planner.errors import UsageError
from budget_planner.storage import models, repository
from budget_planner.web import db, sessions, throttle
from budget_planner.web.access import SiteUser, session_token, user
from budget_planner.web.errors import TIMED_OUT
from budget_planner.web.extensions import login_manager
from budget_planner.web.forms import LoginForm, PasswordForm

bp = Blueprint("auth", __name__)

# endpoints a user who must change the password may still reach
OPEN_ENDPOINTS = {"auth.login", "auth.logout", "auth.change_password", "static"}


def site_user(account: models.User) -> SiteUser:
    unit = account.unit
    return SiteUser(
        id=account.id,
        username=account.username,
        unit_id=account.unit_id,
        unit_name=unit.short_name if unit is not None else None,
        reviewer=bool(account.reviewer),
        finance=bool(account.finance),
        must_change_password=bool(account.must_change_password),
        token=session_token(account.password_hash),
    )


@login_manager.user_loader
def load_user(session_id: str) -> SiteUser | None:
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit():
        return None
    account = db.session().get(models.User, int(user_id))
    if account is None or not account.active:
        return None
    found = site_user(account)
    return found if found.token == token else None


@login_manager.unauthorized_handler
def unauthorized():
    if request.path.startswith("/api/"):
        abort(401)
    if getattr(session, "ran_out", False):  # it was signed in: its session ran out meanwhile
        flash(TIMED_OUT, "error")
    else:
        flash(login_manager.login_message, "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


@bp.before_app_request
def force_password_change():
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        and request.endpoint not in OPEN_ENDPOINTS
    ):
        flash("这是一次性密码，请先设置您自己的密码。", "info")
        return redirect(url_for("auth.change_password"))
    return None


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site (never another host) is followed after login."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        refusal = throttle.claim(form.username.data)  # too many failures: not even tried
        if refusal is not None:
            flash(refusal, "error")
            return render_template("auth/login.html", form=form), 429
        try:
            account = repository.authenticate(  # audits the success or the failure
                db.session(), form.username.data, form.password.data, detail=_client()
            )
        except Exception:
            throttle.settle(form.username.data, failed=None)  # not checked: nothing counts
            raise
        throttle.settle(form.username.data, failed=account is None)
        if account is not None:
            sessions.rotate()  # a new session id and CSRF token: nothing seen before counts after
            login_user(site_user(account))
            if account.must_change_password:
                return redirect(url_for("auth.change_password"))
            return redirect(_safe_next(request.args.get("next")) or url_for("dashboard.index"))
        flash("用户名或密码不正确。", "error")
    return render_template("auth/login.html", form=form)


def _client() -> str:
    return f"来自 {request.remote_addr}" if request.remote_addr else ""


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    repository.audit(db.session(), user(), repository.Action.LOGOUT, unit_id=user().unit_id)
    logout_user()
    sessions.end()  # this session only: the account's other sessions stay signed in
    flash("您已退出登录。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            account = repository.change_password(
                db.session(), user().id, form.new.data, current_password=form.current.data
            )
        except UsageError as exc:
            form.current.errors = [*form.current.errors, str(exc)]
        else:
            # every session of the account was ended (and its API token revoked) with the change;
            # this browser goes on in a new one
            sessions.rotate()
            login_user(site_user(account))
            flash("密码已修改。", "success")
            return redirect(url_for("dashboard.index"))
    return render_template("auth/password.html", form=form)
