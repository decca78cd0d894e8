"""The project key (docs/domain.md): how a row is recognised across versions, tables and 预算表."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import repeat
from typing import NamedTuple

from budget_planner.text import compact


class ProjectKey(NamedTuple):
    """(unit, table, 类型, project name[, extra]), names compared with all whitespace removed.

    The project name is the canonical 拟设置项目 (表一/三/四), the 后补助名称 (表二) or, for a 预算表,
    its 项目名称. 类型 is the list label, or "" where a table has none (表二). ``extra`` holds the
    table's ``key_columns`` beside the name: 表二's 后补助承接单位 (one 后补助 may go to several).
    """

    unit: str
    table: str
    category: str
    name: str
    extra: str = ""

    def __str__(self) -> str:
        # the stored form: four parts, a fifth only where the table has one (keys stored before
        # 表二 gained its recipient keep their text for every other table)
        return "|".join(self if self.extra else self[:4])


def keys_of(parts: Iterable[tuple[str, ...]]) -> Iterator[ProjectKey]:
    """A ``ProjectKey`` of each tuple of its five parts, already in key form, made in C
    (``tuple.__new__`` is what the key's own constructor calls): for whole tables at once."""
    return map(tuple.__new__, repeat(ProjectKey), parts)


def stored_extra(text: str) -> str:
    """The fifth part of a key in its stored form (``str(ProjectKey)``), "" when it has none."""
    parts = text.split("|")
    return parts[4] if len(parts) > 4 else ""


def project_key(
    unit: str | None, table: str, category: str | None, name: object, extra: object = ""
) -> ProjectKey:
    return ProjectKey(unit or "", table, compact(category), compact(name), compact(extra))


def key_extra(parts: list[str]) -> str:
    """The key's fifth part from the ``key_columns`` values (compact): joined by "/", trailing
    empty parts dropped, so a unit's own row (no 来源单位) keeps the key it always had."""
    while parts and not parts[-1]:
        parts.pop()
    return "/".join(parts)


def row_key(
    unit: str | None, table: str, category: str | None, value: Callable[[str], object]
) -> ProjectKey:
    """The key of a collection-table row whose cells ``value(column key)`` gives."""
    from budget_planner.templates.spec import load_specs

    spec = load_specs().table(table)
    extra = key_extra([compact(value(k)) for k in spec.key_columns])
    return project_key(unit, table, category, value(spec.project_column.key), extra)


def matches_row(budget_key: ProjectKey, row_key: ProjectKey) -> bool:
    """Whether a 预算表's key names the same project as a table row's key.

    A 预算表 states the table it belongs to and its project name; 类型 is optional on it, so an
    empty 类型 on the 预算表 side matches any (and a 表二 row's 承接单位 is not on it at all).
    """
    return (
        budget_key.unit == row_key.unit
        and budget_key.table == row_key.table
        and budget_key.name == row_key.name
        and (not budget_key.category or budget_key.category == row_key.category)
    )
