"""The cost of last year's findings over a round: 延续 (each row against its unit's rows of last
year) and 重复申报 with last year's rows added, against 重复申报 over this year's rows alone (the
baseline, measured in the same run).

    .venv/bin/python benchmarks/bench_years.py [RUNS]

The rounds are ``bench_matching``'s: the province's 21 cities, 30 rows each (then 100), drawn from
the labelled pairs' names; last year is another draw of the same kind.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent / "tests" / "support"))

from bench_matching import median_seconds, synthetic_round

from budget_planner.matching import continuation, double_requests, round_presets
from budget_planner.templates.round import load_round


def measure(this: list, last: list, presets, runs: int) -> str:
    alone = median_seconds(lambda: double_requests(this, presets), runs)
    both = median_seconds(
        lambda: double_requests([*this, *last], presets, new_round="guangdong-2024"), runs
    )
    marks = median_seconds(lambda: [continuation(r, last) for r in this], runs)
    found = sum(1 for r in this if continuation(r, last) is not None)
    return (
        f"{len(this)} rows, {len(last)} of last year: 重复申报 alone {alone:.2f} s; "
        f"with last year {both:.2f} s ({both / alone:.1f}×); "
        f"延续 {marks:.2f} s ({marks / alone:.1f}×), {found} rows continue"
    )


def main(runs: int) -> None:
    presets = round_presets(load_round())
    for per_unit in (30, 100):
        this = synthetic_round(per_unit, seed=19)
        last = [
            type(r)("上年", r.unit, r.table, r.name, r.amount, r.amount)
            for r in synthetic_round(per_unit, seed=18)
        ]
        print(measure(this, last, presets, runs))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
