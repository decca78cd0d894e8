"""The 待审核 queue (for 审核): the round's versions submitted and awaiting review, oldest
first, each a link straight to its review page."""

from __future__ import annotations

from flask import Blueprint, render_template

from budget_planner.storage.queue import waiting
from budget_planner.web import db, rounds
from budget_planner.web.access import REVIEWER, roles, scope

bp = Blueprint("queue", __name__)


@bp.route("/queue")
@roles(REVIEWER)
def index():
    stored, _config = rounds.required()
    return render_template(
        "queue/index.html", stored=stored, waiting=waiting(db.session(), stored.id, scope=scope())
    )
