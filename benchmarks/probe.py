"""The in-process measurements, each run in a fresh child process started by ``benchmarks.run``.

    python -m benchmarks.probe time FILE ROUNDS CASE…   paired timings (A B A B …, order rotated)
    python -m benchmarks.probe memory FILE CASE         one call; peak RSS and RSS before it

Cases: ``floor`` (``zipfile`` inflating every part + calamine reading every sheet; issue 16), ``engine`` (``validate_bytes`` parsing in this process through
the ``BUDGET_PLANNER_INPROCESS`` switch, reports turned into their JSON shape), ``plain`` (pandas +
pandera + ``to_excel``) and ``peer`` (frictionless). Each case's libraries are imported and the
round loaded before anything is measured, so a figure is the work on the file, not the imports. The
child prints one JSON line on stdout.
"""

from __future__ import annotations

import gc
import io
import json
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

Case = Callable[[], object]


def _floor(path: Path, data: bytes) -> Case:
    from benchmarks.baselines.floor import read

    return lambda: read(data, path.name)


def _engine(path: Path, data: bytes) -> Case:
    from budget_planner.validators.intake.worker import INPROCESS_ENV

    os.environ[INPROCESS_ENV] = "1"
    import budget_planner.validators.check.schema  # (pandas and pandera, imported lazily)
    import budget_planner.validators.intake.extract.xlsx  # noqa: F401
    from budget_planner.templates.round import load_round
    from budget_planner.validators.check.pipeline import validate_bytes

    round_ = load_round()

    def run() -> object:
        return [c.report.to_dict() for c in validate_bytes(data, path.name, round_)]

    return run


def _plain(path: Path, data: bytes) -> Case:
    from benchmarks.baselines.plain import validate_file

    return lambda: validate_file(path, io.BytesIO())


def _peer(path: Path, data: bytes) -> Case:
    from benchmarks.baselines.peer import validate_file

    return lambda: validate_file(path)


CASES = {"floor": _floor, "engine": _engine, "plain": _plain, "peer": _peer}


def rss_kb() -> int:
    with open("/proc/self/status", "rb") as f:
        for line in f:
            if line.startswith(b"VmRSS:"):
                return int(line.split()[1])
    return 0


def timings(path: Path, rounds: int, names: list[str]) -> dict[str, list[float]]:
    data = path.read_bytes()
    cases = {name: CASES[name](path, data) for name in names}
    for case in cases.values():  # warm: first-call caches, lazily compiled patterns
        case()
    gc.collect()
    gc.freeze()  # the libraries' own objects: no case pays for scanning another's imports
    times: dict[str, list[float]] = {name: [] for name in names}
    for k in range(rounds):
        order = names[k % len(names) :] + names[: k % len(names)]
        for name in order:
            gc.collect()
            start = time.perf_counter()
            cases[name]()
            times[name].append(time.perf_counter() - start)
    return times


def memory(path: Path, name: str) -> dict[str, int]:
    data = path.read_bytes()
    case = CASES[name](path, data)
    gc.collect()
    before = rss_kb()
    case()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KB on Linux
    return {"peak_kb": peak, "before_kb": before}


def main(argv: list[str]) -> None:
    mode, path = argv[0], Path(argv[1])
    if mode == "time":
        result: object = timings(path, int(argv[2]), argv[3:])
    elif mode == "memory":
        result = memory(path, argv[2])
    else:
        raise SystemExit(f"unknown mode {mode}")
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
