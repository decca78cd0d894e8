"""Reminders (催报): the units that still owe a required table or had one returned, with their
contacts and a message to copy, or the whole list as a workbook. For admin and finance."""

from __future__ import annotations

import io

from flask import Blueprint, render_template

from budget_planner.export.reminders import write_reminders
from budget_planner.storage import repository
from budget_planner.web import db, files, rounds
from budget_planner.web.access import FINANCE, REVIEWER, roles, scope
from budget_planner.web.dashboard import now

bp = Blueprint("reminders", __name__)


def _reminders():
    stored, config = rounds.required()
    found = repository.reminders(db.session(), stored.id, scope=scope(), now=now())
    return stored, config, found


@bp.route("/reminders")
@roles(REVIEWER, FINANCE)
def index():
    stored, config, found = _reminders()
    return render_template(
        "reminders/index.html",
        stored=stored,
        reminders=found,
        deadline=rounds.deadline(config, now()),
        text="\n\n".join(
            f"{r.message}\n（联系人：{r.contact or '未登记'} {r.phone}）" for r in found
        ),
    )


@bp.route("/reminders.xlsx")
@roles(REVIEWER, FINANCE)
def workbook():
    stored, _config, found = _reminders()
    buffer = io.BytesIO()
    write_reminders(
        buffer, found, round_title=stored.title, deadline=stored.deadline, made_at=now()
    )
    return files.send(buffer.getvalue(), f"{stored.title}-催报名单.xlsx", files.XLSX)
