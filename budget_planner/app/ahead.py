"""A whole round at once: the files parsed ahead in the guarded workers, validation loaded meanwhile.

``aggregate`` reads a folder of files that are all known up front. Sent one by one, each file would
wait for the one before it, and the schema library would load only after the last. Instead every
file goes to the parse worker pool (docs/architecture.md: the same gate, limits and reused workers) from as
many threads as the pool has workers, in the order validation will ask for them, and a thread loads
pandas and pandera — and runs one tiny schema validation, which loads the rest — while the workers
parse. Validation itself runs unchanged (``validate_uploads``), handed the grids through its
``parse`` argument.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from budget_planner.validators.intake.grid import WorkbookGrid
from budget_planner.warm import load_in_background

Parse = Callable[[bytes, str], WorkbookGrid]


class ParseAhead:
    """Parses submitted files in background threads, first come first served; called as
    ``parse(data, name)`` it hands back the grid of that very ``data`` (or raises its exception),
    and parses anything it was not given in place.

    ``start(n)`` runs up to ``n`` threads (each keeps one parse worker busy): one while this
    process loads validation, as many as the pool has workers once it has. With an explicit
    ``parse`` (tests parse in-process), nothing is parsed ahead unless ``ahead`` says so."""

    def __init__(self, parse: Parse | None = None, *, ahead: bool | None = None) -> None:
        self._ahead = parse is None if ahead is None else ahead
        if parse is None:
            from budget_planner.validators.intake.worker import parse_workbook

            parse = parse_workbook
        self._parse: Parse = parse
        self._lock = threading.Lock()
        self._queue: deque[tuple[bytes, str, Future[WorkbookGrid]]] = deque()
        self._futures: dict[int, deque[tuple[bytes, Future[WorkbookGrid]]]] = {}
        self._wanted = 0  # threads asked for
        self._running = 0  # threads draining the queue now
        self._closed = False

    def submit(self, data: bytes, name: str) -> None:
        if not self._ahead:
            return
        future: Future[WorkbookGrid] = Future()
        self._futures.setdefault(id(data), deque()).append((data, future))
        with self._lock:
            self._queue.append((data, name, future))
            self._spawn()

    def start(self, threads: int | None = None) -> None:
        """Run up to ``threads`` parsing threads (default: one per worker of the pool)."""
        if not self._ahead:
            return
        if threads is None:
            from budget_planner.validators.intake.worker import default_pool

            threads = default_pool().size
        with self._lock:
            self._wanted = max(self._wanted, threads)
            self._spawn()

    def _spawn(self) -> None:
        """Start threads up to the number wanted and the files waiting (under the lock)."""
        while not self._closed and self._running < min(self._wanted, len(self._queue)):
            self._running += 1
            threading.Thread(target=self._drain, name="bp-parse-ahead", daemon=True).start()

    def _drain(self) -> None:
        while True:
            with self._lock:
                if self._closed or not self._queue:
                    self._running -= 1
                    return
                data, name, future = self._queue.popleft()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(self._parse(data, name))
            except BaseException as exc:  # handed to the caller, who asks for this file
                future.set_exception(exc)

    def __call__(self, data: bytes, name: str) -> WorkbookGrid:
        waiting = self._futures.get(id(data))
        if waiting and waiting[0][0] is data:
            _, future = waiting.popleft()
            self.start(1)  # at least one thread, or this would wait for ever
            return future.result()
        return self._parse(data, name)

    def counting(self, progress: Callable[[int], Any] | None) -> Parse:
        """This parse, calling ``progress(1)`` as each file's grid is handed over."""
        if progress is None:
            return self

        def parse(data: bytes, name: str) -> WorkbookGrid:
            try:
                return self(data, name)
            finally:
                progress(1)

        return parse

    def close(self) -> None:
        """Drop what was not asked for (an error stopped the batch); parses under way finish."""
        with self._lock:
            self._closed = True
            dropped, self._queue = self._queue, deque()
        for _, _, future in dropped:
            future.cancel()
        self._futures.clear()

    def __enter__(self) -> ParseAhead:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _load_validation_and_writer() -> None:
    from budget_planner.validators.check.pipeline import load_validation

    load_validation()
    import budget_planner.export.consolidated  # noqa: F401  (xlsxwriter, for what follows)


def warm_validation() -> threading.Thread:
    """Load pandas and pandera (and build the schemas), then the workbook writer, in a thread
    (``budget_planner.warm``); join it before validating."""
    return load_in_background(_load_validation_and_writer, "bp-load-validation")
