"""Flask sessions kept in the database (``storage/sessions.py``) instead of a signed cookie.

The cookie carries a random id only; the data (Flask-Login's user, the CSRF token, flashed
messages) lives in the database, so every app server sees the same sessions and a session can be
ended: logout deletes its row, and a saved cookie replayed afterwards is an anonymous visitor's. A
session is idle-limited (``SESSION_IDLE_HOURS``, default 12; an hour before sign-in): its expiry
moves on as it is used, and expired rows are swept when a new session is made.

``rotate()`` gives the browser a new id and drops the CSRF token (at sign-in, so an id or a token
seen before sign-in is worth nothing after it); ``end()`` ends the session (logout).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask, Request, Response, session
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SessionInterface, SessionMixin
from werkzeug.datastructures import CallbackDict

from budget_planner.storage import sessions as stored
from budget_planner.storage.types import utcnow
from budget_planner.web import db

USER_KEY = "_user_id"  # Flask-Login's key: "<user id>:<token>"
CSRF_KEY = "csrf_token"  # Flask-WTF's key
DEFAULT_IDLE_HOURS = 12
TOUCH_AFTER = dt.timedelta(minutes=10)  # the expiry is moved on at most this often
ANONYMOUS_IDLE = dt.timedelta(hours=1)  # a visitor not signed in (the login form's CSRF token)


class DatabaseSession(CallbackDict, SessionMixin):
    def __init__(
        self,
        initial: dict[str, Any] | None = None,
        token: str | None = None,
        expires_at: dt.datetime | None = None,
    ) -> None:
        def changed(_self: DatabaseSession) -> None:
            _self.modified = True

        super().__init__(initial, changed)
        self.token = token
        self.expires_at = expires_at
        self.modified = False
        self.renew = False  # a new id at the next save (and the old one ended)
        self.ran_out = False  # the browser named a session that has ended or expired


def rotate() -> None:
    """A new session id and a new CSRF token from this response on (sign-in)."""
    current: Any = session
    current.renew = True
    current.pop(CSRF_KEY, None)
    current.modified = True


def end() -> None:
    """End this session: its data is dropped and its id ended (logout)."""
    current: Any = session
    current.clear()
    rotate()


def _owner(data: dict[str, Any]) -> int | None:
    found = str(data.get(USER_KEY) or "").partition(":")[0]
    return int(found) if found.isdigit() else None


class DatabaseSessionInterface(SessionInterface):
    serializer = TaggedJSONSerializer()

    @staticmethod
    def lifetime(app: Flask) -> dt.timedelta:
        return dt.timedelta(hours=float(app.config.get("SESSION_IDLE_HOURS", DEFAULT_IDLE_HOURS)))

    def open_session(self, app: Flask, request: Request) -> DatabaseSession:
        token = request.cookies.get(self.get_cookie_name(app))
        if token:
            found = stored.load(db.session(), token)
            if found is not None:
                try:
                    data = self.serializer.loads(found.data)
                except ValueError:
                    data = {}
                return DatabaseSession(data, token, found.expires_at)
            fresh = DatabaseSession()
            fresh.ran_out = True
            return fresh
        return DatabaseSession()

    def save_session(self, app: Flask, session: Any, response: Response) -> None:
        name = self.get_cookie_name(app)
        domain, path = self.get_cookie_domain(app), self.get_cookie_path(app)
        if session.accessed:
            response.vary.add("Cookie")
        database = db.session()
        if session.renew and session.token:
            stored.end(database, session.token)
            session.token = None
        if not session:
            if session.token or session.renew:  # emptied (or ended): the cookie goes too
                if session.token:
                    stored.end(database, session.token)
                response.delete_cookie(name, domain=domain, path=path)
            return
        lifetime = self.lifetime(app) if _owner(session) is not None else ANONYMOUS_IDLE
        now = utcnow()
        if session.token is None or session.modified:
            data = self.serializer.dumps(dict(session))
            if session.token is None:
                session.token = stored.new_token()
                stored.create(
                    database, session.token, data, _owner(session), lifetime=lifetime, now=now
                )
            elif not stored.save(
                database, session.token, data, _owner(session), lifetime=lifetime, now=now
            ):  # ended by another request meanwhile (logout, a password change): stays ended
                response.delete_cookie(name, domain=domain, path=path)
                return
            response.set_cookie(
                name,
                session.token,
                expires=self.get_expiration_time(app, session),
                httponly=self.get_cookie_httponly(app),
                domain=domain,
                path=path,
                secure=self.get_cookie_secure(app),
                samesite=self.get_cookie_samesite(app),
            )
            response.vary.add("Cookie")
        elif session.expires_at is not None and session.expires_at - now < lifetime - TOUCH_AFTER:
            stored.touch(database, session.token, lifetime=lifetime, now=now)
