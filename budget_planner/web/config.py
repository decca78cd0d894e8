"""The site's configuration: defaults, then the environment, then the caller's (test) overrides.

The secret key comes from ``SECRET_KEY`` in the environment or is generated once into the instance
folder (``secret_key``, mode 0600; the instance folder is never committed).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

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
    if env.get("SESSION_COOKIE_SECURE"):
        found["SESSION_COOKIE_SECURE"] = _flag(env["SESSION_COOKIE_SECURE"])
    return found


def secret_key(instance_dir: Path) -> str:
    """The key kept in the instance folder, created on first use."""
    path = instance_dir / SECRET_FILE
    if path.is_file():
        key = path.read_text("ascii").strip()
        if key:
            return key
    instance_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key


def build(instance_dir: Path, overrides: Mapping[str, Any] | None) -> dict[str, Any]:
    """The final configuration; cookies are Secure unless debugging, testing or told otherwise."""
    config = {**DEFAULTS, **from_environment(os.environ), **(overrides or {})}
    if "SESSION_COOKIE_SECURE" not in config:
        config["SESSION_COOKIE_SECURE"] = not (config.get("DEBUG") or config.get("TESTING"))
    config["REMEMBER_COOKIE_SECURE"] = config["SESSION_COOKIE_SECURE"]
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = secret_key(instance_dir)
    return config
