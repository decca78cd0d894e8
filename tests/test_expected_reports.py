"""The guard of refactoring: every saved report in ``tests/expected_reports/`` is what the code says
today. ``validate --json`` of every file in ``examples/``, ``tests/realworld2/``, ``tests/realworld3/``,
of every file ``realworld_files.py`` makes and of the benchmarks' 88-file round, and ``aggregate --json``
of ``examples/`` and of that round, must not change unless a change means to: then regenerate them
(``.venv/bin/python tests/support/expected_reports.py``) and let the diff show what changed."""

from __future__ import annotations

import difflib

import pytest
from expected_reports import compute, dumps, saved


@pytest.fixture(scope="module")
def now() -> dict[str, str]:
    return {name: dumps(report) for name, report in compute().items()}


def test_the_saved_reports_are_the_ones_computed(now):
    assert sorted(now) == sorted(saved())


@pytest.mark.parametrize("name", sorted(saved()))
def test_a_saved_report_is_unchanged(now, name):
    before = saved()[name]
    if now.get(name) != before:
        diff = difflib.unified_diff(
            before.splitlines(), now.get(name, "").splitlines(), "saved", "now", lineterm="", n=2
        )
        pytest.fail(f"{name}.json changed:\n" + "\n".join(list(diff)[:80]))
