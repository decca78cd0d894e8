"""Amount cells as staff type them → exact Decimal 万元, with what was normalised said once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budget_planner.money import plain
from budget_planner.text import canonical, compact
from budget_planner.validators.intake.grid import ErrorValue, Formula
from budget_planner.validators.read.amounts import parse_amount, parse_count_amount
from budget_planner.validators.report.codes import message

D = Decimal


@pytest.mark.parametrize(
    ("raw", "value", "issue"),
    [
        (50, D(50), None),
        (50.0, D(50), None),
        (0.3, D("0.3"), None),
        (0.1 + 0.2, D("0.3"), None),  # Excel's binary noise is not a rounding
        (1234.5, D("1234.5"), None),
        (D("12.5"), D("12.5"), None),  # an evaluated formula
        ("50", D(50), "amount.normalised"),  # a number stored as text
        ("50.00", D(50), "amount.normalised"),
        ("50万元", D(50), "amount.normalised"),
        ("50 万元", D(50), "amount.normalised"),
        ("50（万元）", D(50), "amount.normalised"),
        ("５０", D(50), "amount.normalised"),
        ("１２．５", D("12.5"), "amount.normalised"),
        ("1,200", D(1200), "amount.normalised"),
        ("1，200", D(1200), "amount.normalised"),
        ("1,200.5万", D("1200.5"), "amount.normalised"),
        ("￥50", D(50), "amount.normalised"),
        ("¥ 50", D(50), "amount.normalised"),
        ("1.2亿元", D(12000), "amount.normalised"),
        ("-5", D(-5), "amount.normalised"),  # a negative is a value: the schema reports it
        (" 50 ", D(50), "amount.normalised"),
        ("500000元", D(50), "amount.in_yuan"),
        ("12345元", D("1.2345"), "amount.in_yuan"),
        ("0.123456", D("0.1235"), "amount.rounded"),
        (1234.56789, D("1234.5679"), "amount.rounded"),
        (D("0.00005"), D("0.0001"), "amount.rounded"),  # half-up
        ("-", None, "amount.normalised"),
        ("—", None, "amount.normalised"),
        ("——", None, "amount.normalised"),
        ("/", None, "amount.normalised"),
        ("无", None, "amount.normalised"),
        (None, None, None),
        ("", None, None),
        ("   ", None, None),
        ("(5)", None, "amount.not_number"),  # accounting negatives are refused, not guessed
        ("50%", None, "amount.not_number"),
        ("约50万", None, "amount.not_number"),
        ("待定", None, "amount.not_number"),
        ("1,2", None, "amount.not_number"),
        ("3e5", None, "amount.not_number"),
        (True, None, "amount.not_number"),
        (dt.datetime(2024, 3, 1), None, "amount.not_number"),
        (dt.date(2024, 3, 1), None, "amount.not_number"),
        (float("nan"), None, "amount.too_large"),  # not finite (issue 14)
        (ErrorValue("#DIV/0!"), None, "cell.error_value"),
        (Formula("VLOOKUP(A1,B:C,2)"), None, None),  # reported by the extractor
    ],
)
def test_amount_shapes(raw, value, issue):
    parsed = parse_amount(raw)
    assert (parsed.value, parsed.issue) == (value, issue)
    if value is not None:
        assert type(parsed.value) is Decimal


def _said(raw) -> str:
    """The message of an amount cell as the reader reports it under the label 金额."""
    parsed = parse_amount(raw)
    return message(parsed.issue, parsed.case, label="金额", raw=parsed.raw, changes=parsed.changes)


def test_messages_say_what_changed_quoting_the_cell():
    assert _said("50万元") == "金额“50万元”已去掉“万元”"
    assert _said("1，200") == "金额“1，200”全角字符已转为半角，已去掉千位分隔符"
    assert _said("500000元") == "金额“500000元”按元换算为 50 万元"
    assert _said("0.123456").endswith("四舍五入为 0.1235")
    assert _said("-") == "金额“-”视为未填"
    assert _said("待定") == "金额“待定”不是数字，请填写数字（单位：万元）"
    assert parse_amount(50).issue is None


def test_word_cells_are_text_so_plain_numbers_are_not_a_normalisation():
    assert parse_amount("50", numbers_are_text=True).issue is None
    assert parse_amount("50.00", numbers_are_text=True).issue is None
    assert parse_amount("50万元", numbers_are_text=True).issue == "amount.normalised"


def test_ok_is_false_only_for_errors():
    assert parse_amount("50万元").ok
    assert not parse_amount("待定").ok
    assert not parse_amount(ErrorValue("#REF!")).ok


amounts = st.decimals(min_value=D("-1000000"), max_value=D("1000000"), places=4, allow_nan=False)


def _shapes(d: Decimal) -> list[str]:
    text = format(d, "f")
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, _, frac = digits.partition(".")
    grouped = f"{int(whole):,}" + (f".{frac}" if frac else "")
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)
    return [
        text,
        f"{text}万元",
        f"{text} 万元",
        f"{text}万",
        f"{text}（万元）",
        f"{sign}{grouped}",
        f"{sign}{grouped.replace(',', '，')}",
        f"￥{text}",
        full_width,
        f" {text} ",
    ]


@given(amounts)
def test_any_decimal_written_in_any_accepted_shape_parses_back_exactly(d):
    for shape in _shapes(d):
        parsed = parse_amount(shape)
        assert parsed.value == d, shape
        assert parsed.issue == "amount.normalised", shape


@given(amounts.filter(lambda d: d >= 0))
def test_yuan_text_is_read_as_ten_thousands(d):
    yuan = (d * 10000).quantize(D(1))
    parsed = parse_amount(f"{yuan}元")
    assert parsed.value == yuan / 10000
    assert parsed.issue == "amount.in_yuan"


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_floats_go_through_their_shortest_repr(f):
    parsed = parse_amount(f)
    assert parsed.value is not None
    assert parsed.value.as_tuple().exponent >= -4
    shown = D(format(f, ".15g"))
    if shown.as_tuple().exponent >= -4:
        assert parsed.value == shown  # what Excel shows, never the binary expansion
        assert parsed.issue is None
    else:
        assert parsed.issue == "amount.rounded"


@given(
    st.decimals(min_value=0, max_value=5 * 10**5, places=4),
    st.decimals(min_value=0, max_value=5 * 10**5, places=4),
)
def test_sums_of_floats_do_not_leak_binary_noise(a, b):
    # a cell =A1+B1 caches the float sum; read back it is the decimal sum when that fits 15 digits
    total = float(a) + float(b)
    parsed = parse_amount(total)
    if len((a + b).normalize().as_tuple().digits) <= 15:
        assert parsed.value == a + b
        assert plain(parsed.value) == plain(a + b)


@given(st.text())
def test_canonical_is_idempotent_and_compact_agrees(x):
    assert canonical(canonical(x)) == canonical(x)
    assert compact(canonical(x)) == compact(x)


@given(st.one_of(st.text(), st.integers(), st.floats(), st.none(), st.booleans()))
def test_never_raises(raw):
    parsed = parse_amount(raw)
    assert parsed.value is None or isinstance(parsed.value, Decimal)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3个×20万元", (3, D(20))),
        ("3个*20万", (3, D(20))),
        ("5个x10万元", (5, D(10))),
        ("5个X10万元", (5, D(10))),
        ("2项，每项25万元", (2, D(25))),
        ("2项,每项25万元", (2, D(25))),
        ("1个，50万元", (1, D(50))),
        ("共3项，每项不超过20万元", (3, D(20))),
        ("三个×20万元", (3, D(20))),
        ("十二项，每项5万", (12, D(5))),
        ("20万元×3个", (3, D(20))),
        ("4家×12.5万元", (4, D("12.5"))),
        ("３个×２０万元", (3, D(20))),
        ("3 个 × 20 万元", (3, D(20))),
        ("若干", None),
        ("30", None),  # a bare number: neither a count nor an amount for sure
        ("", None),
        (None, None),
    ],
)
def test_count_and_unit_amount(text, expected):
    parsed = parse_count_amount(text)
    assert (parsed if parsed is None else (parsed.number, parsed.each)) == expected


@pytest.mark.parametrize(
    ("text", "number", "each", "total"),
    [
        ("每个12万元，共3个", 3, D(12), D(36)),
        ("不超过3个，每个15万元", 3, D(15), D(45)),
        ("5个项目，每个10万元", 5, D(10), D(50)),
        ("3项，合计60万元", 3, None, D(60)),
        ("共2项，共计45万元", 2, None, D(45)),
        ("20万元×2个+10万元×1个", 3, None, D(50)),
        ("2个×20万元\uff0b1个×10万元", 3, None, D(50)),  # a full-width plus
        ("1个", 1, None, None),
        ("3项", 3, None, None),
        ("30万元", None, D(30), None),  # was read as 3 × 0
        ("每项30万元", None, D(30), None),
        ("100万", None, D(100), None),
        # what is counted after its measure word (后补助 by firm, by university, by county)
        ("5家企业，每家5万元", 5, D(5), D(25)),
        ("3所高校×10万元", 3, D(10), D(30)),
        ("每个8万元，共2个县区", 2, D(8), D(16)),
        ("4家单位，合计40万元", 4, None, D(40)),
        ("6家企业", 6, None, None),
    ],
)
def test_count_amount_as_people_write_it(text, number, each, total):
    assert parse_count_amount(text) == (number, each, total)


@pytest.mark.parametrize(
    ("text", "funding", "agrees"),
    [
        ("30万元", D(30), True),
        ("30万元", D(60), True),  # two of 30
        ("30万元", D(45), False),
        ("3项，合计60万元", D(60), True),
        ("3项，合计60万元", D(50), False),
        ("3个", D(47), True),  # nothing to compare
        ("20万元×2个+10万元×1个", D(50), True),
    ],
)
def test_count_amount_agrees_with_the_funding(text, funding, agrees):
    parsed = parse_count_amount(text)
    assert parsed is not None and parsed.agrees_with(funding, upper_bound=False) is agrees


@pytest.mark.parametrize(
    ("raw", "changes"),
    [
        (
            "8.00\u00a0",
            "是文本格式的数字，已按数字读取",
        ),  # a no-break space is no full-width character
        ("８.００", "全角字符已转为半角"),
        ("5\u00a00", "已去掉空格"),
    ],
)
def test_what_was_normalised_is_said_as_it_was(raw, changes):
    assert parse_amount(raw).changes == changes


@pytest.mark.parametrize(
    ("raw", "value", "issue"),
    [
        ("伍拾万元", D(50), "amount.normalised"),
        ("壹佰贰拾万元整", D(120), "amount.normalised"),
        ("叁拾伍万", D(35), "amount.normalised"),
        ("五十万元", D(50), "amount.normalised"),  # numerals not in capitals
        ("壹仟零伍拾万元", D(1050), "amount.normalised"),
        ("伍拾万零叁仟元", D("50.3"), "amount.in_yuan"),  # 503,000 元
        ("约伍拾万", None, "amount.not_number"),  # not one number: refused as before
        ("伍拾.5万", None, "amount.not_number"),
    ],
)
def test_an_amount_written_in_chinese_numerals_is_read(raw, value, issue):
    # a 申报书 writes 经费安排 as 伍拾万元: it was amount.not_number and the row left out
    parsed = parse_amount(raw, numerals=True)
    assert (parsed.value, parsed.issue) == (value, issue)
    if value is not None:
        assert "大写金额已按数字读取" in parsed.changes
        # elsewhere (a 核定金额 typed on the site, a plan's amount) a number or nothing
        assert parse_amount(raw).issue == "amount.not_number"
