"""In-process validation time of one submission: 50 and 2,000 project rows (median of several runs).

    .venv/bin/python benchmarks/bench_validate.py [RUNS]

Times ``validate_bytes`` with the in-process reader (``extract.read_workbook``), so the figure is the
validation itself without the parse worker's process hop; the imports are warmed by a first run.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))

from builders import Submission, project

from budget_planner.templates.round import load_round
from budget_planner.templates.spec import load_specs
from budget_planner.validators.check.pipeline import validate_bytes
from budget_planner.validators.intake.extract import read_workbook

QUIRKS = frozenset({"title", "unit_line", "money_unit", "serial", "merged_category", "total"})


def submission(rows: int) -> bytes:
    categories = load_specs().table("表四").categories
    per = -(-rows // len(categories))
    items = []
    for i in range(rows):
        category = categories[i // per] if i % per == 0 else None
        items.append(
            project(
                category, f"第{i + 1}号知识产权项目", 10 + i % 7 * 2.5, performance="完成年度目标"
            )
        )
    return Submission("表四", rows=items, quirks=QUIRKS).xlsx("xlsxwriter")


def median_seconds(data: bytes, runs: int) -> float:
    round_ = load_round()
    validate_bytes(data, "清远市-表四.xlsx", round_, parse=read_workbook)  # warm imports and caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        [checked] = validate_bytes(data, "清远市-表四.xlsx", round_, parse=read_workbook)
        times.append(time.perf_counter() - start)
        assert checked.report.ok, checked.report.issues[:3]
    return statistics.median(times)


def main(runs: int = 7) -> None:
    for rows in (50, 2000):
        data = submission(rows)
        print(
            f"{rows:>5} rows  {len(data) // 1024:>4} KB  median {median_seconds(data, runs) * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
