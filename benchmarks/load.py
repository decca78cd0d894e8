"""Load on the web service: many unit accounts uploading at once to ``budget-planner serve``.

    .venv/bin/python -m benchmarks.load [--seconds 30] [--users 16] [--backend sqlite|postgresql|both]

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

``benchmarks.web_load.measure()`` (the hook ``benchmarks.run`` calls) takes its rows from here.
"""

from __future__ import annotations

import argparse
import io
import itertools
import os
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
sys.path.insert(0, str(ROOT / "tests"))  # the server helper shared with the tests

from server_process import Browser, Server, fresh_database, seed  # noqa: E402
from test_storage_support import postgres_url  # noqa: E402

from benchmarks import generate  # noqa: E402
from benchmarks.measure import TreeSampler  # noqa: E402
from benchmarks.report import Row  # noqa: E402

WARM_UP = 2.0  # seconds of traffic before the measured window (workers started, caches warm)


@dataclass
class Result:
    backend: str
    users: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    bytes_sent: int = 0
    errors: list[str] = field(default_factory=list)
    peak_kb: int = 0

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


class Users:
    """``users`` browsers, one per unit, uploading until ``stop``; timings after ``measuring``."""

    def __init__(self, server: Server, files: dict[str, list[tuple[bytes, str]]], users: int):
        self.server = server
        self.units = list(files)[:users]
        self.files = files
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
        crowd = Users(server, files, users)
        threads = [
            threading.Thread(target=crowd.run, args=(unit,), daemon=True) for unit in crowd.units
        ]
        for t in threads:
            t.start()
        time.sleep(WARM_UP)
        crowd.measuring.set()
        started = time.perf_counter()
        time.sleep(seconds)
        crowd.stop.set()
        result.seconds = time.perf_counter() - started
        for t in threads:
            t.join(150)
        sampler.done.set()
        sampler.join()
        result.latencies = crowd.result_latencies
        result.errors = crowd.result_errors
        result.bytes_sent = crowd.bytes_sent
        result.peak_kb = sampler.peak
    finally:
        server.stop()
        database.drop()
    return result


def backends(choice: str) -> list[str]:
    wanted = ["sqlite", "postgresql"] if choice == "both" else [choice]
    if "postgresql" in wanted and postgres_url() is None:
        print("DATABASE_URL 未指向 PostgreSQL：跳过 PostgreSQL", file=sys.stderr)
        wanted.remove("postgresql")
    return wanted


def table(results: list[Result]) -> str:
    lines = [
        "| database | users | seconds | uploads | uploads/s | MB/s | p50 | p95 | p99 | max "
        "| errors | server peak memory |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        ms = [f"{r.percentile(p) * 1000:.0f} ms" for p in (50, 95, 99)]
        top = f"{max(r.latencies) * 1000:.0f} ms" if r.latencies else "–"
        lines.append(
            f"| {r.backend} | {r.users} | {r.seconds:.0f} | {len(r.latencies)} "
            f"| {r.throughput:.1f} | {r.bytes_sent / r.seconds / 1e6:.2f} | {' | '.join(ms)} "
            f"| {top} | {len(r.errors)} | {r.peak_kb / 1024:.0f} MB |"
        )
    return "\n".join(lines)


def measure(users: int = 16, seconds: float = 30, choice: str = "both") -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="bp-load-") as tmp:
        return [run_load(b, users, seconds, Path(tmp)) for b in backends(choice)]


def rows(quick: bool = False) -> list[Row]:
    """The load benchmark as ``benchmarks.report.Row``s (one per database): each upload's
    latency as ``times``, the server tree's peak memory as ``peak_kb``."""
    found = measure(users=16, seconds=10 if quick else 30)
    return [
        Row(
            "web service load",
            f"{r.backend}: {r.users} users uploading, {r.throughput:.1f}/s, "
            f"p95 {r.percentile(95) * 1000:.0f} ms, {len(r.errors)} errors",
            times=r.latencies,
            peak_kb=r.peak_kb,
        )
        for r in found
    ]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30, help="measured seconds per database")
    parser.add_argument("--users", type=int, default=16, help="concurrent unit accounts (≤ 21)")
    parser.add_argument(
        "--backend", choices=("sqlite", "postgresql", "both"), default="both", help="database"
    )
    args = parser.parse_args(argv)
    seconds = min(max(args.seconds, 1.0), 600.0)  # bounded, whatever is asked
    results = measure(args.users, seconds, args.backend)
    print(
        f"## Web service load ({os.cpu_count()} cores, {args.users} users, "
        f"{seconds:.0f} s per database after {WARM_UP:.0f} s warm-up)\n"
    )
    print(table(results))
    for r in results:
        for error in r.errors[:10]:
            print(f"- {r.backend}: {error}")
    return 1 if any(r.errors for r in results) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
