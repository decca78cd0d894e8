"""Downloads: the unit's personalised templates, an uploaded file exactly as sent, the annotated
workbook, the stamped scan. Every object is looked up within the user's scope (404 outside it)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import login_required

from budget_planner.storage import models, repository
from budget_planner.templates.round import Round, Unit
from budget_planner.templates.spec import ALL_TABLES, BUDGET, load_specs
from budget_planner.templates.writer import (
    template_filename,
    unit_tables,
    write_budget_template,
    write_table_template,
)
from budget_planner.web import db, files, rounds, validation
from budget_planner.web.access import here, scope, user

bp = Blueprint("downloads", __name__)


def _chosen_unit(config: Round) -> Unit | None:
    """A unit account gets its own unit (asking for another is 404); admin and finance choose one
    with ``?unit=`` or get the blank set."""
    asked = request.args.get("unit", "").strip()
    me = user()
    if here().submitter:
        own = config.unit(me.unit_name or "")
        if own is None or (asked and config.unit(asked) != own):
            abort(404)
        return own
    if not asked:
        return None
    found = config.unit(asked)
    if found is None:
        abort(404)
    return found


def _template(config: Round, table_id: str, unit: Unit | None) -> tuple[bytes, str]:
    data = (
        write_budget_template(config, unit)
        if table_id == BUDGET
        else write_table_template(config, table_id, unit)
    )
    return data, template_filename(config, table_id, unit)


@bp.route("/templates")
@login_required
def index():
    stored, config = rounds.required()
    unit = _chosen_unit(config)
    specs = load_specs()
    titles = {t: specs.table(t).title(config.year) for t in ALL_TABLES if t != BUDGET}
    titles[BUDGET] = specs.budget.title if specs.budget else BUDGET
    subtitles = {t: specs.table(t).subtitle for t in ALL_TABLES if t != BUDGET}
    subtitles[BUDGET] = "每个项目一份"
    required = config.required_tables(unit) if unit else ()
    return render_template(
        "downloads/index.html",
        stored=stored,
        unit=unit,
        units=config.units,
        tables=unit_tables(config, unit),
        titles=titles,
        subtitles=subtitles,
        required=required,
        file_names={t: template_filename(config, t, unit) for t in ALL_TABLES},
    )


@bp.route("/templates/<table_id>.xlsx")
@login_required
def template(table_id: str):
    _stored, config = rounds.required()
    unit = _chosen_unit(config)
    if table_id not in unit_tables(config, unit):
        abort(404)
    data, name = _template(config, table_id, unit)
    return files.send(data, name)


@bp.route("/templates/all.zip")
@login_required
def template_set():
    _stored, config = rounds.required()
    unit = _chosen_unit(config)
    members = [_template(config, t, unit) for t in unit_tables(config, unit)]
    stem = f"{config.year}年度知识产权项目需求征集模板"
    name = f"{stem}-{unit.short_name}.zip" if unit else f"{stem}.zip"
    return files.send(files.zip_bytes((n, d) for d, n in members), name)


@bp.route("/versions/<int:version_id>/file")
@login_required
def version_file(version_id: int):
    session = db.session()
    found = repository.version_file(session, version_id, scope=scope())
    if found is None:
        abort(404)
    data, name = found
    version = repository.get_version(session, version_id, scope=scope())
    assert version is not None
    return send_version_file(session, version, data, name, "原文件")


def send_version_file(session, version: models.Version, data: bytes, name: str, what: str):
    """A version's file as it was sent, its download audited under the version's round and unit."""
    repository.audit(
        session,
        user(),
        repository.Action.DOWNLOAD,
        round_id=version.submission.round_id,
        unit_id=version.submission.unit_id,
        version_id=version.id,
        detail=f"{what}：{name}",
    )
    return files.send(data, name)


@bp.route("/versions/<int:version_id>/annotated")
@login_required
def annotated(version_id: int):
    session = db.session()
    found = repository.version_file(session, version_id, scope=scope())
    if found is None:
        abort(404)
    data, name = found
    siblings = repository.upload_siblings(session, version_id, scope=scope())
    marked, marked_name = validation.annotated(data, name, [v.report_json for v in siblings])
    return files.send(marked, marked_name, files.XLSX)


@bp.route("/attachments/<int:attachment_id>")
@login_required
def attachment(attachment_id: int):
    found = repository.attachment_file(db.session(), attachment_id, scope=scope())
    if found is None:
        abort(404)
    data, name, mime = found
    return files.send(data, name, mime)
