"""Formulas that came without a cached value: shift shared formulas, evaluate the simple ones.

Evaluated: SUM and + - * / over numbers, cells and ranges of the same sheet (``SUM(E5:E20)``,
``E5+E6-E7``, ``SUM(E5:E9,E12)``, ``E5*2``), in Decimal arithmetic (numbers through their shortest
repr). Kept simple, and stricter than Excel where Excel would guess:

- inside SUM, a referenced cell holding text, a boolean or nothing is skipped (as Excel does);
- in + - * /, an empty cell is 0 and a boolean is 1 or 0, but a text cell (even "50") is not
  evaluated — the formula is reported instead of guessing;
- an error cell, a date, another sheet, any other function or operator, or a division by zero: not
  evaluated (the caller reports ``formula.no_cached_value``).

A referenced cell that is itself an uncached formula is evaluated first (cycles are not evaluated).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from budget_planner.money import from_number
from budget_planner.validators.intake.grid import CellValue, ErrorValue, Formula, column_letter

_REF_IN_TEXT = re.compile(r"(?<![A-Za-z0-9_.])(\$?)([A-Za-z]{1,3})(\$?)([0-9]+)(?![0-9A-Za-z_(])")
_TOKEN = re.compile(
    r"\s*(?:(?P<range>\$?[A-Za-z]{1,3}\$?[0-9]+\s*:\s*\$?[A-Za-z]{1,3}\$?[0-9]+)"
    r"|(?P<ref>\$?[A-Za-z]{1,3}\$?[0-9]+)(?![0-9A-Za-z_(!])"
    r"|(?P<sum>SUM)\s*\("
    r"|(?P<num>(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
    r"|(?P<op>[-+*/(),]))",
    re.IGNORECASE,
)
_CELL = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]+)")

MAX_RANGE_CELLS = 1_000_000


class Budget:
    """How many referenced cells the formulas of one sheet may still read (hostile files have
    thousands of formulas over whole columns)."""

    def __init__(self, cells: int = 1_000_000, extent: tuple[int, int] | None = None) -> None:
        self.cells = cells
        self.extent = extent  # (rows, columns) holding anything: ranges are read up to there

    def spend(self, cells: int) -> None:
        self.cells -= cells
        if self.cells < 0:
            raise NotEvaluable("too many cells")


class NotEvaluable(Exception):
    """The formula is outside what we evaluate; the caller reports it."""


def _col(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def shift(text: str, drow: int, dcol: int) -> str:
    """A shared formula's text moved by (drow, dcol): relative references move, $-anchored do not."""
    if not (drow or dcol):
        return text

    def move(m: re.Match[str]) -> str:
        col_abs, letters, row_abs, digits = m.groups()
        col = _col(letters) + (0 if col_abs else dcol)
        row = int(digits) + (0 if row_abs else drow)
        if col < 1 or row < 1:
            return "#REF!"
        return f"{col_abs}{column_letter(col)}{row_abs}{row}"

    parts = text.split('"')  # even parts are outside string literals
    return '"'.join(p if i % 2 else _REF_IN_TEXT.sub(move, p) for i, p in enumerate(parts))


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos, text = 0, text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise NotEvaluable(text[pos:])
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def _cell(ref: str) -> tuple[int, int]:
    m = _CELL.fullmatch(ref.strip())
    if m is None:
        raise NotEvaluable(ref)
    return int(m[2]), _col(m[1])


Lookup = Callable[[int, int], CellValue]


def _number(value: CellValue, *, in_sum: bool) -> Decimal | None:
    """A cell's value as a Decimal; None when SUM skips it; NotEvaluable when we will not guess."""
    if isinstance(value, ErrorValue | Formula | dt.date | dt.time):
        raise NotEvaluable(str(value))
    if isinstance(value, bool):
        return None if in_sum else Decimal(int(value))
    if isinstance(value, Decimal | int | float):
        number = value if isinstance(value, Decimal) else from_number(value)
        if not number.is_finite():  # NaN or ±inf stored in the XML: not a number to add up
            raise NotEvaluable(str(value))
        return number
    if value is None:
        return None if in_sum else Decimal(0)
    if in_sum:
        return None  # text inside SUM is skipped, as Excel does
    raise NotEvaluable(str(value))


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], lookup: Lookup, budget: Budget) -> None:
        self.tokens, self.pos, self.lookup, self.budget = tokens, 0, lookup, budget

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ("end", "")

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token[0] == "end" or (value is not None and token[1] != value):
            raise NotEvaluable(value or "end")
        self.pos += 1
        return token

    def expr(self) -> Decimal:
        total = self.term()
        while self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            right = self.term()
            total = total + right if op == "+" else total - right
        return total

    def term(self) -> Decimal:
        value = self.unary()
        while self.peek()[1] in ("*", "/"):
            op = self.take()[1]
            right = self.unary()
            if op == "*":
                value *= right
            elif right == 0:
                raise NotEvaluable("#DIV/0!")
            else:
                value /= right
        return value

    def unary(self) -> Decimal:
        if self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            value = self.unary()
            return -value if op == "-" else value
        return self.primary()

    def primary(self) -> Decimal:
        kind, text = self.take()
        if kind == "num":
            return Decimal(text)
        if kind == "ref":
            return _number(self.lookup(*_cell(text)), in_sum=False) or Decimal(0)
        if kind == "sum":
            return self.sum_args()
        if text == "(":
            value = self.expr()
            self.take(")")
            return value
        raise NotEvaluable(text)

    def sum_args(self) -> Decimal:
        total = Decimal(0)
        while True:
            kind, text = self.peek()
            ends_arg = self.pos + 1 < len(self.tokens) and self.tokens[self.pos + 1][1] in (
                ",",
                ")",
            )
            if kind == "range":
                self.take()
                total += self.range_sum(text)
            elif kind == "ref" and ends_arg:
                self.take()
                total += _number(self.lookup(*_cell(text)), in_sum=True) or Decimal(0)
            else:
                total += self.expr()
            if self.take()[1] == ")":
                return total
            # else: a comma, go on with the next argument

    def range_sum(self, text: str) -> Decimal:
        first, last = (_cell(part) for part in text.split(":"))
        r0, r1 = sorted((first[0], last[0]))
        c0, c1 = sorted((first[1], last[1]))
        if self.budget.extent is not None:  # past the data every cell is empty
            r1, c1 = min(r1, self.budget.extent[0]), min(c1, self.budget.extent[1])
        cells = max(r1 - r0 + 1, 0) * max(c1 - c0 + 1, 0)
        if cells > MAX_RANGE_CELLS:
            raise NotEvaluable(text)
        self.budget.spend(cells)
        total = Decimal(0)
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                total += _number(self.lookup(r, c), in_sum=True) or Decimal(0)
        return total


def evaluate(text: str, lookup: Lookup, budget: Budget | None = None) -> Decimal:
    """The value of a simple formula (text without '='); NotEvaluable when outside what we evaluate."""
    parser = _Parser(_tokens(text.lstrip("=")), lookup, budget or Budget())
    try:
        value = parser.expr()
    except InvalidOperation as exc:
        raise NotEvaluable(text) from exc
    if parser.pos != len(parser.tokens):
        raise NotEvaluable(text)
    return value
