"""A version's rows and problems, a unit × table's history, and the admin's decision:
approve (the table is locked) or return with a comment the unit sees."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, url_for
from flask_login import login_required

from budget_planner.errors import UsageError
from budget_planner.storage import models, repository
from budget_planner.web import db
from budget_planner.web.access import ADMIN, roles, user
from budget_planner.web.forms import ReviewForm

bp = Blueprint("review", __name__)


def _version_or_404(version_id: int) -> models.Version:
    version = repository.get_version(db.session(), version_id, scope=user())
    if version is None:
        abort(404)
    return version


def _reviews(submission: models.Submission) -> list[tuple[models.Version, models.Review]]:
    pairs = [(v, r) for v in submission.versions for r in v.reviews]
    return sorted(pairs, key=lambda pair: pair[1].at, reverse=True)


@bp.route("/versions/<int:version_id>")
@login_required
def version(version_id: int):
    session = db.session()
    found = _version_or_404(version_id)
    submission = found.submission
    versions = submission.versions
    previous = next((v for v in versions if v.number == found.number - 1), None)
    rows = repository.rows_with_allocations(session, version_id, scope=user())
    diff = None
    if previous is not None:
        diff = repository.changes(
            repository.project_rows(session, previous.id, scope=user()), [a.row for a in rows]
        )
    newest = versions[-1]
    return render_template(
        "review/version.html",
        version=found,
        submission=submission,
        unit=submission.unit,
        rows=rows,
        issues=found.report_json.get("issues", []),
        previous=previous,
        diff=diff,
        is_newest=newest.id == found.id,
        returned=any(r.decision == "return" for r in found.reviews),
        reviews=_reviews(submission),
        review_form=ReviewForm(),
    )


@bp.route("/submissions/<int:submission_id>")
@login_required
def submission(submission_id: int):
    thread = repository.submission_history(db.session(), submission_id, scope=user())
    if thread is None:
        abort(404)
    found = thread.submission
    return render_template(
        "review/submission.html",
        submission=found,
        unit=found.unit,
        thread=thread,
        reviews=_reviews(found),
    )


@bp.route("/versions/<int:version_id>/review", methods=["POST"])
@roles(ADMIN)
def decide(version_id: int):
    _version_or_404(version_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return redirect(url_for("review.version", version_id=version_id))
    try:
        repository.review(db.session(), version_id, user(), form.decision.data, form.comment.data)
    except UsageError as exc:
        flash(str(exc), "error")
    else:
        done = (
            "审核通过，该表已锁定"
            if form.decision.data == "approve"
            else "已退回修改，单位可看到退回意见"
        )
        flash(f"{done}。", "success")
    return redirect(url_for("review.version", version_id=version_id))


@bp.route("/api/v1/versions/<int:version_id>")
@login_required
def api_version(version_id: int):
    """A version's report in the DESIGN §5 shape, with its place in the round."""
    found = _version_or_404(version_id)
    submission = found.submission
    return jsonify(
        {
            "id": found.id,
            "number": found.number,
            "unit": submission.unit.short_name,
            "table": submission.table_id,
            "project": submission.slot or None,
            "status": submission.status,
            "file": found.original_name,
            "uploaded_at": found.uploaded_at.isoformat(),
            "submitted_at": found.submitted_at.isoformat() if found.submitted_at else None,
            "after_approval": found.after_approval,
            "report": found.report_json,
        }
    )
