"""The site's words for where a unit stands, in one place: what the dashboard, the API, the
consolidated workbook and the allocation plan all say.

    TableStatus       a unit × table: 未提交 / 有错误 / 已上传未提交 / 已提交 / 已退回 / 已通过
    least_advanced(statuses) -> TableStatus   # a 预算表 cell over several projects
    request_verdict(balance) -> Verdict       # 表四 against the control number
    unit_verdict(balance, plan) -> Verdict    # the 结论 of a unit (reconciliation, 按单位)
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple, Protocol

from budget_planner.templates.spec import CONTROLLED_TABLE


class TableStatus(StrEnum):
    """Where a unit × table stands. ``MISSING``: nothing (live) was received."""

    MISSING = "missing"
    DRAFT = "draft"  # the counted version has no errors and was not submitted
    ERRORS = "errors"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"

    @property
    def label(self) -> str:
        return TABLE_STATUS_LABELS[self]


TABLE_STATUS_LABELS = {
    TableStatus.MISSING: "未提交",
    TableStatus.DRAFT: "已上传未提交",
    TableStatus.ERRORS: "有错误",
    TableStatus.SUBMITTED: "已提交",
    TableStatus.RETURNED: "已退回",
    TableStatus.APPROVED: "已通过",
}
# how far a table has come; a cell over several threads (预算表) shows the least advanced
_RANK = {
    TableStatus.MISSING: 0,
    TableStatus.ERRORS: 1,
    TableStatus.RETURNED: 2,
    TableStatus.DRAFT: 3,
    TableStatus.SUBMITTED: 4,
    TableStatus.APPROVED: 5,
}
DONE = (TableStatus.SUBMITTED, TableStatus.APPROVED)
# the tone a status or a verdict is shown in (CSS class on the site, cell style in a workbook)
TONES = {
    TableStatus.MISSING: "bad",
    TableStatus.ERRORS: "warn",
    TableStatus.RETURNED: "warn",
    TableStatus.DRAFT: "warn",
    TableStatus.SUBMITTED: "good",
    TableStatus.APPROVED: "good",
}


def least_advanced(statuses: Iterable[TableStatus]) -> TableStatus:
    found = list(statuses)
    return min(found, key=_RANK.__getitem__) if found else TableStatus.MISSING


class Verdict(NamedTuple):
    label: str
    tone: str  # good / warn / bad / muted


class Balance(Protocol):
    """A unit's request against its control number (``aggregate.reconcile.UnitBalance``)."""

    @property
    def control(self) -> Decimal | None: ...

    @property
    def has_request(self) -> bool: ...

    @property
    def over(self) -> bool: ...


class Allocated(Protocol):
    """A unit's approved amounts (``aggregate.allocation.UnitPlan``)."""

    @property
    def over(self) -> bool: ...

    @property
    def unapproved(self) -> int: ...


def request_verdict(balance: Balance) -> Verdict:
    """What a unit's 表四 request is against its control number."""
    if not balance.has_request:
        return Verdict(f"未报{CONTROLLED_TABLE}", "muted")
    if balance.control is None:
        return Verdict("控制数未设定", "muted")
    if balance.over:
        return Verdict("申报超出控制数", "bad")
    return Verdict("未超出", "good")


def unit_verdict(balance: Balance, plan: Allocated | None) -> Verdict:
    """The 结论 of a unit: its approved amounts first, then its request, then what is left."""
    if plan is not None and plan.over:
        return Verdict("核定超出控制数", "bad")
    verdict = request_verdict(balance)
    if verdict.label != "未超出":
        return verdict
    if plan is not None and plan.unapproved:
        return Verdict("尚未核定完", "warn")
    return verdict
