"""Every file of the hostile corpus through ``budget-planner validate --json``: its exact outcome, the
exit code (2 for a refused file), a JSON array on stdout and no traceback; neutralised payloads stay
text in the annotated copy. The files are parsed by the real worker pool, as a user's run does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path, PurePosixPath

import hostile_corpus as hc
import pytest
from click.testing import CliRunner
from workbook_safety import assert_kept_as_text

from budget_planner.cli import main
from budget_planner.validators.intake import worker

pytestmark = pytest.mark.filterwarnings("error")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    cases = {c.name: c for c in hc.cached_corpus(tmp_path_factory)}
    yield cases
    worker.shutdown()


def on_disk(case: hc.Case, folder: Path) -> Path:
    """The file as a user has it on disk: a hostile upload name cannot be a file name (a NUL, a
    directory part, 300 characters), so the command line gets its last part, NUL removed, cut to
    what the file system holds."""
    name = PurePosixPath(case.filename.replace("\0", "")).name.strip()
    while len(name.encode()) > 200:
        name = name[1:]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(case.data())
    return path


def test_the_corpus_is_what_the_issue_asks_for(corpus):
    assert list(corpus) == hc.NAMES
    assert len(corpus) >= 40
    outcomes = {c.expected.outcome for c in corpus.values()}
    assert outcomes == {"refused", "read", "neutralised"}
    written = [c.data_or_path for c in corpus.values() if isinstance(c.data_or_path, Path)]
    assert written and all(
        "hostile" in p.parent.name for p in written
    )  # a tmp folder, never the repo


def run_case(case: hc.Case, tmp_path: Path):
    path = on_disk(case, tmp_path / "in")
    args = ["validate", "--json", str(path)]
    if case.expected.outcome == "neutralised":
        args += ["--annotate", str(tmp_path / "out")]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert "Traceback" not in result.output + result.stderr
    reports = json.loads(result.stdout)
    assert len(reports) == 1
    hc.check_report(reports[0], case)
    assert result.exit_code == hc.expected_exit(case), result.stderr
    if case.expected.outcome == "neutralised":
        (annotated,) = (tmp_path / "out").iterdir()
        assert_kept_as_text(annotated.read_bytes(), list(case.expected.texts))
    return reports[0]


FAST = [n for n in hc.NAMES if n not in hc.SLOW]


@pytest.mark.parametrize("name", FAST)
def test_case_through_the_command_line(corpus, name, tmp_path):
    run_case(corpus[name], tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("name", hc.SLOW)
def test_slow_case_through_the_command_line(corpus, name, tmp_path):
    run_case(corpus[name], tmp_path)


def test_the_worst_files_in_one_real_run(corpus, tmp_path):
    """The installed command in its own process, over the nastiest files at once: one JSON array in
    argument order, exit code 2, and stderr free of tracebacks and parser crashes."""
    names = [
        "bomb_lying_header",
        "a1_and_xfd1048576",
        "xls_a1_and_iv65536",
        "shared_strings_count_lies",
        "duplicate_cell_definitions",
        "payloads_inline_strings",
    ]
    paths = [on_disk(corpus[n], tmp_path / n) for n in names]
    done = subprocess.run(
        [sys.executable, "-m", "budget_planner", "validate", "--json", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    reports = json.loads(done.stdout)
    for name, report in zip(names, reports, strict=True):
        hc.check_report(report, corpus[name])
    assert "Traceback" not in done.stderr
    assert "memory allocation" not in done.stderr  # no parser aborted: every one was refused first
