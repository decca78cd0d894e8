"""Parsing in guarded worker processes: a memory limit, a time limit, and a pool that survives them.

The time limit is CPU time counted per file (docs/architecture.md): ``cpu_budget`` gives a file 10 s plus 2 s
per MB of the worker's CPU. A reused worker's RLIMIT_CPU counts everything it ever did, so before
each file the worker sets its soft limit to the CPU it has used so far plus that file's budget; a
file going over is killed by the kernel (SIGXCPU) and gets ``file.timeout``. A busy machine only
slows the wall clock, so it never refuses a good file. A wall-clock backstop (60 s, or 1.5× the CPU
budget when longer; ``BUDGET_PLANNER_PARSE_TIMEOUT`` sets it in seconds) catches a worker that is
stuck without using CPU.

Workers are handed out first come, first served, and one owner (an account: ``owned_by``) holds at
most all of them but one while its parses run, so one account uploading without pause cannot keep
another account's file waiting for more than one parse.

python-calamine aborts the whole process (SIGABRT) on some hostile files and openpyxl can grow to
gigabytes, so the parsers run in a small pool of reused worker processes, each with RLIMIT_AS set.
The container gate runs here in the caller's process (cheap, standard library only); only a file
that passed it is sent to a worker. A worker that dies, runs out of memory or overruns its time is
killed and replaced, and that one file gets an UnreadableFile; the caller's process never dies.

A worker is a fresh interpreter (``python -c``, started with ``subprocess``: no fork of the threaded
web server, no re-import of its main module) talking over a pair of pipes of 1 MB. A grid comes
back packed (``crossing.py``): a small pickled header, then its cell values as one marshal blob.
The pool is created lazily, reused, safe to call from several threads, and closed by
``shutdown()`` (or at exit).
``BUDGET_PLANNER_INPROCESS=1`` (or ``inprocess=True``) parses in the calling process instead, for tests
and benchmarks.
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import contextvars
import fcntl
import math
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from budget_planner.errors import UnreadableFile
from budget_planner.validators.intake.crossing import pack, unpack
from budget_planner.validators.intake.gate import DEFAULT_LIMITS, Container, Limits, check_container
from budget_planner.validators.intake.grid import WorkbookGrid
from budget_planner.validators.report.codes import message
from budget_planner.validators.report.issues import unreadable
from budget_planner.warm import no_cyclic_gc

OUT_OF_MEMORY = message("file.corrupt", "out_of_memory")  # made before memory runs short

MB = 1024 * 1024
MEMORY_LIMIT = 1024 * MB  # RLIMIT_AS of a worker
BASE_CPU = 10.0  # CPU seconds for a file …
CPU_PER_MB = 2.0  # … plus this much per MB uploaded
WALL_CLOCK_BACKSTOP = 60.0  # seconds: a worker stuck without using CPU
INPROCESS_ENV = "BUDGET_PLANNER_INPROCESS"
PYTHON_ENV = "BUDGET_PLANNER_PYTHON"  # the interpreter for workers, when sys.executable is not one
TIMEOUT_ENV = "BUDGET_PLANNER_PARSE_TIMEOUT"  # the wall-clock backstop in seconds, for every file
STARTUP_TIMEOUT = 60.0
PIPE_SIZE = 1024 * 1024  # bytes a pipe to or from a worker holds (the Linux default maximum)
WARM_SOON_SIZE = 256 * 1024  # from this upload size on, the first worker starts during the gate
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[3])
_START = "import sys; from budget_planner.validators.intake.worker import serve; serve(*map(int, sys.argv[1:]))"


def cpu_budget(size: int) -> float:
    """The CPU seconds a file of ``size`` bytes may take: 10 s plus 2 s per MB."""
    return BASE_CPU + CPU_PER_MB * size / MB


def timeout_for(size: int) -> float:
    """The wall-clock backstop for a file of ``size`` bytes: 60 s, or 1.5× its CPU budget when
    that is longer, unless the operator set ``BUDGET_PLANNER_PARSE_TIMEOUT`` (seconds)."""
    fixed = os.environ.get(TIMEOUT_ENV, "").strip()
    if fixed:
        try:
            return max(float(fixed), 0.1)
        except ValueError:
            pass
    return max(WALL_CLOCK_BACKSTOP, 1.5 * cpu_budget(size))


def cpu_limit(budget: float, clock: Callable[[], float] = time.process_time) -> int:
    """The soft RLIMIT_CPU that gives the next file ``budget`` CPU seconds: what the process has
    used so far (``clock``) plus the budget, rounded up (the limit counts whole seconds and the
    whole life of the process, not the file)."""
    return math.ceil(clock() + budget)


def _arm_cpu_limit(budget: float, clock: Callable[[], float] = time.process_time) -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = cpu_limit(budget, clock)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _timed_out(seconds: float, cpu: bool = False) -> UnreadableFile:
    return unreadable("file.timeout", "cpu" if cpu else None, seconds=seconds)


def serve(read_fd: int, write_fd: int, memory_limit: int) -> None:
    """A worker's life: set the memory limit, then parse file after file until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's business
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # an aborting parser leaves no core file
    if memory_limit:
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    # the spreadsheet readers load before the first file; python-docx and lxml (~0.07 s) only with
    # the first Word file, since most uploads are workbooks
    import budget_planner.validators.intake.extract.xlsx  # noqa: F401
    from budget_planner.validators.intake.extract import extract

    conn = _Duplex(read_fd, write_fd)
    conn.send(("ready", os.getpid()))

    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:  # told to stop: nothing to flush or free, and the parent is waiting
            os._exit(0)
        data, container, limits, before, budget = task
        if budget is not None:
            _arm_cpu_limit(budget)  # this file's CPU, whatever earlier files used
        # a grid is hundreds of thousands of small acyclic objects: no cyclic collection while it
        # is built and packed (the grid is freed by reference counting once sent)
        blob = b""
        with no_cyclic_gc():
            try:
                if before is not None:
                    before()  # a test hook (a crash, a stall)
                packed, blob = pack(extract(data, container, limits))
                reply: tuple[Any, ...] = ("ok", packed)
            except UnreadableFile as exc:
                reply = ("unreadable", exc.code, exc.message)
            except MemoryError:
                reply = ("unreadable", "file.corrupt", OUT_OF_MEMORY, "retire")
            del data, task
            try:
                conn.send(reply)  # the header; an "ok" is followed by the values (crossing.py)
            except MemoryError:
                conn.send(("unreadable", "file.corrupt", OUT_OF_MEMORY, "retire"))
            else:
                if reply[0] == "ok":
                    conn.send_bytes(blob)
        if reply[-1] == "retire":  # after a MemoryError the process is not to be trusted
            return
        del reply, blob  # the grid sent: not kept alive while the worker waits


class _Duplex:
    """Two one-way pipes used as one connection (pickled messages, length-prefixed)."""

    def __init__(self, read_fd: int, write_fd: int) -> None:
        self.reader = Connection(read_fd, writable=False)
        self.writer = Connection(write_fd, readable=False)

    def send(self, obj: object) -> None:
        self.writer.send(obj)

    def recv(self) -> Any:
        return self.reader.recv()

    def send_bytes(self, data: bytes) -> None:
        self.writer.send_bytes(data)

    def recv_bytes(self) -> bytes:
        return self.reader.recv_bytes()

    def poll(self, timeout: float) -> bool:
        return self.reader.poll(timeout)

    @property
    def closed(self) -> bool:
        return self.reader.closed or self.writer.closed

    def close(self) -> None:
        self.reader.close()
        self.writer.close()


def _widen(fd: int) -> None:
    """A pipe that holds up to 1 MB (Linux; 64 KB is the default): a file's bytes and its packed
    grid (tens of MB for a large return) cross in a few dozen reads, not in a thousand round trips."""
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None)  # Linux only
    if set_size is not None:
        with contextlib.suppress(OSError):  # over /proc/sys/fs/pipe-max-size: the default stays
            fcntl.fcntl(fd, set_size, PIPE_SIZE)


class _Worker:
    def __init__(self, memory_limit: int) -> None:
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        _widen(to_child_w)
        _widen(from_child_w)
        env = {**os.environ, "RUST_BACKTRACE": "0"}  # a parser abort prints one line, not a trace
        # the worker imports this same budget_planner, installed or not
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [_PACKAGE_ROOT, env.get("PYTHONPATH")]))
        args = [str(to_child_r), str(from_child_w), str(memory_limit)]
        try:
            self.process = subprocess.Popen(
                [os.environ.get(PYTHON_ENV) or sys.executable, "-P", "-c", _START, *args],
                pass_fds=(to_child_r, from_child_w),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                env=env,
            )
        except BaseException:
            os.close(to_child_w)
            os.close(from_child_r)
            raise
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        self.conn = _Duplex(from_child_r, to_child_w)
        try:
            ready = self.conn.poll(STARTUP_TIMEOUT) and self.conn.recv()[0] == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:  # the server's problem, not the file's: do not blame the upload
            self.kill()
            raise RuntimeError(f"the parse worker did not start (exit code {self.process.poll()})")

    def run(self, task: tuple, timeout: float) -> WorkbookGrid:
        try:
            self.conn.send(task)
            ready = self.conn.poll(timeout)
            reply = self.conn.recv() if ready else None
            blob = self.conn.recv_bytes() if reply is not None and reply[0] == "ok" else b""
        except (EOFError, OSError) as exc:  # the worker died (SIGABRT, SIGKILL, out of memory)
            self.kill()
            if self.process.returncode == -signal.SIGXCPU:  # over this file's CPU budget
                raise _timed_out(task[-1] or 0, cpu=True) from exc
            raise unreadable("file.corrupt", "parser_died") from exc
        if reply is None:
            self.kill()
            raise _timed_out(timeout)
        if reply[0] == "ok":
            return unpack(reply[1], blob)
        if reply[-1] == "retire":
            self.kill()
        raise UnreadableFile(reply[1], reply[2])

    @property
    def alive(self) -> bool:
        return self.process.poll() is None and not self.conn.closed

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        self.conn.close()

    def stop(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.conn.send(None)
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.kill()
        self.conn.close()


class FairSlots:
    """At most ``size`` holders, served first come, first served, and one owner (an account, see
    ``owned_by``) never holding more than ``size - 1`` at once (all of them in a pool of one): a
    slot given back goes to the longest waiter that may take it, never to the thread that gave it
    back and asks again at once (a semaphore lets that thread barge in), and one account sending
    upload after upload always leaves a worker for everyone else. Parses with no owner (the
    command line, tests) are not capped."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._free = size
        self._held: collections.Counter[object] = collections.Counter()
        self._lock = threading.Lock()
        self._waiting: collections.deque[tuple[object, threading.Event]] = collections.deque()

    def _may_take(self, owner: object) -> bool:
        return owner is None or self.size == 1 or self._held[owner] < self.size - 1

    def _grant(self) -> None:
        for entry in list(self._waiting):
            if not self._free:
                return
            owner, turn = entry
            if self._may_take(owner):
                self._waiting.remove(entry)
                self._free -= 1
                self._held[owner] += 1
                turn.set()

    def acquire(self, owner: object = None) -> None:
        turn = threading.Event()
        with self._lock:
            self._waiting.append((owner, turn))
            self._grant()
        turn.wait()

    def release(self, owner: object = None) -> None:
        with self._lock:
            self._free += 1
            self._held[owner] -= 1
            if self._held[owner] <= 0:
                del self._held[owner]
            self._grant()

    @contextlib.contextmanager
    def held(self, owner: object = None) -> Iterator[None]:
        self.acquire(owner)
        try:
            yield
        finally:
            self.release(owner)


_owner: contextvars.ContextVar[object] = contextvars.ContextVar("parse_owner", default=None)


@contextlib.contextmanager
def owned_by(owner: object) -> Iterator[None]:
    """Parses started in this context belong to ``owner`` (the web passes the account)."""
    token = _owner.set(owner)
    try:
        yield
    finally:
        _owner.reset(token)


class ParsePool:
    """At most ``size`` workers, started on demand and reused; thread-safe."""

    def __init__(self, size: int | None = None, memory_limit: int = MEMORY_LIMIT) -> None:
        self.size = size or min(4, os.cpu_count() or 1)
        self.memory_limit = memory_limit
        self._slots = FairSlots(self.size)
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._closed = False

    def _take(self) -> _Worker:
        with self._lock:
            if self._closed:
                raise RuntimeError("the parse pool has been shut down")
            while self._idle:
                worker = self._idle.pop()
                if worker.alive:
                    self._busy.add(worker)
                    return worker
                worker.kill()
        worker = _Worker(self.memory_limit)
        with self._lock:
            self._busy.add(worker)
        return worker

    def _give_back(self, worker: _Worker) -> None:
        with self._lock:
            self._busy.discard(worker)
            if worker.alive and not self._closed:
                self._idle.append(worker)
                return
        worker.stop()

    def parse(
        self,
        data: bytes,
        container: Container,
        limits: Limits = DEFAULT_LIMITS,
        timeout: float | None = None,
        before: Callable[[], object] | None = None,
        cpu: float | None = None,
    ) -> WorkbookGrid:
        """Extract a file that passed the gate in a worker, within ``cpu`` CPU seconds (default
        ``cpu_budget``) and the wall-clock ``timeout`` (default ``timeout_for``); ``before`` is a
        test hook run first."""
        seconds = timeout if timeout is not None else timeout_for(len(data))
        budget = cpu if cpu is not None else cpu_budget(len(data))
        with self._slots.held(_owner.get()):
            worker = self._take()
            try:
                return worker.run((data, container, limits, before, budget), seconds)
            finally:
                self._give_back(worker)

    def warm(self, count: int = 1) -> None:
        """Start up to ``count`` idle workers now (a web server does this at start-up)."""
        with self._lock:
            missing = min(count, self.size) - len(self._idle) - len(self._busy)
        for _ in range(max(missing, 0)):
            worker = _Worker(self.memory_limit)
            with self._lock:
                if self._closed:
                    worker.stop()
                    return
                self._idle.append(worker)

    def warm_soon(self) -> threading.Thread | None:
        """Start one worker in a thread when none is there yet (join it before ``parse``): a
        fresh worker's start-up (~0.2 s) then overlaps the caller's gate."""
        with self._lock:
            if self._idle or self._busy or self._closed:
                return None

        def start() -> None:
            with contextlib.suppress(Exception):  # parse starts its own and says what failed
                self.warm(1)

        thread = threading.Thread(target=start, name="start-parse-worker", daemon=True)
        thread.start()
        return thread

    def shutdown(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.stop()

    @property
    def pids(self) -> list[int]:
        """The process ids of the live workers (for tests and monitoring)."""
        with self._lock:
            return sorted(w.process.pid for w in [*self._idle, *self._busy] if w.alive)


_pool: ParsePool | None = None
_pool_lock = threading.Lock()


def default_pool() -> ParsePool:
    """The process-wide pool, created on first use (and again after ``shutdown()``)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ParsePool()
        return _pool


atexit.register(lambda: shutdown())


def shutdown() -> None:
    """Stop the default pool's workers (a later parse starts a new pool)."""
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown()


def parse_workbook(
    data: bytes,
    name: str,
    *,
    timeout: float | None = None,
    limits: Limits = DEFAULT_LIMITS,
    inprocess: bool | None = None,
) -> WorkbookGrid:
    """Gate the file here, then extract it in a worker (or in this process when asked to)."""
    if inprocess is None:
        inprocess = os.environ.get(INPROCESS_ENV, "") not in ("", "0")
    if inprocess:
        from budget_planner.validators.intake.extract import extract

        # in one process the gate scans the sheets as it inflates them; the web process does not
        # (a hostile sheet's scan belongs in the worker, under its limits)
        return extract(data, check_container(data, name, limits, keep_sheets=True), limits)
    # a large zip takes the gate a while to inflate: start the first worker meanwhile (no file is
    # sent to it before the gate passes; a small or non-zip upload starts none)
    big = len(data) >= WARM_SOON_SIZE and data[:2] == b"PK"
    starting = default_pool().warm_soon() if big else None
    try:
        container = check_container(data, name, limits)
    finally:
        if starting is not None:
            starting.join()
    return default_pool().parse(data, container, limits, timeout)
