"""Money: exact Decimal 万元, at most 4 places (= 1 元); plain-notation strings for reports."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

PLACES = Decimal("0.0001")


def quantize(amount: Decimal) -> Decimal:
    """Round half-up to 4 places of 万元 (1 元); exact for any finite amount, however large (the
    default context's 28 digits would refuse 1e24 with 4 places)."""
    try:
        return amount.quantize(PLACES, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        if not amount.is_finite():
            raise
        wide = Context(prec=amount.adjusted() + 6, rounding=ROUND_HALF_UP)
        return amount.quantize(PLACES, context=wide)


def from_number(value: int | float) -> Decimal:
    """A spreadsheet number as Decimal through the float's shortest repr (0.3, not 0.30000000000000004)."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not an amount")
    if isinstance(value, int):
        return Decimal(value)
    return Decimal(repr(value))


def plain(amount: Decimal | None) -> str | None:
    """Plain notation, no exponent, no trailing zeros: "50", "1234.5", "0.0001"; None stays None."""
    if amount is None:
        return None
    if amount == 0:
        return "0"
    text = format(amount, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def to_yuan(amount: Decimal) -> int:
    """万元 → integer 元 (for vectorised sums)."""
    return int(quantize(amount) * 10000)


def from_yuan(yuan: int) -> Decimal:
    return (Decimal(yuan) / 10000).normalize() if yuan else Decimal(0)
