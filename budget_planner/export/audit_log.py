"""The audit log as a workbook: who did what, when (Beijing time), to which unit and version."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO, Protocol

from budget_planner.aggregate.versions import as_utc
from budget_planner.export.book_styles import book_styles
from budget_planner.export.listing import listing_sheet
from budget_planner.export.xlsx_safe import new_workbook
from budget_planner.templates.round import BEIJING

SHEET = "操作日志"
HEADERS = ("时间（北京时间）", "账号", "操作", "单位", "版本", "说明")
WIDTHS = (20.0, 12.0, 16.0, 9.0, 22.0, 70.0)


class LineLike(Protocol):
    @property
    def at(self) -> dt.datetime: ...

    @property
    def username(self) -> str: ...

    @property
    def action(self) -> str: ...

    @property
    def unit(self) -> str: ...

    @property
    def version(self) -> str: ...

    @property
    def detail(self) -> str: ...


def _seconds(moment: dt.datetime) -> str:
    utc = as_utc(moment)
    assert utc is not None
    return utc.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def write_audit_log(
    target: str | Path | BinaryIO,
    lines: Sequence[LineLike],
    *,
    title: str,
    made_at: dt.datetime | None = None,
) -> Path | BinaryIO:
    target = Path(target) if isinstance(target, str) else target
    wb = new_workbook(target, constant_memory=False)
    wb.set_properties({"title": f"{title}操作日志", "comments": "由 budget-planner 生成"})
    styles = book_styles(wb)
    rows = [[_seconds(e.at), e.username, e.action, e.unit, e.version, e.detail] for e in lines]
    listing_sheet(
        wb,
        styles,
        SHEET,
        title=f"{title} · 操作日志",
        notes=[
            f"生成时间 {_seconds(made_at or dt.datetime.now(dt.UTC))}；共 {len(rows)} 条，最新的在前。"
        ],
        headers=HEADERS,
        widths=WIDTHS,
        rows=rows,
        empty="暂无记录。",
    )
    wb.close()
    return target
