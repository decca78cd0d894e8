"""重复申报 and 延续 over rows (issue 19): which pairs of rows name the same project, and which of
them finance should see. Pure functions over ``ProjectRef``; pages, API and workbook call them.

Comparing every pair of a round's rows is quadratic (a round of 600 rows is 180,000 pairs), so a pair
is compared only when it could be called the same: equal normalised names, one applicant's code on
both, or enough character pairs in common for the shorter name to be covered whole by the other
(``candidate_pairs``); the matcher says "not the same" to every other pair.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from budget_planner.matching.credit_code import credit_code
from budget_planner.matching.exclusions import (
    Presets,
    budget_of_row,
    excluded,
    is_continuation,
    linked_by_forwarding,
)
from budget_planner.matching.names import normal_name
from budget_planner.matching.rows import ProjectRef
from budget_planner.matching.similarity import MIN_NAME, Match, match_projects
from budget_planner.templates.spec import BUDGET


@dataclass(frozen=True)
class DoubleRequest:
    """Two rows naming the same project: a finding for finance with both sources and amounts."""

    first: ProjectRef
    second: ProjectRef
    match: Match


@dataclass(frozen=True)
class Continuation:
    """A row whose project the same unit asked for in last year's round (延续)."""

    row: ProjectRef
    last_year: ProjectRef
    match: Match


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _needed(text: str, grams: set[str]) -> int:
    """The character pairs a name covered whole by another must share with it: tiles of two or more
    characters leave at most one pair per tile boundary uncovered, and a name of n characters has at
    most n // 2 tiles."""
    return max(1, len(grams) - len(text) // 2 + 1)


def candidate_pairs(rows: Sequence[ProjectRef]) -> list[tuple[int, int]]:
    """The index pairs the matcher could call the same project: equal normalised names, enough
    character pairs in common for the shorter name to be covered whole (``_needed``), or one
    applicant's well-formed code on both."""
    texts = [normal_name(row.name).text for row in rows]
    grams = [_bigrams(text) for text in texts]
    by_gram: dict[str, list[int]] = defaultdict(list)
    alike: dict[tuple[str, str], list[int]] = defaultdict(list)
    for n, row in enumerate(rows):
        for gram in grams[n]:
            by_gram[gram].append(n)
        if texts[n]:
            alike["name", texts[n]].append(n)
        code = credit_code(row.credit_code)
        if code:
            alike["code", code].append(n)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for members in by_gram.values():
        for pair in combinations(members, 2):
            shared[pair] += 1
    found = set()
    for (i, j), count in shared.items():
        shorter = min((i, j), key=lambda n: len(texts[n]))
        if len(texts[i]) == len(texts[j]):
            needed = max(_needed(texts[i], grams[i]), _needed(texts[j], grams[j]))
        else:
            needed = _needed(texts[shorter], grams[shorter])
        if count >= needed and len(texts[shorter]) >= MIN_NAME:
            found.add((i, j))
    for members in alike.values():
        found.update(combinations(members, 2))
    return sorted(found)


def double_requests(
    rows: Sequence[ProjectRef], presets: Presets, *, new_round: str | None = None
) -> list[DoubleRequest]:
    """Every pair of rows naming the same project that is not excluded (``exclusions``), in the
    order of the rows. A 预算表 that details one of its unit's rows is not reported again beside
    that row: (预算表, X) is left out when (its row, X) is reported. ``new_round``: only pairs
    holding a row of that round are compared (the others are earlier rounds' rows, given to be
    asked for again, not to be checked among themselves)."""
    same: list[tuple[int, int, Match]] = []
    details: dict[int, set[int]] = defaultdict(set)  # a 预算表 → the rows of its unit it details
    for i, j in candidate_pairs(rows):
        a, b = rows[i], rows[j]
        if a.id is not None and a.id == b.id:
            continue
        if new_round is not None and new_round not in (a.round_id, b.round_id):
            continue
        if is_continuation(a, b) or linked_by_forwarding(a, b):
            continue  # excluded whatever the names say: no need to compare them
        match = match_projects(a.name, b.name, a.credit_code, b.credit_code)
        if not match.same:
            continue
        if budget_of_row(a, b):
            budget, row = (i, j) if a.table == BUDGET else (j, i)
            details[budget].add(row)
        elif excluded(a, b, presets) is None:
            same.append((i, j, match))
    reported = {frozenset((i, j)) for i, j, _ in same}
    found = []
    for i, j, match in same:
        told = any(
            frozenset((row, other)) in reported
            for budget, other in ((i, j), (j, i))
            for row in details.get(budget, ())
        )
        if not told:
            found.append(DoubleRequest(rows[i], rows[j], match))
    return found


def continuation(row: ProjectRef, last_year: Iterable[ProjectRef]) -> Continuation | None:
    """The same unit's row of last year's round this row continues: the same project key, else
    the best-scoring row the matcher calls the same project; ``None`` for a new project."""
    best: Continuation | None = None
    for old in last_year:
        if old.unit != row.unit:
            continue
        if row.key and old.key == row.key:
            return Continuation(row, old, Match(True, 1.0, "项目标识相同"))
        match = match_projects(row.name, old.name, row.credit_code, old.credit_code)
        if match.same and (best is None or match.score > best.match.score):
            best = Continuation(row, old, match)
    return best
