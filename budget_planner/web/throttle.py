"""Login throttling against password guessing: the policy and the refusal (``auth.login`` calls it).

Five failed sign-ins for one username within 15 minutes lock that username for 15 minutes; twenty
from one client address lock the address (a guesser trying many usernames; a higher limit, so one
office's typos do not lock its neighbours out). A locked sign-in is refused before the password is
checked — even the right one — with "登录失败次数过多，请 15 分钟后再试", and audited as
``login.throttled``. A good sign-in clears its username's count. Guesses sent at once are counted
as they are checked (``storage/throttle.claim``), so they cannot all slip under the limit. The counts live in the database
(``storage/throttle.py``), so every app server and every restart sees them.

The client address is ``request.remote_addr``: behind a reverse proxy (a load balancer before
several servers, docs/deployment.md), set ``BUDGET_PLANNER_PROXIES`` to the number of proxies so
that the address they pass on in ``X-Forwarded-For`` counts (werkzeug's ``ProxyFix``), or set
``LOGIN_ADDRESS_LIMIT`` to 0; else the proxy's own address counts for everyone. Limits come from the app config (``LOGIN_USER_LIMIT``,
``LOGIN_ADDRESS_LIMIT``, ``LOGIN_WINDOW_MINUTES``, ``LOGIN_LOCK_MINUTES``; 0 turns a limit off).
"""

from __future__ import annotations

import datetime as dt

from flask import current_app, request

from budget_planner.storage import throttle
from budget_planner.web import db

DEFAULTS = {
    "LOGIN_USER_LIMIT": 5,
    "LOGIN_ADDRESS_LIMIT": 20,
    "LOGIN_WINDOW_MINUTES": 15,
    "LOGIN_LOCK_MINUTES": 15,
}


def _setting(name: str) -> int:
    return int(current_app.config.get(name, DEFAULTS[name]))


def message() -> str:
    return f"登录失败次数过多，请 {_setting('LOGIN_LOCK_MINUTES')} 分钟后再试"


def _limits(username: str) -> dict[str, int]:
    limits = {throttle.key_for_user(username): _setting("LOGIN_USER_LIMIT")}
    if request.remote_addr:
        limits[throttle.key_for_address(request.remote_addr)] = _setting("LOGIN_ADDRESS_LIMIT")
    return {key: limit for key, limit in limits.items() if limit > 0}


def claim(username: str) -> str | None:
    """The Chinese refusal when this username or this address is locked, or has as many attempts
    failed and being checked as its limit (audited); else None, and the attempt counts as being
    checked until ``settle``."""
    limits = _limits(username)
    if not limits:
        return None
    detail = f"来自 {request.remote_addr}" if request.remote_addr else ""
    until = throttle.claim(
        db.session(),
        limits,
        username,
        detail=detail,
        window=dt.timedelta(minutes=_setting("LOGIN_WINDOW_MINUTES")),
    )
    return message() if until is not None else None


def settle(username: str, *, failed: bool | None) -> None:
    """The claimed attempt's outcome: a failure counts (and may lock), a success clears the
    username's count."""
    limits = _limits(username)
    if limits:
        throttle.settle(
            db.session(),
            limits,
            failed=failed,
            window=dt.timedelta(minutes=_setting("LOGIN_WINDOW_MINUTES")),
            lock=dt.timedelta(minutes=_setting("LOGIN_LOCK_MINUTES")),
        )
