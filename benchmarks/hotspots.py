"""Where the time goes: pyinstrument over the validation and aggregation paths, in this process.

    .venv/bin/python -m benchmarks.hotspots [validate-2000 | validate-50000 | aggregate]…

Each path runs once to warm up, then under the profiler (the 2,000-row one ten times) (parsing in-process through the
``BUDGET_PLANNER_INPROCESS`` switch, so the parse is in the profile). Prints the hot spots — by own
time and by total time, the project's functions only for the latter — and writes the full call tree
to ``benchmarks/out/profile-<name>.txt``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from pyinstrument import Profiler

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import generate

TOP = 15


def _validate(rows: int) -> Callable[[], object]:
    from budget_planner.templates.round import load_round
    from budget_planner.validators.pipeline import validate_bytes

    path = generate.single("表四", rows)
    data, round_ = path.read_bytes(), load_round()
    return lambda: [c.report.to_dict() for c in validate_bytes(data, path.name, round_)]


def _aggregate() -> Callable[[], object]:
    from budget_planner.aggregate.batch import run_aggregate
    from budget_planner.templates.round import load_round

    base = generate.province_round()
    out = Path(tempfile.mkdtemp()) / "汇总.xlsx"
    round_ = load_round()
    return lambda: run_aggregate(
        [base / "submissions"], round_, out, control_path=base / "控制数.xlsx"
    ).json()


REPEAT = {"validate-2000": 10}  # a short path runs several times under the profiler, for samples
PATHS: dict[str, Callable[[], Callable[[], object]]] = {
    "validate-2000": lambda: _validate(2000),
    "validate-50000": lambda: _validate(50000),
    "aggregate": _aggregate,
}


def _walk(frame, parent: str, seen: tuple[str, ...], own: dict, total: dict) -> None:
    if frame.is_synthetic:  # [self], [await]: time spent in the parent itself
        own[parent] += frame.time
        return
    key = f"{frame.file_path_short}:{frame.function}"
    own[key] += frame.total_self_time
    biggest = max((c.time for c in frame.children), default=0.0)
    if key not in seen and biggest < 0.9 * frame.time:  # recursion once; skip pass-throughs
        total[key] += frame.time
    for child in frame.children:
        _walk(child, key, (*seen, key), own, total)


def hot_spots(session) -> str:
    own: dict[str, float] = defaultdict(float)
    total: dict[str, float] = defaultdict(float)
    root = session.root_frame()
    _walk(root, "", (), own, total)
    whole = root.time
    lines = [f"total {whole:.2f} s", "", "by own time:"]
    for key, t in sorted(own.items(), key=lambda kv: -kv[1])[:TOP]:
        lines.append(f"  {t / whole:6.1%}  {t:6.2f} s  {key}")
    lines += ["", "by total time (the project's functions that are not mere pass-throughs):"]
    ours = [(k, t) for k, t in total.items() if "budget_planner" in k]
    for key, t in sorted(ours, key=lambda kv: -kv[1])[:TOP]:
        lines.append(f"  {t / whole:6.1%}  {t:6.2f} s  {key}")
    return "\n".join(lines)


def profile(name: str) -> str:
    os.environ["BUDGET_PLANNER_INPROCESS"] = "1"
    run = PATHS[name]()
    run()  # warm
    profiler = Profiler(interval=0.002)
    start = time.perf_counter()
    profiler.start()
    for _ in range(REPEAT.get(name, 1)):
        run()
    profiler.stop()
    wall = time.perf_counter() - start
    generate.OUT.mkdir(exist_ok=True)
    tree = profiler.output_text(unicode=True, color=False)
    (generate.OUT / f"profile-{name}.txt").write_text(tree, "utf-8")
    return f"### {name} ({wall:.2f} s wall)\n\n" + hot_spots(profiler.last_session)


def main(argv: list[str]) -> None:
    for name in argv or list(PATHS):
        print(profile(name), end="\n\n", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
