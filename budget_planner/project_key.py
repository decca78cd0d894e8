"""The project key of DESIGN §2: how a row is recognised across versions, tables and 预算表."""

from __future__ import annotations

from typing import NamedTuple

from budget_planner.text import compact


class ProjectKey(NamedTuple):
    """(unit, table, 类型, project name), names compared with all whitespace removed.

    The project name is the canonical 拟设置项目 (表一/三/四), the 后补助名称 (表二) or, for a 预算表,
    its 项目名称. 类型 is the list label, or "" where a table has none (表二).
    """

    unit: str
    table: str
    category: str
    name: str

    def __str__(self) -> str:
        return "|".join(self)


def project_key(unit: str | None, table: str, category: str | None, name: object) -> ProjectKey:
    return ProjectKey(unit or "", table, compact(category), compact(name))


def matches_row(budget_key: ProjectKey, row_key: ProjectKey) -> bool:
    """Whether a 预算表's key names the same project as a table row's key.

    A 预算表 states the table it belongs to and its project name; 类型 is optional on it, so an
    empty 类型 on the 预算表 side matches any.
    """
    return (
        budget_key.unit == row_key.unit
        and budget_key.table == row_key.table
        and budget_key.name == row_key.name
        and (not budget_key.category or budget_key.category == row_key.category)
    )
