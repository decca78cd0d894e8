"""The reminder list (催报) as a workbook: each unit still owing something, its contacts, what it
owes and the message to send."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO, Protocol

from budget_planner.aggregate.versions import beijing
from budget_planner.export.book_styles import book_styles
from budget_planner.export.listing import Styled, listing_sheet
from budget_planner.export.xlsx_safe import new_workbook

SHEET = "催报"
HEADERS = ("序号", "单位", "单位全称", "联系人", "电话", "需办理的表", "是否逾期", "催报内容")
WIDTHS = (6.0, 9.0, 26.0, 9.0, 15.0, 30.0, 9.0, 60.0)


class ItemLike(Protocol):
    @property
    def text(self) -> str: ...


class ReminderLike(Protocol):
    unit: str
    full_name: str
    contact: str
    phone: str
    items: Sequence[ItemLike]
    overdue: bool
    message: str


def write_reminders(
    target: str | Path | BinaryIO,
    reminders: Sequence[ReminderLike],
    *,
    round_title: str,
    deadline: dt.date,
    made_at: dt.datetime | None = None,
) -> Path | BinaryIO:
    target = Path(target) if isinstance(target, str) else target
    wb = new_workbook(target)
    wb.set_properties({"title": f"{round_title}催报名单", "comments": "由 budget-planner 生成"})
    styles = book_styles(wb)
    made = beijing(made_at or dt.datetime.now(dt.UTC))
    rows = [
        [
            number,
            r.unit,
            r.full_name,
            r.contact,
            r.phone,
            "\n".join(i.text for i in r.items),
            Styled("逾期", "bad") if r.overdue else Styled("", "text_center"),
            r.message,
        ]
        for number, r in enumerate(reminders, start=1)
    ]
    listing_sheet(
        wb,
        styles,
        SHEET,
        title=f"{round_title} · 催报名单",
        notes=[
            f"报送截止 {deadline:%Y年%m月%d日} 24 时（北京时间）；生成时间 {made}；"
            f"共 {len(rows)} 个单位尚有必报表未提交或被退回。"
        ],
        headers=HEADERS,
        widths=WIDTHS,
        rows=rows,
        empty="所有单位的必报表均已提交，没有需要催报的单位。",
    )
    wb.close()
    return target
