"""Amount cells → exact Decimal 万元, saying what was normalised (docs/domain.md, docs/reader.md).

Accepted: numbers (a float through its shortest repr, Excel's 15-digit binary noise dropped), Decimals
(evaluated formulas), and text that plainly writes one number: ``50``, ``50.00``, ``+50``, ``-5``,
``1,200`` (also ``1，200``), ``５０`` (full-width, via NFKC), ``￥50``, ``50万元``, ``50 万``,
``50(万元)``, ``500000元`` (read as 50 万元, ``amount.in_yuan``), ``1.2亿元``; in a return's amount
cell (``numerals``) also a whole number in Chinese numerals (``伍拾万元``, ``壹佰贰拾万元整``, ``五十万元``). ``-``, ``—``, ``——``,
``/`` and ``无`` mean nothing (None, with a warning). A negative is a value: the schema reports it.

Too large (``amount.too_large``, an error): above ``MAX_AMOUNT`` (10⁶ 万元 = 100 亿元, far beyond any
project of this fund) or not finite (``1e24``, NaN, infinity as a number cell): the value is left out,
like an unreadable one, so no total or export ever meets it. In a column filed in 元 (``in_yuan``) a
bare number is 元: the same 100 亿元 is 10¹⁰ of them (1,200,000 元 is 120 万元, not too large).

Refused (``amount.not_number``): any other text (``约50万``, ``50%``, ``待定``), dates, booleans, and
the accounting shape ``(5)``: in these tables a bracketed number is far more often a note than a
negative, and guessing the sign of money is worse than asking.

More than 4 decimal places is rounded half-up (``amount.rounded``); a number stored as text is a
normalisation (``amount.normalised``) except where every cell is text (a Word table).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from typing import NamedTuple

from budget_planner import money
from budget_planner.text import canonical, compact
from budget_planner.validators.intake.grid import CellValue, ErrorValue, Formula

# what the text may hold around the number
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|[+-]?\.\d+", re.ASCII)
_PLAIN = re.compile(
    r"[+-]?\d+(?:\.\d+)?", re.ASCII
)  # what a Word cell holds without any normalisation
_PREFIXES = ("¥", "人民币", "RMB")
_WAN_SUFFIXES = ("(万元)", "万元", "万")
_YI_SUFFIXES = ("(亿元)", "亿元", "亿")
_YUAN_SUFFIXES = ("(元)", "元")
MAX_AMOUNT = Decimal(10) ** 6  # 万元: a cell above this (100 亿元) is amount.too_large
_MAX = 10**6  # the same bound for int and float cells, compared without a Decimal
YUAN_PER_WAN = 10_000  # 元 in one 万元 (a bare number in a column filed in 元 is bound in 元)
NOTHING = frozenset({"-", "--", "---", "—", "——", "–", "/", "\\", "无", "空"})


class AmountParse(NamedTuple):
    """A typed amount: ``value`` (None when blank or unreadable), an issue code, and what changed.

    A NamedTuple, not a frozen dataclass: one is made per amount cell, and it is 5× cheaper.
    """

    value: Decimal | None
    # amount.normalised / .rounded / .in_yuan / .not_number / .too_large, cell.error_value, or None
    issue: str | None = None
    case: str | None = None  # the code's situation (its template in ``codes``)
    raw: str = ""  # the cell as the message quotes it
    changes: str = ""  # what was normalised, in Chinese, for the message

    @property
    def ok(self) -> bool:
        return self.issue not in UNREADABLE


UNREADABLE = frozenset({"amount.not_number", "amount.too_large", "cell.error_value"})
BLANK = AmountParse(None)


def too_large(source: str) -> AmountParse:
    """A value beyond ``MAX_AMOUNT`` or not finite: an error at its cell, left out of every total."""
    return AmountParse(None, "amount.too_large", raw=source)


def _round(
    value: Decimal, source: str, issue: str | None, notes: list[str], bound: int = _MAX
) -> AmountParse:
    """Keep at most 4 places; report the strongest change (in_yuan > rounded > normalised).
    ``bound``: the largest value allowed, in the unit ``value`` is in."""
    if not value.is_finite() or abs(value) > bound:
        return too_large(source)
    if value.as_tuple().exponent < -4:  # type: ignore[operator]
        rounded = money.quantize(value)
        notes.append(f"四舍五入为 {money.plain(rounded)}")
        code = issue or "amount.rounded"
        return AmountParse(rounded, code, _case(code), source, "，".join(notes))
    if issue is None and notes:
        issue = "amount.normalised"
    return AmountParse(value, issue, _case(issue), source, "，".join(notes))


def _case(code: str | None) -> str | None:
    """An amount typed with 元 in its own cell is amount.in_yuan's "cell" situation."""
    return "cell" if code == "amount.in_yuan" else None


def from_float(value: float) -> tuple[Decimal, bool]:
    """(the Decimal a float stands for, whether it needs rounding to 4 places).

    Through the shortest repr (0.3 stays 0.3); a value with more places is first read at Excel's 15
    significant digits, so 0.1+0.2 (0.30000000000000004) is 0.3, not a rounding.
    """
    if value.is_integer() and abs(value) < 1e15:
        return Decimal(int(value)), False
    text = repr(value)
    dot = text.find(".")
    if "e" not in text and 0 <= len(text) - dot - 1 <= 4:  # the common case: at most 4 places
        return Decimal(text), False
    exact = money.from_number(value)
    if exact.as_tuple().exponent >= -4:  # type: ignore[operator]
        return exact, False
    shown = Decimal(format(value, ".15g"))
    if shown.as_tuple().exponent >= -4:  # type: ignore[operator]
        return shown, False
    return exact, True


def parse_amount(
    raw: CellValue | Decimal,
    *,
    numbers_are_text: bool = False,
    in_yuan: bool = False,
    numerals: bool = False,
) -> AmountParse:
    """Type one amount cell. ``numbers_are_text``: the source holds only text (a Word table).
    ``in_yuan``: the column is filed in 元 — a bare number is 元 (the caller converts it; text
    with its own unit, 50万元, comes back in 万元 as anywhere) and is bounded as 元.
    ``numerals``: a whole number in Chinese numerals is read too (a return's amount cell, as a
    申报书 writes it; a 核定金额 typed on the site or a plan's amount is a number or nothing)."""
    kind = type(raw)
    bound = _MAX * YUAN_PER_WAN if in_yuan else _MAX
    if kind is int:
        if not -bound <= raw <= bound:  # type: ignore[operator]
            return too_large(str(raw))
        return AmountParse(Decimal(raw))  # type: ignore[arg-type]
    if kind is float:
        # (NaN compares false: too large)
        if not -bound <= raw <= bound:  # type: ignore[operator]
            return too_large(repr(raw))
        value, needs_rounding = from_float(raw)  # type: ignore[arg-type]
        if needs_rounding:
            return _round(value, repr(raw), None, [], bound)
        return AmountParse(value)
    if raw is None:
        return BLANK
    if kind is str:
        return _parse_text(raw, numbers_are_text, bound, numerals)  # type: ignore[arg-type]
    if isinstance(raw, ErrorValue):
        return AmountParse(None, "cell.error_value", "amount", str(raw))
    if isinstance(raw, Formula):
        return BLANK  # the extractor already reported formula.no_cached_value
    if isinstance(raw, Decimal):
        if not raw.is_finite() or abs(raw) > bound:
            return too_large(str(raw))
        return _round(raw, money.plain(raw) or "", None, [], bound)
    if isinstance(raw, bool):
        return AmountParse(None, "amount.not_number", raw="是" if raw else "否")
    if isinstance(raw, dt.datetime | dt.date | dt.time):
        return AmountParse(None, "amount.not_number", "date", str(raw))
    if isinstance(raw, str):  # another str subclass
        return _parse_text(str(raw), numbers_are_text, bound, numerals)
    return AmountParse(None, "amount.not_number", raw=str(raw))


# an amount written in Chinese numerals, capitals or not (伍拾万元, 壹佰贰拾万元整, 五十万元): whole
# numbers, as a 申报书 writes them
_CAPITAL_DIGITS = re.compile("[壹贰叁肆伍陆柒捌玖拾佰仟一二三四五六七八九十百千]")
_DIGITS = {c: n for n, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
_DIGITS |= {c: n for n, c in enumerate("\u3007一二三四五六七八九")} | {"两": 2}
_SMALL_UNITS = {"拾": 10, "十": 10, "佰": 100, "百": 100, "仟": 1000, "千": 1000}


def _capital_number(text: str) -> int | None:
    """The whole number Chinese numerals write (伍拾 → 50, 壹佰零伍 → 105, 伍拾万零叁仟 → 503000,
    壹亿贰仟万 → 120000000), None when ``text`` is anything else."""
    done = since_yi = section = digit = 0  # 亿s so far, 万s since the last 亿, below 万, a digit
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _SMALL_UNITS:
            section += (digit or 1) * _SMALL_UNITS[ch]
            digit = 0
        elif ch == "万":
            since_yi += (section + digit) * 10**4
            section = digit = 0
        elif ch == "亿":
            done = (done + since_yi + section + digit) * 10**8
            since_yi = section = digit = 0
        else:
            return None
    return done + since_yi + section + digit


def _parse_text(
    raw: str, numbers_are_text: bool, bound: int = _MAX, numerals: bool = False
) -> AmountParse:
    """A text amount; ``bound`` for a bare number (one with its own unit is 万元, bound by _MAX)."""
    if _PLAIN.fullmatch(raw):  # the common case: digits as text, nothing else to undo
        notes = [] if numbers_are_text else ["是文本格式的数字，已按数字读取"]
        return _round(Decimal(raw), raw, None, notes, bound)
    nfkc = canonical(raw)
    text = compact(nfkc)
    source = raw.strip()
    if not text:
        return BLANK
    if text in NOTHING:
        return AmountParse(None, "amount.normalised", "nothing", source)
    notes = []
    issue: str | None = None
    visible = "".join(raw.split())  # (a no-break or ideographic space is a space, not full-width)
    if unicodedata.normalize("NFKC", visible) != visible:
        notes.append("全角字符已转为半角")
    if len(text) != len(nfkc) or visible != raw.strip():
        notes.append("已去掉空格")
    for prefix in _PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix) :]
            notes.append(f"已去掉“{prefix}”")
            break
    capitals = numerals and bool(_CAPITAL_DIGITS.search(text))
    if capitals and text.endswith(("整", "正")):
        text = text[:-1]  # 伍拾万元整
    divisor = multiplier = 1
    own_unit = False
    for suffixes, kind in ((_WAN_SUFFIXES, "wan"), (_YI_SUFFIXES, "yi"), (_YUAN_SUFFIXES, "yuan")):
        suffix = next((s for s in suffixes if text.endswith(s)), None)
        if suffix is None:
            continue
        text = text[: -len(suffix)]
        own_unit = True
        if kind == "yuan":
            divisor, issue = 10000, "amount.in_yuan"
        elif kind == "yi":
            multiplier = 10000
            notes.append(f"按“{suffix}”换算为万元")
        else:
            notes.append(f"已去掉“{suffix}”")
        break
    if capitals and (written := _capital_number(text)) is not None:
        notes.append("大写金额已按数字读取")
        text = str(written)
    if not _NUMBER.fullmatch(text):
        return AmountParse(None, "amount.not_number", raw=source)
    if "," in text:
        notes.append("已去掉千位分隔符")
        text = text.replace(",", "")
    if not notes and issue is None and not numbers_are_text:
        notes.append("是文本格式的数字，已按数字读取")
    value = Decimal(text)
    if multiplier != 1:
        value *= multiplier
    if divisor != 1:
        value /= divisor
        places_ok = value.as_tuple().exponent >= -4  # type: ignore[operator]
        notes.append(f"按元换算为 {money.plain(value)} 万元" if places_ok else "按元换算为万元")
    return _round(value, source, issue, notes, _MAX if own_unit else bound)


# ------------------------------------------------------------------ 项目数及单项金额
_NUMERALS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_COUNT = r"(?P<n>\d+|[一二两三四五六七八九十]{1,3})"
_MEASURE = r"(?:个|项|家|场次|场|次|期|批|所|件|名|人|座|条|类|户)"
# what is counted, written after its measure word (5家企业, 3所高校, 2个县区): a closed list
_OBJECT = r"(?:项目|企业|单位|高校|院校|机构|县区|镇街|园区|服务站|工作站)?"
_JOIN = r"(?:[,;、×xX*:]|每" + _MEASURE + r"?|不超过|不高于|最高|最多|各|约|单项金额|单项|金额|为)*"
_AMOUNT = r"(?P<a>\d+(?:\.\d+)?)"
_PER = r"(?:/" + _MEASURE + r")?"
_BOUND = r"(?:不超过|不多于|最多|最高|约)?"
_SEP = r"[,;、]*"
# n projects × an amount each (3个×20万元, 2项，每项25万元, 不超过3个，每个15万元)
_COUNT_FIRST = re.compile(
    rf"{_BOUND}共?计?{_COUNT}{_MEASURE}?{_OBJECT}{_JOIN}{_AMOUNT}(?:万元|万)?{_PER}(?:左右)?",
    re.ASCII,
)
# an amount each × n projects (20万元×3个, 每个12万元，共3个)
_AMOUNT_FIRST = re.compile(
    rf"(?:每{_MEASURE}?)?{_AMOUNT}(?:万元|万){_PER}(?:[×xX*]|{_SEP}共?计?){_COUNT}{_MEASURE}?{_OBJECT}",
    re.ASCII,
)
# n projects and what they come to together (3项，合计60万元)
_COUNT_AND_TOTAL = re.compile(
    rf"{_BOUND}共?计?{_COUNT}{_MEASURE}{_OBJECT}{_SEP}(?:合计|共计|总计|总金额|总额|共|计)"
    rf"[:为]?{_AMOUNT}(?:万元|万)",
    re.ASCII,
)
# the number of projects alone (1个, 3项): nothing to compare
_COUNT_ONLY = re.compile(rf"{_BOUND}共?计?{_COUNT}{_MEASURE}{_OBJECT}", re.ASCII)
# the amount of each alone (30万元, 每项30万元): the funding must be a whole number of them
_EACH_ONLY = re.compile(
    rf"(?:单项金额|单项|每{_MEASURE})?[:为]?{_AMOUNT}(?:万元|万){_PER}(?:左右)?", re.ASCII
)
_PARTS = re.compile(r"\+")  # 20万元×2个+10万元×1个 (a full-width plus too: compact text is NFKC)


class CountAmount(NamedTuple):
    """What 项目数及单项金额 says: the number of projects and the amount of each, when said, and
    what they come to (``total``, when the text says or implies it)."""

    number: int | None  # of projects
    each: Decimal | None
    total: Decimal | None

    def agrees_with(self, funding: Decimal, upper_bound: bool) -> bool:
        """Whether the row's funding fits: equal to the total (at most it, under 不超过 …); a whole
        number of the amount each when only that is said; anything when only a count is."""
        if self.total is not None:
            return funding <= self.total if upper_bound else funding == self.total
        if self.each is not None and self.each > 0:
            times = funding / self.each
            return times >= 1 and times == times.to_integral_value()
        return True


def _count(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        t = _NUMERALS.get(tens, 0) if tens else 1
        o = _NUMERALS.get(ones, 0) if ones else 0
        return t * 10 + o if (not tens or t) and (not ones or o) else None
    return _NUMERALS.get(text) if len(text) == 1 else None


def parse_count_amount(text: object) -> CountAmount | None:
    """What 项目数及单项金额 says, or None when it cannot be read.

    ``3个×20万元``, ``3个*20万``, ``5个x10万元``, ``2项，每项25万元``, ``1个，50万元``,
    ``共3项，每项不超过20万元``, ``三个×20万元``, ``20万元×3个``, ``每个12万元，共3个`` (a count and an
    amount each); ``3项，合计60万元`` (a count and a total); ``20万元×2个+10万元×1个`` (parts);
    ``3个`` (a count alone); ``30万元`` (an amount each alone).
    """
    s = compact(text)
    if not s:
        return None
    if _PARTS.search(s):
        parts = [_one(part) for part in _PARTS.split(s)]
        if any(p is None or p.number is None or p.total is None for p in parts):
            return None
        return CountAmount(
            sum(p.number for p in parts if p is not None and p.number is not None),
            None,
            sum((p.total for p in parts if p is not None and p.total is not None), Decimal(0)),
        )
    return _one(s)


def _one(s: str) -> CountAmount | None:
    for pattern in (_COUNT_FIRST, _AMOUNT_FIRST):
        match = pattern.fullmatch(s)
        # the count and the amount must be apart (30万元 is no 3 × 0)
        if match is not None and match.end("n") != match.start("a"):
            count = _count(match["n"])
            if count is None:
                return None
            each = Decimal(match["a"])
            return CountAmount(count, each, count * each)
    match = _COUNT_AND_TOTAL.fullmatch(s)
    if match is not None:
        count = _count(match["n"])
        return None if count is None else CountAmount(count, None, Decimal(match["a"]))
    match = _COUNT_ONLY.fullmatch(s)
    if match is not None:
        count = _count(match["n"])
        return None if count is None else CountAmount(count, None, None)
    match = _EACH_ONLY.fullmatch(s)
    if match is not None:
        return CountAmount(None, Decimal(match["a"]), None)
    return None
