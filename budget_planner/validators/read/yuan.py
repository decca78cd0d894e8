"""Amounts filed in 元 rather than 万元 (docs/reader.md): a column headed ``金额（元）`` or
``后补助经费（元）``, or a ``单位：元`` line above the table or form.

Such amounts are divided by 10,000 (exactly, in Decimal) and reported once per column
(``amount.in_yuan``); a column whose every value is under 1,000 元 was probably filled in 万元 under
a 元 header (``amount.in_yuan_suspect``): converted as headed, and said so.
"""

from __future__ import annotations

import re
from decimal import Decimal

from budget_planner import money
from budget_planner.text import compact
from budget_planner.validators.read.amounts import YUAN_PER_WAN as _PER_WAN
from budget_planner.validators.read.amounts import AmountParse

YUAN_PER_WAN = Decimal(_PER_WAN)
SUSPECT_BELOW = Decimal(1000)  # 元: a column of amounts all below this was likely filled in 万元
# on compact text: 单位：元, 金额单位：元, 单位：人民币元 — never 单位：万元
_UNIT_LINE = re.compile(r"单位:(人民币)?元(?!/)")
_HEADER_SUFFIXES = ("(元)", "(人民币元)", "(单位:元)")
# what makes an amount cell carry its own unit (parse_amount reads those)
_OWN_UNIT = re.compile(r"[元万亿]")


_OWN_WAN = re.compile(r"\(万元?\)$")  # a label's own unit: 经费安排(万元) → 经费安排


def bare_label(label: str) -> str:
    """A spec label without its own unit, for a column filed in 元 (经费安排(万元) → 经费安排)."""
    return _OWN_WAN.sub("", label)


def says_yuan(text: object) -> bool:
    """A 单位：元 line (or a header cell saying so)."""
    return type(text) is str and "元" in text and bool(_UNIT_LINE.search(compact(text)))


def yuan_header_keys(key: str) -> tuple[str, ...]:
    """The header keys of an amount column headed in 元, from one of its (compact) keys in 万元:
    金额(万元) → 金额(元); 后补助经费 → 后补助经费(元)."""
    base = key
    for suffix in ("(万元)", "(万)"):
        if base.endswith(suffix):
            base = base[: -len(suffix)]
    return tuple(base + s for s in _HEADER_SUFFIXES)


def header_in_yuan(text: object) -> bool:
    """Whether a header cell (or a remark under it: （元）) says its amounts are in 元."""
    key = compact(text)
    return key.endswith(_HEADER_SUFFIXES) or key in ("元", "(元)") or says_yuan(text)


def carries_unit(raw: object) -> bool:
    """An amount typed with its own unit (50万元, 500000元): parse_amount converts it itself."""
    return type(raw) is str and bool(_OWN_UNIT.search(raw))


def to_wan(value: Decimal) -> tuple[Decimal, bool]:
    """(an amount in 元 as 万元, at most 4 places; whether it had to be rounded)."""
    wan = value / YUAN_PER_WAN
    if wan.as_tuple().exponent >= -4:  # type: ignore[operator]
        return wan, False
    return money.quantize(wan), True


def from_yuan(value: Decimal) -> AmountParse:
    """An amount read from a column in 元, as 万元; ``amount.rounded`` when it holds 分."""
    wan, rounded = to_wan(value)
    if not rounded:
        return AmountParse(wan)
    yuan = money.plain(value)
    return AmountParse(
        wan,
        "amount.rounded",
        raw=yuan or "",
        changes=f"元换算为万元后四舍五入为 {money.plain(wan)}",
    )
