"""The targets of issues 7 and 16, read off the measured rows as ratios against baselines of the same
run. The floor is issue 16's: ``zipfile`` inflating every part plus calamine reading every sheet."""

from __future__ import annotations

import statistics

from benchmarks.report import Row, Target, paired

INPROC = "in-process, {:,} rows"
ROUND = "whole round (21 units)"
FIRST, SECOND = "budget-planner aggregate, first run", "budget-planner aggregate, second run"


def _row(rows: list[Row], bench: str, case: str) -> Row | None:
    for r in rows:
        if r.bench == bench and r.case == case and not r.skipped and r.times:
            return r
    return None


def _skip_reason(rows: list[Row], bench: str, case: str, quick: bool) -> str:
    for r in rows:
        if r.bench == bench and r.case == case and r.skipped:
            return r.skipped
    return "not measured with --quick" if quick else "not measured"


def _paired_target(
    rows: list[Row],
    name: str,
    bench: str,
    a: str,
    b: str,
    limit: float,
    at_most: bool,
    quick: bool,
) -> Target:
    ra, rb = _row(rows, bench, a), _row(rows, bench, b)
    if ra is None or rb is None:
        missing = a if ra is None else b
        return Target(name, None, limit, at_most, skipped=_skip_reason(rows, bench, missing, quick))
    ratios = paired(ra, rb)
    return Target(
        name,
        statistics.median(ratios),
        limit,
        at_most,
        detail=f"{a} {ra.median:.3g} s, {b} {rb.median:.3g} s (medians)",
    )


def _memory_target(rows: list[Row], n: int, quick: bool) -> Target:
    name = f"in-process {n:,} rows: engine's memory over the floor's"
    bench = INPROC.format(n)
    eng, floor = _row(rows, bench, "engine"), _row(rows, bench, "floor")
    if eng is None or floor is None or eng.delta_kb is None or floor.delta_kb is None:
        return Target(name, None, 2, skipped=_skip_reason(rows, bench, "engine", quick))
    ratio = eng.delta_kb / max(floor.delta_kb, 1)
    assert eng.peak_kb is not None and floor.peak_kb is not None
    whole = eng.peak_kb / floor.peak_kb
    detail = (
        f"working memory {eng.delta_kb // 1024} vs {floor.delta_kb // 1024} MB; whole process "
        f"{eng.peak_kb // 1024} vs {floor.peak_kb // 1024} MB = {whole:.2f}× (imports included)"
    )
    return Target(name, ratio, 2, detail=detail)


def _linear(rows: list[Row], quick: bool) -> Target:
    name = (
        "in-process: engine's growth in time per row from 2,000 to 50,000 rows, "
        "over the floor's (linear growth)"
    )
    engine = [_row(rows, INPROC.format(n), "engine") for n in (2000, 50000)]
    floor = [_row(rows, INPROC.format(n), "floor") for n in (2000, 50000)]
    if None in engine or None in floor:
        return Target(name, None, 1.25, skipped="not measured with --quick" if quick else "")

    def growth(pair: list) -> float:
        small, large = pair
        return (large.median / 50000) / (small.median / 2000)

    detail = (
        f"time per row at 50,000 over at 2,000: engine {growth(engine):.2f}×, "
        f"floor {growth(floor):.2f}×"
    )
    return Target(name, growth(engine) / growth(floor), 1.25, detail=detail)


def _startup(rows: list[Row]) -> Target:
    name = "`budget-planner --help` start-up (median seconds)"
    r = _row(rows, "start-up", "budget-planner --help")
    base = _row(rows, "start-up", "python -c pass")
    if r is None:
        return Target(name, None, 0.2, skipped="not measured")
    detail = f"{statistics.median(paired(r, base)):.2f}× a bare interpreter" if base else ""
    return Target(name, r.median, 0.2, detail=detail)


def evaluate(rows: list[Row], quick: bool) -> list[Target]:
    big = 2000 if quick else 50000
    proc = f"whole process, {big:,} rows"
    found = [
        _paired_target(
            rows,
            "in-process 2,000 rows: engine over floor",
            INPROC.format(2000),
            "engine",
            "floor",
            2,
            True,
            quick,
        ),
        _paired_target(
            rows,
            "in-process 50,000 rows: engine over floor",
            INPROC.format(50000),
            "engine",
            "floor",
            2,
            True,
            quick,
        ),
        _linear(rows, quick),
        _memory_target(rows, 2000, quick),
        _memory_target(rows, 50000, quick),
        _paired_target(
            rows,
            f"whole process {big:,} rows: `validate` over the floor",
            proc,
            "budget-planner validate",
            "floor",
            2.5,
            True,
            quick,
        ),
        _paired_target(
            rows,
            f"whole process {big:,} rows: frictionless over `validate`",
            proc,
            "peer",
            "budget-planner validate",
            2.5,
            False,
            quick,
        ),
        _paired_target(
            rows,
            "in-process 2,000 rows: frictionless over engine",
            INPROC.format(2000),
            "peer",
            "engine",
            3,
            False,
            quick,
        ),
        _paired_target(
            rows,
            "whole round: plain pipeline over `aggregate`, first run (every file validated)",
            ROUND,
            "plain",
            FIRST,
            1.3,
            False,
            quick,
        ),
        _paired_target(
            rows,
            "whole round: plain pipeline over `aggregate`, second run (the same files, cached)",
            ROUND,
            "plain",
            SECOND,
            2,
            False,
            quick,
        ),
        _startup(rows),
    ]
    web = [r for r in rows if r.bench == "web service load"]
    if web and web[0].skipped:
        found.append(Target("web service load", None, None, skipped=web[0].skipped))
    else:
        found += [_web_latency(rows, backend) for backend in ("sqlite", "postgresql")]
    return found


WEB = "web service load"
WEB_LIMIT = 3
POOL_MAX = 4  # the parse pool's largest size (validators.worker.ParsePool)


def _p95(times: list[float]) -> float:
    if len(times) < 2:
        return times[0]
    return statistics.quantiles(times, n=100, method="inclusive")[94]


def _web_latency(rows: list[Row], backend: str) -> Target:
    """Issue 7's web target: 20 uploaders of 50-row files thinking 2–4 s answer at p95 within 3×
    a single uploader's p95 (same run, same server), with no errors, the parse workers reused."""
    name = (
        f"web ({backend}): p95 of 20 uploaders (50-row files, think 2–4 s) over a single "
        "uploader's; no errors; workers reused"
    )
    found = [r for r in rows if r.bench == WEB and r.case.startswith(f"{backend}: ") and r.times]
    single = next((r for r in found if r.case.startswith(f"{backend}: 1 uploader,")), None)
    crowd = next((r for r in found if r.case.startswith(f"{backend}: 20 uploaders,")), None)
    if single is None or crowd is None:
        return Target(name, None, WEB_LIMIT, skipped="not measured")
    ratio = _p95(crowd.times) / _p95(single.times)
    errors = getattr(single, "errors", 0) + getattr(crowd, "errors", 0)
    workers = getattr(crowd, "processes", 1) - 1
    detail = (
        f"p95 {_p95(crowd.times) * 1000:.0f} ms over {_p95(single.times) * 1000:.0f} ms "
        f"({len(crowd.times)} and {len(single.times)} uploads); {errors} errors; "
        f"{workers} parse worker processes in the whole run"
    )
    if errors or workers > POOL_MAX:
        return Target(name, float("inf"), WEB_LIMIT, detail=detail)
    return Target(name, ratio, WEB_LIMIT, detail=detail)
