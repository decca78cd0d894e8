"""Rows written into a database at an older schema revision, the way that revision's code stored them.

The current models cannot write to an old schema (they name columns added later), so rows go through
the tables as the database has them (reflected), each value bound by the storage type of its column
(``Money`` as integer 元 on SQLite, ``UTCDateTime`` as UTC): the same bytes the old code wrote.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator

from budget_planner.storage.models import Base


def put(engine: Engine, table: str, **values: Any) -> Any:
    """Insert one row into ``table`` as the database has it now; returns its primary key."""
    meta = sa.MetaData()
    meta.reflect(engine, only=[table])
    found = meta.tables[table]
    bound = {name: _bind(engine, table, name, value) for name, value in values.items()}
    with engine.begin() as conn:
        result = conn.execute(found.insert().values(**bound))
        key = result.inserted_primary_key
    return key[0] if key else None


def _bind(engine: Engine, table: str, column: str, value: Any) -> Any:
    model = Base.metadata.tables.get(table)
    if model is None or column not in model.c:
        return value
    kind = model.c[column].type
    if isinstance(kind, TypeDecorator):
        return kind.process_bind_param(value, engine.dialect)
    return value
