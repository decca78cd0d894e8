"""Quick paired measurement of in-process validate against the issue-16 floor.

    .venv/bin/python -m benchmarks.engine_ratio [ROWS…] [--runs N]
    .venv/bin/python -m benchmarks.engine_ratio --stages [ROWS…] [--runs N]

The floor: the standard library's zipfile inflating every part, plus python-calamine reading every
sheet to Python values. Runs alternate (floor, engine, floor, engine …); medians of wall and CPU time,
and the median of each pair's ratio. ``--stages``: the CPU time of each stage of the engine (each
stage's function wrapped with a CPU timer), in units of the floor's CPU time, the least of the runs
(the machine is shared: the least is the least disturbed).
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import time
import zipfile

import python_calamine as pc

from benchmarks import generate
from benchmarks.hotspots import STAGES, wrap_stages


def floor(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            z.read(info)
    book = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    cells = 0
    try:
        for sheet in book.sheet_names:
            cells += sum(
                len(r) for r in book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
            )
    finally:
        book.close()
    return cells


def stages(rows: int, runs: int) -> None:
    from collections import defaultdict

    from budget_planner.templates.round import load_round
    from budget_planner.validators.check import pipeline

    round_ = load_round()
    path = generate.single("表四", rows)
    data = path.read_bytes()

    def engine() -> object:
        return [c.report.to_dict() for c in pipeline.validate_bytes(data, path.name, round_)]

    engine()
    spent: dict[str, float] = defaultdict(float)
    wrap_stages(spent, time.process_time)  # the stages of ``benchmarks.hotspots --stages``
    floors, wholes, parts = [], [], defaultdict(list)
    for _ in range(runs):
        start = time.process_time()
        floor(data)
        floors.append(time.process_time() - start)
        spent.clear()
        start = time.process_time()
        engine()
        wholes.append(time.process_time() - start)
        for label, t in spent.items():
            parts[label].append(t)
    f, w = min(floors), min(wholes)
    print(
        f"### {rows:,} rows: floor {f * 1000:.0f} ms CPU, engine {w * 1000:.0f} ms = {w / f:.2f}×"
    )
    print("| stage | ms CPU | × floor |\n| --- | ---: | ---: |")
    top = 0.0
    for label, _, _ in STAGES:
        t = min(parts[label], default=0.0)
        top += 0.0 if label.startswith(" ") else t
        print(f"| {label} | {t * 1000:.0f} | {t / f:.2f} |")
    print(f"| everything else | {(w - top) * 1000:.0f} | {(w - top) / f:.2f} |")


def main(argv: list[str]) -> None:
    os.environ["BUDGET_PLANNER_INPROCESS"] = "1"
    runs = 5
    if "--runs" in argv:
        i = argv.index("--runs")
        runs = int(argv[i + 1])
        del argv[i : i + 2]
    if "--stages" in argv:
        argv.remove("--stages")
        for rows in [int(a) for a in argv] or [2000, 50000]:
            stages(rows, runs if rows > 10000 else runs * 4)
        return
    from budget_planner.templates.round import load_round
    from budget_planner.validators.check.pipeline import validate_bytes

    round_ = load_round()
    for rows in [int(a) for a in argv] or [2000, 50000]:
        path = generate.single("表四", rows)
        data = path.read_bytes()

        def engine(data: bytes = data, name: str = path.name) -> object:
            return [c.report.to_dict() for c in validate_bytes(data, name, round_)]

        floor(data)
        engine()
        times: dict[str, list[tuple[float, float]]] = {"floor": [], "engine": []}
        n = runs if rows > 10000 else runs * 4
        for _ in range(n):
            for name, fn in (("floor", lambda data=data: floor(data)), ("engine", engine)):
                w, c = time.perf_counter(), time.process_time()
                fn()
                times[name].append((time.perf_counter() - w, time.process_time() - c))
        fw = statistics.median(t[0] for t in times["floor"])
        fc = statistics.median(t[1] for t in times["floor"])
        ew = statistics.median(t[0] for t in times["engine"])
        ec = statistics.median(t[1] for t in times["engine"])
        pw = statistics.median(
            e[0] / f[0] for e, f in zip(times["engine"], times["floor"], strict=True)
        )
        pc_ = statistics.median(
            e[1] / f[1] for e, f in zip(times["engine"], times["floor"], strict=True)
        )
        print(
            f"{rows:>6} rows  floor {fw * 1000:6.0f} ms wall {fc * 1000:6.0f} ms cpu   "
            f"engine {ew * 1000:6.0f} ms wall {ec * 1000:6.0f} ms cpu   "
            f"ratio wall {ew / fw:.2f} (paired {pw:.2f})  cpu {ec / fc:.2f} (paired {pc_:.2f})"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
