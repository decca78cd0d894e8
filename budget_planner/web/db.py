"""The database for the site: one engine per app, one session per request, closed on teardown."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from budget_planner.storage import db as storage_db
from budget_planner.web import config as site_config

EXTENSION = "budget_planner.db"


def init_app(app: Flask) -> None:
    engine = storage_db.make_engine(app.config.get("DATABASE_URL"), Path(app.instance_path))
    if app.config.get("AUTO_MIGRATE", True):
        storage_db.upgrade(engine)
    sessions = storage_db.make_session_factory(engine)
    app.extensions[EXTENSION] = {"engine": engine, "sessions": sessions}
    if not app.config.get("SECRET_KEY"):  # one key for every server over this database
        with sessions() as session:
            app.config["SECRET_KEY"] = site_config.shared_secret_key(
                session, Path(app.instance_path)
            )
    app.teardown_appcontext(_close)


def session() -> Session:
    """The request's session (created on first use)."""
    if "db" not in g:
        g.db = current_app.extensions[EXTENSION]["sessions"]()
    return g.db


def _close(_exc: BaseException | None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.close()
