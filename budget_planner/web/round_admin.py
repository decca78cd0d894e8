"""The admin's round tools beside ``admin.py``: moving the round's deadline (audited: who, the old
date, the new one) and the one-time password sheet, offered as an .xlsx once when accounts are
generated or a password is reset (``storage/one_time.py``: never kept in clear, gone after its one
download). For 审核 of the collecting unit only."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from budget_planner.errors import UsageError
from budget_planner.export.accounts import AccountLine, write_accounts
from budget_planner.storage import one_time
from budget_planner.storage.deadlines import set_deadline
from budget_planner.web import db, files, rounds
from budget_planner.web.access import REVIEWER, roles, user
from budget_planner.web.forms import ActionForm

bp = Blueprint("round_admin", __name__, url_prefix="/admin")


@bp.before_request
@roles(REVIEWER)
def _admin_only():
    return None


@bp.route("/deadline", methods=["POST"])
def deadline():
    stored, _config = rounds.required()
    if not ActionForm().validate_on_submit():
        abort(400)
    text = (request.form.get("deadline") or "").strip()
    try:
        wanted = dt.date.fromisoformat(text)
    except ValueError:
        flash("截止日期应为日期，如 2024-01-05。", "error")
        return redirect(url_for("admin.index"))
    try:
        old, new = set_deadline(db.session(), stored.id, wanted, actor=user())
    except UsageError as exc:
        flash(str(exc), "error")
    else:
        flash(
            f"报送截止日期已由 {old:%Y年%m月%d日} 改为 {new:%Y年%m月%d日}（当日 24 时止）。",
            "success",
        )
    return redirect(url_for("admin.index"))


def password_sheet(created: Sequence[AccountLine], title: str) -> str | None:
    """Seal the sheet of ``created`` for the signed-in admin; the link to its one download (None
    when there is nothing to hand over)."""
    if not created:
        return None
    stored, _config = rounds.required()
    buffer = io.BytesIO()
    write_accounts(buffer, created, title=f"{stored.title}：{title}")
    name = f"{stored.title}-{title}-一次性密码.xlsx"
    token = one_time.keep(db.session(), user().id, name, buffer.getvalue())
    return url_for("round_admin.sheet", token=token)


@bp.route("/sheets/<token>")
def sheet(token: str):
    found = one_time.take(db.session(), user().id, token)
    if found is None:
        message = (
            "这份一次性密码表已下载过或已过期（30 分钟内有效，只能下载一次）。"
            "如仍需要，请在账号列表中重置相应账号的密码。"
        )
        page = render_template(
            "errors/error.html", status=410, title="密码表已失效", message=message, back=""
        )
        return page, 410
    name, data = found
    return files.send(data, name, files.XLSX)
