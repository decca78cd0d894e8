"""The app factory: configuration, extensions, blueprints, error pages."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from budget_planner.web import config as site_config
from budget_planner.web.extensions import csrf, login_manager

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
}


def _instance_dir(test_config: Mapping[str, Any] | None) -> Path:
    given = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("BUDGET_PLANNER_INSTANCE")
    return Path(given or "instance").resolve()


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    instance = _instance_dir(test_config)
    instance.mkdir(parents=True, exist_ok=True)
    app = Flask(__name__, instance_path=str(instance))
    app.config.from_mapping(site_config.build(test_config))

    from budget_planner.web import (
        account,
        admin,
        after_post,
        api,
        auth,
        dashboard,
        db,
        downloads,
        errors,
        exports,
        formatting,
        forwarding,
        help_page,
        history,
        queue,
        reconcile,
        reminders,
        review,
        round_admin,
        rounds,
        sessions,
        units,
        upload_limits,
        uploads,
        years,
    )

    if app.config["PROXIES"]:  # the client's address as the proxies in front pass it on
        hops = int(app.config["PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    db.init_app(app)
    app.session_interface = sessions.DatabaseSessionInterface()
    upload_limits.register(app)  # before the CSRF check reads the body
    csrf.init_app(app)
    login_manager.init_app(app)
    formatting.register(app)
    errors.register(app)
    after_post.register(app)  # a form's POST answers 303, never a page (back, reload)
    for blueprint in (
        auth.bp,
        rounds.bp,
        dashboard.bp,
        downloads.bp,
        uploads.bp,
        review.bp,
        queue.bp,
        admin.bp,
        round_admin.bp,
        units.bp,
        history.bp,
        reminders.bp,
        reconcile.bp,
        exports.bp,
        account.bp,
        help_page.bp,
        api.bp,
        years.bp,
        forwarding.bp,
    ):
        app.register_blueprint(blueprint)
    csrf.exempt(api.bp)  # checked in api.py: session requests only (a token request is exempt)

    @app.context_processor
    def _site_round():
        from flask_login import current_user

        from budget_planner.web.access import here

        if not current_user.is_authenticated:
            return {"site_round": None, "me": rounds.NOWHERE, "my_rounds": [], "office": ""}
        return {
            "site_round": rounds.current(),
            "me": here(),
            "my_rounds": rounds.available(),
            "office": rounds.office(),
        }

    @app.after_request
    def _headers(response):
        from flask import request
        from flask_login import current_user

        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.endpoint != "static" and current_user.is_authenticated:
            # a signed-in user's page is never kept by the browser or a proxy (the back button
            # after logout, a shared computer)
            response.headers["Cache-Control"] = "no-store"
        return response

    return app
