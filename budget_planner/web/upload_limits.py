"""What one account may ask of the parse workers (issue 14; README "Limits").

- At most ``MAX_FILES`` files in one upload request (the page's form and ``POST /api/v1/upload``):
  more is a 413 with the real limits, as is werkzeug's own 413 when a body has more parts than an
  upload needs (``max_form_parts`` is lowered for the upload endpoints before anything reads the
  body) or more bytes than ``MAX_CONTENT_LENGTH``.
- At most ``PARSES_PER_USER`` (config, ``BUDGET_PLANNER_PARSES_PER_USER``, default 2) uploads of one account being parsed at once,
  counted in the database (``storage/inflight.py``) so that several app servers agree; one more is
  a 429 for that account while every other account is served. In the parse pool one account holds
  at most all workers but one (``worker.FairSlots``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge, TooManyRequests

from budget_planner.storage import inflight
from budget_planner.validators.intake.worker import WALL_CLOCK_BACKSTOP, owned_by
from budget_planner.web import db

MAX_FILES = 20  # files in one upload request (the stamped scan not counted)
FORM_FIELDS = 5  # the other parts of an upload body: csrf_token, unit, attachment, …
UPLOAD_ENDPOINTS = frozenset({"uploads.index", "admin.upload", "api.upload"})
DEFAULT_PARSES_PER_USER = 2


def too_many_message() -> str:
    return (
        f"您已有 {parses_per_user()} 批文件正在读取，请等读取完成、看到结果后再上传下一批。"
        "其他用户不受影响。"
    )


def parses_per_user() -> int:
    return int(current_app.config.get("PARSES_PER_USER", DEFAULT_PARSES_PER_USER))


def size_message(limit_bytes: int | None) -> str:
    """The 413 text: the real limits, whichever of them was passed."""
    limit_mb = (limit_bytes or 0) // (1024 * 1024)
    return (
        f"一次上传的文件合计不能超过 {limit_mb} MB、最多 {MAX_FILES} 个文件（另可附 1 个盖章扫描件），"
        "请分批上传或压缩扫描件。"
    )


def check_count(count: int) -> None:
    if count > MAX_FILES:
        raise RequestEntityTooLarge()


@contextmanager
def parse_slot(user_id: int, files: int) -> Iterator[None]:
    """Hold one of the account's parse slots while its files are read (429 when none is free)."""
    hold = dt.timedelta(seconds=files * WALL_CLOCK_BACKSTOP + 60)
    slot = inflight.begin(db.session(), user_id, limit=parses_per_user(), hold=hold)
    if slot is None:
        raise TooManyRequests(too_many_message())
    try:
        with owned_by(("user", user_id)):  # the parse pool keeps a worker for other accounts
            yield
    finally:
        inflight.end(db.session(), slot)


def _fewer_parts() -> None:
    if request.endpoint in UPLOAD_ENDPOINTS:
        request.max_form_parts = MAX_FILES + FORM_FIELDS


def register(app: Flask) -> None:
    """Before anything reads the body (the CSRF check does): register ahead of CSRFProtect."""
    app.before_request(_fewer_parts)
