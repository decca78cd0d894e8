"""Figures → the printed tables: medians, spreads, paired ratios, and the targets' checks."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field


@dataclass
class Row:
    """One case of one benchmark: its timings (one per round) and its peak memory."""

    bench: str
    case: str
    times: list[float] = field(default_factory=list)
    peak_kb: int | None = None  # whole process (tree) peak
    delta_kb: int | None = None  # in-process: peak above the RSS before the call
    skipped: str = ""
    baselines: list[str] = field(default_factory=list)  # the cases this row is a ratio to

    @property
    def median(self) -> float:
        return statistics.median(self.times)


@dataclass
class Target:
    name: str
    ratio: float | None  # the measured figure (a ratio, or seconds for the start-up target)
    limit: float | None
    at_most: bool = True  # True: figure ≤ limit; False: figure ≥ limit
    detail: str = ""
    skipped: str = ""

    @property
    def met(self) -> bool | None:
        if self.ratio is None or self.limit is None:
            return None
        return self.ratio <= self.limit if self.at_most else self.ratio >= self.limit


def paired(a: Row, b: Row) -> list[float]:
    """a's time over b's, round by round (the runs were interleaved A B A B …)."""
    return [x / y for x, y in zip(a.times, b.times, strict=False) if y > 0]


def spread(values: list[float]) -> tuple[float, float]:
    """The interquartile range with five or more values, else min–max."""
    if len(values) >= 5:
        q = statistics.quantiles(values, n=4, method="inclusive")
        return q[0], q[2]
    return min(values), max(values)


def _seconds(s: float) -> str:
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s"


def _mb(kb: int | None) -> str:
    return "–" if kb is None else f"{kb / 1024:.0f} MB"


def ratio_text(values: list[float]) -> str:
    if not values:
        return "–"
    lo, hi = spread(values)
    return f"{statistics.median(values):.2f}× ({lo:.2f}–{hi:.2f})"


def measurements_table(rows: list[Row]) -> str:
    by_key = {(r.bench, r.case): r for r in rows}
    lines = [
        "| benchmark | case | runs | median | spread | peak memory | Δ memory | ratio to baselines |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        if r.skipped:
            lines.append(f"| {r.bench} | {r.case} | 0 | – | – | – | – | skipped: {r.skipped} |")
            continue
        lo, hi = spread(r.times)
        ratios = []
        for name in r.baselines:
            base = by_key.get((r.bench, name))
            if base is not None and not base.skipped and base is not r:
                ratios.append(f"{name} {ratio_text(paired(r, base))}")
        lines.append(
            f"| {r.bench} | {r.case} | {len(r.times)} | {_seconds(r.median)} | "
            f"{_seconds(lo)}–{_seconds(hi)} | {_mb(r.peak_kb)} | {_mb(r.delta_kb)} | "
            f"{'; '.join(ratios) or '–'} |"
        )
    return "\n".join(lines)


def targets_table(targets: list[Target]) -> str:
    lines = ["| target | limit | measured | check |", "| --- | ---: | ---: | --- |"]
    for t in targets:
        sign = "≤" if t.at_most else "≥"
        unit = " s" if t.name.startswith("`budget-planner --help`") else "×"
        limit = "–" if t.limit is None else f"{sign} {t.limit:g}{unit}"
        if t.met is None:
            lines.append(f"| {t.name} | {limit} | – | skipped: {t.skipped or 'not measured'} |")
            continue
        mark = "✓ met" if t.met else "✗ missed"
        detail = f" — {t.detail}" if t.detail else ""
        lines.append(f"| {t.name} | {limit} | {t.ratio:.2f}{unit} | {mark}{detail} |")
    return "\n".join(lines)
