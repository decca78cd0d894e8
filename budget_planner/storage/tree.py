"""The lasting unit tree (province → 地市 → 县市区 / 园区): reading it and placing a round's units in
it (admin's edits are in ``tree_edits.py``). Short names are unique among siblings and never change
once a unit exists (they are in every project key and usually the account's username); full names
and contacts may change. docs/units-and-rounds.md.

    parents(s) -> {unit id: parent id | None}
    subtree(s, unit_id) -> set[int]              # the unit and every unit below it
    ancestors(s, unit_id) -> [int]               # its parent, its parent's parent … the root
    find_units(s, name, *, within=None) -> [Unit]   # by short or full name (within a subtree)
    find_one(s, name) -> Unit | None             # the one unit of that name (UsageError if two)
    place(s, short_name, full_name, parent) -> Unit  # the unit under ``parent``, made if new
    in_subtree(s, root, short_name, full_name) -> Unit | None   # nearest first
    outline(s, root_id=None) -> [(depth, Unit)]  # depth-first, siblings in order
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.orm import Session

from budget_planner.errors import UsageError
from budget_planner.storage.models import Unit
from budget_planner.text import canonical, compact

MAX_SHORT_NAME = 100
MAX_FULL_NAME = 200


def parents(session: Session) -> dict[int, int | None]:
    return {uid: parent for uid, parent in session.execute(sa.select(Unit.id, Unit.parent_id))}


def children_of(links: dict[int, int | None]) -> dict[int | None, list[int]]:
    found: dict[int | None, list[int]] = defaultdict(list)
    for uid, parent in links.items():
        found[parent].append(uid)
    return found


def subtree(session: Session, unit_id: int, links: dict[int, int | None] | None = None) -> set[int]:
    """The unit and every unit below it."""
    below = children_of(links if links is not None else parents(session))
    found, todo = set(), [unit_id]
    while todo:
        current = todo.pop()
        if current in found:
            continue
        found.add(current)
        todo.extend(below.get(current, ()))
    return found


def ancestors(session: Session, unit_id: int) -> list[int]:
    """The unit's parent, its parent's parent … up to the root."""
    links = parents(session)
    found: list[int] = []
    current = links.get(unit_id)
    while current is not None and current not in found:
        found.append(current)
        current = links.get(current)
    return found


def find_units(session: Session, name: str, *, within: set[int] | None = None) -> list[Unit]:
    """The units whose short or full name is ``name`` (compared without whitespace)."""
    wanted = compact(name)
    if not wanted:
        return []
    found = [
        u
        for u in session.scalars(sa.select(Unit).order_by(Unit.id))
        if wanted in (compact(u.short_name), compact(u.full_name))
    ]
    return [u for u in found if within is None or u.id in within]


def find_one(session: Session, name: str, *, within: set[int] | None = None) -> Unit | None:
    """The one unit of that name; a name two units share must be given in full (UsageError)."""
    found = find_units(session, name, within=within)
    if len(found) > 1:
        exact = [u for u in found if compact(u.full_name) == compact(name)]
        if len(exact) == 1:
            return exact[0]
        raise UsageError(f"有 {len(found)} 个单位名为“{canonical(name)}”，请写全称")
    return found[0] if found else None


def _sibling(
    session: Session, parent_id: int | None, short_name: str, full_name: str
) -> Unit | None:
    siblings = session.scalars(
        sa.select(Unit).where(
            Unit.parent_id.is_(None) if parent_id is None else Unit.parent_id == parent_id
        )
    ).all()
    by_short = next((u for u in siblings if u.short_name == short_name), None)
    if by_short is not None:
        return by_short
    full = compact(full_name)
    return next((u for u in siblings if full and compact(u.full_name) == full), None)


def _next_position(session: Session, parent_id: int | None) -> int:
    query = sa.select(sa.func.max(Unit.position)).where(
        Unit.parent_id.is_(None) if parent_id is None else Unit.parent_id == parent_id
    )
    top = session.scalar(query)
    return 0 if top is None else top + 1


def _check_names(short_name: str, full_name: str) -> tuple[str, str]:
    short, full = canonical(short_name), canonical(full_name)
    if not short or len(short) > MAX_SHORT_NAME:
        raise UsageError(f"单位简称不能为空，且不超过 {MAX_SHORT_NAME} 个字")
    if len(full) > MAX_FULL_NAME:
        raise UsageError(f"单位全称不超过 {MAX_FULL_NAME} 个字")
    return short, full or short


def place(session: Session, short_name: str, full_name: str, parent: Unit | None) -> Unit:
    """The unit of this short name (or full name) under ``parent`` (a root when None), made when
    new; its full name is brought up to date. Inside the caller's transaction."""
    short, full = _check_names(short_name, full_name)
    parent_id = parent.id if parent is not None else None
    found = _sibling(session, parent_id, short, full)
    if found is None:
        found = Unit(
            parent_id=parent_id,
            position=_next_position(session, parent_id),
            short_name=short,
            full_name=full,
        )
        session.add(found)
        session.flush()
    elif full:
        found.full_name = full
    return found


def in_subtree(session: Session, root: Unit, short_name: str, full_name: str) -> Unit | None:
    """A unit below ``root`` with this short (or full) name, the nearest first (children before
    grandchildren): a round's member found wherever it already sits in the collector's subtree."""
    links = parents(session)
    below = children_of(links)
    level = list(below.get(root.id, ()))
    full = compact(full_name)
    seen: set[int] = set()
    while level:
        units = {u.id: u for u in session.scalars(sa.select(Unit).where(Unit.id.in_(level)))}
        match = next((units[i] for i in level if units[i].short_name == short_name), None)
        match = match or next(
            (units[i] for i in level if full and compact(units[i].full_name) == full), None
        )
        if match is not None:
            return match
        seen.update(level)
        level = [c for i in level for c in below.get(i, ()) if c not in seen]
    return None


def outline(session: Session, root_id: int | None = None) -> list[tuple[int, Unit]]:
    """The tree (or the subtree of ``root_id``) depth-first, siblings in order, with depths."""
    units = {u.id: u for u in session.scalars(sa.select(Unit))}
    below: dict[int | None, list[Unit]] = defaultdict(list)
    for unit in units.values():
        below[unit.parent_id].append(unit)
    for siblings in below.values():
        siblings.sort(key=lambda u: (u.position, u.id))
    found: list[tuple[int, Unit]] = []

    def walk(unit: Unit, depth: int) -> None:
        found.append((depth, unit))
        for child in below.get(unit.id, ()):
            walk(child, depth + 1)

    if root_id is not None:
        below[None] = [units[root_id]] if root_id in units else []
    for start in below[None]:
        walk(start, 0)
    return found
