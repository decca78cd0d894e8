"""A whole round at once: files parsed ahead in the worker pool, validated as one batch.

``aggregate`` hands every file to the parse workers before validation asks for it; what each file's
report says must not depend on that, nor on how many files the round has: a file's report in
``aggregate --json`` is the report ``validate`` gives for the same files."""

from __future__ import annotations

import json
import threading
import time

import pytest
from builders import make_budget, make_table, make_table4, project, table4_rows
from click.testing import CliRunner

from budget_planner.app.ahead import ParseAhead
from budget_planner.cli import main
from budget_planner.errors import UnreadableFile
from budget_planner.templates.round import load_round

ROUND = load_round()


@pytest.fixture(scope="module", autouse=True)
def _stop_parse_workers():
    yield
    from budget_planner.validators.intake.worker import shutdown

    shutdown()


class Recorder:
    """A stand-in parser: returns what it was given, refuses 坏.xlsx, records overlap."""

    def __init__(self, pause: float = 0.0) -> None:
        self.pause = pause
        self.lock = threading.Lock()
        self.now = self.most = 0
        self.names: list[str] = []

    def __call__(self, data: bytes, name: str):
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
            self.names.append(name)
        try:
            time.sleep(self.pause)
            if name == "坏.xlsx":
                raise UnreadableFile("file.corrupt", "文件已损坏")
            return (name, data)
        finally:
            with self.lock:
                self.now -= 1


def test_each_file_gets_its_own_grid_or_error_in_the_order_asked():
    parse = Recorder()
    files = [(f"第{i}个".encode(), f"{i}.xlsx") for i in range(12)] + [(b"x", "坏.xlsx")]
    with ParseAhead(parse, ahead=True) as ahead:
        for data, name in files:
            ahead.submit(data, name)
        ahead.start(2)
        got = [ahead(data, name) for data, name in files[:-1]]
        with pytest.raises(UnreadableFile) as refused:
            ahead(*files[-1])
    assert got == [(name, data) for data, name in files[:-1]]
    assert refused.value.code == "file.corrupt"
    assert sorted(parse.names) == sorted(name for _, name in files)  # each parsed once


def test_a_file_never_submitted_is_parsed_in_place():
    parse = Recorder()
    with ParseAhead(parse, ahead=True) as ahead:
        assert ahead(b"late", "迟到.xlsx") == ("迟到.xlsx", b"late")
    assert parse.names == ["迟到.xlsx"]


def test_one_thread_while_validation_loads_then_as_many_as_asked():
    parse = Recorder(pause=0.05)
    files = [(bytes([i]), f"{i}.xlsx") for i in range(10)]
    with ParseAhead(parse, ahead=True) as ahead:
        for data, name in files:
            ahead.submit(data, name)
        ahead.start(1)
        ahead(*files[0])
        ahead(*files[1])
        assert parse.most == 1
        ahead.start(3)
        for data, name in files[2:]:
            ahead(data, name)
    assert 2 <= parse.most <= 3


def test_asking_before_any_start_still_gets_the_grid():
    parse = Recorder()
    with ParseAhead(parse, ahead=True) as ahead:
        ahead.submit(b"a", "a.xlsx")
        assert ahead(b"a", "a.xlsx") == ("a.xlsx", b"a")


def test_progress_counts_each_file_handed_over():
    steps: list[int] = []
    with ParseAhead(Recorder(), ahead=True) as ahead:
        parse = ahead.counting(steps.append)
        parse(b"a", "a.xlsx")
        parse(b"b", "b.xlsx")
    assert steps == [1, 1]


def test_close_drops_what_was_not_asked_for():
    parse = Recorder(pause=0.3)
    ahead = ParseAhead(parse, ahead=True)
    for i in range(20):
        ahead.submit(bytes([i]), f"{i}.xlsx")
    ahead.start(1)
    ahead.close()
    time.sleep(0.4)
    assert len(parse.names) <= 1  # at most the one under way, not all twenty


def _files(folder):
    """More files than fit one of the old 16-file steps: 清远市's 表四 with the project first,
    then other units' 表一, then an older 表四 draft without it and the project's 预算表."""
    names = {}
    taken = table4_rows(taken={"高价值专利培育布局中心建设": 50})  # the 预算表's project
    names["a-清远市-表四.xlsx"] = make_table4("清远市", taken)
    others = [u.short_name for u in ROUND.units if u.short_name != "清远市"][:17]
    for n, unit in enumerate(others):
        names[f"b{n:02d}-{unit}-表一.xlsx"] = make_table(
            "表一", unit, [project("知识产权高质量创造", f"{unit}培育项目", 10)]
        )
    draft = table4_rows(taken={"知识产权纠纷多元化解": 30})
    names["z1-清远市-表四（初稿）.xlsx"] = make_table4("清远市", draft)
    names["z2-清远市-预算表.xlsx"] = make_budget()
    for name, data in names.items():
        (folder / name).write_bytes(data)
    return sorted(folder.iterdir())


def test_a_files_report_is_the_same_in_aggregate_as_in_validate(tmp_path):
    inputs = tmp_path / "报送"
    inputs.mkdir()
    paths = _files(inputs)
    runner = CliRunner()
    out = tmp_path / "汇总.xlsx"
    aggregated = runner.invoke(main, ["aggregate", str(inputs), "--out", str(out), "--json"])
    assert aggregated.exit_code in (0, 1), aggregated.stderr
    validated = runner.invoke(main, ["validate", *map(str, paths), "--json"])
    assert validated.exit_code in (0, 1), validated.stderr

    def reports(items):
        return [{k: v for k, v in r.items() if k != "file"} for r in items]

    from_aggregate = json.loads(aggregated.stdout)["files"]
    assert reports(from_aggregate) == reports(json.loads(validated.stdout))
    budget = next(r for r in from_aggregate if r["file"].endswith("z2-清远市-预算表.xlsx"))
    # its project is in 清远市's 表四 (first file of the batch) with the same 省局项目支出
    assert [i["code"] for i in budget["issues"] if i["code"].startswith("budget.")] == []
    assert len(from_aggregate) == len(paths)
