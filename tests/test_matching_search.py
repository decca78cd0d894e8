"""The 重复申报 / 延续 search finds exactly what comparing every pair finds: on a generated round of a
few hundred rows shaped like real ones (the round's presets in every city, names with the city and
the year in front and behind, numbering, abbreviations, shared words, 预算表s, forwarded rows,
applicants' codes) and last year's rows, ``double_requests`` and ``continuation`` give the same
findings, in the same order, as the plain all-pairs comparison kept here (not in the package)."""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from decimal import Decimal

import pytest
from project_pairs import load_pairs

from budget_planner.matching import (
    Continuation,
    DoubleRequest,
    Match,
    ProjectRef,
    candidate_pairs,
    continuation,
    double_requests,
    excluded,
    match_projects,
    round_presets,
)
from budget_planner.matching.credit_code import check_character
from budget_planner.matching.exclusions import budget_of_row, is_continuation, linked_by_forwarding
from budget_planner.templates.round import load_round
from budget_planner.templates.spec import BUDGET

ROUND = load_round()
PRESETS = round_presets(ROUND)
THIS, LAST = "guangdong-2024", "上年"


def _code(n: int) -> str:
    body = f"9144{n:013d}"
    return body + check_character(body)


def _names(rnd: random.Random) -> list[str]:
    """Project names as units write them: the labelled pairs' names, the round's presets, and
    variants of both (city in front, year behind, numbering, 知产, a qualifier, words swapped)."""
    labelled = sorted({n for p in load_pairs() for n in (p.name_a, p.name_b)})
    presets = [name for names in PRESETS.values() for name in names]
    base = [*labelled, *presets]
    cities = [u.short_name for u in ROUND.units]
    out = list(base)
    for name in rnd.sample(base, 120):
        variant = rnd.choice(
            [
                f"{rnd.choice(cities)}{name}",
                f"{name}（2024年）",
                f"（{rnd.choice('一二三')}）{name}",
                f"2024年{rnd.choice(cities)}{name}项目",
                name.replace("知识产权", "知产"),
                f"中小微企业{name}",
                f"{name}绩效评价",
                name[len(name) // 2 :] + name[: len(name) // 2],
                name[:-2],
            ]
        )
        out.append(variant)
    return out


def _round(seed: int, count: int, round_id: str) -> list[ProjectRef]:
    rnd = random.Random(seed)
    names = _names(rnd)
    units = [u.short_name for u in ROUND.units]
    rows = []
    for n in range(count):
        unit = rnd.choice(units)
        table = rnd.choice(["表一", "表二", "表三", "表四", "表四", "表四", BUDGET])
        name = rnd.choice(names)
        if n % 9 == 0 and rows:  # the same project again, maybe in another unit or table
            name = rnd.choice(rows).name
        code = _code(rnd.randrange(6)) if n % 7 == 0 else ""
        if n % 23 == 0:
            code = _code(rnd.randrange(6))[:-1] + "0"  # a typo: its check character fails
        lineage = frozenset({f"L{rnd.randrange(8)}"}) if n % 11 == 0 else frozenset()
        rows.append(
            ProjectRef(
                round_id,
                unit,
                table,
                name,
                Decimal(rnd.randrange(5, 200)) / 2,
                credit_code=code,
                lineage=lineage,
                key=f"{unit}/{table}/{name}" if n % 3 == 0 else "",
                source=f"{unit} {table} 第{n + 5}行",
                id=(round_id, n),
            )
        )
    return rows


def all_pairs_double_requests(
    rows: list[ProjectRef], presets, new_round: str | None = None
) -> list[DoubleRequest]:
    """The plain search: every pair of rows given to the matcher, then the exclusions."""
    same: list[tuple[int, int, Match]] = []
    details: dict[int, set[int]] = defaultdict(set)
    for i, j in itertools.combinations(range(len(rows)), 2):
        a, b = rows[i], rows[j]
        if a.id is not None and a.id == b.id:
            continue
        if new_round is not None and new_round not in (a.round_id, b.round_id):
            continue
        if is_continuation(a, b) or linked_by_forwarding(a, b):
            continue
        match = match_projects(a.name, b.name, a.credit_code, b.credit_code)
        if not match.same:
            continue
        if budget_of_row(a, b):
            budget, row = (i, j) if a.table == BUDGET else (j, i)
            details[budget].add(row)
        elif excluded(a, b, presets) is None:
            same.append((i, j, match))
    reported = {frozenset((i, j)) for i, j, _ in same}
    return [
        DoubleRequest(rows[i], rows[j], match)
        for i, j, match in same
        if not any(
            frozenset((row, other)) in reported
            for budget, other in ((i, j), (j, i))
            for row in details.get(budget, ())
        )
    ]


def all_rows_continuation(row: ProjectRef, last_year: list[ProjectRef]) -> Continuation | None:
    """The plain 延续: every row of the unit last year given to the matcher."""
    best = None
    for old in last_year:
        if old.unit != row.unit:
            continue
        if row.key and old.key == row.key:
            return Continuation(row, old, Match(True, 1.0, "项目标识相同"))
        match = match_projects(row.name, old.name, row.credit_code, old.credit_code)
        if match.same and (best is None or match.score > best.match.score):
            best = Continuation(row, old, match)
    return best


@pytest.fixture(scope="module")
def this_year() -> list[ProjectRef]:
    return _round(16, 300, THIS)


@pytest.fixture(scope="module")
def last_year() -> list[ProjectRef]:
    return _round(15, 200, LAST)


def test_the_generated_round_is_shaped_like_a_real_one(this_year):
    """Repeats across cities, a city's name in front, the round's presets and codes are there, so
    that the comparison below has double requests, exclusions and applicants to tell apart."""
    names = [r.name for r in this_year]
    assert len(set(names)) < len(names)
    assert any(n.startswith(u.short_name) for n in names for u in ROUND.units)
    assert any(n in PRESETS["表四"] for n in names)
    assert sum(1 for r in this_year if r.credit_code) >= 40


def test_double_requests_are_those_of_comparing_every_pair(this_year):
    fast = double_requests(this_year, PRESETS)
    plain = all_pairs_double_requests(this_year, PRESETS)
    assert len(plain) >= 50  # enough findings for the comparison to say something
    assert {f.match.reason.split("，")[0] for f in plain} >= {"名称相同"}
    assert fast == plain


def test_with_last_year_the_double_requests_are_those_of_comparing_every_pair(this_year, last_year):
    rows = [*this_year, *last_year]
    fast = double_requests(rows, PRESETS, new_round=THIS)
    plain = all_pairs_double_requests(rows, PRESETS, new_round=THIS)
    assert any(f.second.round_id == LAST for f in plain)
    assert fast == plain


def test_continuation_is_that_of_comparing_every_row_of_the_unit(this_year, last_year):
    fast = [continuation(r, last_year) for r in this_year]
    plain = [all_rows_continuation(r, last_year) for r in this_year]
    assert sum(c is not None for c in plain) >= 20
    assert fast == plain


def test_candidate_pairs_hold_every_pair_the_matcher_calls_the_same(this_year):
    candidates = set(candidate_pairs(this_year))
    same = {
        (i, j)
        for (i, a), (j, b) in itertools.combinations(enumerate(this_year), 2)
        if match_projects(a.name, b.name, a.credit_code, b.credit_code).same
    }
    assert same <= candidates
    assert len(candidates) < len(this_year) ** 2 / 2 / 5
