"""Quick paired measurement of in-process validate against the issue-16 floor (i16e's own tool).

    .venv/bin/python -m benchmarks.engine_ratio [ROWS…] [--runs N]

The floor: the standard library's zipfile inflating every part, plus python-calamine reading every
sheet to Python values. Runs alternate (floor, engine, floor, engine …); medians of wall and CPU time.
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


def main(argv: list[str]) -> None:
    os.environ["BUDGET_PLANNER_INPROCESS"] = "1"
    runs = 5
    if "--runs" in argv:
        i = argv.index("--runs")
        runs = int(argv[i + 1])
        del argv[i : i + 2]
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
