"""The JSON API under ``/api/v1/``: upload, status and reports, for scripts and other systems.

Authentication: the site's session (a signed-in browser; its POSTs carry the CSRF token in an
``X-CSRFToken`` header), or ``Authorization: Bearer <token>`` with a token the user made on the
account page. A token request is authenticated by the token alone (never by a cookie) and is the
only kind exempt from CSRF. Every check of the site applies: each call works in one round
(``?round=<id>``, else the session's choice, else the user's first: ``web/rounds.py``) with the
user's roles there, and a submitter (session or token) reaches only its own unit. Errors are
``{"error": {"status", "title", "message"}}``.

    GET  /api/v1/status                      the completeness matrix in scope, the user's rounds
    POST /api/v1/upload                      files (and an ``attachment``; 审核: ``unit``) → the
                                             ``validate --json`` report array, each with its stored version
    GET  /api/v1/versions/<id>               one version's report (review.api_version)
    POST /api/v1/versions/<id>/<action>      submit, withdraw, delete, approve, return, revoke
                                             (``comment`` or ``reason`` where one is needed):
                                             403 / 404 / 409 as the state machine decides
    GET  /api/v1/submissions/<id>            a unit × table's history with the differences
    GET  /api/v1/allocations                 the published 核定金额 in scope (and, for 审核 and
                                             财务, the amounts as entered)
    GET  /api/v1/reports/aggregate           the ``aggregate --json`` report (审核, 财务)
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Blueprint, abort, jsonify, request
from flask_login import login_required

from budget_planner.errors import UsageError
from budget_planner.money import plain
from budget_planner.storage import models, repository
from budget_planner.storage.scope import PermissionDenied
from budget_planner.storage.transitions import parse_action, refuse_never
from budget_planner.storage.uploads import clean_file_name
from budget_planner.web import consolidation, db, rounds, upload_limits, uploads
from budget_planner.web.access import (
    FINANCE,
    REVIEWER,
    SUBMITTER,
    here,
    in_round,
    roles,
    scope,
    user,
)
from budget_planner.web.auth import site_user
from budget_planner.web.dashboard import now
from budget_planner.web.errors import Unauthenticated
from budget_planner.web.extensions import csrf, login_manager
from budget_planner.web.review import version_json

bp = Blueprint("api", __name__, url_prefix="/api/v1")
BEARER = "bearer"


@bp.before_app_request
def _token_user():
    """A request under /api/ with a bearer token is that token's user, whatever cookie it holds."""
    if not request.path.startswith("/api/"):
        return
    header = request.headers.get("Authorization", "")
    if not header:
        return
    scheme, _, token = header.strip().partition(" ")
    account = repository.user_by_token(db.session(), token) if scheme.lower() == BEARER else None
    if account is None:
        raise Unauthenticated(
            "API 令牌无效或已作废：请在“API 令牌”页面重新生成，并以 Authorization: Bearer <令牌> 发送"
        )
    if account.must_change_password:
        raise PermissionDenied("该账号的密码已被重置：请先登录网站修改一次性密码")
    login_manager._update_request_context_with_user(site_user(account))
    request.environ["budget_planner.token"] = True


def token_request() -> bool:
    return bool(request.environ.get("budget_planner.token"))


@bp.before_request
def _csrf_for_sessions():
    """The blueprint is exempt from the site-wide CSRF check; a session (cookie) request is checked
    here, a token request is not (a browser cannot be tricked into sending the header)."""
    if not token_request():
        csrf.protect()


def _money(amount: Decimal | None) -> str | None:
    return plain(amount)


def _time(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


# ---------------------------------------------------------------- status


@bp.route("/status")
@roles(REVIEWER, FINANCE, SUBMITTER)
def status():
    stored, config = rounds.required()
    me = user()
    matrix = repository.completeness(db.session(), stored.id, scope=scope(), now=now())
    assert matrix is not None
    deadline = rounds.deadline(config, now())
    return jsonify(
        {
            "round": {
                "id": stored.id,
                "title": stored.title,
                "status": stored.status,
                "deadline": stored.deadline.isoformat(),
                "deadline_passed": deadline.passed,
            },
            "user": {
                "username": me.username,
                "unit": me.unit_name,
                "roles": sorted(r.value for r in here().roles),
            },
            "rounds": [
                {
                    "id": other.id,
                    "title": other.title,
                    "status": other.status,
                    "roles": sorted(r.value for r in part.roles),
                }
                for other, part in rounds.available()
            ],
            "units": [
                {
                    "unit": row.short_name,
                    "unit_id": row.unit_id,
                    "contact": row.contact,
                    "phone": row.phone,
                    "missing": row.missing,
                    "outstanding": row.outstanding,
                    "tables": {
                        table: {
                            "status": cell.status.value,
                            "label": cell.label,
                            "required": cell.required,
                            "overdue": cell.overdue,
                            "submission_id": cell.submission_id,
                            "version": cell.version_number,
                            "projects": cell.projects,
                            "after_approval": cell.after_approval,
                        }
                        for table, cell in row.cells.items()
                    },
                }
                for row in matrix.rows
            ],
        }
    )


# ---------------------------------------------------------------- upload and submit


def _unit_for_upload() -> str:
    """A unit account uploads for its own unit (naming another is 404, as if it did not exist);
    the round's 审核 names the unit it uploads for."""
    _stored, config = rounds.required()
    asked = (request.form.get("unit") or "").strip()
    me = user()
    if here().submitter:
        if asked and config.unit(asked) != config.unit(me.unit_name or ""):
            abort(404)
        return me.unit_name or ""
    if not asked:
        raise UsageError("代为上传须用 unit 字段给出单位的简称或全称")
    found = config.unit(asked)
    if found is None:
        abort(404)
    return found.short_name


def _scan() -> tuple[bytes, str] | None:
    storage = request.files.get("attachment")
    if storage is None or not storage.filename:
        return None
    data = storage.read()
    if not data or uploads.scan_kind(data) is None:
        raise UsageError("盖章扫描件须为 PDF 或图片（JPG、PNG、TIFF）")
    return data, clean_file_name(storage.filename)


def _version_info(version: models.Version, new: bool) -> dict[str, Any]:
    return {
        "id": version.id,
        "number": version.number,
        "new": new,
        "status": version.submission.standing.value,
        "project": version.submission.slot or None,
        "after_approval": version.after_approval,
    }


@bp.route("/upload", methods=["POST"])
@roles(SUBMITTER, REVIEWER)
def upload():
    unit_name = _unit_for_upload()
    chosen = [f for f in request.files.getlist("files") if f and f.filename]
    if not chosen:
        raise UsageError("请用 files 字段上传至少一个文件（multipart/form-data）")
    upload_limits.check_count(len(chosen))
    scan = _scan()
    files = [(f.read(), clean_file_name(f.filename or "")) for f in chosen]
    results = uploads.store_files(files, scan, unit_name)
    body = []
    for result in results:
        for table in result.tables:
            entry = dict(table.report)
            entry["version"] = (
                _version_info(table.version, table.new) if table.version is not None else None
            )
            if table.note:
                entry["note"] = table.note
            if result.refused:
                entry["refused"] = result.refused
            body.append(entry)
    return jsonify(body)


def _given(*names: str) -> str:
    given = request.get_json(silent=True) if request.is_json else None
    source = given if isinstance(given, dict) else request.form
    return str(next((source.get(n) for n in names if source.get(n)), "") or "")


def _comment() -> str:
    return _given("comment", "reason")


@bp.route("/versions/<int:version_id>/<action>", methods=["POST"])
@login_required
def act(version_id: int, action: str):
    """A workflow action on a version, as ``review.act`` on the site (no confirmation step: the
    caller sends the ``reason`` an approval's withdrawal needs)."""
    step = parse_action(action)
    refuse_never(in_round().roles, step)  # 403 first: a role that may never take it
    if repository.get_version(db.session(), version_id, scope=scope()) is None:
        abort(404)  # a version of the selected round only
    version = repository.act(
        db.session(), version_id, user(), step.value, comment=_comment(), note=_given("note")
    )
    return jsonify(version_json(version, with_report=False))


# ---------------------------------------------------------------- history and reports


@bp.route("/submissions/<int:submission_id>")
@roles(REVIEWER, FINANCE, SUBMITTER)
def submission(submission_id: int):
    thread = repository.submission_history(db.session(), submission_id, scope=scope())
    if thread is None:
        abort(404)
    found = thread.submission
    return jsonify(
        {
            "id": found.id,
            "unit": found.unit.short_name,
            "table": found.table_id,
            "project": found.slot or None,
            "status": found.standing.value,
            "versions": [
                {
                    "id": e.version.id,
                    "number": e.version.number,
                    "state": e.state,
                    "file": e.version.original_name,
                    "uploaded_at": _time(e.version.uploaded_at),
                    "uploaded_by": e.version.uploaded_by_name,
                    "on_behalf": e.version.on_behalf,
                    "submitted_at": _time(e.version.submitted_at),
                    "has_errors": e.version.has_errors,
                    "rows": e.version.rows_count,
                    "total": _money(e.version.total),
                    "reviews": [
                        {
                            "decision": r.decision,
                            "comment": r.comment,
                            "by": r.by_name,
                            "at": _time(r.at),
                        }
                        for r in e.reviews
                    ],
                    "previous": e.previous.number if e.previous is not None else None,
                    "changes": [
                        {
                            "kind": c.kind,
                            "category": c.category,
                            "name": c.name,
                            "before": _money(c.before),
                            "after": _money(c.after),
                        }
                        for c in e.changes
                    ],
                }
                for e in thread.entries
            ],
        }
    )


@bp.route("/allocations")
@roles(REVIEWER, FINANCE, SUBMITTER)
def allocations():
    """The 核定金额 as last published (a unit: its own); the round's 审核 and 财务 also get the
    amounts as entered, with the ones held out of the plan."""
    stored, _config = rounds.required()
    session = db.session()
    latest = repository.latest_publication(session, stored.id)
    body: dict[str, Any] = {
        "round": stored.id,
        "published": None,
    }
    if latest is not None:
        lines = repository.published_amounts(session, stored.id, scope=scope())
        body["published"] = {
            "number": latest.number,
            "at": _time(latest.at),
            "projects": [
                {
                    "key": line.key,
                    "table": line.table_id,
                    "category": line.category,
                    "project": line.project,
                    "requested": _money(line.requested),
                    "approved": _money(line.amount),
                    "reason": line.reason,
                }
                for line in lines.values()
            ],
        }
    if not scope().submitter_only:
        view = repository.allocation_view(session, stored.id, scope=scope())
        body["entered"] = [
            {
                "key": key,
                "approved": _money(a.amount),
                "reason": a.reason,
                "in_plan": key in view.projects,
            }
            for key, a in view.stored.items()
        ]
    return jsonify(body)


@bp.route("/reports/aggregate")
@roles(REVIEWER, FINANCE)
def aggregate():
    """The round consolidated from the versions that count: the ``aggregate --json`` of docs/contracts.md."""
    return jsonify(consolidation.current().summary())
