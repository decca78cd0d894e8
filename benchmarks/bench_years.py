"""The cost of last year's findings over a round: 延续 (each row against its unit's rows of last
year) and 重复申报 with last year's rows added, against 重复申报 over this year's rows alone (the
baseline, measured in the same run).

    .venv/bin/python benchmarks/bench_years.py [RUNS] [PER_UNIT…]
    .venv/bin/python benchmarks/bench_years.py [RUNS] round

The rounds are ``bench_matching``'s: the province's 21 cities, 30 rows each (then 100), drawn from
the labelled pairs' names; last year is another draw of the same kind. Times are the median CPU
time of RUNS runs, each with the matching caches cleared.

``round``: the findings step (``find_projects``: 重复申报, the 政策依据 index) of ``aggregate`` over the
benchmarks' round (``generate.province_round``, 88 files), the round read once.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.append(str(Path(__file__).parent.parent))  # for ``benchmarks.generate``; PYTHONPATH first
sys.path.insert(0, str(Path(__file__).parent.parent / "tests" / "support"))

from bench_matching import median_seconds, synthetic_round

import budget_planner
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


def round_findings(runs: int) -> str:
    """The findings step of ``aggregate`` over the benchmarks' round, the round read once."""
    import tempfile

    import budget_planner.app.aggregate as aggregate
    from benchmarks import generate

    base = generate.province_round()
    kept = []
    real = aggregate.find_projects

    def keep(cons, last_year=None):
        kept.append(cons)
        return real(cons, last_year)

    aggregate.find_projects = keep
    try:
        with tempfile.TemporaryDirectory() as tmp:
            aggregate.run_aggregate(
                [base / "submissions"],
                load_round(),
                Path(tmp) / "汇总.xlsx",
                control_path=base / "控制数.xlsx",
            )
    finally:
        aggregate.find_projects = real
    [cons] = kept
    seconds = median_seconds(lambda: real(cons), runs)
    found = real(cons)
    return (
        f"{Path(budget_planner.__file__).parent.parent}: the benchmarks' round ({len(cons.records)} rows): findings {seconds:.3f} s, "
        f"{len(found.doubles)} 重复申报"
    )


def main(runs: int, sizes: list[str]) -> None:
    if sizes == ["round"]:
        print(round_findings(runs))
        return
    print(f"budget_planner from {Path(budget_planner.__file__).parent.parent}")
    presets = round_presets(load_round())
    for per_unit in [int(s) for s in sizes] or [30, 100]:
        this = synthetic_round(per_unit, seed=19)
        last = [
            type(r)("上年", r.unit, r.table, r.name, r.amount, r.amount)
            for r in synthetic_round(per_unit, seed=18)
        ]
        print(measure(this, last, presets, runs))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3, sys.argv[2:])
