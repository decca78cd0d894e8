"""A project name reduced to what tells one project from another (docs/matching.md).

In order: the canonical text (``text.canonical``); each line's numbering dropped (``(一)``, ``1.``,
``2、``, ``一、``) and the lines joined; years dropped wherever they stand (``2024年``, ``2024年度``,
``(2024年)``); the leading places and bureau stripped the way programme names are
(``validators.read.programmes.leading_places``: ``广东省清远市市场监督管理局…``) and kept aside; punctuation and
spaces dropped; abbreviations written out (``知产`` → ``知识产权``); generic words (``项目``, ``工程``,
``建设`` …) and connectors (``及``, ``与``, ``和``) dropped. The word lists are data (``words.toml``).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from budget_planner.text import canonical, compact
from budget_planner.validators.read.programmes import leading_places

_NUMBERING = re.compile(
    r"^\s*(?:\((?:[一二三四五六七八九十]{1,3}|\d{1,2})\)|[一二三四五六七八九十]{1,3}[、.]|\d{1,2}[、.](?!\d))\s*"
)
_YEAR = re.compile(r"(?:19|20)\d{2}(?:[-—~至到](?:19|20)?\d{2})?(?:年度|年)?")
_NOT_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Words:
    abbreviations: tuple[tuple[re.Pattern[str], str], ...]
    generic: tuple[str, ...]
    connectors: tuple[str, ...]
    markers: tuple[str, ...]
    not_place_endings: tuple[str, ...]


@cache
def words() -> Words:
    """The word lists of ``words.toml``."""
    raw = tomllib.loads(
        resources.files("budget_planner.matching").joinpath("words.toml").read_text("utf-8")
    )
    abbreviations = []
    for short, full in raw["abbreviations"].items():
        if full.endswith(short):  # 导航 → 专利导航, not where 专利导航 is written already
            pattern = f"(?<!{re.escape(full[: -len(short)])}){re.escape(short)}"
        elif full.startswith(short):
            pattern = f"{re.escape(short)}(?!{re.escape(full[len(short) :])})"
        else:
            pattern = re.escape(short)
        abbreviations.append((re.compile(pattern), full))
    listed = raw["words"]
    return Words(
        abbreviations=tuple(abbreviations),
        # the longest first, so that a word inside another is not removed from it
        generic=tuple(sorted(listed["generic"], key=len, reverse=True)),
        connectors=tuple(listed["connectors"]),
        markers=tuple(listed["markers"]),
        not_place_endings=tuple(listed["not_place_endings"]),
    )


@dataclass(frozen=True)
class NormalName:
    """A name as compared: ``text`` with nothing but what names the project, and the ``places`` it
    started with (``("广东省", "清远市")``)."""

    text: str
    places: tuple[str, ...] = ()


def _strip_places(text: str, lists: Words) -> tuple[tuple[str, ...], str]:
    places, rest = leading_places(text)
    for n, place in enumerate(places):
        if place.endswith(lists.not_place_endings):  # 重点园区: no place; keep it and what follows
            return places[:n], text[text.find(place) :]
    return places, rest


@lru_cache(maxsize=8192)
def normal_name(name: object) -> NormalName:
    """The name reduced for comparison (the module's docstring says how)."""
    lines = (_NUMBERING.sub("", line) for line in canonical(name).split("\n"))
    text = _YEAR.sub("", compact("".join(lines)))
    lists = words()
    places, text = _strip_places(text, lists)
    text = _NOT_WORD.sub("", text)
    for pattern, full in lists.abbreviations:
        text = pattern.sub(full, text)
    for word in (*lists.generic, *lists.connectors):
        text = text.replace(word, "")
    return NormalName(text, places)
