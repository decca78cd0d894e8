"""The hook for the web service's load benchmark (its target comes later in issue 7).

``benchmarks.run`` calls ``measure()``; while it returns None the table shows the benchmark as
skipped with ``NOT_YET``. To add it, return a list of ``benchmarks.report.Row`` — for instance the
site served by ``budget-planner serve`` on a free port, N concurrent users uploading the 2,000-row
file (``benchmarks.generate.single("表四", 2000)``) and their latencies as ``times``, with the
server's process-tree peak from ``benchmarks.measure.TreeSampler`` as ``peak_kb`` — and a target
in ``benchmarks.targets.evaluate``.
"""

from __future__ import annotations

from benchmarks.report import Row

NOT_YET = "the web-service load target comes later (hook: benchmarks/web_load.py)"


def measure() -> list[Row] | None:
    return None
