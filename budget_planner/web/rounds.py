"""The round a request is about. Several rounds may be open at once, each collected by its own unit;
a user sees only the rounds it has a part in (``storage.roles.account_rounds``) and works in one at a
time: the one named by ``?round=`` on this request (404 when it is not one of its rounds), else the
one chosen with the selector (remembered in the session), else the configured one (``ROUND_ID``),
else its first (open rounds first, then those its unit collects). Every page, export and API call
reads and acts within that round only; pages of the account itself (password, API token) need none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required

from budget_planner.storage import models, repository
from budget_planner.storage.roles import RoundRoles
from budget_planner.templates.round import BEIJING, Round
from budget_planner.web import db

bp = Blueprint("rounds", __name__)
SESSION_KEY = "round_id"
NOWHERE = RoundRoles("", frozenset(), frozenset(), None, frozenset())


def available() -> list[tuple[models.Round, RoundRoles]]:
    """The signed-in user's rounds, each with its part in it (the selector's choices)."""
    if "site_rounds" not in g:
        account = current_user._get_current_object() if current_user.is_authenticated else None
        g.site_rounds = repository.account_rounds(db.session(), account) if account else []
    found: list[tuple[models.Round, RoundRoles]] = g.site_rounds
    return found


def _choose() -> tuple[models.Round | None, RoundRoles]:
    mine = {stored.id: (stored, found) for stored, found in available()}
    asked = request.args.get("round")
    if asked:  # a round that is not one of the user's reads as absent
        return mine.get(asked, (None, NOWHERE))
    for wanted in (session.get(SESSION_KEY), current_app.config.get("ROUND_ID")):
        if wanted in mine:
            return mine[wanted]
    first = available()
    return first[0] if first else (None, NOWHERE)


def current() -> models.Round | None:
    """The round this request is about (None when the user has no round at all)."""
    if "site_round" not in g:
        g.site_round, g.round_roles = _choose()
    found: models.Round | None = g.site_round
    return found


def required() -> tuple[models.Round, Round]:
    """The stored round and its configuration; 404 (a Chinese page) when the user has none."""
    stored = current()
    if stored is None:
        abort(404)
    return stored, repository.config_of(stored)


def office() -> str:
    """How the selected round's members name its collector in a sentence: 省局, 市局 …"""
    stored = current()
    return repository.config_of(stored).collector.office if stored is not None else "征集单位"


@bp.route("/round", methods=["POST"])
@login_required
def select():
    """The selector: work in another of one's rounds from now on (this session only)."""
    wanted = request.form.get("round_id", "")
    chosen = next((s for s, _found in available() if s.id == wanted), None)
    if chosen is None:
        abort(404)
    session[SESSION_KEY] = chosen.id
    flash(f"已切换到“{chosen.title}”。", "info")
    return redirect(url_for("dashboard.index"))


@dataclass(frozen=True)
class Deadline:
    end: dt.datetime  # the end of the deadline day, Beijing time
    now: dt.datetime

    @property
    def passed(self) -> bool:
        return self.now > self.end

    @property
    def days_left(self) -> int:
        """Calendar days from today (Beijing) to the deadline day; 0 on the day itself."""
        return (self.end.date() - self.now.astimezone(BEIJING).date()).days


def deadline(config: Round, now: dt.datetime | None = None) -> Deadline:
    return Deadline(config.deadline_end, now or dt.datetime.now(dt.UTC))
