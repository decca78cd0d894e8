"""Reminders (催报): the units still owing a required table, or with a table returned, with their
contacts and a message to send them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from budget_planner.storage.completeness import DONE, Completeness, UnitRow, completeness
from budget_planner.storage.models import Round, Status
from budget_planner.storage.rounds import config_of

ASK = {  # what the unit is asked to do, by the state of the table
    Status.MISSING: "尚未上传",
    Status.ERRORS: "有错误，请修改后重新上传并提交",
    Status.DRAFT: "已上传但尚未提交，请核对后提交",
    Status.RETURNED: "已被退回修改，请按退回意见修改后重新提交",
}


@dataclass(frozen=True)
class Item:
    table: str
    status: Status
    required: bool

    @property
    def text(self) -> str:
        return f"{self.table}{ASK.get(self.status, '')}"


@dataclass(frozen=True)
class Reminder:
    unit_id: int
    unit: str
    full_name: str
    contact: str
    phone: str
    items: list[Item]
    overdue: bool
    message: str


def _items(row: UnitRow) -> list[Item]:
    found = []
    for table, cell in row.cells.items():
        owed = cell.required and cell.status not in DONE
        if owed or cell.status is Status.RETURNED:
            found.append(Item(table, cell.status, cell.required))
    return found


def message(stored: Round, matrix: Completeness, row: UnitRow, items: list[Item]) -> str:
    deadline = matrix.deadline
    when = f"{deadline:%Y年%m月%d日}"
    asks = "；".join(i.text for i in items)
    late = (
        "已过报送截止时间"
        if any(c.overdue for c in row.cells.values())
        else f"报送截止日期为{when}"
    )
    collector = config_of(stored).collector
    reach = f"（{collector.reach}）" if collector.reach else ""
    return (
        f"{row.full_name or row.short_name}：{stored.title}{late}。"
        f"贵单位{asks}。请尽快登录系统办理，如有疑问请与{collector.office}联系{reach}。"
    )


def reminders(
    session: Session, round_id: str, *, scope: object, now: dt.datetime | None = None
) -> list[Reminder]:
    """Every unit (in scope, in the round's order) that still owes something, with its message."""
    stored = session.get(Round, round_id)
    matrix = completeness(session, round_id, scope=scope, now=now)
    if stored is None or matrix is None:
        return []
    found = []
    for row in matrix.rows:
        items = _items(row)
        if not items:
            continue
        found.append(
            Reminder(
                unit_id=row.unit_id,
                unit=row.short_name,
                full_name=row.full_name,
                contact=row.contact,
                phone=row.phone,
                items=items,
                overdue=any(c.overdue for c in row.cells.values()),
                message=message(stored, matrix, row, items),
            )
        )
    return found
