"""Reading submissions and versions, always within the acting user's scope.

A single object out of scope reads as ``None`` and a list as empty: a unit account cannot tell
another unit's data from nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Session

from budget_planner.aggregate.status import TableStatus
from budget_planner.storage.models import (
    Attachment,
    Blob,
    ProjectRow,
    RoundMember,
    Submission,
    Version,
)
from budget_planner.storage.roles import scope_in
from budget_planner.storage.scope import Scope
from budget_planner.storage.workflow import VersionState, machine_states


def _in_round_of(session: Session, scope: object, round_of: sa.Select) -> Scope | None:
    """The scope in the round of the object ``round_of`` selects (None when there is none)."""
    round_id = session.scalar(round_of)
    return scope_in(session, scope, round_id) if round_id is not None else None


def _round_of_submission(submission_id: int) -> sa.Select:
    return sa.select(Submission.round_id).where(Submission.id == submission_id)


def _round_of_version(version_id: int) -> sa.Select:
    return (
        sa.select(Submission.round_id)
        .join(Version, Version.submission_id == Submission.id)
        .where(Version.id == version_id)
    )


def _where(scope: Scope) -> sa.ColumnElement[bool]:
    return scope.filter(Submission.unit_id, Submission.round_id)


def get_submission(session: Session, submission_id: int, *, scope: object) -> Submission | None:
    found = _in_round_of(session, scope, _round_of_submission(submission_id))
    if found is None:
        return None
    query = sa.select(Submission).where(Submission.id == submission_id, _where(found))
    return session.scalars(query).first()


def submissions(
    session: Session, round_id: str, *, scope: object, unit_id: int | None = None
) -> list[Submission]:
    """The round's unit × table threads in scope (optionally one unit's), by unit then table."""
    query = (
        sa.select(Submission)
        .join(
            RoundMember,
            sa.and_(
                RoundMember.unit_id == Submission.unit_id,
                RoundMember.round_id == Submission.round_id,
            ),
            isouter=True,
        )
        .where(Submission.round_id == round_id, _where(scope_in(session, scope, round_id)))
        .order_by(RoundMember.position, Submission.unit_id, Submission.table_id, Submission.slot)
    )
    if unit_id is not None:
        query = query.where(Submission.unit_id == unit_id)
    return list(session.scalars(query))


def versions_of(session: Session, submission_id: int, *, scope: object) -> list[Version]:
    """Every version of a thread, oldest first (numbers 1..n)."""
    found = _in_round_of(session, scope, _round_of_submission(submission_id))
    if found is None:
        return []
    query = (
        sa.select(Version)
        .join(Submission, Submission.id == Version.submission_id)
        .where(Version.submission_id == submission_id, _where(found))
        .order_by(Version.number)
    )
    return list(session.scalars(query))


def get_version(session: Session, version_id: int, *, scope: object) -> Version | None:
    found = _in_round_of(session, scope, _round_of_version(version_id))
    if found is None:
        return None
    query = (
        sa.select(Version)
        .join(Submission, Submission.id == Version.submission_id)
        .where(Version.id == version_id, _where(found))
    )
    return session.scalars(query).first()


def version_file(session: Session, version_id: int, *, scope: object) -> tuple[bytes, str] | None:
    """The bytes exactly as uploaded and the original file name."""
    found = _in_round_of(session, scope, _round_of_version(version_id))
    if found is None:
        return None
    query = (
        sa.select(Blob.data, Version.original_name)
        .join(Version, Version.blob_sha256 == Blob.sha256)
        .join(Submission, Submission.id == Version.submission_id)
        .where(Version.id == version_id, _where(found))
    )
    row = session.execute(query).first()
    return (bytes(row[0]), row[1]) if row else None


def attachment_file(
    session: Session, attachment_id: int, *, scope: object
) -> tuple[bytes, str, str] | None:
    """The stamped scan's bytes, original name and MIME type."""
    round_of = (
        sa.select(Submission.round_id)
        .join(Version, Version.submission_id == Submission.id)
        .join(Attachment, Attachment.version_id == Version.id)
        .where(Attachment.id == attachment_id)
    )
    found = _in_round_of(session, scope, round_of)
    if found is None:
        return None
    query = (
        sa.select(Blob.data, Attachment.original_name, Attachment.mime)
        .join(Attachment, Attachment.blob_sha256 == Blob.sha256)
        .join(Version, Version.id == Attachment.version_id)
        .join(Submission, Submission.id == Version.submission_id)
        .where(Attachment.id == attachment_id, _where(found))
    )
    row = session.execute(query).first()
    return (bytes(row[0]), row[1], row[2]) if row else None


def upload_siblings(session: Session, version_id: int, *, scope: object) -> list[Version]:
    """Every version stored from the same upload as this one (one workbook holding 表一–表四 gives
    four), in the order they were stored; empty when the version is out of scope."""
    version = get_version(session, version_id, scope=scope)
    if version is None:
        return []
    query = (
        sa.select(Version)
        .join(Submission, Submission.id == Version.submission_id)
        .where(
            Version.blob_sha256 == version.blob_sha256,
            Version.uploaded_at == version.uploaded_at,
            Submission.unit_id == version.submission.unit_id,
            Submission.round_id == version.submission.round_id,
        )
        .order_by(Version.id)
    )
    return list(session.scalars(query))


def project_rows(session: Session, version_id: int, *, scope: object) -> list[ProjectRow]:
    found = _in_round_of(session, scope, _round_of_version(version_id))
    if found is None:
        return []
    query = (
        sa.select(ProjectRow)
        .join(Version, Version.id == ProjectRow.version_id)
        .join(Submission, Submission.id == Version.submission_id)
        .where(ProjectRow.version_id == version_id, _where(found))
        .order_by(ProjectRow.position)
    )
    return list(session.scalars(query))


# ---------------------------------------------------------------- which version counts


class CountReason(StrEnum):
    APPROVED = "approved"  # the approved version, until a newer one is approved
    SUBMITTED = "submitted"  # else the submission awaiting review (only one waits)
    UNSUBMITTED = "unsubmitted"  # else the newest version without errors, flagged 未提交
    ERRORS = "errors"  # else the newest version, flagged 有错误


@dataclass(frozen=True)
class Counted:
    """The version that counts for one unit × table (or 预算表 project), and why.

    The one definition of what counts: the dashboard, the API, the consolidated workbook, the
    allocation plan and reconciliation all take their versions from here. ``state`` is the counted
    version's workflow state; ``newer_after_approval``: a newer draft or submission sits beside
    the approved version.
    """

    submission: Submission
    version: Version
    reason: CountReason
    state: VersionState
    newer_after_approval: bool = False

    @property
    def flagged(self) -> bool:
        """Counted although it has errors."""
        return self.reason is CountReason.ERRORS

    @property
    def status(self) -> TableStatus:
        """The unit × table's status, as the site shows it."""
        if self.reason is CountReason.APPROVED:
            return TableStatus.APPROVED
        if self.reason is CountReason.SUBMITTED:
            return TableStatus.SUBMITTED
        if self.reason is CountReason.ERRORS:
            return TableStatus.ERRORS
        return TableStatus.RETURNED if self.state is VersionState.RETURNED else TableStatus.DRAFT

    @property
    def eligible(self) -> bool:
        """Whether 核定金额 may be entered on its rows: submitted or approved, without errors."""
        return self.reason in (CountReason.APPROVED, CountReason.SUBMITTED) and not (
            self.version.has_errors
        )


def counted_for(submission: Submission, versions: list[Version]) -> Counted | None:
    """The version of one thread that counts (None when it has no version left but deleted ones)."""
    states = machine_states(versions)
    live = sorted(
        (v for v in versions if states[v.id] is not VersionState.DELETED), key=lambda v: v.number
    )
    if not live:
        return None

    def newest(state: VersionState) -> Version | None:
        return next((v for v in reversed(live) if states[v.id] is state), None)

    approved = newest(VersionState.APPROVED)
    if approved is not None:
        newer = any(
            v.number > approved.number
            and states[v.id] in (VersionState.DRAFT, VersionState.SUBMITTED)
            for v in live
        )
        return Counted(submission, approved, CountReason.APPROVED, states[approved.id], newer)
    waiting = newest(VersionState.SUBMITTED)
    if waiting is not None:
        return Counted(submission, waiting, CountReason.SUBMITTED, states[waiting.id])
    clean = next((v for v in reversed(live) if not v.has_errors), None)
    if clean is not None:
        return Counted(submission, clean, CountReason.UNSUBMITTED, states[clean.id])
    return Counted(submission, live[-1], CountReason.ERRORS, states[live[-1].id])


def versions_by_submission(
    session: Session, round_id: str, scope: object
) -> dict[int, list[Version]]:
    query = (
        sa.select(Version)
        .join(Submission, Submission.id == Version.submission_id)
        .where(Submission.round_id == round_id, _where(scope_in(session, scope, round_id)))
        .order_by(Version.number)
    )
    grouped: dict[int, list[Version]] = defaultdict(list)
    for version in session.scalars(query):
        grouped[version.submission_id].append(version)
    return grouped


def counted_versions(session: Session, round_id: str, *, scope: object) -> list[Counted]:
    """For every thread in scope, the version that counts (the one consolidation takes)."""
    visible = scope_in(session, scope, round_id)
    grouped = versions_by_submission(session, round_id, visible)
    result = []
    for submission in submissions(session, round_id, scope=visible):
        counted = counted_for(submission, grouped.get(submission.id, []))
        if counted is not None:
            result.append(counted)
    return result
