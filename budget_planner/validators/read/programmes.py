"""Programme names as people write them (docs/reader.md): ``清远市专利技术实施计划`` and
``2024年度专利技术实施计划项目`` are the 专利技术实施计划 of the rules file (docs/domain.md); ``专利技术实施计划绩效评价`` is not.

A name is compared after stripping, in any order, a leading year (``2024年``, ``2024年度``), a
leading place or unit name (one to four characters and 省/市/县/区/州, repeated — ``广东省清远市`` —
then maybe the bureau: ``市场监督管理局``, ``管理委员会``, ``…分局``) and a trailing ``项目``; it matches
a programme when one of those forms equals the programme's name or one of its aliases (the rules
file lists them). The same forms let a 预算表's 项目名称 find its table row: one name is the other
stripped (``清远市知识产权强市建设`` is the row 知识产权强市建设; ``知识产权强市`` is no place).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from budget_planner.text import compact

_YEAR = re.compile(r"^(?:19|20)\d{2}(?:年度|年)?")
# a 市 followed by 场 begins the bureau (清远市市场监督管理局), not a place 清远市市
_ONE_PLACE = r"[\u4e00-\u9fff]{1,4}(?:自治区|自治州|自治县|特别行政区|省|市(?!场)|县|区|州|盟|旗)"
_PLACE = re.compile(
    rf"^(?:{_ONE_PLACE})+"
    r"(?:市场监督管理局|市场监管局|知识产权局|人民政府|管理委员会|管委会|[\u4e00-\u9fff]{0,4}分局)?"
    r"(?:\([^()]*\))?"
)
_ONE_PLACE_AT_START = re.compile(f"^{_ONE_PLACE}")
_SUFFIXES = ("项目",)
_MAX_FORMS = 32


def _strips(text: str) -> Iterable[str]:
    """The texts one strip away from ``text``."""
    year = _YEAR.match(text)
    if year and year.end() < len(text):
        yield text[year.end() :].lstrip("-—_·")
    place = _PLACE.match(text)
    if place and place.end() < len(text):
        yield text[place.end() :]
    for suffix in _SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            yield text[: -len(suffix)]


@lru_cache(maxsize=4096)
def name_forms(text: str) -> frozenset[str]:
    """Every form of a (compact) name with its place, year and trailing 项目 stripped, itself too."""
    start = compact(text)
    if not start:
        return frozenset()
    forms = {start}
    todo = [start]
    while todo and len(forms) < _MAX_FORMS:
        for form in _strips(todo.pop()):
            if form and form not in forms:
                forms.add(form)
                todo.append(form)
    return frozenset(forms)


def same_project(a: object, b: object) -> bool:
    """Whether two names name the same project: equal, or one is the other with its place, year or
    trailing 项目 stripped."""
    ca, cb = compact(a), compact(b)
    if not ca or not cb:
        return False
    return ca == cb or cb in name_forms(ca) or ca in name_forms(cb)


def leading_places(text: object) -> tuple[tuple[str, ...], str]:
    """The places a name starts with (after a year), and the name without them and the bureau after
    them: ``广东省清远市市场监督管理局知识产权…`` → ((``广东省``, ``清远市``), ``知识产权…``). The same
    strip as ``name_forms``, for callers that need to know which places they were."""
    name = compact(text)
    year = _YEAR.match(name)
    if year and year.end() < len(name):
        name = name[year.end() :].lstrip("-—_·")
    place = _PLACE.match(name)
    if not place or place.end() == len(name):
        return (), name
    places: list[str] = []
    prefix = place.group()
    while one := _ONE_PLACE_AT_START.match(prefix):
        places.append(one.group())
        prefix = prefix[one.end() :]
    return tuple(places), name[place.end() :]


def names_programme(text: object, names: Iterable[str]) -> bool:
    """Whether ``text`` names the programme known by ``names`` (its name and aliases)."""
    wanted = {compact(n) for n in names}
    return bool(name_forms(compact(text)) & wanted)
