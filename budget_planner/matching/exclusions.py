"""Pairs that name the same project and yet are no double request (issue 19):

- the round's presets: 表四's standard projects are offered to every unit, so two units asking for
  the same preset is the design, not a double request (the same unit asking for it twice is one);
- rows linked by forwarding: a city's forwarded row and its county's source row are one project
  (``ProjectRef.lineage``: the rows share an id; a round's rows get it from
  ``aggregate.project_findings.lineage_of``, the hook forwarding fills);
- the same unit's project in last year's round: that is 延续 (``continuation``), not 重复申报;
- a 预算表 and the table row it details (the same unit and round): one project, told twice on purpose;
- one unit's rows told apart by a key column beside the name (表二's 承接单位, a 来源单位): one
  后补助 for several recipients is several projects.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache

from budget_planner.matching.blocking import could_be_same
from budget_planner.matching.names import normal_name
from budget_planner.matching.rows import ProjectRef
from budget_planner.matching.similarity import match_projects
from budget_planner.project_key import stored_extra
from budget_planner.templates.round import Round
from budget_planner.templates.spec import BUDGET
from budget_planner.text import canonical, compact

Presets = Mapping[str, tuple[str, ...]]  # table → the names of its standard projects


def round_presets(round_: Round) -> Presets:
    """The round's standard projects by table, placeholder rows (…拟设置的项目N) left out."""
    return {
        table: tuple(p.project for p in presets if not p.placeholder)
        for table, presets in round_.presets.items()
    }


def preset_named(name: object, presets: Presets) -> str | None:
    """The preset a name names (written as it is, or so the matcher takes it for the same), if any."""
    every = tuple(p for names in presets.values() for p in names)
    return _preset_named(canonical(name), every)


@lru_cache(maxsize=8192)
def _preset_named(name: str, presets: tuple[str, ...]) -> str | None:
    written = compact(name)
    for preset in presets:
        if compact(preset) == written:
            return preset
    normal = normal_name(name)
    for preset in presets:
        if not could_be_same(normal, normal_name(preset), None, None):
            continue  # the matcher would not call them the same: no need to ask it
        if match_projects(name, preset).same:
            return preset
    return None


def both_preset(
    a: ProjectRef, b: ProjectRef, presets: Presets, named: Callable[[str], str | None] | None = None
) -> bool:
    """Two units asking for the same standard project of the round. ``named``: ``preset_named``
    over ``presets``, kept by a caller asking about many pairs of the same rows."""
    if a.unit == b.unit:
        return False
    if named is None:
        return both_preset(a, b, presets, lambda name: preset_named(name, presets))
    preset = named(a.name)
    return preset is not None and preset == named(b.name)


def linked_by_forwarding(a: ProjectRef, b: ProjectRef) -> bool:
    return bool(a.lineage & b.lineage)


def is_continuation(a: ProjectRef, b: ProjectRef) -> bool:
    """The same unit in two rounds: a match is 延续, not 重复申报."""
    return a.unit == b.unit and a.round_id != b.round_id


def budget_of_row(a: ProjectRef, b: ProjectRef) -> bool:
    """A 预算表 and a table row of the same unit and round: the 预算表 details the row."""
    return (
        a.unit == b.unit and a.round_id == b.round_id and (a.table == BUDGET) != (b.table == BUDGET)
    )


def told_apart_by_key(a: ProjectRef, b: ProjectRef) -> bool:
    """Two rows of one unit's table in one round that differ in a key column beside the name (表二's
    承接单位: one 后补助 for several recipients; the 来源单位 of forwarded rows): two projects."""
    if a.unit != b.unit or a.round_id != b.round_id or a.table != b.table:
        return False
    extra_a, extra_b = stored_extra(a.key), stored_extra(b.key)
    return bool(extra_a) and bool(extra_b) and extra_a != extra_b


EXCLUSIONS = (
    (linked_by_forwarding, "转报关系：同一项目由下级单位报送、上级单位转报"),
    (is_continuation, "同一单位上一轮次的项目：延续，不是重复申报"),
    (budget_of_row, "预算表是同一单位该项目的明细"),
    (told_apart_by_key, "同一单位的两个项目：承接单位（或来源单位）不同"),
)


def excluded(
    a: ProjectRef, b: ProjectRef, presets: Presets, named: Callable[[str], str | None] | None = None
) -> str | None:
    """Why a pair that names the same project is not a double request, or ``None`` when it is one.
    ``named``: as for ``both_preset``."""
    for test, reason in EXCLUSIONS:
        if test(a, b):
            return reason
    if both_preset(a, b, presets, named):
        return "本轮预设项目：各单位均可申报"
    return None
