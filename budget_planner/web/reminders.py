"""Reminders (催报): the units that still owe a required table or had one returned, with their
contacts and a message to copy, or the whole list as a workbook. For admin and finance."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from budget_planner.export.reminders import write_reminders
from budget_planner.storage import repository
from budget_planner.storage.reminder_log import How, record_sent, sent
from budget_planner.web import db, files, rounds
from budget_planner.web.access import FINANCE, REVIEWER, roles, scope, user
from budget_planner.web.dashboard import now
from budget_planner.web.forms import ActionForm

bp = Blueprint("reminders", __name__)


def _reminders():
    stored, config = rounds.required()
    found = repository.reminders(db.session(), stored.id, scope=scope(), now=now())
    return stored, config, found


@bp.route("/reminders")
@roles(REVIEWER, FINANCE)
def index():
    stored, config, found = _reminders()
    history = sent(db.session(), stored.id)
    return render_template(
        "reminders/index.html",
        stored=stored,
        reminders=found,
        deadline=rounds.deadline(config, now()),
        text="\n\n".join(
            f"{r.message}\n（联系人：{r.contact or '未登记'} {r.phone}）" for r in found
        ),
        sent=history,
        last={s.unit_id: s for s in reversed(history)},  # the newest per unit
    )


@bp.route("/reminders/sent", methods=["POST"])
@roles(REVIEWER, FINANCE)
def record_copied():
    """The reminder text was copied and sent: record it for every unit listed now."""
    stored, _config, found = _reminders()
    if not ActionForm().validate_on_submit():
        abort(400)
    count = record_sent(
        db.session(), stored.id, [r.unit_id for r in found], How.COPIED, actor=user()
    )
    flash(f"已记录：向 {count} 个单位发送了催报。", "success")
    return redirect(url_for("reminders.index"))


@bp.route("/reminders.xlsx")
@roles(REVIEWER, FINANCE)
def workbook():
    stored, _config, found = _reminders()
    record_sent(db.session(), stored.id, [r.unit_id for r in found], How.EXPORTED, actor=user())
    buffer = io.BytesIO()
    write_reminders(
        buffer, found, round_title=stored.title, deadline=stored.deadline, made_at=now()
    )
    return files.send(buffer.getvalue(), f"{stored.title}-催报名单.xlsx", files.XLSX)
