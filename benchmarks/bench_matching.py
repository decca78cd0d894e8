"""The cost of 重复申报 over a round: ``double_requests`` against comparing every pair.

    .venv/bin/python benchmarks/bench_matching.py [RUNS]

A round of the province's 21 cities, each with 30 (then 100) rows drawn from the names of the
labelled pairs (tests/support_data/project_pairs.tsv), half of them with the city's name in front
and a year behind, amounts in 万元. Prints the median CPU time of ``double_requests``, how many pairs its
pre-filter lets through, and the time of matching every pair (the pre-filter's baseline).
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from decimal import Decimal
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent / "tests" / "support"))

from project_pairs import load_pairs

from budget_planner.matching import (
    ProjectRef,
    candidate_pairs,
    double_requests,
    match_projects,
    round_presets,
)
from budget_planner.templates.round import load_round


def synthetic_round(per_unit: int, seed: int = 19) -> list[ProjectRef]:
    rnd = random.Random(seed)
    names = sorted({n for p in load_pairs() for n in (p.name_a, p.name_b)})
    rows = []
    for unit in load_round().units:
        for n in range(per_unit):
            name = rnd.choice(names)
            if n % 2:
                name = f"{unit.short_name}{name}（2024年）"
            amount = Decimal(rnd.randrange(5, 200)) / 2
            rows.append(ProjectRef("guangdong-2024", unit.short_name, "表四", name, amount))
    return rows


def clear_caches() -> None:
    """Forget what the matching modules remember (normalised names, bigrams, verdicts), so that
    every run starts cold as a new process would."""
    for name, module in list(sys.modules.items()):
        if name.startswith("budget_planner.matching"):
            for value in vars(module).values():
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


def median_seconds(job, runs: int) -> float:
    """The median CPU time of ``job`` (this process's, so other work on the machine counts little)."""
    times = []
    for _ in range(runs):
        clear_caches()
        start = time.process_time()
        job()
        times.append(time.process_time() - start)
    return statistics.median(times)


def main(runs: int) -> None:
    presets = round_presets(load_round())
    for per_unit in (30, 100):
        rows = synthetic_round(per_unit)
        pairs = len(rows) * (len(rows) - 1) // 2
        found = double_requests(rows, presets)
        seconds = median_seconds(lambda rows=rows: double_requests(rows, presets), runs)
        line = (
            f"{len(rows)} rows: double_requests {seconds:.3f} s, "
            f"{len(candidate_pairs(rows))} of {pairs} pairs compared, {len(found)} findings"
        )
        if per_unit == 30:
            every = median_seconds(
                lambda rows=rows: [
                    match_projects(a.name, b.name) for a, b in combinations(rows, 2)
                ],
                1,
            )
            line += f"; every pair matched: {every:.3f} s"
        print(line)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
