"""The parse worker pool: files are parsed in reused worker processes, and a worker's crash, stall or
memory blow-up becomes that one file's error while the pool goes on."""

from __future__ import annotations

import functools
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import handmade
import pytest

from budget_planner.errors import UnreadableFile
from budget_planner.validators.intake import worker
from budget_planner.validators.intake.gate import check_container
from budget_planner.validators.intake.grid import ErrorValue
from budget_planner.validators.intake.worker import (
    ParsePool,
    cpu_budget,
    parse_workbook,
    timeout_for,
)

SHEET = '<row r="1"><c r="A1" t="inlineStr"><is><t>金额</t></is></c></row><row r="2"><c r="A2"><v>50</v></c></row>'
GOOD = handmade.xlsx(SHEET)
# values in A1 and XFD1048576: python-calamine aborts the whole process on this 2 KB file
ATTACK = handmade.xlsx(
    '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
    dimension="A1:XFD1048576",
)
CALAMINE_ON_ATTACK = functools.partial(
    exec,
    "import io, python_calamine\n"
    f"book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO({ATTACK!r}))\n"
    "book.get_sheet_by_index(0).to_python()",
)


@pytest.fixture(scope="module")
def pool():
    p = ParsePool(size=2)
    yield p
    p.shutdown()


def parse(pool: ParsePool, data: bytes = GOOD, **kwargs):
    return pool.parse(data, check_container(data, "表四.xlsx"), **kwargs)


def assert_good(grid) -> None:
    assert grid.sheets[0].get(1, 1) == "金额"
    assert grid.sheets[0].get(2, 1) == 50


def test_files_are_parsed_in_a_reused_worker(pool):
    assert_good(parse(pool))
    first = pool.pids
    assert_good(parse(pool))
    assert pool.pids == first and 1 <= len(first) <= 2
    assert os.getpid() not in first


def test_a_worker_that_aborts_fails_only_that_file(pool):
    assert_good(parse(pool))
    before = pool.pids
    with pytest.raises(UnreadableFile) as caught:
        parse(pool, before=os.abort)
    assert caught.value.code == "file.corrupt"
    assert "另存为 .xlsx 后重新上传" in caught.value.message
    assert_good(parse(pool))  # the next file is read normally, by a new worker
    assert pool.pids != before


def test_calamine_abort_on_the_attack_file_is_contained(pool):
    with pytest.raises(UnreadableFile) as caught:
        parse(pool, before=CALAMINE_ON_ATTACK)  # calamine itself, past our scan: SIGABRT
    assert caught.value.code == "file.corrupt"
    assert_good(parse(pool))


def test_the_attack_file_is_refused_before_calamine_sees_it(pool):
    parse(pool)
    before = pool.pids
    with pytest.raises(UnreadableFile) as caught:
        parse(pool, ATTACK)
    assert caught.value.code == "file.range_too_large"
    assert "1048576 行、16384 列" in caught.value.message
    assert pool.pids == before  # refused by the scan, no crash: the worker lives on


def test_a_stalled_worker_is_killed_at_the_time_limit(pool):
    start = time.monotonic()
    with pytest.raises(UnreadableFile) as caught:
        parse(pool, before=functools.partial(time.sleep, 60), timeout=0.5)
    assert time.monotonic() - start < 5
    assert caught.value.code == "file.timeout"
    assert "超时" in caught.value.message and "分成几个文件" in caught.value.message
    assert_good(parse(pool))


def test_a_worker_over_its_memory_limit_fails_only_that_file():
    small = ParsePool(size=1, memory_limit=512 * 1024 * 1024)
    try:
        with pytest.raises(UnreadableFile) as caught:
            parse(small, before=functools.partial(bytearray, 1024 * 1024 * 1024))
        assert caught.value.code == "file.corrupt"
        assert "内存限制" in caught.value.message
        assert_good(parse(small))
    finally:
        small.shutdown()


def test_several_threads_share_the_pool(pool):
    with ThreadPoolExecutor(max_workers=6) as threads:
        grids = list(threads.map(lambda _: parse(pool), range(12)))
    for grid in grids:
        assert_good(grid)
    assert 1 <= len(pool.pids) <= 2


def test_shutdown_stops_the_workers():
    own = ParsePool(size=1)
    parse(own)
    (pid,) = own.pids
    own.shutdown()
    assert own.pids == []
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    with pytest.raises(RuntimeError):
        parse(own)


def test_parse_workbook_gates_in_the_caller_and_parses_in_the_default_pool():
    try:
        with pytest.raises(UnreadableFile) as caught:
            parse_workbook(b"", "表四.xlsx")
        assert caught.value.code == "file.empty"
        assert worker._pool is None  # refused by the gate: no worker was started
        assert_good(parse_workbook(GOOD, "表四.xlsx"))
        assert worker._pool is not None and len(worker._pool.pids) == 1
    finally:
        worker.shutdown()
    assert worker._pool is None


def test_in_process_mode(monkeypatch):
    monkeypatch.setenv(worker.INPROCESS_ENV, "1")
    grid = parse_workbook(GOOD, "表四.xlsx")
    assert_good(grid)
    assert worker._pool is None
    assert_good(parse_workbook(GOOD, "表四.xlsx", inprocess=True))


def test_the_cpu_budget_grows_with_the_file_and_the_wall_clock_is_a_backstop(monkeypatch):
    assert cpu_budget(0) == 10.0
    assert cpu_budget(3 * 1024 * 1024) == 16.0
    assert timeout_for(0) == 60.0  # the backstop, not the budget
    assert timeout_for(20 * 1024 * 1024) == 75.0  # 1.5 × a 20 MB file's 50 s of CPU
    monkeypatch.setenv(worker.TIMEOUT_ENV, "90")
    assert timeout_for(0) == 90.0  # BUDGET_PLANNER_PARSE_TIMEOUT sets the backstop


def test_a_reused_worker_gets_each_file_its_own_cpu_budget(monkeypatch):
    """RLIMIT_CPU counts the whole life of a process: the limit is set before each file to the CPU
    used so far plus that file's budget (a stub clock stands for a worker's past)."""
    calls: list[tuple[int, int]] = []
    monkeypatch.setattr(worker.resource, "setrlimit", lambda what, pair: calls.append(pair))
    monkeypatch.setattr(
        worker.resource, "getrlimit", lambda what: (worker.resource.RLIM_INFINITY,) * 2
    )
    spent = iter([0.4, 57.2, 3600.0])  # a fresh worker, one that parsed a lot, a long-lived one
    for _ in range(3):
        worker._arm_cpu_limit(cpu_budget(3 * 1024 * 1024), clock=lambda: next(spent))
    infinity = worker.resource.RLIM_INFINITY
    assert calls == [(17, infinity), (74, infinity), (3616, infinity)]
    assert worker.cpu_limit(10.0, clock=lambda: 0.0) == 10


BURN = functools.partial(
    exec, "import time\nend = time.process_time() + 0.8\nwhile time.process_time() < end: pass"
)
BURN_LONG = functools.partial(
    exec, "import time\nend = time.process_time() + 30\nwhile time.process_time() < end: pass"
)


def test_cpu_is_counted_per_file_in_a_reused_worker():
    """Three files of 0.8 s CPU each, a budget of 1.5 s per file: a limit counted over the worker's
    life would kill it at the second; counted per file, all pass in the same worker."""
    single = ParsePool(size=1)
    try:
        for _ in range(3):
            assert_good(parse(single, before=BURN, cpu=1.5))
        assert len(single.pids) == 1
        first = single.pids
        with pytest.raises(UnreadableFile) as caught:  # over its own budget: killed by the kernel
            parse(single, before=BURN_LONG, cpu=1.0)
        assert caught.value.code == "file.timeout"
        assert "CPU 时间超过 1 秒" in caught.value.message
        assert_good(parse(single))  # a new worker takes over
        assert single.pids != first
    finally:
        single.shutdown()


def test_the_caller_survives_a_crash_in_a_thread(pool):
    errors: list[str] = []

    def crash() -> None:
        try:
            parse(pool, before=os.abort)
        except UnreadableFile as exc:
            errors.append(exc.code)

    thread = threading.Thread(target=crash)
    thread.start()
    thread.join(timeout=30)
    assert errors == ["file.corrupt"]


def test_typed_cells_and_issues_come_back_from_the_worker(pool):
    rows = (
        '<row r="5"><c r="E5"><v>30</v></c></row><row r="6"><c r="E6"><v>0.1</v></c></row>'
        '<row r="7"><c r="E7"><f>SUM(E5:E6)</f></c></row>'
        '<row r="8"><c r="E8" t="e"><f>E5/0</f><v>#DIV/0!</v></c></row>'
    )
    data = handmade.xlsx(rows, extra_parts={"xl/vbaProject.bin": b"\xcc"})
    grid = pool.parse(data, check_container(data, "表四.xlsm"))
    sheet = grid.sheets[0]
    assert sheet.get(7, 5) == Decimal("30.1")
    assert isinstance(sheet.get(8, 5), ErrorValue) and sheet.get(8, 5) == "#DIV/0!"
    assert [(i.code, i.cell) for i in sheet.issues] == [("formula.evaluated", "E7")]
    assert [i.code for i in grid.issues] == ["file.macros_ignored"]


def test_warm_starts_idle_workers():
    own = ParsePool(size=2)
    try:
        own.warm(2)
        started = own.pids
        assert len(started) == 2
        assert_good(parse(own))
        assert own.pids == started  # the file went to a warm worker
    finally:
        own.shutdown()


def test_a_worker_that_cannot_start_is_the_servers_error_not_the_files(monkeypatch):
    monkeypatch.setenv(worker.PYTHON_ENV, "/bin/false")
    broken = ParsePool(size=1)
    try:
        with pytest.raises(RuntimeError, match="did not start"):
            parse(broken)
    finally:
        broken.shutdown()


A1 = '<row r="1"><c r="A1"><v>1</v></c></row>'


@pytest.mark.parametrize(
    "far",
    [
        '<row r="1048576"><c r="xfd1048576"><v>1</v></c></row>',  # calamine reads lower case
        '<row r="1048576"><c r="Xfd1048576"><v>1</v></c></row>',
        '<row r="1048576"><c r="XFD01048576"><v>1</v></c></row>',  # and leading zeros
        '<row r="1048576"><c r="XFD1048576"><extLst/><v>1</v></c></row>',  # value not first
        '<row r="1048576"><c r="XFD1048576"><!-- x --><v>1</v></c></row>',
        '<row r="1048576">\n  <c r="XFD1048576">\n    <v>1</v>\n  </c>\n</row>',
        "<row r='1048576'><c t='n' r='XFD1048576'><v>1</v></c></row>",
        '<row r="1048576"><c s="0"/>' + "<c/>" * 16382 + "<c><v>1</v></c></row>",  # no r: counted
    ],
)
def test_variants_of_the_attack_file_are_refused_by_the_scan(pool, far):
    # run in the pool: should the scan miss one, calamine aborts a worker, not the test run
    with pytest.raises(UnreadableFile) as caught:
        parse(pool, handmade.xlsx(A1 + far))
    assert (caught.value.code, "16384 列" in caught.value.message) == ("file.range_too_large", True)


def test_worker_slots_are_served_first_come_first_served():
    """A slot given back goes to the longest waiter, not to the thread asking again at once."""
    slots = worker.FairSlots(1)
    order: list[str] = []
    slots.acquire("flooder")  # a flooder holds the only slot
    waiting = threading.Event()

    def other() -> None:
        waiting.set()
        with slots.held("other"):
            order.append("other")

    thread = threading.Thread(target=other)
    thread.start()
    waiting.wait(5)
    time.sleep(0.1)  # the other account is now queued
    slots.release("flooder")
    with slots.held("flooder"):  # the flooder asks again at once …
        order.append("flooder")
    thread.join(5)
    assert order == ["other", "flooder"]  # … and is served after the one who waited


def test_one_account_leaves_a_worker_for_the_others():
    slots = worker.FairSlots(2)
    slots.acquire("清远市")
    taken = threading.Event()

    def second_of_the_same_account() -> None:
        with slots.held("清远市"):
            taken.set()

    thread = threading.Thread(target=second_of_the_same_account)
    thread.start()
    assert not taken.wait(0.3)  # one account holds at most size - 1 workers …
    slots.acquire("韶关市")  # … so another account gets one at once
    slots.release("韶关市")
    slots.release("清远市")
    assert taken.wait(5)  # and the account's second parse runs when its first is done
    thread.join(5)


def test_a_workbook_comes_back_from_the_worker_value_for_value_and_type_for_type(pool):
    import datetime as dt
    import io

    from openpyxl import Workbook

    from budget_planner.validators.intake.extract import read_workbook

    book = Workbook()
    first = book.active
    first.title = "表四"
    first.append(["项目名称", "金额（万元）", "截止日期", "已完成", "备注"])
    first.append(["知识产权保护中心建设", 50, dt.date(2024, 3, 20), True, "５０万元"])
    first.append(["专利导航", 12.5, dt.datetime(2024, 6, 1, 9, 30), False, None])
    first["B4"] = "=SUM(B2:B3)"  # written without a cached result: evaluated to a Decimal
    first["C5"] = dt.time(8, 45)
    first["E6"] = "=VLOOKUP(A2,Z1:Z9,2)"  # cannot be evaluated: kept as a Formula
    hidden = book.create_sheet("说明")
    hidden.sheet_state = "hidden"
    hidden["A1"] = "单位：万元"
    hidden.merge_cells("A1:C1")
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()

    here = read_workbook(data, "表四.xlsx")
    there = pool.parse(data, check_container(data, "表四.xlsx"))
    assert there == here
    for mine, theirs in zip(here.sheets, there.sheets, strict=True):
        for line, other in zip(mine.values, theirs.values, strict=True):
            assert list(map(type, other)) == list(map(type, line))
    table = there.sheets[0]
    assert table.get(2, 5) == "５０万元" and table.get(4, 2) == Decimal("62.5")
    assert type(table.get(2, 4)) is bool and table.get(3, 2) == 12.5
    assert [(i.code, i.cell) for i in table.issues] == [
        ("formula.evaluated", "B4"),
        ("formula.no_cached_value", "E6"),
    ]
    assert there.sheets[1].visibility == "hidden" and there.sheets[1].merged == [(1, 1, 1, 3)]
