"""Column types that make the storage rules impossible to forget.

- ``Money``: exact Decimal 万元 with 4 places; ``Numeric(18, 4)`` on PostgreSQL, an integer count of
  元 (1/10000 万元) on SQLite, which has no exact decimal type. A float is refused.
- ``UTCDateTime``: aware datetimes in, aware UTC datetimes out, on both databases.
- ``CleanText`` / ``CleanJSON``: NUL and the other C0 controls (tab, line feed and carriage return
  excepted) are stripped before the database sees the text, however deep inside JSON it sits.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from budget_planner.money import quantize

_C0 = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SCALE = Decimal(10000)


def strip_controls(text: str) -> str:
    """Remove NUL and the other C0 control characters except tab, line feed and carriage return."""
    return _C0.sub("", text)


def clean_json(value: Any) -> Any:
    """``strip_controls`` applied to every string (keys included) inside a JSON-shaped value."""
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, dict):
        return {clean_json(k): clean_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_json(v) for v in value]
    return value


class CleanText(TypeDecorator[str]):
    """A VARCHAR (with a length) or TEXT (without) whose values lose their C0 controls."""

    impl = sa.String
    cache_ok = True

    def __init__(self, length: int | None = None) -> None:
        super().__init__(length)
        self.length = length

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        return dialect.type_descriptor(sa.String(self.length) if self.length else sa.Text())

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else strip_controls(str(value))


class CleanJSON(TypeDecorator[Any]):
    impl = sa.JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        return clean_json(value)


class Money(TypeDecorator[Decimal]):
    """Decimal 万元, exact: Numeric(18, 4), or integer 元 on SQLite. Floats are refused."""

    impl = sa.Numeric(18, 4)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.BigInteger())
        return dialect.type_descriptor(sa.Numeric(18, 4, asdecimal=True))

    def process_bind_param(self, value: Decimal | int | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if isinstance(value, float | bool) or not isinstance(value, Decimal | int):
            raise TypeError(f"金额必须是 Decimal，不能是 {type(value).__name__}")
        amount = quantize(Decimal(value))
        if dialect.name == "sqlite":
            return int(amount * _SCALE)
        return amount

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return quantize(Decimal(int(value)) / _SCALE)
        return quantize(Decimal(value))

    @property
    def python_type(self) -> type:
        return Decimal


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A moment in time: stored as UTC, always read back timezone-aware (UTC)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("时间必须带时区（UTC）")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # pragma: no cover - SQLAlchemy parses SQLite's text itself
            value = dt.datetime.fromisoformat(value)
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
