"""One account flooding the parsers, against ``budget-planner serve`` (issue 14's probe, measured).

    .venv/bin/python -m benchmarks.flood [--seconds 30] [--flooders 9] [--backend sqlite|postgresql|both]

A unit account (清远市) sends, from ``--flooders`` browsers at once and without pause, requests of
10 copies of a 246 KB workbook that passes the gate but costs seconds of parsing (two parts of
~120 MB of spaces). Meanwhile, on the same server, another unit (韶关市) uploads its own 50-row
表四 once a second and an anonymous visitor opens ``GET /login`` every half second. The same two
are measured first on the idle server. Reported per database: the flooder's answers by status
(429 once its 2 uploads are being parsed), the other account's upload and ``GET /login`` latency
(p50, p95, max) idle and under the flood, their errors, and the server tree's peak memory. Traffic
goes to 127.0.0.1 only and stops by itself. Nothing is asserted: these are figures for the README.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import threading
import time
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if __package__ in (None, ""):
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "support"))

from server_process import Browser, Server, fresh_database, seed  # noqa: E402

from benchmarks.load import backends, fifty_row_files, saved_again  # noqa: E402
from benchmarks.measure import TreeSampler  # noqa: E402

FLOODER, OTHER = "清远市", "韶关市"
COPIES = 10  # files in each flood request (the probe's)
SPACES = 120 * 1024 * 1024  # bytes of whitespace in each of two parts
IDLE_SECONDS = 8.0


def costly_workbook(template: bytes) -> bytes:
    """``template`` with ~120 MB of spaces in its sheet and in its shared strings: passes the gate
    (within 128 MB a part) and compresses to a few hundred KB, but takes seconds to parse."""
    source = zipfile.ZipFile(io.BytesIO(template))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename in ("xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"):
                head, sep, tail = data.partition(b"?>")
                with book.open(info.filename, "w", force_zip64=True) as part:
                    part.write(head + sep)
                    chunk = b" " * (1024 * 1024)
                    for _ in range(SPACES // len(chunk)):
                        part.write(chunk)
                    part.write(tail)
            else:
                book.writestr(info, data)
    return out.getvalue()


@dataclass
class Series:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def figure(self) -> str:
        if not self.latencies:
            return "—"
        ordered = sorted(self.latencies)
        p95 = (
            statistics.quantiles(ordered, n=100, method="inclusive")[94]
            if len(ordered) > 1
            else ordered[0]
        )
        return f"{statistics.median(ordered):.2f} / {p95:.2f} / {ordered[-1]:.2f} s"


@dataclass
class FloodResult:
    backend: str
    flood_file_kb: int
    flooder: Counter = field(default_factory=Counter)
    idle_login: Series = field(default_factory=Series)
    idle_upload: Series = field(default_factory=Series)
    flood_login: Series = field(default_factory=Series)
    flood_upload: Series = field(default_factory=Series)
    peak_kb: int = 0


def _timed(series: Series, call, ok) -> None:
    started = time.perf_counter()
    try:
        page = call()
        error = "" if ok(page) else f"HTTP {page.status}"
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
    (series.errors if error else series.latencies).append(error or time.perf_counter() - started)


def _observers(
    server: Server, stop: threading.Event, login: Series, upload: Series, file: tuple[bytes, str]
) -> list[threading.Thread]:
    def visitor() -> None:
        while not stop.wait(0.5):
            browser = Browser(server.base_url, timeout=180)
            _timed(login, lambda b=browser: b.get("/login"), lambda p: p.status == 200)

    def other_unit() -> None:
        browser = Browser(server.base_url, timeout=180)
        browser.login(OTHER)
        n = 0
        while not stop.wait(1.0):
            n += 1
            body = saved_again(file[0], n)
            _timed(
                upload,
                lambda b=browser, d=body: b.upload([(d, file[1])]),
                lambda p: p.status == 200 and bool(p.version_ids()),
            )

    return [threading.Thread(target=t, daemon=True) for t in (visitor, other_unit)]


def run_flood(backend: str, seconds: float, flooders: int, workdir: Path) -> FloodResult:
    database = fresh_database(backend, workdir)
    files = fifty_row_files([FLOODER, OTHER])
    costly = costly_workbook(files[FLOODER][0][0])
    seed(database.url, workdir, [FLOODER, OTHER])
    server = Server(database.url, workdir / f"instance-flood-{backend}")
    result = FloodResult(backend, len(costly) // 1024)
    try:
        server.start()
        assert server.proc is not None
        sampler = TreeSampler(server.proc.pid)
        sampler.start()
        for login, upload, flood in (
            (result.idle_login, result.idle_upload, False),
            (result.flood_login, result.flood_upload, True),
        ):
            stop = threading.Event()
            threads = _observers(server, stop, login, upload, files[OTHER][0])
            if flood:
                threads += [
                    threading.Thread(
                        target=_flooder, args=(server, stop, costly, result), daemon=True
                    )
                    for _ in range(flooders)
                ]
            for t in threads:
                t.start()
            time.sleep(seconds if flood else IDLE_SECONDS)
            stop.set()
            for t in threads:
                t.join(240)
        sampler.done.set()
        sampler.join()
        result.peak_kb = sampler.peak
    finally:
        server.stop()
        database.drop()
    return result


def _flooder(server: Server, stop: threading.Event, costly: bytes, result: FloodResult) -> None:
    browser = Browser(server.base_url, timeout=240)
    browser.login(FLOODER)
    n = 0
    while not stop.is_set():
        batch = [
            (saved_again(costly, n * COPIES + i), f"清远市-表四-{i}.xlsx") for i in range(COPIES)
        ]
        n += 1
        try:
            status = browser.upload(batch).status
        except Exception as exc:
            status = type(exc).__name__
        result.flooder[status] += 1


def table(results: list[FloodResult], flooders: int, seconds: float) -> str:
    lines = [
        f"## One account flooding the parsers ({flooders} browsers × {COPIES}-file requests, "
        f"{seconds:.0f} s)\n",
        "| database | flood file | flooder's answers | other unit's upload idle (p50/p95/max) "
        "| under flood | errors | GET /login idle | under flood | errors | server peak memory |",
        "| --- | ---: | --- | --- | --- | ---: | --- | --- | ---: | ---: |",
    ]
    for r in results:
        answers = ", ".join(f"{k}: {v}" for k, v in sorted(r.flooder.items(), key=str))
        lines.append(
            f"| {r.backend} | {r.flood_file_kb} KB | {answers} | {r.idle_upload.figure()} "
            f"| {r.flood_upload.figure()} | {len(r.flood_upload.errors)} "
            f"| {r.idle_login.figure()} | {r.flood_login.figure()} | {len(r.flood_login.errors)} "
            f"| {r.peak_kb / 1024:.0f} MB |"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30, help="seconds of flood per database")
    parser.add_argument("--flooders", type=int, default=9, help="browsers of the flooding account")
    parser.add_argument(
        "--backend", choices=("sqlite", "postgresql", "both"), default="both", help="database"
    )
    args = parser.parse_args(argv)
    seconds = min(max(args.seconds, 5.0), 300.0)
    flooders = min(max(args.flooders, 1), 16)
    results = []
    for backend in backends(args.backend):
        with tempfile.TemporaryDirectory(prefix="bp-flood-") as tmp:
            results.append(run_flood(backend, seconds, flooders, Path(tmp)))
    print(table(results, flooders, seconds))
    for r in results:
        for error in [*r.flood_upload.errors, *r.flood_login.errors][:10]:
            print(f"- {r.backend}: {error}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
