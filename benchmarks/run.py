"""Every benchmark in one command, with its baselines measured in the same run; prints the tables.

    .venv/bin/python -m benchmarks.run [--quick]      (or .venv/bin/python benchmarks/run.py)

Runs are paired: each round runs every case of a benchmark once, in rotated order (A B C, B C A …),
and a ratio is taken round by round before its median, so a noisy neighbour on these shared two-core
machines slows both sides of a ratio alike. In-process timings run in one fresh child per file size
(imports done and every case warmed before timing); in-process memory in one fresh child per case;
whole processes are timed from start to exit with the peak memory of their whole process tree.
``--quick`` is a one-minute smoke run: no 50,000-row file, fewer rounds.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import generate, targets
from benchmarks.measure import run_process
from benchmarks.readme_rows import readme_rows
from benchmarks.report import Row, measurements_table, targets_table

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
CLI = str(Path(sys.executable).with_name("budget-planner"))
_started = time.perf_counter()


def say(text: str) -> None:
    print(f"[{time.perf_counter() - _started:6.1f} s] {text}", file=sys.stderr, flush=True)


# every process timed runs from compiled bytecode, as an installed package does (pip compiles it;
# the libraries' is there already): PYTHONDONTWRITEBYTECODE would make each run compile this tree's
# modules again (~0.2 s of a whole-process run), a cost no user pays. Kept out of the tree.
PYCACHE = generate.OUT / "pycache"


def _env() -> dict[str, str]:
    skip = ("BUDGET_PLANNER_INPROCESS", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env["PYTHONPATH"] = str(ROOT)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return env


def _one_line(exc: BaseException) -> str:
    """The last line of an error (a child's traceback ends with the exception)."""
    lines = [x.strip() for x in str(exc).strip().splitlines() if x.strip()]
    return (lines[-1] if lines else type(exc).__name__)[:160]


def missing_command(*args: str) -> str:
    """Why ``budget-planner ARGS`` cannot be benchmarked yet ("" when it can)."""
    done = subprocess.run([CLI, *args, "--help"], capture_output=True, env=_env())
    return "" if done.returncode == 0 else f"`budget-planner {' '.join(args)}` is not there yet"


# ---------------------------------------------------------------- in-process


def _probe(*args: str) -> dict:
    done = subprocess.run(
        [PY, "-m", "benchmarks.probe", *args], capture_output=True, env=_env(), cwd=ROOT
    )
    if done.returncode != 0:
        raise RuntimeError(f"probe {args} failed:\n{done.stderr.decode()[-1500:]}")
    return json.loads(done.stdout.decode().strip().splitlines()[-1])


def in_process(
    rows: int, rounds: int, cases: list[str], memory_cases: list[str], table: str = "表四"
) -> list[Row]:
    bench = f"in-process, {rows:,} rows" + ("" if table == "表四" else f" ({table})")
    path = generate.single(table, rows)
    say(f"{bench}: {rounds} rounds of {', '.join(cases)}")
    try:
        times = _probe("time", str(path), str(rounds), *cases)
    except RuntimeError as exc:
        say(f"{bench}: {_one_line(exc)}")
        return [Row(bench, case, skipped="failed: " + _one_line(exc)) for case in cases]
    out = []
    for case in cases:
        row = Row(bench, case, times[case])
        row.baselines = ["floor", "plain", "peer"] if case == "engine" else ["floor"]
        if case in memory_cases:
            try:
                mem = _probe("memory", str(path), case)
                row.peak_kb, row.delta_kb = mem["peak_kb"], mem["peak_kb"] - mem["before_kb"]
            except RuntimeError as exc:
                say(f"{bench}: memory of {case} {_one_line(exc)}")
        out.append(row)
    return out


# ---------------------------------------------------------------- whole processes


Command = list[str] | Callable[[], list[str]]  # a callable: a fresh command for each run


def whole(bench: str, commands: dict[str, Command], rounds: dict[str, int]) -> list[Row]:
    """Interleaved runs of each command (rotated order); a case stops after its own rounds."""
    rows = {name: Row(bench, name) for name in commands}
    names = list(commands)
    for k in range(max(rounds.values())):
        order = names[k % len(names) :] + names[: k % len(names)]
        for name in order:
            if len(rows[name].times) >= rounds[name]:
                continue
            if rows[name].skipped:
                continue
            command = commands[name]
            try:
                cmd = command() if callable(command) else command
                sample = run_process(cmd, env=_env(), cwd=ROOT)
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                rows[name].skipped = "failed: " + _one_line(exc)
                say(f"{bench}: {name} {rows[name].skipped}")
                continue
            rows[name].times.append(sample.seconds)
            rows[name].peak_kb = max(rows[name].peak_kb or 0, sample.peak_kb)
    return list(rows.values())


def startup(rounds: int) -> list[Row]:
    say(f"start-up: {rounds} rounds")
    rows = whole(
        "start-up",
        {"python -c pass": [PY, "-c", "pass"], "budget-planner --help": [CLI, "--help"]},
        {"python -c pass": rounds, "budget-planner --help": rounds},
    )
    rows[1].baselines = ["python -c pass"]
    return rows


def process_validate(rows_n: int, rounds: int, peer_rounds: int) -> list[Row]:
    bench = f"whole process, {rows_n:,} rows"
    why = missing_command("validate")
    if why:
        return [Row(bench, "budget-planner validate", skipped=why)]
    path = str(generate.single("表四", rows_n))
    say(f"{bench}: {rounds} rounds (frictionless {peer_rounds})")
    rows = whole(
        bench,
        {
            "floor": [PY, "-m", "benchmarks.baselines.floor", path],
            "budget-planner validate": [CLI, "validate", path, "--json"],
            "peer": [PY, "-m", "benchmarks.baselines.peer", path],
        },
        {"floor": rounds, "budget-planner validate": rounds, "peer": peer_rounds},
    )
    rows[1].baselines = ["floor", "peer"]
    rows[2].baselines = ["floor", "budget-planner validate"]
    return rows


FIRST, SECOND = targets.FIRST, targets.SECOND


def process_round(rounds: int) -> list[Row]:
    """The round: the floor over every file, ``aggregate`` on a first run (an empty cache folder
    each time: every file validated, every result kept) and on a second run (the cache a first
    run left: nothing validated), and the plain pipeline."""
    bench = targets.ROUND
    why = missing_command("aggregate")
    if why:
        return [Row(bench, FIRST, skipped=why)]
    base = generate.province_round()
    subs, control = base / "submissions", base / "控制数.xlsx"
    files = [str(p) for p in sorted(subs.glob("*.xlsx"))]
    say(f"{bench}: {len(files)} files, {rounds} rounds")
    with tempfile.TemporaryDirectory() as tmp:
        aggregate = [CLI, "aggregate", str(subs), "--out", f"{tmp}/汇总.xlsx"]
        aggregate += ["--control", str(control), "--json"]
        kept = f"{tmp}/kept"
        run_process([*aggregate, "--cache", kept], env=_env(), cwd=ROOT)  # what a first run leaves
        rows = whole(
            bench,
            {
                "floor": [PY, "-m", "benchmarks.baselines.floor", *files, str(control)],
                FIRST: lambda: [*aggregate, "--cache", tempfile.mkdtemp(dir=tmp)],
                SECOND: [*aggregate, "--cache", kept],
                "plain": [
                    PY,
                    "-m",
                    "benchmarks.baselines.plain",
                    "--round",
                    str(subs),
                    str(control),
                    f"{tmp}/plain.xlsx",
                ],
            },
            dict.fromkeys(("floor", FIRST, SECOND, "plain"), rounds),
        )
    rows[1].baselines = ["floor", "plain"]
    rows[2].baselines = ["floor", "plain", FIRST]
    rows[3].baselines = ["floor", FIRST, SECOND]
    return rows


def web_load() -> list[Row]:
    """The hook for the web service's load benchmark (``benchmarks/web_load.py``)."""
    from benchmarks import web_load as hook

    found = hook.measure()
    if found is None:
        return [Row("web service load", "upload + validate", skipped=hook.NOT_YET)]
    return found


# ---------------------------------------------------------------- the run


def _revision() -> str:
    """The commit measured, marked when the working tree has changes (others may be editing)."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], capture_output=True, cwd=ROOT, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "budget_planner")
    return f"{head}{' + uncommitted changes in budget_planner/' if dirty else ''}"


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    say("inputs (generated once, cached in benchmarks/out/)")
    sizes = (50, 2000) if quick else generate.SIZES
    for rows_n in sizes:
        generate.single("表四", rows_n)
    if not quick:
        generate.single("表一", 2000)
    generate.province_round()
    say("bytecode (as an installed package has it)")
    subprocess.run(
        [PY, "-m", "compileall", "-q", str(ROOT / "budget_planner"), str(ROOT / "benchmarks")],
        env=_env(),
        check=False,
        capture_output=True,
    )
    load_start = os.getloadavg()
    rows: list[Row] = []
    rows += startup(5 if quick else 11)
    all_cases = ["floor", "engine", "plain", "peer"]
    rows += in_process(50, 5 if quick else 11, all_cases, all_cases)
    rows += in_process(
        2000, 3 if quick else 9, all_cases, ["floor", "engine"] if quick else all_cases
    )
    if not quick:
        rows += in_process(2000, 7, ["floor", "engine"], ["floor", "engine"], table="表一")
        rows += in_process(50000, 7, ["floor", "engine"], ["floor", "engine"])
        rows += process_validate(50000, 5, 5)
    else:
        rows += process_validate(2000, 2, 2)
    rows += process_round(2 if quick else 7)
    rows += web_load()
    found = targets.evaluate(rows, quick)
    took = time.perf_counter() - _started
    text = "\n".join(
        [
            f"## Benchmarks{' (--quick)' if quick else ''}",
            "",
            f"Tree {_revision()}; Python {platform.python_version()} on {os.cpu_count()} cores; load average "
            f"{load_start[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at the end; "
            f"the whole run took {took / 60:.1f} min.",
            "",
            measurements_table(rows),
            "",
            targets_table(found),
            "",
            "### The README's performance table (paste under `| what | figure | target |`)",
            "",
            readme_rows(rows, found),
            "",
        ]
    )
    print(text)
    generate.OUT.mkdir(exist_ok=True)
    (generate.OUT / ("results-quick.md" if quick else "results.md")).write_text(text, "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
