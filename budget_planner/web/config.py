"""The site's configuration: defaults, then the environment, then the caller's (test) overrides.

The secret key (it signs the forms' CSRF tokens) comes from ``SECRET_KEY`` in the environment, else
from the database, where the first server to start makes it (``storage/site_secrets.py``): every
app server over one database signs alike, so a form shown by one may be posted to another. A key an
older version kept in the instance folder (``secret_key``) becomes the database's key, so forms
open at the upgrade still post.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from budget_planner.storage import site_secrets

MB = 1024 * 1024
SECRET_FILE = "secret_key"

DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": None,  # None: DATABASE_URL from the environment, else SQLite in the instance folder
    # the round a user starts in when it has a part in it (BUDGET_PLANNER_ROUND); None: its first
    "ROUND_ID": None,
    "MAX_CONTENT_LENGTH": 20 * MB,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
    "AUTO_MIGRATE": True,
    # reverse proxies in front of the site (a load balancer before several servers) whose
    # X-Forwarded-For / X-Forwarded-Proto are believed (BUDGET_PLANNER_PROXIES); 0: none
    "PROXIES": 0,
}


def _flag(text: str) -> bool:
    return text.strip().lower() in {"1", "true", "yes", "on"}


def from_environment(env: Mapping[str, str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if env.get("SECRET_KEY"):
        found["SECRET_KEY"] = env["SECRET_KEY"]
    if env.get("DATABASE_URL"):
        found["DATABASE_URL"] = env["DATABASE_URL"]
    if env.get("BUDGET_PLANNER_ROUND"):
        found["ROUND_ID"] = env["BUDGET_PLANNER_ROUND"]
    if env.get("BUDGET_PLANNER_MAX_UPLOAD_MB"):
        found["MAX_CONTENT_LENGTH"] = int(env["BUDGET_PLANNER_MAX_UPLOAD_MB"]) * MB
    if env.get("BUDGET_PLANNER_PARSES_PER_USER"):
        found["PARSES_PER_USER"] = int(env["BUDGET_PLANNER_PARSES_PER_USER"])
    if env.get("BUDGET_PLANNER_PROXIES"):
        found["PROXIES"] = int(env["BUDGET_PLANNER_PROXIES"])
    if env.get("SESSION_COOKIE_SECURE"):
        found["SESSION_COOKIE_SECURE"] = _flag(env["SESSION_COOKIE_SECURE"])
    return found


def _instance_key(instance_dir: Path) -> str | None:
    """The key an older version kept in the instance folder, if any."""
    path = instance_dir / SECRET_FILE
    try:
        return path.read_text("ascii").strip() or None
    except (OSError, UnicodeDecodeError):
        return None


def shared_secret_key(session: Session, instance_dir: Path) -> str:
    """The site's key as kept in the database, made now if no server made it yet."""
    return site_secrets.shared(
        session,
        site_secrets.SESSION_KEY,
        lambda: _instance_key(instance_dir) or secrets.token_hex(32),
    )


def build(overrides: Mapping[str, Any] | None) -> dict[str, Any]:
    """The final configuration; cookies are Secure unless debugging, testing or told otherwise.
    Without a configured ``SECRET_KEY`` the app factory reads the database's (``shared_secret_key``)."""
    config = {**DEFAULTS, **from_environment(os.environ), **(overrides or {})}
    if "SESSION_COOKIE_SECURE" not in config:
        config["SESSION_COOKIE_SECURE"] = not (config.get("DEBUG") or config.get("TESTING"))
    config["REMEMBER_COOKIE_SECURE"] = config["SESSION_COOKIE_SECURE"]
    return config
