"""Load on the web service: many unit accounts uploading at once to ``budget-planner serve``.

    .venv/bin/python -m benchmarks.load [--seconds 30] [--users 16] [--backend sqlite|postgresql|both]
    .venv/bin/python -m benchmarks.load --think [--seconds 30] [--users 20] [--backend …]

For each database (PostgreSQL through ``DATABASE_URL``, in a schema of its own, dropped after),
a fresh database gets the province round and an account per unit; ``budget-planner serve`` runs
on a free 127.0.0.1 port (its own process, parse workers and all, as deployed); ``--users``
browsers, each signed in as a different unit, upload that unit's real-looking submissions
(``benchmarks.generate.province_round()``: 表一–表四, 预算表s, drafts) one after another for
``--seconds``. Every upload is a new version: the file's bytes differ by a zip comment, as a file
saved again does, so none is answered by the "same as the newest" shortcut. Reported: uploads, the
throughput, p50/p95/p99 and maximum latency of an upload (request sent → result page read), errors
(anything but the 200 result page naming its version, or a dropped connection), and the server's
process-tree peak memory. Traffic goes to 127.0.0.1 only and stops by itself.

``--think`` is the latency target's mode (issue 7): each unit uploads its own 50-row 表四, then
waits 2–4 s (a person looking at the result) before the next, ``--users`` (20) of them, starts
spread over the first wait; around that crowd, on the same server in the same run, a single
uploader (a 0.25 s pause between uploads) is measured before and after. The figure is the crowd's
p95 over the single uploader's p95.

``benchmarks.web_load.measure()`` (the hook ``benchmarks.run`` calls) takes its rows from here.
"""

from __future__ import annotations

import argparse
import io
import itertools
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "support"))  # the server helper shared with the tests
sys.path.insert(0, str(ROOT / "tests"))  # and the tests' PostgreSQL URL (test_storage_support)

from server_process import Browser, Server, fresh_database, seed  # noqa: E402
from test_storage_support import postgres_url  # noqa: E402

from benchmarks import generate  # noqa: E402
from benchmarks.measure import TreeSampler  # noqa: E402
from benchmarks.report import Row  # noqa: E402

WARM_UP = 2.0  # seconds of traffic before the measured window (workers started, caches warm)
THINK = (2.0, 4.0)  # --think: seconds a person waits between uploads
SINGLE_THINK = (0.25, 0.25)  # the single uploader's pause: the server otherwise idle
THINK_USERS = 20
THINK_ROWS = 50


@dataclass
class LoadRow(Row):
    """A load row, with its errors and the processes ever seen in the server's tree."""

    errors: int = 0
    processes: int = 0


@dataclass
class Result:
    backend: str
    users: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    bytes_sent: int = 0
    errors: list[str] = field(default_factory=list)
    peak_kb: int = 0
    processes: int = 0  # processes ever seen in the server's tree (server + parse workers)

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, p: int) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] if self.latencies else float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1]


def unit_files() -> dict[str, list[tuple[bytes, str]]]:
    """Each unit's submissions of the generated round, by unit short name."""
    folder = generate.province_round() / "submissions"
    found: dict[str, list[tuple[bytes, str]]] = {}
    for path in sorted(folder.glob("*.xlsx")):
        unit = path.name.split("-", 1)[0]
        found.setdefault(unit, []).append((path.read_bytes(), path.name))
    return found


def saved_again(data: bytes, n: int) -> bytes:
    """The same workbook with other bytes (a zip comment), as when a file is saved once more."""
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a") as book:
        book.comment = f"bp-load {n}".encode()
    return buffer.getvalue()


def fifty_row_files(units: list[str], rows: int = THINK_ROWS) -> dict[str, list[tuple[bytes, str]]]:
    """For each unit, its own filled 表四 of ``rows`` project rows (long Chinese text, 类型 merged,
    =SUM 小计/合计, a few amounts typed as text), written as the benchmark's single files are."""
    import xlsxwriter

    from benchmarks.content import Content
    from benchmarks.sheets import TableWriter
    from budget_planner.templates.round import load_round
    from budget_planner.templates.spec import load_specs

    round_, spec = load_round(), load_specs().table("表四")
    found = {}
    for n, short in enumerate(units):
        unit = round_.unit(short)
        assert unit is not None
        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(
            buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}
        )
        writer = TableWriter(book, spec, round_.year, unit.full_name)
        writer.write("Sheet1", generate.table_groups(Content(1000 + n), "表四", rows, short))
        book.close()
        found[short] = [(buffer.getvalue(), f"{short}-表四-{rows}行.xlsx")]
    return found


class Users:
    """``users`` browsers, one per unit, uploading until ``stop``; timings after ``measuring``.

    ``think``: (low, high) seconds each waits after an upload (and, spread, before its first)."""

    def __init__(
        self,
        server: Server,
        files: dict[str, list[tuple[bytes, str]]],
        users: int,
        think: tuple[float, float] | None = None,
    ):
        self.server = server
        self.units = list(files)[:users]
        self.files = files
        self.think = think
        self.seconds = 0.0  # the measured window
        self.stop = threading.Event()
        self.measuring = threading.Event()
        self.lock = threading.Lock()
        self.counter = itertools.count()
        self.result_latencies: list[float] = []
        self.result_errors: list[str] = []
        self.bytes_sent = 0

    def run(self, unit: str) -> None:
        browser = Browser(self.server.base_url, timeout=120)
        if browser.login(unit).status != 302:
            with self.lock:
                self.result_errors.append(f"{unit}: login refused")
            return
        pause = random.Random(unit)  # the same waits on every run
        if (
            self.think is not None
            and len(self.units) > 1
            and self.stop.wait(pause.uniform(0, self.think[1]))
        ):
            return
        for data, name in itertools.cycle(self.files[unit]):
            if self.stop.is_set():
                return
            body = saved_again(data, next(self.counter))
            counted = self.measuring.is_set()
            started = time.perf_counter()
            try:
                page = browser.upload([(body, name)])
                error = "" if page.status == 200 and page.version_ids() else f"HTTP {page.status}"
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"
            took = time.perf_counter() - started
            if counted and not self.stop.is_set():
                with self.lock:
                    if error:
                        self.result_errors.append(f"{unit} {name}: {error}")
                    else:
                        self.result_latencies.append(took)
                        self.bytes_sent += len(body)
            if self.think is not None and self.stop.wait(pause.uniform(*self.think)):
                return


def _crowd(
    server: Server,
    files: dict[str, list[tuple[bytes, str]]],
    users: int,
    seconds: float,
    think: tuple[float, float] | None,
    warm_up: float,
) -> Users:
    """Run ``users`` browsers for ``warm_up`` then ``seconds`` measured; their results."""
    crowd = Users(server, files, users, think)
    threads = [
        threading.Thread(target=crowd.run, args=(unit,), daemon=True) for unit in crowd.units
    ]
    for t in threads:
        t.start()
    time.sleep(warm_up)
    crowd.measuring.set()
    started = time.perf_counter()
    time.sleep(seconds)
    crowd.stop.set()
    crowd.seconds = time.perf_counter() - started
    for t in threads:
        t.join(150)
    return crowd


def run_load(backend: str, users: int, seconds: float, workdir: Path) -> Result:
    database = fresh_database(backend, workdir)
    files = unit_files()
    seed(database.url, workdir, list(files))
    server = Server(database.url, workdir / f"instance-{backend}")
    result = Result(backend, min(users, len(files)))
    try:
        server.start()
        assert server.proc is not None
        sampler = TreeSampler(server.proc.pid)
        sampler.start()
        crowd = _crowd(server, files, users, seconds, None, WARM_UP)
        sampler.done.set()
        sampler.join()
        result.seconds = crowd.seconds
        result.latencies = crowd.result_latencies
        result.errors = crowd.result_errors
        result.bytes_sent = crowd.bytes_sent
        result.peak_kb = sampler.peak
        result.processes = len(sampler.hwm)
    finally:
        server.stop()
        database.drop()
    return result


def run_think(
    backend: str, users: int, seconds: float, single_seconds: float, workdir: Path
) -> tuple[Result, Result]:
    """The latency target's run: a single uploader, ``users`` thinking uploaders, the single
    uploader again, on one server; returns (single, crowd), the single's two spells pooled."""
    database = fresh_database(backend, workdir)
    from budget_planner.templates.round import load_round

    units = [u.short_name for u in load_round().units][:users]
    files = fifty_row_files(units)
    seed(database.url, workdir, units)
    server = Server(database.url, workdir / f"instance-think-{backend}")
    single, crowd = Result(backend, 1), Result(backend, len(units))
    try:
        server.start()
        assert server.proc is not None
        sampler = TreeSampler(server.proc.pid)
        sampler.start()
        spells = [
            (single, 1, single_seconds / 2, SINGLE_THINK, 1.0),
            (crowd, users, seconds, THINK, THINK[1] + 1.0),
            (single, 1, single_seconds / 2, SINGLE_THINK, 0.5),
        ]
        for result, n, spell, think, warm_up in spells:
            done = _crowd(server, files, n, spell, think, warm_up)
            result.seconds += done.seconds
            result.latencies += done.result_latencies
            result.errors += done.result_errors
            result.bytes_sent += done.bytes_sent
        sampler.done.set()
        sampler.join()
        crowd.peak_kb = single.peak_kb = sampler.peak
        crowd.processes = single.processes = len(sampler.hwm)
    finally:
        server.stop()
        database.drop()
    return single, crowd


def backends(choice: str) -> list[str]:
    wanted = ["sqlite", "postgresql"] if choice == "both" else [choice]
    if "postgresql" in wanted and postgres_url() is None:
        print("DATABASE_URL 未指向 PostgreSQL：跳过 PostgreSQL", file=sys.stderr)
        wanted.remove("postgresql")
    return wanted


def table(results: list[Result]) -> str:
    lines = [
        "| database | users | seconds | uploads | uploads/s | MB/s | p50 | p95 | p99 | max "
        "| errors | server peak memory | processes |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        ms = [f"{r.percentile(p) * 1000:.0f} ms" for p in (50, 95, 99)]
        top = f"{max(r.latencies) * 1000:.0f} ms" if r.latencies else "–"
        lines.append(
            f"| {r.backend} | {r.users} | {r.seconds:.0f} | {len(r.latencies)} "
            f"| {r.throughput:.1f} | {r.bytes_sent / r.seconds / 1e6:.2f} | {' | '.join(ms)} "
            f"| {top} | {len(r.errors)} | {r.peak_kb / 1024:.0f} MB | {r.processes} |"
        )
    return "\n".join(lines)


def measure(users: int = 16, seconds: float = 30, choice: str = "both") -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="bp-load-") as tmp:
        return [run_load(b, users, seconds, Path(tmp)) for b in backends(choice)]


def measure_think(
    users: int = THINK_USERS, seconds: float = 30, single_seconds: float = 16, choice: str = "both"
) -> list[tuple[Result, Result]]:
    with tempfile.TemporaryDirectory(prefix="bp-think-") as tmp:
        return [run_think(b, users, seconds, single_seconds, Path(tmp)) for b in backends(choice)]


def _row(case: str, r: Result) -> LoadRow:
    return LoadRow(
        "web service load",
        case,
        times=r.latencies,
        peak_kb=r.peak_kb,
        errors=len(r.errors),
        processes=r.processes,
    )


def rows(quick: bool = False) -> list[Row]:
    """The load benchmark as ``benchmarks.report.Row``s (one per database): each upload's
    latency as ``times``, the server tree's peak memory as ``peak_kb``; then, per database, the
    think-time mode's single uploader and crowd (the latency target's two rows)."""
    found: list[Row] = []
    for r in measure(users=16, seconds=10 if quick else 30):
        found.append(
            _row(
                f"{r.backend}: {r.users} users uploading, {r.throughput:.1f}/s, "
                f"p95 {r.percentile(95) * 1000:.0f} ms, {len(r.errors)} errors",
                r,
            )
        )
    for single, crowd in measure_think(
        seconds=10 if quick else 30, single_seconds=8 if quick else 16
    ):
        found.append(_row(think_case(single.backend, 1), single))
        found.append(_row(think_case(crowd.backend, crowd.users), crowd))
    return found


def think_case(backend: str, users: int) -> str:
    """The case name of a think-time row (``benchmarks.targets`` finds the rows by it)."""
    if users == 1:
        return f"{backend}: 1 uploader, {THINK_ROWS}-row 表四, {SINGLE_THINK[0]:g} s between"
    return f"{backend}: {users} uploaders, {THINK_ROWS}-row 表四, think {THINK[0]:g}–{THINK[1]:g} s"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30, help="measured seconds per database")
    parser.add_argument("--users", type=int, default=None, help="concurrent unit accounts (≤ 21)")
    parser.add_argument(
        "--backend", choices=("sqlite", "postgresql", "both"), default="both", help="database"
    )
    parser.add_argument(
        "--think", action="store_true", help="50-row files, 2–4 s between uploads, p95 ratio"
    )
    args = parser.parse_args(argv)
    seconds = min(max(args.seconds, 1.0), 600.0)  # bounded, whatever is asked
    if args.think:
        users = min(max(args.users or THINK_USERS, 2), 21)
        pairs = measure_think(users, seconds, min(seconds / 2, 16), args.backend)
        print(
            f"## Web service latency ({os.cpu_count()} cores; {users} uploaders of "
            f"{THINK_ROWS}-row files thinking {THINK[0]:g}–{THINK[1]:g} s, {seconds:.0f} s; "
            "a single uploader before and after)\n"
        )
        print(table([r for pair in pairs for r in pair]))
        for single, crowd in pairs:
            ratio = crowd.percentile(95) / single.percentile(95)
            print(f"\n{crowd.backend}: p95 {ratio:.2f}× the single uploader's")
        failed = [r for pair in pairs for r in pair if r.errors]
    else:
        users = args.users or 16
        results = measure(users, seconds, args.backend)
        print(
            f"## Web service load ({os.cpu_count()} cores, {users} users, "
            f"{seconds:.0f} s per database after {WARM_UP:.0f} s warm-up)\n"
        )
        print(table(results))
        failed = [r for r in results if r.errors]
    for r in failed:
        for error in r.errors[:10]:
            print(f"- {r.backend}: {error}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
