"""One cell at a time, fast: a cell's text, how a cell is shown in an issue, row labels (合计, 填表人).

The reader touches every cell of a table, so these avoid work where a cheap test suffices
(``text.canonical`` itself takes the fast path for text).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from functools import cache

from budget_planner import money
from budget_planner.text import canonical, compact
from budget_planner.validators.intake.grid import CellValue, ErrorValue, Formula
from budget_planner.validators.read.amounts import parse_amount
from budget_planner.validators.read.model import RowKind
from budget_planner.validators.report.issues import issue

# a footer line that ends a table (compact text starting with one of these), and note lines
SIGNATURES = (
    "填表人",
    "填报人",
    "制表人",
    "审核人",
    "审核:",
    "负责人",
    "单位负责人",
    "联系人",
    "联系电话",
    "电话:",
    "填报日期",
    "日期:",
    "填报单位",
    "报送日期",
    "签字",
    "盖章",
    "经办人",
    "分管领导",
    "主管领导",
    "主要负责人",
    "制表日期",
    "制表时间",
    "填表日期",
    "填报时间",
    "审批人",
    "复核人",
)
NOTES = ("注:", "注1", "说明:", "备注:", "附注", "填表说明")
_SIGNATURE_FIRST = frozenset(s[0] for s in SIGNATURES)
_NOTE_FIRST = frozenset(s[0] for s in NOTES)
_TOTAL_LABELS = ("合计", "总计", "共计", "累计")
_LABEL_TAIL = re.compile(r":$|\(万元\)$|金额$")
TOTAL_MAX_LEN = 24


def text_value(value: CellValue) -> str | None:
    """A text cell in canonical form (None when blank): ``canonical(value) or None``, fast."""
    if value is None:
        return None
    if type(value) is str:
        return canonical(value) or None
    if type(value) is float and value.is_integer() and abs(value) < 1e15:
        return str(int(value))  # a 序号 or a number typed in a text column: 1.0 → "1"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float | Decimal):
        number = parse_amount(value).value
        return money.plain(number) if number is not None else canonical(value) or None
    if isinstance(value, Formula):
        return None
    return canonical(value) or None


def display(value: CellValue) -> str | None:
    """A cell's value as shown in an issue."""
    if value is None:
        return None
    if isinstance(value, Formula):
        return "=" + value.text
    if isinstance(value, ErrorValue | str):
        return str(value)
    return text_value(value)


def total_label(value: CellValue) -> RowKind | None:
    """TOTAL for 合计/总计 (合 计, 总计：…), SUBTOTAL for 小计 (and a group's own 合计), else None."""
    if type(value) is not str or "计" not in value or len(value) > TOTAL_MAX_LEN:
        return None
    label = _LABEL_TAIL.sub("", compact(value))
    if "小计" in label:
        return RowKind.SUBTOTAL
    if label in _TOTAL_LABELS or label.startswith(_TOTAL_LABELS):
        return RowKind.TOTAL
    if label.endswith("合计") and len(label) <= 16:
        return RowKind.SUBTOTAL
    return None


# what a 类型 may differ in from its list label: the punctuation between its words (知识产权强市，强县建设),
# the word joining two (与 or 和 for 及), and the template's note on adding rows copied in after it
_CATEGORY_PUNCTUATION = re.compile(r"[、,.·;:。，；：]")
_CATEGORY_JOINS = str.maketrans({"与": "及", "和": "及"})
_ROWS_NOTE = re.compile(r"\([^()]*行[^()]*\)$")  # (可加行), (可增加行), (可续行) on compact text


def _loose(text: str) -> str:
    return _CATEGORY_PUNCTUATION.sub("", _ROWS_NOTE.sub("", compact(text))).translate(
        _CATEGORY_JOINS
    )


@cache
def _loose_categories(categories: tuple[str, ...]) -> dict[str, str]:
    return {_loose(c): c for c in categories}


def category_label(spec, text: object) -> str | None:
    """The list label a 类型 stands for: whitespace ignored (``spec.is_category``), then the
    punctuation between its words, 与/和 for 及 and a note on adding rows after it too —
    ``知识产权强市，强县建设`` is ``知识产权强市、强县建设``, ``知识产权文化宣传与合作交流`` is
    ``知识产权文化宣传及合作交流``, ``知识产权高质量创造（可加行）`` is ``知识产权高质量创造``."""
    got = spec.is_category(text)
    if got is None and type(text) is str and spec.categories:
        got = _loose_categories(tuple(spec.categories)).get(_loose(text))
    return got


def _starts(value: CellValue, first: frozenset[str], prefixes: tuple[str, ...]) -> bool:
    if type(value) is not str:
        return False
    stripped = value.lstrip()
    if not stripped or unicodedata.normalize("NFKC", stripped[0]) not in first:
        return False
    return compact(value[:40]).startswith(prefixes)


def is_signature(value: CellValue) -> bool:
    """A footer line's text: 填表人：…, 联系电话：…, 填报单位（盖章）：…"""
    return _starts(value, _SIGNATURE_FIRST, SIGNATURES)


def is_breakdown(value: CellValue) -> bool:
    """A line breaking down the row above (``其中：省级资金 15``): part of that row, not a project."""
    return type(value) is str and compact(value[:40]).startswith("其中")


def is_note(value: CellValue) -> bool:
    """A note line's text: 注：…, 说明：…"""
    return _starts(value, _NOTE_FIRST, NOTES)


def blank(raw: CellValue) -> bool:
    return raw is None or (type(raw) is str and not raw.strip())


def amount_issue(sheet: str, label: str, parsed, row: int, cell: str, raw: CellValue):
    """The issue of an amount cell that was normalised or could not be read (``parse_amount``)."""
    return issue(
        parsed.issue,
        parsed.case,
        sheet=sheet,
        cell=cell,
        row=row,
        column=label,
        value=display(raw),
        label=label,
        raw=parsed.raw,
        changes=parsed.changes,
    )


def error_issue(sheet: str, label: str, row: int, cell: str, raw: CellValue):
    """An Excel error value (#N/A, #REF! …) in a text column: an error, never a blank."""
    return issue(
        "cell.error_value",
        sheet=sheet,
        cell=cell,
        row=row,
        column=label,
        value=str(raw),
        label=label,
        raw=raw,
    )


def merged_issue(sheet: str, label: str, r0: int, r1: int, cell: str, raw: CellValue):
    """An amount merged over rows r0–r1: counted once, on its first row."""
    return issue(
        "amount.merged",
        sheet=sheet,
        cell=cell,
        row=r0,
        column=label,
        value=display(raw),
        label=label,
        first=r0,
        last=r1,
    )


# a cell numbering a column: 1, (1), 1., 1、 — and ①, ⑴, ⒈, which NFKC makes 1, (1), 1. — or a letter
_COLUMN_NUMBER = re.compile(r"[(\[]?(\d{1,3}|[A-Za-z])[)\].、]?")
_COLUMN_NUMBER_MAX = 8  # characters, spaces around it left out


def column_number(value: CellValue) -> int | None:
    """The number a cell of a column-numbering row gives its column (A is 1), else None."""
    if type(value) is str:
        if len(value) > _COLUMN_NUMBER_MAX and len(value.strip()) > _COLUMN_NUMBER_MAX:
            return None  # (most text: no canonical form worked out)
        found = _COLUMN_NUMBER.fullmatch(canonical(value))
        if found is None:
            return None
        token = found[1]
        return int(token) if token.isdecimal() else ord(token.upper()) - 64
    if type(value) is int or (type(value) is float and value.is_integer()):
        return int(value)
    return None


def is_numbering(cells: list[CellValue], least: int = 3) -> bool:
    """A row numbering the columns under a header — 1 2 3 …, ① ② ③ …, (1) (2) …, A B C … — with
    at least ``least`` numbers."""
    expected = None
    count = 0
    for v in cells:
        if v is None:
            continue
        n = column_number(v)
        if n is None:
            return False
        if expected is None:
            if n not in (0, 1):
                return False
        elif n != expected:
            return False
        expected = n + 1
        count += 1
    return count >= least
