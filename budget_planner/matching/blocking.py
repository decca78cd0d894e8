"""Which pairs of names the matcher could call the same project, told without comparing them
(docs/matching.md, "How the search avoids comparing every pair").

The matcher calls two different normalised names the same only when one is covered whole by the
other's tiles (runs of two or more characters) and has ``MIN_NAME`` characters or more, or both are
covered whole. A name of n characters covered whole lies in at most n // 2 tiles, so it shares all
but at most n // 2 - 1 of its distinct character pairs with the other name (``_needed``). Names
sharing fewer are never compared; ``similar_names`` finds the others among many names through an
index from character pair to names, probed with each name's rarest pairs only.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from functools import lru_cache

from budget_planner.matching.names import NormalName
from budget_planner.matching.similarity import MIN_NAME


@lru_cache(maxsize=32768)
def _bigrams(text: str) -> frozenset[str]:
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


@lru_cache(maxsize=32768)
def _needed(text: str) -> int:
    """The character pairs a name covered whole by another must share with it: tiles of two or more
    characters leave at most one pair per tile boundary uncovered, and a name of n characters has at
    most n // 2 tiles."""
    return max(1, len(_bigrams(text)) - len(text) // 2 + 1)


def could_cover(a: str, b: str) -> bool:
    """Whether the matcher could call two different normalised names the same: the shorter (each,
    when they are as long) has ``MIN_NAME`` characters or more and shares the character pairs
    (``_needed``) that being covered whole by the other takes."""
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    if len(shorter) < MIN_NAME:
        return False
    shared = len(_bigrams(shorter) & _bigrams(longer))
    if shared < _needed(shorter):
        return False
    return len(shorter) < len(longer) or shared >= _needed(longer)


def similar_names(texts: Sequence[str]) -> list[tuple[int, int]]:
    """The pairs (s, t), s < t, of distinct non-empty normalised names that ``could_cover`` holds for.

    Each name of ``MIN_NAME`` characters or more looks up the names sharing one of its rarest
    character pairs, as many of them as leave fewer than ``_needed`` unprobed (a name sharing
    ``_needed`` pairs with it shares one of those), and keeps the names at least as long that
    ``could_cover`` holds for (a pair of names as long as each other is met from both sides)."""
    grams = [_bigrams(text) for text in texts]
    frequency = Counter(g for names in grams for g in names)
    holding: dict[str, list[int]] = defaultdict(list)
    for n, names in enumerate(grams):
        for gram in names:
            holding[gram].append(n)
    found = set()
    for s, text in enumerate(texts):
        if len(text) < MIN_NAME:
            continue
        probe = sorted(grams[s], key=lambda g: (frequency[g], g))
        met = {s}
        for gram in probe[: len(probe) - _needed(text) + 1]:
            for t in holding[gram]:
                if t in met:
                    continue
                met.add(t)
                if len(texts[t]) >= len(text) and could_cover(text, texts[t]):
                    found.add((s, t) if s < t else (t, s))
    return sorted(found)


def could_be_same(a: NormalName, b: NormalName, ca: str | None, cb: str | None) -> bool:
    """Whether the matcher could call two rows the same, from their normalised names and their
    well-formed codes (``credit_code``): equal codes, else (no code on one side) equal names or
    ``could_cover``."""
    if ca and cb:
        return ca == cb  # different applicants are never the same project
    return bool(a.text) and (a.text == b.text or could_cover(a.text, b.text))
