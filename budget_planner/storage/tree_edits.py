"""Admin's edits of the unit tree, audited: a new unit under one it looks after, and a unit's full
name and contacts. A short name is never changed (it is in every project key of the unit and
usually its account's username); a unit is never moved or deleted here (its submissions, accounts
and rounds stay where they are).

    add_unit(s, parent_id, short_name, full_name, *, actor, contact="", phone="") -> Unit
    edit_unit(s, unit_id, *, actor, full_name=None, contact=None, phone=None) -> Unit
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from budget_planner.errors import UsageError
from budget_planner.storage import tree
from budget_planner.storage.audit import Action, record
from budget_planner.storage.db import write_transaction
from budget_planner.storage.models import Unit
from budget_planner.storage.roles import require_manager
from budget_planner.storage.scope import Actor, NotFound, load_actor
from budget_planner.text import canonical

MAX_CONTACT = 100


def _contact(text: str | None) -> str | None:
    if text is None:
        return None
    found = canonical(text)
    if len(found) > MAX_CONTACT:
        raise UsageError(f"联系人和电话不超过 {MAX_CONTACT} 个字")
    return found


def add_unit(
    session: Session,
    parent_id: int,
    short_name: str,
    full_name: str,
    *,
    actor: Actor | None,
    contact: str = "",
    phone: str = "",
) -> Unit:
    """A new unit under ``parent_id`` (a 县市区 under its 地市, a 园区 …); refused when a sibling
    has that short name already."""
    with write_transaction(session):
        user = load_actor(session, actor)
        parent = session.get(Unit, parent_id)
        if parent is None:
            raise NotFound("单位")
        require_manager(session, user, parent.id)
        short = canonical(short_name)
        if any(
            u.short_name == short
            for u in tree.find_units(session, short)
            if u.parent_id == parent.id
        ):
            raise UsageError(f"{parent.short_name}下已有单位“{short}”")
        unit = tree.place(session, short_name, full_name or short_name, parent)
        unit.contact = _contact(contact) or ""
        unit.phone = _contact(phone) or ""
        record(
            session,
            user,
            Action.UNIT_ADDED,
            unit_id=unit.id,
            detail=f"{parent.short_name} 下新增 {unit.short_name}（{unit.full_name}）",
        )
    return unit


def edit_unit(
    session: Session,
    unit_id: int,
    *,
    actor: Actor | None,
    full_name: str | None = None,
    contact: str | None = None,
    phone: str | None = None,
) -> Unit:
    """Change a unit's full name, contact or phone (None leaves one as it is)."""
    with write_transaction(session):
        user = load_actor(session, actor)
        unit = session.get(Unit, unit_id)
        if unit is None:
            raise NotFound("单位")
        require_manager(session, user, unit.id)
        before = (unit.full_name, unit.contact, unit.phone)
        if full_name is not None:
            name = canonical(full_name)
            if not name or len(name) > tree.MAX_FULL_NAME:
                raise UsageError(f"单位全称不能为空，且不超过 {tree.MAX_FULL_NAME} 个字")
            unit.full_name = full_name.strip()
        if contact is not None:
            unit.contact = _contact(contact) or ""
        if phone is not None:
            unit.phone = _contact(phone) or ""
        after = (unit.full_name, unit.contact, unit.phone)
        if after != before:
            record(
                session,
                user,
                Action.UNIT_UPDATED,
                unit_id=unit.id,
                detail=f"{unit.short_name}："
                + "；".join(
                    f"{label} {old or '（空）'} → {new or '（空）'}"
                    for label, old, new in zip(
                        ("全称", "联系人", "电话"), before, after, strict=True
                    )
                    if old != new
                ),
            )
    return unit
