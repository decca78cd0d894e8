"""The README's performance table, from one run: rows to paste under ``| what | figure | target |``."""

from __future__ import annotations

import statistics

from benchmarks.report import Row, Target, paired
from benchmarks.targets import FIRST, INPROC, ROUND, SECOND, WEB, _p95

PROCESS = "whole process, {:,} rows"


def _row(rows: list[Row], bench: str, case: str) -> Row | None:
    return next(
        (r for r in rows if r.bench == bench and r.case == case and r.times and not r.skipped),
        None,
    )


def _ratio(rows: list[Row], bench: str, a: str, b: str) -> float | None:
    ra, rb = _row(rows, bench, a), _row(rows, bench, b)
    if ra is None or rb is None:
        return None
    return statistics.median(paired(ra, rb))


def _x(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}×"


def _s(row: Row | None) -> str:
    return "–" if row is None else f"{row.median:.2f} s"


def _check(found: list[Target], start: str) -> str:
    t = next((t for t in found if t.name.startswith(start)), None)
    if t is None or t.met is None:
        return "not measured"
    return "✓" if t.met else f"✗ ({t.ratio:.2f}×)"


def readme_rows(rows: list[Row], found: list[Target]) -> str:
    small, big = INPROC.format(2000), INPROC.format(50000)
    lines = ["| what | figure | target |", "| --- | --- | --- |"]

    def add(what: str, figure: str, target: str) -> None:
        lines.append(f"| {what} | {figure} | {target} |")

    add(
        "validate a 2,000-row 表四 in-process (read, normalise, all checks, report)",
        f"{_x(_ratio(rows, small, 'engine', 'floor'))} the floor; "
        f"{_x(_ratio(rows, small, 'engine', 'plain'))} plain; "
        f"{_x(_ratio(rows, small, 'engine', 'peer'))} the peer",
        f"≤ 2× the floor {_check(found, 'in-process 2,000 rows: engine over floor')}; "
        f"peer ≥ 3× ours {_check(found, 'in-process 2,000 rows: frictionless')}",
    )
    eng, floor = _row(rows, big, "engine"), _row(rows, big, "floor")
    add(
        "the same at 50,000 rows",
        f"{_x(_ratio(rows, big, 'engine', 'floor'))} the floor ({_s(eng)} vs {_s(floor)})",
        f"≤ 2×, must hold {_check(found, 'in-process 50,000 rows: engine over floor')}",
    )
    grows = "in-process: engine's growth"
    growth = next((t for t in found if t.name.startswith(grows)), None)
    add(
        "growth in time per row, 2,000 → 50,000 rows, over the floor's",
        _x(growth.ratio if growth else None),
        f"linear {_check(found, grows)}",
    )
    memory = [
        next((t for t in found if t.name.startswith(f"in-process {n} rows: engine's memory")), None)
        for n in ("2,000", "50,000")
    ]
    add(
        "working memory at 2,000 / 50,000 rows",
        " / ".join(_x(t.ratio if t else None) for t in memory) + " the floor's",
        "≤ 2× "
        + " / ".join(
            _check(found, f"in-process {n} rows: engine's memory") for n in ("2,000", "50,000")
        ),
    )
    proc = PROCESS.format(50000)
    add(
        "`budget-planner validate` of 50,000 rows, whole process",
        f"{_x(_ratio(rows, proc, 'budget-planner validate', 'floor'))} the floor's whole process; "
        f"the peer takes {_x(_ratio(rows, proc, 'peer', 'budget-planner validate'))} as long",
        f"≤ 2.5× {_check(found, 'whole process 50,000 rows: `validate`')}; "
        f"peer ≥ 2.5× {_check(found, 'whole process 50,000 rows: frictionless')}",
    )
    plain = _row(rows, ROUND, "plain")
    for case, limit, start in (
        (FIRST, "1.3", "whole round: plain pipeline over `aggregate`, first"),
        (SECOND, "2", "whole round: plain pipeline over `aggregate`, second"),
    ):
        run = "first run (every file validated)" if case == FIRST else "second run (cached reports)"
        add(
            f"`budget-planner aggregate` of a 21-unit round (88 files, workbook with charts), {run}",
            f"{_s(_row(rows, ROUND, case))} vs plain {_s(plain)} (plain takes "
            f"{_x(_ratio(rows, ROUND, 'plain', case))} as long)",
            f"plain ≥ {limit}× {_check(found, start)}",
        )
    helps = _row(rows, "start-up", "budget-planner --help")
    add("`budget-planner --help`", _s(helps), f"< 0.2 s {_check(found, '`budget-planner --help`')}")
    web = []
    for backend, label in (("sqlite", "SQLite"), ("postgresql", "PostgreSQL")):
        single = next(
            (r for r in rows if r.bench == WEB and r.case.startswith(f"{backend}: 1 uploader,")),
            None,
        )
        crowd = next(
            (r for r in rows if r.bench == WEB and r.case.startswith(f"{backend}: 20 uploaders,")),
            None,
        )
        if single is not None and crowd is not None and single.times and crowd.times:
            errors = getattr(single, "errors", 0) + getattr(crowd, "errors", 0)
            web.append(
                f"{label} {_p95(crowd.times) / _p95(single.times):.2f}× ({errors} errors, "
                f"{getattr(crowd, 'processes', 1) - 1} parse worker processes)"
            )
    checks = [_check(found, f"web ({b})") for b in ("sqlite", "postgresql")]
    add(
        "web: 20 unit accounts uploading 50-row files, 2–4 s think time, p95 over one uploader's",
        "; ".join(web) or "not measured",
        f"≤ 3× {' / '.join(checks)}",
    )
    for r in rows:
        if r.bench == WEB and "users uploading" in r.case and r.times:
            add(
                "web under stress: " + r.case.split(": ", 1)[1].split(",", 1)[0] + " without pause",
                r.case.split(": ", 1)[0]
                + ": "
                + r.case.split(", ", 1)[1]
                + ("" if r.peak_kb is None else f"; {r.peak_kb // 1024} MB server and workers"),
                "—",
            )
    return "\n".join(lines)
