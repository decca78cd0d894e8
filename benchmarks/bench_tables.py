"""The reader's time against the raw calamine read it follows: 50, 2,000 and 50,000 rows of 表四.

    .venv/bin/python benchmarks/bench_tables.py [ROWS …]

``read_workbook`` (gate + calamine → WorkbookGrid) and ``read_tables`` (tables found, unit told, rows
classified and typed) are timed separately, in CPU time, best of several runs; the ratio is what to
quote (DESIGN §9: quote ratios, not times).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))

from builders import DEFAULT_QUIRKS, Submission, project

from budget_planner.templates.round import load_round
from budget_planner.templates.spec import load_specs
from budget_planner.validators.intake.extract import read_workbook
from budget_planner.validators.read.reader import read_tables


def submission(rows: int) -> bytes:
    categories = load_specs().table("表四").categories
    items = [
        project(
            categories[i // 7 % len(categories)] if i % 7 == 0 else None,
            f"第{i + 1}号知识产权项目建设",
            (i % 97) + 0.25,
            work=f"开展第{i + 1}项知识产权工作，推动专利转化运用和高质量发展。",
        )
        for i in range(rows)
    ]
    quirks = DEFAULT_QUIRKS | {"total", "merged_category"}
    return Submission("表四", rows=items, quirks=quirks).xlsx("xlsxwriter")


def best(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times)


def main(sizes: list[int]) -> None:
    round_ = load_round()
    print(f"{'rows':>7}  {'read_workbook':>14}  {'read_tables':>12}  {'ratio':>5}  {'per row':>8}")
    for n in sizes:
        data = submission(n)
        grid = read_workbook(data, "清远市-表四.xlsx")
        read_tables(grid, "清远市-表四.xlsx", round_)  # warm the caches
        runs = 15 if n <= 2000 else 3
        read = best(lambda d=data: read_workbook(d, "清远市-表四.xlsx"), runs)
        tables = best(lambda g=grid: read_tables(g, "清远市-表四.xlsx", round_), runs)
        print(
            f"{n:>7}  {read * 1000:>11.1f} ms  {tables * 1000:>9.1f} ms  {tables / read:>5.2f}"
            f"  {tables / n * 1e6:>5.1f} µs"
        )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [50, 2000, 50000])
