"""A unit's history: every version of its tables with its state, reviews and the difference to the
previous version by project key (rows added, removed, amounts changed, other fields changed).

The difference reads five columns of each row (key, 类型, name, amount and the stored values of
every spec column), as plain tuples: no ORM objects for a 60,000-row table. Every column the table
spec names is compared (``storage.field_diff``); a project whose amount is the same but whose
other fields differ is a 内容变化 with the fields that changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from budget_planner.storage.field_diff import Field, FieldChange, field_changes, fields_of
from budget_planner.storage.models import ProjectRow, Review, Submission, Unit, Version
from budget_planner.storage.queries import (
    Counted,
    counted_for,
    get_submission,
    get_version,
    submissions,
)
from budget_planner.storage.roles import scope_in
from budget_planner.storage.rounds import member_query
from budget_planner.storage.scope import Scope, plain_scope
from budget_planner.storage.workflow import machine_states

ADDED, REMOVED, CHANGED, EDITED = "新增", "删除", "金额变化", "内容变化"
KINDS = (ADDED, REMOVED, CHANGED, EDITED)


@dataclass(frozen=True)
class Change:
    """One project compared with the previous version: added, removed, its amount changed, or
    (same amount) other fields changed; ``fields`` lists every field that differs."""

    kind: str  # 新增 / 删除 / 金额变化 / 内容变化
    key: str
    category: str
    name: str
    before: Decimal | None
    after: Decimal | None
    fields: tuple[FieldChange, ...] = ()

    @property
    def changed_keys(self) -> frozenset[str]:
        return frozenset(f.key for f in self.fields)

    @property
    def delta(self) -> Decimal | None:
        if self.kind == ADDED:
            return self.after
        if self.kind == REMOVED:
            return -self.before if self.before is not None else None
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


class RowDigest(NamedTuple):
    """What the difference reads of a project row."""

    key: str
    category: str
    name: str
    amount: Decimal | None
    values_json: dict | None = None


def row_digests(session: Session, version_ids: Iterable[int]) -> dict[int, list[RowDigest]]:
    """The rows of these versions, in order, as ``RowDigest``s (one query)."""
    ids = list(version_ids)
    found: dict[int, list[RowDigest]] = {i: [] for i in ids}
    if not ids:
        return found
    query = (
        sa.select(
            ProjectRow.version_id,
            ProjectRow.key,
            ProjectRow.category,
            ProjectRow.name,
            ProjectRow.amount,
            ProjectRow.values_json,
        )
        .where(ProjectRow.version_id.in_(ids))
        .order_by(ProjectRow.version_id, ProjectRow.position)
    )
    for version_id, key, category, name, amount, values in session.execute(query):
        found[version_id].append(RowDigest(key, category or "", name, amount, values))
    return found


@dataclass(frozen=True)
class _Project:
    category: str
    name: str
    amount: Decimal | None
    values: dict | None = None


def _by_key(rows: Iterable[ProjectRow | RowDigest]) -> dict[str, _Project]:
    """Rows by project key; two rows with one key (the same name twice under one 类型) are one
    project whose amount is their sum."""
    found: dict[str, _Project] = {}
    for row in rows:
        seen = found.get(row.key)
        if seen is None:
            found[row.key] = _Project(row.category, row.name, row.amount, row.values_json)
        elif row.amount is not None:
            total = row.amount if seen.amount is None else seen.amount + row.amount
            found[row.key] = _Project(seen.category, seen.name, total, seen.values)
    return found


def changes(
    before: Iterable[ProjectRow | RowDigest],
    after: Iterable[ProjectRow | RowDigest],
    fields: tuple[Field, ...] = (),
) -> list[Change]:
    """What changed from one version to the next, by project key: the new version's order first
    (added, amount changed, other ``fields`` changed), then the projects removed in the old
    version's order."""
    old, new = _by_key(before), _by_key(after)
    found = []
    for key, row in new.items():
        if key not in old:
            found.append(Change(ADDED, key, row.category, row.name, None, row.amount))
            continue
        was = old[key]
        differ = field_changes(was.values, row.values, fields)
        if was.amount != row.amount:
            found.append(
                Change(CHANGED, key, row.category, row.name, was.amount, row.amount, differ)
            )
        elif differ:
            found.append(
                Change(EDITED, key, row.category, row.name, was.amount, row.amount, differ)
            )
    for key, row in old.items():
        if key not in new:
            found.append(Change(REMOVED, key, row.category, row.name, row.amount, None))
    return found


# ---------------------------------------------------------------- one version's state


def version_states(versions: Iterable[Version]) -> dict[int, str]:
    """Where each version of a thread stands, in the workflow's words (已通过, 已提交, 已上传未提交,
    有错误, 已退回, 已被取代, 已撤销): ``workflow.machine_states``, labelled."""
    return {vid: state.label for vid, state in machine_states(versions).items()}


@dataclass
class VersionEntry:
    version: Version
    state: str
    previous: Version | None
    changes: list[Change] = field(default_factory=list)
    counted: bool = False  # the version that counts for its thread (``queries.counted_for``)

    @property
    def reviews(self) -> list[Review]:
        return list(self.version.reviews)

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)

    @property
    def summary(self) -> str:
        """新增 1 项，金额变化 2 项 (empty when nothing changed)."""
        counts = ((kind, self.count(kind)) for kind in KINDS)
        return "，".join(f"{kind} {n} 项" for kind, n in counts if n)


@dataclass
class Thread:
    """One unit × table (× 预算表 project) with its versions, newest first."""

    submission: Submission
    entries: list[VersionEntry]
    counted: Counted | None = None


def thread_history(
    submission: Submission, rows: dict[int, list[RowDigest]] | None = None
) -> Thread:
    """The thread's versions, newest first, each compared with the one before (``rows``: their
    row digests, else read from the versions' rows)."""
    versions = sorted(submission.versions, key=lambda v: v.number)

    def rows_of(version: Version) -> list[RowDigest] | list[ProjectRow]:
        return rows[version.id] if rows is not None else version.rows

    states = version_states(versions)
    counted = counted_for(submission, versions)
    fields = fields_of(submission.table_id)
    entries = []
    for i, version in enumerate(versions):
        previous = versions[i - 1] if i else None
        diff = changes(rows_of(previous), rows_of(version), fields) if previous else []
        entry = VersionEntry(version, states[version.id], previous, diff)
        entry.counted = counted is not None and counted.version.id == version.id
        entries.append(entry)
    return Thread(submission, list(reversed(entries)), counted)


def submission_history(session: Session, submission_id: int, *, scope: object) -> Thread | None:
    found = get_submission(session, submission_id, scope=scope)
    if found is None:
        return None
    return thread_history(found, row_digests(session, (v.id for v in found.versions)))


def version_changes(
    session: Session, version_id: int, *, scope: object
) -> tuple[Version, Version | None, list[Change]] | None:
    """One version, the version before it in its thread, and what changed between them; None out
    of scope."""
    version = get_version(session, version_id, scope=scope)
    if version is None:
        return None
    previous = session.scalars(
        sa.select(Version)
        .where(Version.submission_id == version.submission_id, Version.number < version.number)
        .order_by(Version.number.desc())
        .limit(1)
    ).first()
    if previous is None:
        return version, None, []
    rows = row_digests(session, (previous.id, version.id))
    fields = fields_of(version.submission.table_id)
    return version, previous, changes(rows[previous.id], rows[version.id], fields)


def unit_history(session: Session, round_id: str, unit_id: int, *, scope: object) -> list[Thread]:
    """Every thread of the unit (in table order), each with all its versions; empty out of scope."""
    visible = scope_in(session, scope, round_id)
    if not visible.allows(unit_id, round_id):
        return []
    threads = submissions(session, round_id, scope=visible, unit_id=unit_id)
    if not threads:
        return []
    # the versions and reviews in two queries, the rows' five columns in a third
    versions = session.scalars(
        sa.select(Version)
        .where(Version.submission_id.in_([t.id for t in threads]))
        .options(selectinload(Version.reviews), selectinload(Version.attachments))
    ).all()
    rows = row_digests(session, (v.id for v in versions))
    return [thread_history(t, rows) for t in threads]


def unit_of(
    session: Session, unit_id: int, *, scope: object, round_id: str | None = None
) -> Unit | None:
    """A unit in scope: with ``round_id`` (or a scope made for one round), a member of that round;
    an account's scope needs the round (without one, it reaches no unit)."""
    wanted = round_id or (scope.round_id if isinstance(scope, Scope) else None)
    if wanted is None:
        plain = plain_scope(scope)
        visible = plain if plain is not None else Scope.of_units([])
        return session.scalars(
            sa.select(Unit).where(Unit.id == unit_id, visible.filter(Unit.id))
        ).first()
    visible = scope_in(session, scope, wanted)
    query = member_query(wanted, visible).where(Unit.id == unit_id)
    return session.scalars(query).first()
