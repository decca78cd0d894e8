"""生成上报版本 on the site (issue 18, docs/forwarding.md): a city's page for building its return to
the province from its counties (who is forwarded, who is not and why; one button), and the
county file and cell behind a forwarded row, read-only, for whoever may read the city's row."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import login_required

from budget_planner.app.forwarding import forward
from budget_planner.errors import UsageError
from budget_planner.storage import models
from budget_planner.storage.field_diff import fields_shown, shown
from budget_planner.storage.forwarding import county_round, forwarding_plan
from budget_planner.storage.lineage import row_source, source_file, visible_row
from budget_planner.storage.scope import NotFound, PermissionDenied
from budget_planner.web import db, rounds, upload_limits
from budget_planner.web.access import SUBMITTER, in_round, roles, scope, user
from budget_planner.web.downloads import send_version_file

bp = Blueprint("forwarding", __name__)


def _city() -> tuple[models.Round, models.Unit, models.Round | None]:
    """The selected round, the account's own unit in it, and the round that unit collects from
    its own members in the same year (None: it collects none)."""
    stored, _config = rounds.required()
    session = db.session()
    city = session.get(models.Unit, in_round().own_unit)
    if city is None:
        abort(404)
    return stored, city, county_round(session, stored, city)


@bp.route("/forwarding")
@roles(SUBMITTER)
def index():
    stored, city, below = _city()
    plan, refused = None, ""
    if below is not None:
        try:
            plan = forwarding_plan(db.session(), stored.id, city.short_name, actor=user())
        except PermissionDenied as exc:
            refused = str(exc)
    return render_template(
        "forwarding/index.html", stored=stored, city=city, below=below, plan=plan, refused=refused
    )


@bp.route("/forwarding", methods=["POST"])
@roles(SUBMITTER)
def create():
    stored, city, below = _city()
    if below is None:
        flash(f"{city.short_name}没有本年度的下级征集轮次，无需生成上报版本。", "error")
        return redirect(url_for("forwarding.index", round=stored.id))
    try:
        with upload_limits.parse_slot(user().id, 1):
            done = forward(
                db.session(),
                stored.id,
                city.short_name,
                actor=user(),
                parse=current_app.config.get("VALIDATION_PARSE"),
            )
    except NotFound:
        raise
    except (UsageError, PermissionDenied) as exc:  # said on the page, nothing stored
        flash(str(exc), "error")
        return redirect(url_for("forwarding.index", round=stored.id))
    made = "、".join(
        f"{s.version.submission.table_id}{'“' + s.version.submission.slot + '”' if s.version.submission.slot else ''}"
        f"第 {s.version.number} 版"
        for s in done.stored
    )
    if done.changed:
        flash(
            f"已生成上报版本（{done.plan.forwarded} 行来自下级单位）：{made}。请核对后提交。",
            "success",
        )
    else:
        flash(f"下级单位的表格与上次生成时相同，未新建版本：{made}。", "info")
    if not done.stored:
        return redirect(url_for("forwarding.index", round=stored.id))
    # the 表 version made, with its rows and 提交此版本
    return redirect(
        url_for("review.version", version_id=done.stored[0].version.id, round=stored.id)
    )


@bp.route("/rows/<int:row_id>/source")
@login_required
def source(row_id: int):
    """Where a row came from: a forwarded row's county version and cell (read-only), or the
    row's own version."""
    session = db.session()
    row = visible_row(session, row_id, scope=scope())
    if row is None:
        abort(404)
    found = row_source(session, row_id, scope=scope())
    version = session.get(models.Version, row.version_id)
    county_row = session.get(models.ProjectRow, found.link.source_row_id) if found else None
    fields = (
        fields_shown(found.version.submission.table_id, [county_row.values_json])
        if found is not None and county_row is not None
        else ()
    )
    return render_template(
        "forwarding/source.html",
        row=row,
        version=version,
        found=found,
        fields=fields,
        county_row=county_row,
        shown=shown,
    )


@bp.route("/rows/<int:row_id>/source/file")
@login_required
def source_download(row_id: int):
    """The file the row was read from, as it was sent (a forwarded row: the county's)."""
    session = db.session()
    found = source_file(session, row_id, scope=scope())
    if found is None:
        abort(404)
    data, name = found
    row = visible_row(session, row_id, scope=scope())
    assert row is not None
    version = session.get(models.Version, row.version_id)
    assert version is not None
    return send_version_file(session, version, data, name, "转报行的来源文件")
