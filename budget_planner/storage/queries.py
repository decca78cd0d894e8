"""Reading submissions and versions, always within the acting user's scope.

A single object out of scope reads as ``None`` and a list as empty: a unit account cannot tell
another unit's data from nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from budget_planner.storage.models import (
    Attachment,
    Blob,
    ProjectRow,
    Round,
    Status,
    Submission,
    Unit,
    Version,
)
from budget_planner.storage.rounds import config_of, units
from budget_planner.storage.scope import as_scope
from budget_planner.storage.types import utcnow
from budget_planner.templates.spec import ALL_TABLES


def get_submission(session: Session, submission_id: int, *, scope: object) -> Submission | None:
    query = sa.select(Submission).where(
        Submission.id == submission_id, as_scope(scope).filter(Submission.unit_id)
    )
    return session.scalars(query).first()


def submissions(
    session: Session, round_id: str, *, scope: object, unit_id: int | None = None
) -> list[Submission]:
    """The round's unit × table threads in scope (optionally one unit's), by unit then table."""
    query = (
        sa.select(Submission)
        .join(Unit, Unit.id == Submission.unit_id)
        .where(Submission.round_id == round_id, as_scope(scope).filter(Submission.unit_id))
        .order_by(Unit.position, Submission.table_id, Submission.slot)
    )
    if unit_id is not None:
        query = query.where(Submission.unit_id == unit_id)
    return list(session.scalars(query))


def versions_of(session: Session, submission_id: int, *, scope: object) -> list[Version]:
    """Every version of a thread, oldest first (numbers 1..n)."""
    query = (
        sa.select(Version)
        .join(Submission, Submission.id == Version.submission_id)
        .where(Version.submission_id == submission_id, as_scope(scope).filter(Submission.unit_id))
        .order_by(Version.number)
    )
    return list(session.scalars(query))


def get_version(session: Session, version_id: int, *, scope: object) -> Version | None:
    query = (
        sa.select(Version)
        .join(Submission, Submission.id == Version.submission_id)
        .where(Version.id == version_id, as_scope(scope).filter(Submission.unit_id))
    )
    return session.scalars(query).first()


def version_file(session: Session, version_id: int, *, scope: object) -> tuple[bytes, str] | None:
    """The bytes exactly as uploaded and the original file name."""
    query = (
        sa.select(Blob.data, Version.original_name)
        .join(Version, Version.blob_sha256 == Blob.sha256)
        .join(Submission, Submission.id == Version.submission_id)
        .where(Version.id == version_id, as_scope(scope).filter(Submission.unit_id))
    )
    row = session.execute(query).first()
    return (bytes(row[0]), row[1]) if row else None


def attachment_file(
    session: Session, attachment_id: int, *, scope: object
) -> tuple[bytes, str, str] | None:
    """The stamped scan's bytes, original name and MIME type."""
    query = (
        sa.select(Blob.data, Attachment.original_name, Attachment.mime)
        .join(Attachment, Attachment.blob_sha256 == Blob.sha256)
        .join(Version, Version.id == Attachment.version_id)
        .join(Submission, Submission.id == Version.submission_id)
        .where(Attachment.id == attachment_id, as_scope(scope).filter(Submission.unit_id))
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
            as_scope(scope).filter(Submission.unit_id),
        )
        .order_by(Version.id)
    )
    return list(session.scalars(query))


def project_rows(session: Session, version_id: int, *, scope: object) -> list[ProjectRow]:
    query = (
        sa.select(ProjectRow)
        .join(Version, Version.id == ProjectRow.version_id)
        .join(Submission, Submission.id == Version.submission_id)
        .where(ProjectRow.version_id == version_id, as_scope(scope).filter(Submission.unit_id))
        .order_by(ProjectRow.position)
    )
    return list(session.scalars(query))


# ---------------------------------------------------------------- which version counts


@dataclass(frozen=True)
class Counted:
    """The version that counts for one thread, and why.

    ``reason``: "approved", else "valid" (the newest without errors), else "errors" (the newest,
    flagged). ``newer_after_approval``: a version uploaded after the approval waits for review.
    """

    submission: Submission
    version: Version
    reason: str
    newer_after_approval: bool = False

    @property
    def flagged(self) -> bool:
        return self.reason == "errors"


def _counted(submission: Submission, versions: list[Version]) -> Counted | None:
    if not versions:
        return None
    approved = next((v for v in versions if v.approved_at is not None), None)
    if approved is not None and submission.status == Status.APPROVED:
        newer = any(v.number > approved.number for v in versions)
        return Counted(submission, approved, "approved", newer)
    valid = [v for v in versions if not v.has_errors]
    if valid:
        return Counted(submission, max(valid, key=lambda v: v.number), "valid")
    return Counted(submission, max(versions, key=lambda v: v.number), "errors")


def _versions_by_submission(
    session: Session, round_id: str, scope: object
) -> dict[int, list[Version]]:
    query = (
        sa.select(Version)
        .join(Submission, Submission.id == Version.submission_id)
        .where(Submission.round_id == round_id, as_scope(scope).filter(Submission.unit_id))
        .order_by(Version.number)
    )
    grouped: dict[int, list[Version]] = defaultdict(list)
    for version in session.scalars(query):
        grouped[version.submission_id].append(version)
    return grouped


def counted_versions(session: Session, round_id: str, *, scope: object) -> list[Counted]:
    """For every thread in scope, the version that counts (the one consolidation takes)."""
    grouped = _versions_by_submission(session, round_id, scope)
    result = []
    for submission in submissions(session, round_id, scope=scope):
        counted = _counted(submission, grouped.get(submission.id, []))
        if counted is not None:
            result.append(counted)
    return result


# ---------------------------------------------------------------- the completeness matrix

_RANK = {
    Status.MISSING: 0,
    Status.ERRORS: 1,
    Status.RETURNED: 2,
    Status.DRAFT: 3,
    Status.SUBMITTED: 4,
    Status.APPROVED: 5,
}
DONE = (Status.SUBMITTED, Status.APPROVED)


@dataclass(frozen=True)
class Cell:
    """One unit × table: its status (the least advanced of a 预算表's projects), the newest version."""

    table: str
    required: bool
    status: Status
    overdue: bool = False
    submission_id: int | None = None
    version_number: int | None = None
    projects: int = 0  # threads behind the cell (several for 预算表)
    after_approval: bool = False

    @property
    def label(self) -> str:
        return self.status.label


@dataclass
class UnitRow:
    unit_id: int
    short_name: str
    full_name: str
    contact: str
    phone: str
    cells: dict[str, Cell] = field(default_factory=dict)

    @property
    def missing(self) -> list[str]:
        """Required tables with nothing uploaded."""
        return [t for t, c in self.cells.items() if c.required and c.status is Status.MISSING]

    @property
    def outstanding(self) -> list[str]:
        """Required tables not yet submitted or approved (what a reminder asks for)."""
        return [t for t, c in self.cells.items() if c.required and c.status not in DONE]


@dataclass
class Completeness:
    round_id: str
    deadline: dt.datetime  # the end of the deadline day, Beijing time
    tables: tuple[str, ...]  # required of some unit, in table order
    optional_tables: tuple[str, ...]  # not required, but uploaded by some unit
    rows: list[UnitRow]

    @property
    def missing_count(self) -> int:
        return sum(len(r.missing) for r in self.rows)


def completeness(
    session: Session, round_id: str, *, scope: object, now: dt.datetime | None = None
) -> Completeness | None:
    """Units (in scope) × tables with status; only required tables count as missing or overdue."""
    stored = session.get(Round, round_id)
    if stored is None:
        return None
    config = config_of(stored)
    now = now or utcnow()
    overdue_now = now > config.deadline_end
    grouped = _versions_by_submission(session, round_id, scope)
    threads: dict[tuple[int, str], list[Submission]] = defaultdict(list)
    query = (
        sa.select(Submission)
        .where(Submission.round_id == round_id, as_scope(scope).filter(Submission.unit_id))
        .options(selectinload(Submission.unit))
    )
    for submission in session.scalars(query):
        threads[(submission.unit_id, submission.table_id)].append(submission)
    rows, required_any, present = [], set(), set()
    for unit in units(session, round_id, scope=scope):
        required = set(config.required_tables(unit.short_name))
        required_any |= required
        row = UnitRow(unit.id, unit.short_name, unit.full_name, unit.contact, unit.phone)
        for table in ALL_TABLES:
            found = threads.get((unit.id, table), [])
            if table not in required and not found:
                continue
            present.add(table)
            row.cells[table] = _cell(table, table in required, found, grouped, overdue_now)
        rows.append(row)
    ordered = tuple(t for t in ALL_TABLES if t in required_any)
    optional = tuple(t for t in ALL_TABLES if t in present and t not in required_any)
    return Completeness(round_id, config.deadline_end, ordered, optional, rows)


def _cell(
    table: str,
    required: bool,
    found: list[Submission],
    grouped: dict[int, list[Version]],
    overdue_now: bool,
) -> Cell:
    if not found:
        return Cell(table, required, Status.MISSING, overdue=required and overdue_now)
    worst = min(found, key=lambda s: _RANK[Status(s.status)])
    status = Status(worst.status)
    versions = grouped.get(worst.id, [])
    return Cell(
        table,
        required,
        status,
        overdue=required and overdue_now and status not in DONE,
        submission_id=worst.id,
        version_number=versions[-1].number if versions else None,
        projects=len(found),
        after_approval=any(_waiting_after_approval(s, grouped.get(s.id, [])) for s in found),
    )


def _waiting_after_approval(submission: Submission, versions: list[Version]) -> bool:
    counted = _counted(submission, versions)
    return counted is not None and counted.newer_after_approval
