"""Where the time goes: pyinstrument over the validation and aggregation paths, in this process.

    .venv/bin/python -m benchmarks.hotspots [validate-2000 | validate-50000 | aggregate | aggregate-second]…
    .venv/bin/python -m benchmarks.hotspots --stages [ROWS…]    (default 2000 50000)

Each path runs once to warm up, then under the profiler (the 2,000-row one ten times) (parsing in-process through the
``BUDGET_PLANNER_INPROCESS`` switch, so the parse is in the profile). Prints the hot spots — by own
time and by total time, the project's functions only for the latter — and writes the full call tree
to ``benchmarks/out/profile-<name>.txt``.

``--stages`` times the validation's stages without a profiler's overhead (each stage's function
wrapped with a timer, where it exists) beside the floor, in the floor's units: what each stage
costs against the target of 2× the floor for the whole.
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
    from budget_planner.validators.check.pipeline import validate_bytes

    path = generate.single("表四", rows)
    data, round_ = path.read_bytes(), load_round()
    return lambda: [c.report.to_dict() for c in validate_bytes(data, path.name, round_)]


def _aggregate(cached: bool = False) -> Callable[[], object]:
    """The round aggregated; ``cached``: a second run, every file's report kept by the first."""
    from budget_planner.app.aggregate import run_aggregate
    from budget_planner.templates.round import load_round

    base = generate.province_round()
    tmp = Path(tempfile.mkdtemp())
    out, cache = tmp / "汇总.xlsx", (tmp / "cache" if cached else None)
    round_ = load_round()
    return lambda: run_aggregate(
        [base / "submissions"], round_, out, control_path=base / "控制数.xlsx", cache=cache
    ).json()


REPEAT = {"validate-2000": 10}  # a short path runs several times under the profiler, for samples
PATHS: dict[str, Callable[[], Callable[[], object]]] = {
    "validate-2000": lambda: _validate(2000),
    "validate-50000": lambda: _validate(50000),
    "aggregate": _aggregate,
    "aggregate-second": lambda: _aggregate(cached=True),
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


# (label, module, function): wrapped where they exist; nested stages are indented
STAGES = (
    (
        "gate (container checks, every part inflated once, sheets kept with the quick look)",
        "budget_planner.validators.intake.worker",
        "check_container",
    ),
    (
        "  quick look (every cell a plain A–Z reference below row 100,000?)",
        "budget_planner.validators.intake.extract.sheetscan",
        "_beyond_quick",
    ),
    ("extract (scan + calamine + grid)", "budget_planner.validators.intake.extract", "extract"),
    (
        "  sheet XML scan (beside calamine where the quick proof holds)",
        "budget_planner.validators.intake.extract.xlsx",
        "scan_sheet",
    ),
    (
        "  reading the sheets (calamine, beside the scan, then cell conversion)",
        "budget_planner.validators.intake.extract.xlsx",
        "_read_sheets",
    ),
    (
        "    cell conversion (calamine's values to the grid)",
        "budget_planner.validators.intake.extract.calamine_grid",
        "sheet_grid",
    ),
    (
        "read tables (header, unit, rows normalised)",
        "budget_planner.validators.check.pipeline",
        "read_tables",
    ),
    ("schema (frame + pandera)", "budget_planner.validators.check.schema", "validate_tables"),
    ("  building the frame", "budget_planner.validators.check.schema", "build_frame"),
    (
        "table checks (totals, counts, text…)",
        "budget_planner.validators.check.pipeline",
        "check_table",
    ),
    ("summarise (rows, totals by 类型)", "budget_planner.validators.check.pipeline", "summarise"),
)


def wrap_stages(spent: dict[str, float], clock: Callable[[], float] = time.perf_counter) -> None:
    """Wrap each stage's function (where it exists) so that its time by ``clock`` adds up in
    ``spent`` under the stage's label."""
    for label, module, name in STAGES:
        _wrap(spent, label, module, name, clock)


def _wrap(
    spent: dict[str, float], label: str, module: str, name: str, clock: Callable[[], float]
) -> None:
    import importlib

    mod = importlib.import_module(module)
    inner = getattr(mod, name, None)
    if inner is None:
        return

    def timed(*args, **kwargs):
        start = clock()
        try:
            return inner(*args, **kwargs)
        finally:
            spent[label] += clock() - start

    setattr(mod, name, timed)


def stages(rows: int) -> str:
    from benchmarks.baselines.floor import read

    os.environ["BUDGET_PLANNER_INPROCESS"] = "1"
    import budget_planner.validators.check.schema
    import budget_planner.validators.intake.extract.xlsx  # noqa: F401

    path = generate.single("表四", rows)
    data = path.read_bytes()
    run = _validate(rows)
    runs = max(2, 20000 // rows)
    run()
    spent: dict[str, float] = defaultdict(float)
    wrap_stages(spent)
    floor = whole = 0.0
    for _ in range(runs):
        start = time.perf_counter()
        read(data, path.name)
        floor += time.perf_counter() - start
        start = time.perf_counter()
        run()
        whole += time.perf_counter() - start
    floor, whole = floor / runs, whole / runs
    lines = [
        f"### stages at {rows:,} rows (mean of {runs}; floor {floor * 1000:.0f} ms, "
        f"engine {whole * 1000:.0f} ms = {whole / floor:.2f}× the floor)",
        "",
        "| stage | ms | share of engine | × floor |",
        "| --- | ---: | ---: | ---: |",
    ]
    for label, _, _ in STAGES:
        t = spent.get(label, 0.0) / runs
        lines.append(f"| {label} | {t * 1000:.0f} | {t / whole:.0%} | {t / floor:.2f} |")
    top = [label for label, _, _ in STAGES if not label.startswith(" ")]
    rest = whole - sum(spent.get(label, 0.0) for label in top) / runs
    lines.append(
        f"| everything else (reports, rules, issues) | {rest * 1000:.0f} | "
        f"{rest / whole:.0%} | {rest / floor:.2f} |"
    )
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    if argv[:1] == ["--stages"]:
        for rows in map(int, argv[1:] or ["2000", "50000"]):
            print(stages(rows), end="\n\n", flush=True)
        return
    for name in argv or list(PATHS):
        print(profile(name), end="\n\n", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
