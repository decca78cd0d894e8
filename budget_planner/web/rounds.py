"""The round the site works on: the configured one, else the open one, else the newest."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import abort, current_app, g

from budget_planner.storage import models, repository
from budget_planner.templates.round import BEIJING, Round
from budget_planner.web import db


def current() -> models.Round | None:
    if "site_round" not in g:
        session = db.session()
        wanted = current_app.config.get("ROUND_ID")
        g.site_round = (
            repository.get_round(session, wanted) if wanted else repository.current_round(session)
        )
    return g.site_round


def required() -> tuple[models.Round, Round]:
    """The stored round and its configuration; 404 (a Chinese page) before any round is loaded."""
    stored = current()
    if stored is None:
        abort(404)
    return stored, repository.config_of(stored)


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
