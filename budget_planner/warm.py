"""The process tricks for speed, in one place (docs/architecture.md, "Performance").

- ``no_cyclic_gc()``: reading and checking a file makes hundreds of thousands of small acyclic
  objects (cells, fields, issues, frame values); the cyclic collector would rescan them over and over
  (~15 % at 50,000 rows), so it is paused while they are built. Reference counting still frees them.
  ``age_survivors`` then moves what is left alive straight to the oldest generation without a scan
  (else the first collection afterwards walks all of it, ~0.2 s at 50,000 rows); garbage cycles moved
  along go at the next full collection. Skipped when the process froze objects itself.
- ``load_in_background()``: a heavy import (pandas and pandera, ~0.5 s) started on the other core
  while the parse workers read the files. Only a head start: a failure is left to the real use,
  which reports it.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def no_cyclic_gc(*, age_survivors: bool = False) -> Iterator[None]:
    """The cyclic garbage collector paused for the block (as it was before, afterwards)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            if age_survivors and gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def load_in_background(load: Callable[[], object], name: str) -> threading.Thread:
    """Run ``load`` in a daemon thread, its exceptions swallowed; join it before relying on it."""

    def run() -> None:
        try:
            load()
        except Exception:  # a head start only: the real use meets (and reports) the failure
            return

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    return thread
