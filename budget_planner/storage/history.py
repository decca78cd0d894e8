"""A unit's history: every version of its tables with its state, reviews and the difference to the
previous version by project key (rows added, removed, amounts changed)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from budget_planner.storage.models import ProjectRow, Review, Submission, Unit, Version
from budget_planner.storage.queries import Counted, counted_for, get_submission, submissions
from budget_planner.storage.scope import as_scope
from budget_planner.storage.workflow import machine_states

ADDED, REMOVED, CHANGED = "新增", "删除", "金额变化"


@dataclass(frozen=True)
class Change:
    """One project compared with the previous version: added, removed, or its amount changed."""

    kind: str  # 新增 / 删除 / 金额变化
    key: str
    category: str
    name: str
    before: Decimal | None
    after: Decimal | None

    @property
    def delta(self) -> Decimal | None:
        if self.kind == ADDED:
            return self.after
        if self.kind == REMOVED:
            return -self.before if self.before is not None else None
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass(frozen=True)
class _Project:
    category: str
    name: str
    amount: Decimal | None


def _by_key(rows: Iterable[ProjectRow]) -> dict[str, _Project]:
    """Rows by project key; two rows with one key (the same name twice under one 类型) are one
    project whose amount is their sum."""
    found: dict[str, _Project] = {}
    for row in rows:
        seen = found.get(row.key)
        if seen is None:
            found[row.key] = _Project(row.category, row.name, row.amount)
        elif row.amount is not None:
            total = row.amount if seen.amount is None else seen.amount + row.amount
            found[row.key] = _Project(seen.category, seen.name, total)
    return found


def changes(before: Iterable[ProjectRow], after: Iterable[ProjectRow]) -> list[Change]:
    """What changed from one version to the next, by project key: the new version's order first
    (added, amount changed), then the projects removed in the old version's order."""
    old, new = _by_key(before), _by_key(after)
    found = []
    for key, row in new.items():
        if key not in old:
            found.append(Change(ADDED, key, row.category, row.name, None, row.amount))
        elif old[key].amount != row.amount:
            found.append(Change(CHANGED, key, row.category, row.name, old[key].amount, row.amount))
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
        counts = ((kind, self.count(kind)) for kind in (ADDED, REMOVED, CHANGED))
        return "，".join(f"{kind} {n} 项" for kind, n in counts if n)


@dataclass
class Thread:
    """One unit × table (× 预算表 project) with its versions, newest first."""

    submission: Submission
    entries: list[VersionEntry]
    counted: Counted | None = None


def thread_history(submission: Submission) -> Thread:
    versions = sorted(submission.versions, key=lambda v: v.number)
    states = version_states(versions)
    counted = counted_for(submission, versions)
    entries = []
    for i, version in enumerate(versions):
        previous = versions[i - 1] if i else None
        diff = changes(previous.rows, version.rows) if previous is not None else []
        entry = VersionEntry(version, states[version.id], previous, diff)
        entry.counted = counted is not None and counted.version.id == version.id
        entries.append(entry)
    return Thread(submission, list(reversed(entries)), counted)


def submission_history(session: Session, submission_id: int, *, scope: object) -> Thread | None:
    found = get_submission(session, submission_id, scope=scope)
    return thread_history(found) if found is not None else None


def unit_history(session: Session, round_id: str, unit_id: int, *, scope: object) -> list[Thread]:
    """Every thread of the unit (in table order), each with all its versions; empty out of scope."""
    if not as_scope(scope).allows(unit_id):
        return []
    threads = submissions(session, round_id, scope=scope, unit_id=unit_id)
    if threads:  # load the versions, their rows and reviews in three queries, not one per version
        ids = [t.id for t in threads]
        session.scalars(
            sa.select(Version)
            .where(Version.submission_id.in_(ids))
            .options(selectinload(Version.rows), selectinload(Version.reviews))
        ).all()
    return [thread_history(t) for t in threads]


def unit_of(session: Session, unit_id: int, *, scope: object) -> Unit | None:
    query = sa.select(Unit).where(Unit.id == unit_id, as_scope(scope).filter(Unit.id))
    return session.scalars(query).first()
