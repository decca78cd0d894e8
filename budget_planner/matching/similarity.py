"""Whether two rows name the same project: one answer, with a score and a reason, for 延续 (the same
unit's project again last year) and 重复申报 (the same project asked for twice). docs/matching.md has
the rule and its measured precision and recall.

The names are normalised (``names.normal_name``) and laid over each other by greedy string tiling:
the longest common run of at least two characters is taken from both, then the next, until none is
left, so that reordered parts still meet. What neither side's tiles cover is its rest. Then:

- both rest empty: the same project (the same words, maybe in another order);
- one side's rest only: the same project with a qualifier (``中小微企业``, ``中心``, ``(输变电产业)``) —
  unless the rest holds a marker (``绩效评价``, ``大赛``: another piece of work on the same subject) or
  the fully covered side is too short to name a project on its own;
- both sides have a rest: different projects (``输变电`` / ``汽车零配件``, ``保护`` / ``快速维权``);
- both names start with places and share none: each unit's own project (清远市… / 韶关市…).

The applicant's 统一社会信用代码, where both rows have a well-formed one: different codes are different
applicants, so not the same project; equal codes make names that differ a little the same project
(score at least ``SAME_APPLICANT_SCORE``, no marker, no place apart).
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from budget_planner.matching.credit_code import credit_code
from budget_planner.matching.names import NormalName, normal_name, words
from budget_planner.text import compact

MIN_TILE = 2  # a single character in common says nothing about two Chinese names
MIN_NAME = 4  # a name covered whole by the other must have this many characters to stand alone
SAME_APPLICANT_SCORE = 0.7


@dataclass(frozen=True)
class Match:
    """The answer: ``same`` or not, the ``score`` (the share of both names' characters that the
    tiles cover, 0–1) and the ``reason`` in Chinese, for finance to read."""

    same: bool
    score: float
    reason: str

    def __bool__(self) -> bool:
        return self.same


@dataclass(frozen=True)
class _Overlap:
    score: float
    rest_a: tuple[str, ...]
    rest_b: tuple[str, ...]


def _tile(a: str, b: str) -> _Overlap:
    """Greedy string tiling: the longest common run of the parts of ``a`` and ``b`` not yet covered,
    taken from both, again and again while one of ``MIN_TILE`` characters is left."""
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    free_a, free_b = [(0, len(a))], [(0, len(b))]
    covered_a = covered_b = 0
    while True:
        i = j = size = 0
        for alo, ahi in free_a:
            for blo, bhi in free_b:
                if min(ahi - alo, bhi - blo) > size:
                    found = matcher.find_longest_match(alo, ahi, blo, bhi)
                    if found.size > size:
                        i, j, size = found
        if size < MIN_TILE:
            break
        free_a, free_b = _cut(free_a, i, size), _cut(free_b, j, size)
        covered_a, covered_b = covered_a + size, covered_b + size
    score = (covered_a + covered_b) / (len(a) + len(b))
    return _Overlap(round(score, 3), _rest(a, free_a), _rest(b, free_b))


def _cut(free: list[tuple[int, int]], start: int, size: int) -> list[tuple[int, int]]:
    """The free intervals without [start, start + size)."""
    out = []
    for lo, hi in free:
        if lo <= start < hi:
            out += [(lo, start), (start + size, hi)]
        else:
            out.append((lo, hi))
    return [(lo, hi) for lo, hi in out if hi > lo]


def _rest(text: str, free: list[tuple[int, int]]) -> tuple[str, ...]:
    return tuple(text[lo:hi] for lo, hi in free)


def _quoted(parts: tuple[str, ...]) -> str:
    return "、".join(f"“{p}”" for p in parts)


def places_apart(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Two names' leading places (``NormalName.places``) set them apart: both have places and share
    none (each unit's own project; never the same, whatever the codes say)."""
    return bool(a and b and not set(a) & set(b))


@dataclass(frozen=True)
class _Verdict:
    match: Match
    firm: bool = False  # no sameness of applicant overrides it (places apart, a marker on one side)


def _compare_names(a: NormalName, b: NormalName, written_alike: bool) -> _Verdict:
    if not a.text or not b.text:
        return _Verdict(Match(False, 0.0, "名称为空"), firm=True)
    if places_apart(a.places, b.places):
        where = f"“{''.join(a.places)}”与“{''.join(b.places)}”"
        return _Verdict(Match(False, 0.0, f"地方不同：{where}各自的项目"), firm=True)
    # how the names are written matters only where they are equal once normalised (the reason)
    return _compare_texts(a.text, b.text, written_alike and a.text == b.text)


@lru_cache(maxsize=65536)
def _compare_texts(a: str, b: str, written_alike: bool) -> _Verdict:
    """The verdict on two non-empty normalised texts whose places do not set them apart. Kept for
    each pair of texts met: a round repeats its names (presets, the same project in every city, with
    or without the city in front)."""
    if a == b:
        if written_alike:
            return _Verdict(Match(True, 1.0, "名称相同"))
        return _Verdict(Match(True, 1.0, "名称相同（不计地方、年份、编号和“项目”等通用词）"))
    overlap = _tile(a, b)
    rest_a, rest_b, score = overlap.rest_a, overlap.rest_b, overlap.score
    for marker in words().markers:
        if (marker in a) != (marker in b):
            return _Verdict(Match(False, score, f"一方是“{marker}”，另一方不是"), firm=True)
    if rest_a and rest_b:
        return _Verdict(Match(False, score, f"名称不同：{_quoted(rest_a)}与{_quoted(rest_b)}"))
    if not rest_a and not rest_b:
        return _Verdict(Match(True, score, "名称用词相同，次序不同"))
    shorter, extra = (a, rest_b) if not rest_a else (b, rest_a)
    if len(shorter) < MIN_NAME:
        return _Verdict(Match(False, score, f"名称过短，多出{_quoted(extra)}，无法断定"))
    return _Verdict(Match(True, score, f"名称相近：一方多出{_quoted(extra)}"))


def match_projects(
    name_a: object, name_b: object, code_a: object = None, code_b: object = None
) -> Match:
    """Whether ``name_a`` and ``name_b`` (拟设置项目, 后补助名称 or 项目名称, as typed) name the same
    project; ``code_a``/``code_b`` are the applicants' 统一社会信用代码 where a 申报书 gives them."""
    return match_read(
        normal_name(name_a),
        normal_name(name_b),
        compact(name_a) == compact(name_b),
        credit_code(code_a),
        credit_code(code_b),
    )


def match_read(
    a: NormalName, b: NormalName, written_alike: bool, ca: str | None, cb: str | None
) -> Match:
    """``match_projects`` over what it reads from two rows, read once per row by a caller comparing
    many pairs: the normalised names, whether the names are written alike (``compact``) and the
    well-formed codes (``credit_code``)."""
    verdict = _compare_names(a, b, written_alike)
    names = verdict.match
    if not (ca and cb):
        return names
    if ca != cb:
        return Match(False, names.score, f"申报单位不同（统一社会信用代码 {ca} 与 {cb}）")
    same_applicant = "同一申报单位（统一社会信用代码相同）"
    if names.same:
        return Match(True, names.score, f"{same_applicant}，{names.reason}")
    if not verdict.firm and names.score >= SAME_APPLICANT_SCORE:
        return Match(True, names.score, f"{same_applicant}，名称相近")
    return Match(False, names.score, f"{same_applicant}，但是另一项目：{names.reason}")
