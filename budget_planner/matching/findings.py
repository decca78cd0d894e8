"""重复申报 and 延续 over rows (issue 19): which pairs of rows name the same project, and which of
them finance should see. Pure functions over ``ProjectRef``; pages, API and workbook call them.

Comparing every pair of a round's rows is quadratic (a round of 600 rows is 180,000 pairs), so a pair
is compared only when it could be called the same (``candidate_pairs``): equal normalised names, one
applicant's code on both, or enough character pairs in common for the shorter name to be covered
whole by the other (``blocking.could_cover``); the matcher says "not the same" to every other pair. The
search works on the round's distinct normalised names, not its rows (a round repeats its names:
presets, the same project in every city): an index from each character pair to the names holding
it, probed with the rarest of a name's pairs only — as many as guarantee that a name sharing enough
pairs is met (prefix filtering) — and each name met checked once. Each row is read once (its
normalised name, how it is written, its code) and each pair of names compared once
(``similarity.match_read``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

from budget_planner.matching.blocking import could_be_same, similar_names
from budget_planner.matching.credit_code import credit_code
from budget_planner.matching.exclusions import (
    Presets,
    budget_of_row,
    excluded,
    is_continuation,
    linked_by_forwarding,
    preset_named,
)
from budget_planner.matching.names import NormalName, normal_name
from budget_planner.matching.rows import ProjectRef
from budget_planner.matching.similarity import Match, match_read, places_apart
from budget_planner.templates.spec import BUDGET
from budget_planner.text import compact


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


def _code(typed: object) -> str | None:
    """``credit_code``, kept for each code typed as text (a round repeats its applicants)."""
    return _text_code(typed) if isinstance(typed, str) else credit_code(typed)


@lru_cache(maxsize=8192)
def _text_code(typed: str) -> str | None:
    return credit_code(typed)


class _Read:
    """What the matcher reads of each row, read once: the normalised name, the name as written
    (``compact``), the well-formed code; and the answer for each pair of rows that read alike,
    given once (a round repeats its names)."""

    def __init__(self, rows: Sequence[ProjectRef]) -> None:
        self.names = [normal_name(r.name) for r in rows]
        self.written = [compact(r.name) for r in rows]
        self.codes = [_code(r.credit_code) for r in rows]
        kinds: dict[tuple[NormalName, str, str | None], int] = {}
        self.kinds = [
            kinds.setdefault(read, len(kinds))
            for read in zip(self.names, self.written, self.codes, strict=True)
        ]
        self._matches: dict[tuple[int, int], Match] = {}

    def match(self, i: int, j: int) -> Match:
        key = self.kinds[i], self.kinds[j]
        found = self._matches.get(key)
        if found is None:
            found = self._matches[key] = match_read(
                self.names[i],
                self.names[j],
                self.written[i] == self.written[j],
                self.codes[i],
                self.codes[j],
            )
        return found


_Places = dict[tuple[str, ...], list[int]]  # the places a name starts with → its rows, in order


def _pairs(
    rows: Sequence[ProjectRef], names: Sequence[NormalName], new_round: str | None = None
) -> list[tuple[int, int]]:
    """``candidate_pairs``; with ``new_round`` only the pairs holding a row of that round."""
    group: dict[str, _Places] = defaultdict(lambda: defaultdict(list))  # a normalised name → …
    fresh: dict[str, _Places] = defaultdict(lambda: defaultdict(list))  # … of ``new_round``'s rows
    codes: dict[str, list[int]] = defaultdict(list)
    for n, (row, name) in enumerate(zip(rows, names, strict=True)):
        if name.text:
            group[name.text][name.places].append(n)
            if new_round is None or row.round_id == new_round:
                fresh[name.text][name.places].append(n)
        code = _code(row.credit_code)
        if code:
            codes[code].append(n)
    found: set[tuple[int, int]] = set()

    def add(ours: _Places, theirs: _Places) -> None:
        for places, firsts in ours.items():
            for other, seconds in theirs.items():
                if places_apart(places, other):
                    continue  # each unit's own project, whatever the names and codes
                for i in firsts:
                    for j in seconds:
                        if i != j:
                            found.add((i, j) if i < j else (j, i))

    def between(a: str, b: str) -> None:
        """The pairs of a row of name ``a`` and a row of name ``b`` holding a new row."""
        if a in fresh:
            add(fresh[a], group[b])
        if b in fresh:
            add(fresh[b], group[a])

    for text in fresh:
        between(text, text)
    texts = list(group)
    for s, t in similar_names(texts):
        between(texts[s], texts[t])
    for members in codes.values():
        found.update(
            (i, j)
            for i, j in combinations(members, 2)
            if new_round is None or new_round in (rows[i].round_id, rows[j].round_id)
        )
    return sorted(found)


def candidate_pairs(rows: Sequence[ProjectRef]) -> list[tuple[int, int]]:
    """The index pairs the matcher could call the same project: equal normalised names, or enough
    character pairs in common for the shorter name to be covered whole (``blocking.could_cover``),
    unless the names start with places apart (``similarity.places_apart``); or one applicant's
    well-formed code on both."""
    return _pairs(rows, [normal_name(row.name) for row in rows])


def double_requests(
    rows: Sequence[ProjectRef], presets: Presets, *, new_round: str | None = None
) -> list[DoubleRequest]:
    """Every pair of rows naming the same project that is not excluded (``exclusions``), in the
    order of the rows. A 预算表 that details one of its unit's rows is not reported again beside
    that row: (预算表, X) is left out when (its row, X) is reported. ``new_round``: only pairs
    holding a row of that round are compared (the others are earlier rounds' rows, given to be
    asked for again, not to be checked among themselves)."""
    read = _Read(rows)
    presets_named: dict[str, str | None] = {}

    def named(name: str) -> str | None:
        if name not in presets_named:
            presets_named[name] = preset_named(name, presets)
        return presets_named[name]

    same: list[tuple[int, int, Match]] = []
    details: dict[int, set[int]] = defaultdict(set)  # a 预算表 → the rows of its unit it details
    for i, j in _pairs(rows, read.names, new_round):
        a, b = rows[i], rows[j]
        if a.id is not None and a.id == b.id:
            continue
        if new_round is not None and new_round not in (a.round_id, b.round_id):
            continue
        if is_continuation(a, b) or linked_by_forwarding(a, b):
            continue  # excluded whatever the names say: no need to compare them
        match = read.match(i, j)
        if not match.same:
            continue
        if budget_of_row(a, b):
            budget, row = (i, j) if a.table == BUDGET else (j, i)
            details[budget].add(row)
        elif excluded(a, b, presets, named) is None:
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
    the best-scoring row the matcher calls the same project; ``None`` for a new project. Only the
    rows that could be called the same (``blocking.could_be_same``) are compared."""
    unit = row.unit
    mine = [old for old in last_year if old.unit == unit]
    if row.key:
        for old in mine:
            if old.key == row.key:
                return Continuation(row, old, Match(True, 1.0, "项目标识相同"))
    best: Continuation | None = None
    name, code, written = normal_name(row.name), _code(row.credit_code), None
    for old in mine:
        old_name, old_code = normal_name(old.name), _code(old.credit_code)
        if not could_be_same(name, old_name, code, old_code):
            continue
        if written is None:
            written = compact(row.name)
        match = match_read(name, old_name, written == compact(old.name), code, old_code)
        if match.same and (best is None or match.score > best.match.score):
            best = Continuation(row, old, match)
    return best
