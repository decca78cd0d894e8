"""Every field of a project row, compared between two versions: the table spec names the columns
(a 预算表: the form's fields), the stored row keeps each one's value (``ProjectRow.values_json``).
The review page shows every column and highlights the fields that changed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from budget_planner.templates.spec import (
    BUDGET,
    SOURCE_UNIT,
    ColumnKind,
    Role,
    budget_spec,
    load_specs,
)


class Field(NamedTuple):
    """A column as a person reads it: its spec key and its label (the header in the template)."""

    key: str
    label: str
    amount: bool = False
    total: bool = False  # the column summed into totals: compared as the project's amount


def fields_of(table_id: str) -> tuple[Field, ...]:
    """The columns a version of ``table_id`` shows, in the template's order (序号 left out)."""
    if table_id == BUDGET:
        columns = budget_spec().fields
    else:
        try:
            columns = load_specs().table(table_id).columns
        except KeyError:
            return ()
    return tuple(
        Field(c.key, c.label, c.kind is ColumnKind.AMOUNT, c.role is Role.AMOUNT)
        for c in columns
        if c.kind is not ColumnKind.SERIAL
    )


def fields_shown(table_id: str, rows: Iterable[Mapping[str, Any] | None]) -> tuple[Field, ...]:
    """The columns a version's page shows: every one, except 来源单位 when no row has one (a unit's
    own return: the column exists only on a forwarded one)."""
    rows = list(rows)
    return tuple(
        f
        for f in fields_of(table_id)
        if f.key != SOURCE_UNIT or any(shown(values, SOURCE_UNIT) for values in rows)
    )


def shown(stored: Mapping[str, Any] | None, key: str) -> str:
    """A field's value as text ("" when empty); ``stored`` is a row's ``values_json``."""
    item = (stored or {}).get(key)
    value = item.get("value") if isinstance(item, dict) else item
    if value is None:
        return ""
    return str(value).strip()


@dataclass(frozen=True)
class FieldChange:
    """One field of one project that differs from the previous version."""

    key: str
    label: str
    before: str
    after: str


def field_changes(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None, fields: tuple[Field, ...]
) -> tuple[FieldChange, ...]:
    """The fields whose text differs between two rows' stored values (the amount column is the
    project's amount, a sum over rows of one key: ``history.changes`` compares it)."""
    found = []
    for f in fields:
        if f.total:
            continue
        old, new = shown(before, f.key), shown(after, f.key)
        if old != new:
            found.append(FieldChange(f.key, f.label, old, new))
    return tuple(found)
