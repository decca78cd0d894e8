"""Submitting a version, and the admin's review: approve, or return it with a comment."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from budget_planner.errors import UsageError
from budget_planner.storage.audit import Action, record
from budget_planner.storage.db import write_transaction
from budget_planner.storage.models import (
    Decision,
    Review,
    Role,
    Round,
    RoundStatus,
    Status,
    Submission,
    Version,
)
from budget_planner.storage.scope import (
    Actor,
    NotFound,
    load_actor,
    require_role,
    require_unit_access,
)
from budget_planner.storage.types import utcnow
from budget_planner.storage.uploads import newest_version

MAX_COMMENT = 2000


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
    return version, session.scalars(query).one()


def _label(submission: Submission, version: Version) -> str:
    slot = f"“{submission.slot}”" if submission.slot else ""
    return f"{submission.table_id}{slot}第 {version.number} 版"


def submit(session: Session, version_id: int, user: Actor | None) -> Version:
    """The unit declares this version its submission. Refused when it has errors, is not the
    newest, or the table is already approved; submitting twice is harmless."""
    with write_transaction(session):
        actor = load_actor(session, user)
        version, submission = _locked(session, version_id)
        require_unit_access(actor, submission.unit_id, "版本")
        require_role(actor, Role.ADMIN, Role.UNIT)
        behalf = actor is None or actor.role != Role.UNIT
        stored_round = session.get(Round, submission.round_id)
        assert stored_round is not None
        if not behalf and stored_round.status != RoundStatus.OPEN:
            raise UsageError(f"本轮征集{RoundStatus(stored_round.status).label}，不能提交")
        if version.has_errors:
            count = sum(
                1 for i in version.report_json.get("issues", []) if i.get("severity") == "error"
            )
            raise UsageError(
                f"{_label(submission, version)}有 {count} 处错误，不能提交；请按问题清单修改后重新上传"
            )
        newest = newest_version(session, submission.id)
        assert newest is not None
        if newest.id != version.id:
            raise UsageError(
                f"{_label(submission, version)}不是最新版本（最新为第 {newest.number} 版），请提交最新版本"
            )
        if submission.status == Status.APPROVED:
            raise UsageError("该表已审核通过；如需更换，请联系省局退回后再提交")
        if submission.status == Status.SUBMITTED and version.submitted_at is not None:
            return version
        version.submitted_at = utcnow()
        submission.status = Status.SUBMITTED.value
        submission.updated_at = version.submitted_at
        record(
            session,
            actor,
            Action.SUBMIT,
            round_id=submission.round_id,
            unit_id=submission.unit_id,
            version_id=version.id,
            detail=_label(submission, version) + ("（代为提交）" if behalf else ""),
        )
    return version


def review(
    session: Session,
    version_id: int,
    user: Actor | None,
    decision: Decision | str,
    comment: str = "",
) -> Review:
    """Approve a version (it becomes the one that counts; the table is locked) or return it for
    changes with a comment (the table is unlocked, an earlier approval withdrawn). Admin only."""
    decision = Decision(decision)
    comment = (comment or "").strip()[:MAX_COMMENT]
    with write_transaction(session):
        actor = load_actor(session, user)
        require_role(actor, Role.ADMIN)
        version, submission = _locked(session, version_id)
        now = utcnow()
        if decision is Decision.APPROVE:
            if version.has_errors:
                raise UsageError(f"{_label(submission, version)}有错误，不能审核通过")
            for other in submission.versions:
                other.approved_at = None
            version.approved_at = now
            submission.status = Status.APPROVED.value
            submission.locked = True
        else:
            if not comment:
                raise UsageError("退回修改须填写退回意见")
            for other in submission.versions:
                other.approved_at = None
            submission.status = Status.RETURNED.value
            submission.locked = False
        submission.updated_at = now
        entry = Review(
            version_id=version.id,
            decision=decision.value,
            comment=comment,
            by_id=actor.id if actor is not None else None,
            by_name=actor.username if actor is not None else "命令行",
            at=now,
        )
        session.add(entry)
        record(
            session,
            actor,
            Action.APPROVE if decision is Decision.APPROVE else Action.RETURN,
            round_id=submission.round_id,
            unit_id=submission.unit_id,
            version_id=version.id,
            detail=_label(submission, version) + (f"：{comment}" if comment else ""),
        )
    return entry
