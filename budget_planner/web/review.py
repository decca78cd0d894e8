"""A version's rows and problems, a unit × table's history, and the workflow's actions on a version:
submit, withdraw (撤回), delete (撤销), approve, return with a comment, revoke an approval (撤销通过,
after a confirmation, with a reason). Every action goes through ``storage.transitions.act``, which
asks the state machine (``storage/workflow.py``): 403 for a role that may never take it, 404 for
another unit's version, 409 (a Chinese page, nothing changed) for a state that forbids it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import login_required

from budget_planner.errors import UsageError
from budget_planner.money import plain
from budget_planner.storage import models, repository
from budget_planner.storage.field_diff import fields_shown, shown
from budget_planner.storage.receipt import ordinals, receipt_number
from budget_planner.storage.rounds import config_of
from budget_planner.storage.scope import NotFound
from budget_planner.storage.transitions import parse_action, refuse_never
from budget_planner.storage.workflow import Action, machine_states
from budget_planner.templates.spec import BUDGET
from budget_planner.web import db
from budget_planner.web.access import REVIEWER, in_round, roles, scope, user
from budget_planner.web.forms import ReviewForm
from budget_planner.web.rounds import office

bp = Blueprint("review", __name__)

DONE = {
    Action.SUBMIT: "已提交：{what}，等待{office}审核。",
    Action.WITHDRAW: "已撤回提交：{what}恢复为已上传未提交，可修改后重新上传或再次提交。",
    Action.DELETE: "已撤销：{what}不再计入，原文件仍保留在报送记录中。",
    Action.APPROVE: "审核通过：{what}从现在起计入汇总。",
    Action.RETURN: "已退回修改：{what}，单位可看到退回意见。",
    Action.REVOKE: "已撤销通过：{what}改为已退回，理由已告知单位。",
}
CONFIRM = {Action.REVOKE}  # actions that ask "are you sure" first


def _version_or_404(version_id: int) -> models.Version:
    version = repository.get_version(db.session(), version_id, scope=scope())
    if version is None:
        abort(404)
    return version


def _reviews(submission: models.Submission) -> list[tuple[models.Version, models.Review]]:
    pairs = [(v, r) for v in submission.versions for r in v.reviews]
    return sorted(pairs, key=lambda pair: pair[1].at, reverse=True)


@bp.app_template_global("answers_return")
def _answers_return(version: models.Version) -> bool:
    """Whether submitting this version answers a return (an earlier version was returned or its
    approval revoked): the page then asks for a 修改说明."""
    return any(
        r.decision in (models.Decision.RETURN.value, models.Decision.REVOKE.value)
        for v in version.submission.versions
        if v.number < version.number
        for r in v.reviews
    )


def _receipt_number(version: models.Version) -> str:
    """The version's 回执编号 (docs/contracts.md)."""
    session, submission = db.session(), version.submission
    stored = session.get(models.Round, submission.round_id)
    place = 0
    if submission.table_id == BUDGET:
        threads = repository.submissions(
            session, submission.round_id, scope=scope(), unit_id=submission.unit_id
        )
        place = ordinals(threads).get(submission.id, 0)
    code = config_of(stored).code if stored is not None else ""
    return receipt_number(
        code, submission.unit.short_name, submission.table_id, version.number, place
    )


def _label(version: models.Version) -> str:
    submission = version.submission
    slot = f"“{submission.slot}”" if submission.slot else ""
    return f"{submission.table_id}{slot}第 {version.number} 版"


@bp.route("/versions/<int:version_id>")
@login_required
def version(version_id: int):
    session = db.session()
    found = _version_or_404(version_id)
    submission = found.submission
    versions = submission.versions
    states = machine_states(versions)
    previous = next((v for v in versions if v.number == found.number - 1), None)
    rows = repository.rows_with_allocations(session, version_id, scope=scope())
    fields = fields_shown(submission.table_id, (a.row.values_json for a in rows))
    diff = None
    if previous is not None:
        diff = repository.changes(
            repository.project_rows(session, previous.id, scope=scope()),
            [a.row for a in rows],
            fields,
        )
    thread = repository.submission_history(session, submission.id, scope=scope())
    counted = thread.counted if thread is not None else None
    publication = (
        repository.latest_publication(session, submission.round_id)
        if scope().submitter_only
        else None
    )
    return render_template(
        "review/version.html",
        version=found,
        submission=submission,
        unit=submission.unit,
        rows=rows,
        fields=fields,
        shown=shown,
        changed={c.key: c for c in diff or ()},
        answers_return=_answers_return(found),
        receipt=_receipt_number(found),
        issues=found.report_json.get("issues", []),
        previous=previous,
        diff=diff,
        state=states[found.id],
        counted=counted,
        newest=versions[-1],
        actions=repository.available(session, found, user()),
        reviews=_reviews(submission),
        review_form=ReviewForm(),
        published=publication,
    )


@bp.route("/submissions/<int:submission_id>")
@login_required
def submission(submission_id: int):
    thread = repository.submission_history(db.session(), submission_id, scope=scope())
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


def perform(version_id: int, step: Action, comment: str = "", note: str = ""):
    """Take the action as the signed-in user; back to the version with what happened. A refusal
    of the role, the scope or the state reaches the one error handler (403, 404, 409)."""
    try:
        done = repository.act(
            db.session(), version_id, user(), step.value, comment=comment, note=note
        )
    except NotFound:
        raise
    except UsageError as exc:  # a missing comment: said on the page, nothing changed
        flash(str(exc), "error")
    else:
        flash(DONE[step].format(what=_label(done), office=office()), "success")
    return redirect(url_for("review.version", version_id=version_id))


@bp.route("/versions/<int:version_id>/<action>", methods=["POST"])
@login_required
def act(version_id: int, action: str):
    """One workflow action on a version (``submit``, ``withdraw``, ``delete``, ``approve``,
    ``return``, ``revoke``), with a ``comment`` (or ``reason``) where the action needs one."""
    step = parse_action(action)
    refuse_never(in_round().roles, step)  # 403 first: a role that may never take it
    _version_or_404(version_id)  # a version of the selected round only
    comment = request.form.get("comment") or request.form.get("reason") or ""
    if step in CONFIRM and request.form.get("confirm") != "yes":
        found = repository.check(db.session(), version_id, user(), step.value)
        return render_template(
            "review/confirm.html", version=found, what=_label(found), step=step, comment=comment
        )
    return perform(version_id, step, comment, request.form.get("note") or "")


@bp.route("/versions/<int:version_id>/review", methods=["POST"])
@roles(REVIEWER)
def decide(version_id: int):
    """The review form: approve, or return with a comment (the same actions as ``act``)."""
    _version_or_404(version_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return redirect(url_for("review.version", version_id=version_id))
    return perform(version_id, Action(form.decision.data), form.comment.data or "")


def version_json(found: models.Version, *, with_report: bool = True) -> dict:
    """A version as the API gives it: its place in the round, its state and (optionally) its
    report in the shape of docs/contracts.md."""
    submission = found.submission
    state = machine_states(submission.versions)[found.id]
    body = {
        "id": found.id,
        "number": found.number,
        "unit": submission.unit.short_name,
        "table": submission.table_id,
        "project": submission.slot or None,
        "status": submission.standing.value,
        "state": state.value,
        "state_label": state.label,
        "file": found.original_name,
        "uploaded_at": found.uploaded_at.isoformat(),
        "submitted_at": found.submitted_at.isoformat() if found.submitted_at else None,
        "after_approval": found.after_approval,
        "submitted_late": found.submitted_late,
        "note": found.note,
    }
    if with_report:
        body["report"] = found.report_json
    return body


@bp.route("/api/v1/versions/<int:version_id>")
@login_required
def api_version(version_id: int):
    """A version's report in the shape of docs/contracts.md, with its place in the round, its state and the
    核定金额 of its rows (a unit: as published; admin and finance: as entered)."""
    found = _version_or_404(version_id)
    body = version_json(found)
    rows = repository.rows_with_allocations(db.session(), version_id, scope=scope())
    body["allocations"] = [
        {
            "key": a.row.key,
            "project": a.row.name,
            "approved": plain(a.allocated),
            "reason": a.reason,
        }
        for a in rows
    ]
    return jsonify(body)
