"""A unit's history (every version of every table, with its state, reviews, the file as sent and the
difference to the previous version: the first ``CHANGES_INLINE`` changes, the rest a page at a time
on ``/versions/<id>/changes``) and its receipt (回执) as a workbook."""

from __future__ import annotations

import io

from flask import Blueprint, abort, render_template, url_for
from flask_login import login_required

from budget_planner.export.receipt import receipt_name, write_receipt
from budget_planner.storage import repository
from budget_planner.web import db, files, rounds
from budget_planner.web.access import scope, user
from budget_planner.web.dashboard import now
from budget_planner.web.paging import paginate, requested_page

bp = Blueprint("history", __name__)


def _unit_or_404(unit_id: int):
    stored, _config = rounds.required()
    found = repository.unit_of(db.session(), unit_id, scope=scope(), round_id=stored.id)
    if found is None:
        abort(404)
    return stored, found


@bp.route("/units/<int:unit_id>/history")
@login_required
def unit(unit_id: int):
    stored, found = _unit_or_404(unit_id)
    threads = repository.unit_history(db.session(), stored.id, unit_id, scope=scope())
    return render_template(
        "history/unit.html",
        stored=stored,
        unit=found,
        threads=threads,
        versions=sum(len(t.entries) for t in threads),
    )


@bp.route("/versions/<int:version_id>/changes")
@login_required
def changes(version_id: int):
    """Every change of a version from the one before, a page at a time."""
    found = repository.version_changes(db.session(), version_id, scope=scope())
    if found is None:
        abort(404)
    version, previous, diff = found
    return render_template(
        "history/changes.html",
        version=version,
        previous=previous,
        page=paginate(diff, requested_page()),
        page_url=lambda n: url_for("history.changes", version_id=version_id, page=n),
    )


@bp.route("/units/<int:unit_id>/receipt.xlsx")
@login_required
def receipt(unit_id: int):
    stored, _found = _unit_or_404(unit_id)
    session = db.session()
    found = repository.receipt(session, stored.id, unit_id, scope=scope(), now=now())
    if found is None:
        abort(404)
    buffer = io.BytesIO()
    write_receipt(buffer, found)
    repository.audit(
        session,
        user(),
        repository.Action.DOWNLOAD,
        round_id=stored.id,
        unit_id=unit_id,
        detail=f"报送回执：{found.unit}",
    )
    return files.send(buffer.getvalue(), receipt_name(found), files.XLSX)
