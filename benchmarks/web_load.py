"""The hook for the web service's load benchmark: ``benchmarks.run`` calls ``measure()``.

The benchmark itself is ``benchmarks/load.py`` (run alone: ``python -m benchmarks.load``): unit
accounts uploading the generated round's submissions to ``budget-planner serve`` on 127.0.0.1, on
SQLite and on PostgreSQL when ``DATABASE_URL`` names one; one row per database, each upload's
latency as ``times`` and the server's process-tree peak as ``peak_kb``; then, per database, the
``--think`` mode's two rows (a single uploader; 20 uploaders of 50-row files thinking 2–4 s), whose
p95 ratio, errors and worker count ``benchmarks.targets.evaluate`` checks (issue 7: within 3×, no
errors, the parse workers reused).
"""

from __future__ import annotations

import sys

from benchmarks.report import Row

NOT_YET = "the web-service load benchmark did not run (benchmarks/load.py)"


def measure() -> list[Row] | None:
    from benchmarks import load

    return load.rows(quick="--quick" in sys.argv)
