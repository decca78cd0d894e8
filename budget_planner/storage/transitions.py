"""Taking a workflow action on a version: the one path every page, API call and command goes
through. It asks ``storage.workflow``'s table, never decides on its own.

    act(s, version_id, user, action, *, comment="") -> Version
        PermissionDenied (403): the user's role may never take this action
        NotFound (404): no such version, or another unit's
        WorkflowConflict (409): the version's state (or a closed round) forbids it; nothing changes
        UsageError (400): a comment the action needs is missing
    check(s, version_id, user, action) -> Version      # the same refusals, nothing changed
    available(s, version, user) -> list[workflow.Action]   # what the pages offer
    refresh_status(submission)    # the thread's cached status: the status of what counts
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from budget_planner.errors import UsageError
from budget_planner.storage import workflow as wf
from budget_planner.storage.audit import Action as Audit
from budget_planner.storage.audit import record
from budget_planner.storage.db import write_transaction
from budget_planner.storage.deadlines import is_late
from budget_planner.storage.grants import filing_refusal
from budget_planner.storage.models import Decision, Review, Round, Status, Submission, User, Version
from budget_planner.storage.roles import round_roles
from budget_planner.storage.scope import (
    Actor,
    NotFound,
    PermissionDenied,
    WorkflowConflict,
    load_actor,
)
from budget_planner.storage.types import utcnow

MAX_COMMENT = 2000
# the role a person acts in when several could take the action (the command line has them all):
# as 审核 a submission on a unit's behalf is not bound to the round being open
PREFERENCE = (wf.WorkflowRole.REVIEWER, wf.WorkflowRole.SUBMITTER, wf.WorkflowRole.FINANCE)
AUDITED = {
    wf.Action.SUBMIT: Audit.SUBMIT,
    wf.Action.WITHDRAW: Audit.WITHDRAW,
    wf.Action.DELETE: Audit.DELETE,
    wf.Action.APPROVE: Audit.APPROVE,
    wf.Action.RETURN: Audit.RETURN,
    wf.Action.REVOKE: Audit.REVOKE,
}
REVIEWED = {
    wf.Action.APPROVE: Decision.APPROVE,
    wf.Action.RETURN: Decision.RETURN,
    wf.Action.REVOKE: Decision.REVOKE,
}


def parse_action(name: str) -> wf.Action:
    try:
        return wf.Action(name)
    except ValueError:
        raise NotFound("操作") from None


def version_label(submission: Submission, version: Version) -> str:
    slot = f"“{submission.slot}”" if submission.slot else ""
    return f"{submission.table_id}{slot}第 {version.number} 版"


def _preferred(mine: frozenset[wf.WorkflowRole]) -> list[wf.WorkflowRole]:
    return [r for r in PREFERENCE if r in mine]


def refuse_never(roles: frozenset[wf.WorkflowRole], step: wf.Action) -> None:
    """PermissionDenied (403) when none of these roles may ever take the action, whatever the
    state or the unit (checked before the version is looked for)."""
    if not any(wf.may_ever(r, step) for r in roles):
        who = "、".join(r.label for r in _preferred(roles)) or "此"
        raise PermissionDenied(f"{who}账号无权{step.label}")


def _locked(session: Session, version_id: int) -> tuple[Version, Submission]:
    version = session.get(Version, version_id)
    if version is None:
        raise NotFound("版本")
    query = (
        sa.select(Submission)
        .where(Submission.id == version.submission_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    submission = session.scalars(query).one()
    # the thread's versions as they are now that it is locked (another request may have acted
    # between the first read and the lock)
    session.scalars(
        sa.select(Version)
        .where(Version.submission_id == submission.id)
        .execution_options(populate_existing=True)
    ).all()
    return version, submission


@dataclass(frozen=True)
class _Decided:
    version: Version
    submission: Submission
    states: dict[int, wf.VersionState]
    role: wf.WorkflowRole
    next: wf.VersionState


def _conflict(state: wf.VersionState, step: wf.Action, version: Version, what: str) -> str:
    if state is wf.VersionState.ERRORS and step is wf.Action.SUBMIT:
        count = sum(
            1 for i in version.report_json.get("issues", []) if i.get("severity") == "error"
        )
        return f"{what}有 {count} 处错误，不能提交；请按问题清单修改后重新上传"
    return wf.refusal(state, step, what)


def _decide(
    session: Session, version_id: int, actor: User | None, step: wf.Action, now: dt.datetime
) -> _Decided:
    """The account's roles come from the tree, in the version's round (``storage.roles``): none
    there reads as absent (404); none that may ever take the action is 403; another unit's
    version is 404."""
    asked = session.get(Version, version_id)
    if asked is None:
        raise NotFound("版本")
    in_round = round_roles(session, actor, asked.submission.round_id)
    if not in_round.visible:
        raise NotFound("版本")
    refuse_never(in_round.roles, step)
    version, submission = _locked(session, version_id)
    roles = _preferred(in_round.on(submission.unit_id))
    if not roles:
        raise NotFound("版本")
    states = wf.machine_states(submission.versions)
    state = states[version.id]
    found = [(r, n) for r in roles if (n := wf.next_state(state, step, r)) is not None]
    if not found:
        raise WorkflowConflict(_conflict(state, step, version, version_label(submission, version)))
    role, following = found[0]
    if role is wf.WorkflowRole.SUBMITTER and step in wf.WHILE_OPEN:
        stored = session.get(Round, submission.round_id)
        assert stored is not None
        refused = filing_refusal(session, stored, submission.unit_id, now)
        if refused is not None:
            raise WorkflowConflict(f"{refused}（不能{step.label}）")
    return _Decided(version, submission, states, role, following)


def check(session: Session, version_id: int, user: Actor | None, action: str) -> Version:
    """Refuse as ``act`` would, changing nothing (a confirmation page asks this first)."""
    step = parse_action(action)
    try:
        decided = _decide(session, version_id, load_actor(session, user), step, utcnow())
    finally:
        session.rollback()  # let go of the thread's row lock at once
    return decided.version


def act(
    session: Session,
    version_id: int,
    user: Actor | None,
    action: str,
    *,
    comment: str = "",
    note: str = "",
) -> Version:
    """Take ``action`` on the version as ``user`` (None: the command line), as the table allows.
    A submission stores ``note`` (修改说明: what changed since a return) and marks the version
    逾期提交 when it comes after the round's deadline (the mark stays)."""
    step = parse_action(action)
    comment = (comment or "").strip()[:MAX_COMMENT]
    note = (note or "").strip()[:MAX_COMMENT]
    with write_transaction(session):
        actor = load_actor(session, user)
        now = utcnow()
        decided = _decide(session, version_id, actor, step, now)
        if step in wf.NEEDS_COMMENT and not comment:
            raise UsageError(wf.NEEDS_COMMENT[step])
        version, submission = decided.version, decided.submission
        version.state = decided.next.value
        for other in submission.versions:
            if other.id != version.id and decided.states[other.id] in wf.SUPERSEDES.get(step, ()):
                other.state = wf.VersionState.SUPERSEDED.value
        if step is wf.Action.SUBMIT:
            version.submitted_at = now
            stored = session.get(Round, submission.round_id)
            if stored is not None and is_late(stored, now):
                version.submitted_late = True
            if note:
                version.note = note
        elif step is wf.Action.WITHDRAW:
            version.submitted_at = None
        elif step is wf.Action.APPROVE:
            version.approved_at = now
        elif step is wf.Action.REVOKE:
            version.approved_at = None
        if step in REVIEWED:
            version.reviews.append(
                Review(
                    decision=REVIEWED[step].value,
                    comment=comment,
                    by_id=actor.id if actor is not None else None,
                    by_name=actor.username if actor is not None else "命令行",
                    at=now,
                )
            )
        refresh_status(submission, now)
        behalf = decided.role is wf.WorkflowRole.REVIEWER and step is wf.Action.SUBMIT
        detail = version_label(submission, version)
        if behalf and actor is not None:
            detail += "（代为提交）"
        if comment:
            detail += f"：{comment}"
        if step is wf.Action.SUBMIT and version.submitted_late:
            detail += "（逾期提交）"
        if step is wf.Action.SUBMIT and note:
            detail += f"；修改说明：{note}"
        record(
            session,
            actor,
            AUDITED[step],
            round_id=submission.round_id,
            unit_id=submission.unit_id,
            version_id=version.id,
            detail=detail,
        )
    return version


def refresh_status(submission: Submission, now: dt.datetime | None = None) -> None:
    """Keep the thread's cached status equal to the status of the version that counts
    (``Submission.standing``; nothing live left is cached as ``draft``)."""
    status = submission.standing
    submission.status = (Status.DRAFT if status is Status.MISSING else status).value
    submission.locked = status is Status.APPROVED
    submission.updated_at = now or utcnow()


def available(session: Session, version: Version, user: Actor | None) -> list[wf.Action]:
    """The actions the user may take on this version now (the buttons a page shows)."""
    actor = load_actor(session, user) if user is not None else None
    submission = version.submission
    roles = _preferred(round_roles(session, actor, submission.round_id).on(submission.unit_id))
    if not roles:
        return []
    state = wf.machine_states(submission.versions)[version.id]
    found = []
    for step in wf.allowed_actions(state, roles):
        only_submitter = [r for r in roles if wf.next_state(state, step, r)] == [
            wf.WorkflowRole.SUBMITTER
        ]
        if only_submitter and step in wf.WHILE_OPEN:
            stored = session.get(Round, submission.round_id)
            if stored is None or filing_refusal(session, stored, submission.unit_id) is not None:
                continue
        found.append(step)
    return found
