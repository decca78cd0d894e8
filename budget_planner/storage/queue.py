"""The 待审核 queue: the round's versions submitted and awaiting review, oldest submission first,
limited to what the reviewer sees."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from budget_planner.storage.models import Submission, Unit, Version
from budget_planner.storage.roles import scope_in
from budget_planner.storage.workflow import VersionState, machine_states


@dataclass(frozen=True)
class Waiting:
    """One version awaiting review."""

    version_id: int
    unit: str
    table: str
    project: str  # a 预算表's 项目名称, else ""
    number: int
    submitted_at: dt.datetime
    late: bool  # 逾期提交
    note: str  # the unit's 修改说明 when it answers a return
    total: object


def waiting(session: Session, round_id: str, *, scope: object) -> list[Waiting]:
    """Versions whose state is 已提交 (awaiting 审核), oldest submission first."""
    visible = scope_in(session, scope, round_id)
    query = (
        sa.select(Version)
        .join(Submission, Submission.id == Version.submission_id)
        .where(
            Submission.round_id == round_id,
            visible.filter(Submission.unit_id, Submission.round_id),
            Version.state == VersionState.SUBMITTED.value,
        )
        .options(selectinload(Version.submission).selectinload(Submission.versions))
        .order_by(Version.submitted_at, Version.id)
    )
    found = []
    for version in session.scalars(query):
        submission = version.submission
        if machine_states(submission.versions)[version.id] is not VersionState.SUBMITTED:
            continue
        unit = session.get(Unit, submission.unit_id)
        found.append(
            Waiting(
                version_id=version.id,
                unit=unit.short_name if unit is not None else "",
                table=submission.table_id,
                project=submission.slot,
                number=version.number,
                submitted_at=version.submitted_at or version.uploaded_at,
                late=version.submitted_late,
                note=version.note,
                total=version.total,
            )
        )
    return found
