"""The labelled project pairs of issue 19 (``support_data/project_pairs.tsv``) and how a matcher
is scored on them. Tuning looks at the even ids only; the odd ids are the held-out test.

``python tests/support/project_pairs.py`` prints the figures and the even pairs a matcher gets wrong.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

PAIRS_FILE = Path(__file__).parent.parent / "support_data" / "project_pairs.tsv"


@dataclass(frozen=True)
class Pair:
    id: int
    same: bool
    kind: str
    name_a: str
    code_a: str
    name_b: str
    code_b: str
    note: str


def load_pairs() -> list[Pair]:
    with PAIRS_FILE.open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [
            Pair(
                id=int(row["id"]),
                same=row["same"] == "1",
                kind=row["kind"],
                name_a=row["name_a"].replace("\\n", "\n"),
                code_a=row["code_a"],
                name_b=row["name_b"].replace("\\n", "\n"),
                code_b=row["code_b"],
                note=row["note"],
            )
            for row in reader
        ]


def even(pairs: Iterable[Pair]) -> list[Pair]:
    return [p for p in pairs if p.id % 2 == 0]


def odd(pairs: Iterable[Pair]) -> list[Pair]:
    return [p for p in pairs if p.id % 2 == 1]


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    true_positives: int
    false_positives: int
    false_negatives: int
    wrong: tuple[Pair, ...]


def score(pairs: Iterable[Pair], same: Callable[[Pair], bool]) -> Scores:
    tp = fp = fn = 0
    wrong = []
    for pair in pairs:
        said = same(pair)
        tp += said and pair.same
        fp += said and not pair.same
        fn += pair.same and not said
        if said != pair.same:
            wrong.append(pair)
    return Scores(
        precision=tp / (tp + fp) if tp + fp else 1.0,
        recall=tp / (tp + fn) if tp + fn else 1.0,
        true_positives=tp,
        false_positives=fp,
        false_negatives=fn,
        wrong=tuple(wrong),
    )


def matcher_says(pair: Pair) -> bool:
    from budget_planner.matching import match_projects

    return match_projects(pair.name_a, pair.name_b, pair.code_a, pair.code_b).same


def main(argv: list[str]) -> None:
    from budget_planner.matching import match_projects

    pairs = load_pairs()
    sets = {"even": even(pairs)} | ({"odd": odd(pairs)} if "--odd" in argv else {})
    for label, chosen in sets.items():
        s = score(chosen, matcher_says)
        print(
            f"{label}: {len(chosen)} pairs, precision {s.precision:.3f}, recall {s.recall:.3f} "
            f"(tp {s.true_positives}, fp {s.false_positives}, fn {s.false_negatives})"
        )
        if label == "even":
            for p in s.wrong:
                m = match_projects(p.name_a, p.name_b, p.code_a, p.code_b)
                print(f"  {p.id} {p.kind} same={int(p.same)} {p.name_a!r} | {p.name_b!r}: {m}")


if __name__ == "__main__":
    main(sys.argv[1:])
