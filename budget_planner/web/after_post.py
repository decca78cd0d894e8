"""Redirect-after-post for every form of the site, in one place.

A form's POST that answers with a page (the upload results, a confirmation step, a form shown
again with its errors, a new API token, one-time passwords) would leave that POST in the browser's
history: 后退 or 刷新 then shows the browser's "确认重新提交表单". Instead, such a page is kept in
the visitor's own session (server-side, ``web/sessions.py``; compressed) and the POST answers
``303 See Other`` to the same address with ``?shown=<key>``; that GET shows the kept page.

- Only one page is kept per session, the newest; another POST replaces it.
- A page marked ``shown_once()`` (a new API token, one-time passwords) is dropped as it is shown:
  reloading it gives the address's ordinary page (or the 报送情况 page where there is none).
- Error pages (4xx, 5xx), redirects, files and the JSON API are left as they are.

The test ``tests/test_after_post.py`` posts to every POST endpoint of the URL map.
"""

from __future__ import annotations

import secrets
import zlib
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, flash, g, redirect, request, session, url_for
from werkzeug.wrappers.response import Response as BaseResponse

SESSION_KEY = "after_post"
ARG = "shown"


def shown_once() -> None:
    """The page this POST answers with is shown once only (a secret on it)."""
    g.after_post_once = True


def _keep(response: Response) -> BaseResponse:
    key = secrets.token_urlsafe(9)
    session[SESSION_KEY] = {
        "key": key,
        "page": zlib.compress(response.get_data()),
        "once": bool(g.get("after_post_once")),
    }
    args = request.args.to_dict(flat=False)
    args[ARG] = [key]
    target = url_for_path(request.path, args)
    return redirect(target, code=303)


def url_for_path(path: str, args: dict[str, list[str]]) -> str:
    return f"{path}?{urlencode(args, doseq=True)}"


def _after(response: Response) -> BaseResponse:
    if (
        request.method != "POST"
        or response.status_code != 200
        or response.mimetype != "text/html"
        or response.direct_passthrough
        or request.path.startswith("/api/")
    ):
        return response
    return _keep(response)


def _before() -> BaseResponse | None:
    key = request.args.get(ARG) if request.method == "GET" else None
    if not key:
        return None
    kept: dict[str, Any] | None = session.get(SESSION_KEY)
    if kept is not None and secrets.compare_digest(str(kept.get("key", "")), key):
        if kept.get("once"):
            session.pop(SESSION_KEY, None)
        page = Response(zlib.decompress(kept["page"]), mimetype="text/html")
        page.headers["Cache-Control"] = "no-store"
        return page
    # gone (shown once, or replaced by a newer page): the address's own page, if it has one
    if request.routing_exception is None:
        rest = request.args.to_dict(flat=False)
        rest.pop(ARG, None)
        return redirect(url_for_path(request.path, rest) if rest else request.path)
    flash("该页面只显示一次，已不能再次查看。", "info")
    return redirect(url_for("dashboard.index"))


def register(app: Flask) -> None:
    app.before_request(_before)
    app.after_request(_after)
