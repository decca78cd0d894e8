"""The receipt (回执) as a workbook: what was received from one unit, when, its state and totals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO, Protocol

from budget_planner.aggregate.versions import beijing
from budget_planner.export.book_styles import book_styles
from budget_planner.export.listing import Styled, listing_sheet
from budget_planner.export.xlsx_safe import new_workbook
from budget_planner.money import plain

SHEET = "报送回执"
HEADERS = (
    "表",
    "项目（预算表）",
    "版本",
    "状态",
    "计入汇总",
    "文件",
    "上传时间",
    "上传人",
    "提交时间",
    "项目行数",
    "合计（万元）",
    "审核意见",
    "回执编号",
)
WIDTHS = (9.0, 18.0, 15.0, 14.0, 9.0, 28.0, 16.0, 14.0, 16.0, 8.0, 12.0, 30.0, 28.0)
STATE_STYLE = {"已通过": "good", "有错误": "bad", "已退回": "warn", "已被取代": "muted"}


class Line(Protocol):
    @property
    def table(self) -> str: ...

    @property
    def project(self) -> str: ...

    @property
    def version(self) -> int: ...

    @property
    def versions(self) -> int: ...

    @property
    def file(self) -> str: ...

    @property
    def uploaded_at(self) -> dt.datetime: ...

    @property
    def uploaded_by(self) -> str: ...

    @property
    def on_behalf(self) -> bool: ...

    @property
    def state(self) -> str: ...

    @property
    def submitted_at(self) -> dt.datetime | None: ...

    @property
    def rows(self) -> int: ...

    @property
    def total(self) -> Decimal | None: ...

    @property
    def counted(self) -> bool: ...

    @property
    def comment(self) -> str: ...

    @property
    def number(self) -> str: ...


class Published(Protocol):
    @property
    def table_id(self) -> str: ...

    @property
    def category(self) -> str: ...

    @property
    def project(self) -> str: ...

    @property
    def requested(self) -> Decimal | None: ...

    @property
    def amount(self) -> Decimal: ...

    @property
    def reason(self) -> str: ...


ALLOCATION_SHEET = "核定金额"
ALLOCATION_HEADERS = ("表", "类型", "项目", "申报金额", "核定金额", "核减", "核减理由")
ALLOCATION_WIDTHS = (9.0, 18.0, 30.0, 12.0, 12.0, 12.0, 30.0)


class ReceiptLike(Protocol):
    @property
    def round_title(self) -> str: ...

    @property
    def deadline(self) -> dt.date: ...

    @property
    def unit(self) -> str: ...

    @property
    def full_name(self) -> str: ...

    @property
    def contact(self) -> str: ...

    @property
    def phone(self) -> str: ...

    @property
    def required(self) -> tuple[str, ...]: ...

    @property
    def missing(self) -> list[str]: ...

    @property
    def requested(self) -> Decimal: ...

    @property
    def control(self) -> Decimal | None: ...

    @property
    def made_at(self) -> dt.datetime: ...

    @property
    def lines(self) -> Sequence[Line]: ...

    @property
    def published_at(self) -> dt.datetime | None: ...

    @property
    def allocations(self) -> Sequence[Published]: ...

    @property
    def approved(self) -> Decimal: ...


def receipt_name(receipt: ReceiptLike) -> str:
    return f"{receipt.unit}-报送回执.xlsx"


def _control_text(receipt: ReceiptLike) -> str:
    if receipt.control is None:
        return "未设定"
    if receipt.requested > receipt.control:
        over = plain(receipt.requested - receipt.control)
        return f"{plain(receipt.control)} 万元（表四超出 {over} 万元）"
    return f"{plain(receipt.control)} 万元"


def _published_text(receipt: ReceiptLike) -> str:
    if receipt.published_at is None:
        return "财务尚未发布"
    return (
        f"{beijing(receipt.published_at)}（北京时间）发布：{len(receipt.allocations)} 个项目，"
        f"合计 {plain(receipt.approved) or '0'} 万元"
    )


def write_receipt(target: str | Path | BinaryIO, receipt: ReceiptLike) -> Path | BinaryIO:
    target = Path(target) if isinstance(target, str) else target
    wb = new_workbook(target)
    wb.set_properties(
        {
            "title": f"{receipt.unit}报送回执",
            "subject": receipt.round_title,
            "comments": "由 budget-planner 生成",
        }
    )
    styles = book_styles(wb)
    contact = " ".join(t for t in (receipt.contact, receipt.phone) if t) or "—"
    pairs: list[tuple[str, object]] = [
        ("填报单位", f"{receipt.full_name}（{receipt.unit}）"),
        ("联系人", contact),
        ("报送截止", f"{receipt.deadline:%Y年%m月%d日} 24 时（北京时间）"),
        ("必报表", "、".join(receipt.required) or "无"),
        ("尚未上传的必报表", "、".join(receipt.missing) or "无"),
        ("表四申报合计（万元）", receipt.requested),
        ("控制数", _control_text(receipt)),
        ("核定金额", _published_text(receipt)),
    ]
    rows = [
        [
            line.table,
            line.project,
            f"第 {line.version} 版（共 {line.versions} 版）",
            Styled(line.state, STATE_STYLE.get(line.state, "text_center")),
            Styled("计入" if line.counted else "", "good" if line.counted else "text_center"),
            line.file,
            beijing(line.uploaded_at),
            line.uploaded_by + ("（代为上传）" if line.on_behalf else ""),
            beijing(line.submitted_at),
            line.rows,
            line.total,
            line.comment,
            line.number,
        ]
        for line in receipt.lines
    ]
    listing_sheet(
        wb,
        styles,
        SHEET,
        title=f"{receipt.round_title} · 报送回执",
        notes=[
            f"生成时间 {beijing(receipt.made_at)}（北京时间）；金额单位：万元。"
            "列出本单位上传的每一个版本；“计入汇总”的版本即汇总时采用的版本；"
            "回执编号按“轮次代码-单位-表-版本”编排，每个版本一个，查询时请提供。"
        ],
        pairs=pairs,
        headers=HEADERS,
        widths=WIDTHS,
        rows=rows,
        empty="尚未收到本单位上传的文件。",
    )
    listing_sheet(
        wb,
        styles,
        ALLOCATION_SHEET,
        title=f"{receipt.round_title} · 核定金额（已发布）",
        notes=[_published_text(receipt) + "；金额单位：万元。"],
        pairs=[],
        headers=ALLOCATION_HEADERS,
        widths=ALLOCATION_WIDTHS,
        rows=[
            [
                a.table_id,
                a.category,
                a.project,
                a.requested,
                a.amount,
                (a.requested - a.amount) if a.requested is not None else None,
                a.reason,
            ]
            for a in receipt.allocations
        ],
        empty="财务尚未发布核定金额。",
    )
    wb.close()
    return target
