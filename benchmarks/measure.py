"""Measuring whole processes: wall time and the peak memory of the process tree.

A sampler thread follows the process and its descendants (found by their parent pid in ``/proc``)
and adds up their resident memory; each process's own high-water mark (``VmHWM``) bounds the figure
from below, so a peak between two samples is not lost for any single process. The sampler is cheap (a ``/proc`` scan every 200 ms, the known processes'
``status`` every 20 ms) so it does not disturb the figure it measures on a two-core machine.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SAMPLE = 0.02
SCAN_EVERY = 10  # samples between two scans of /proc for new descendants


@dataclass(frozen=True)
class Sample:
    seconds: float
    peak_kb: int  # peak resident memory of the whole process tree
    returncode: int


def _children_of(pids: set[int]) -> set[int]:
    """Every process whose ancestry (through ``pids``) reaches one of ``pids``."""
    parent: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        parent[int(entry)] = int(stat[stat.rfind(b")") + 2 :].split()[1])
    tree = set(pids)
    grew = True
    while grew:
        grew = False
        for pid, ppid in parent.items():
            if ppid in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return tree


def _memory(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) in KB; zeros once the process is gone."""
    rss = hwm = 0
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith(b"VmHWM:"):
                    hwm = int(line.split()[1])
    except (OSError, ValueError):
        pass
    return rss, hwm


class TreeSampler(threading.Thread):
    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.tree = {root}
        self.peak_sum = 0
        self.hwm: dict[int, int] = {}
        self.done = threading.Event()

    def run(self) -> None:
        n = 0
        while not self.done.is_set():
            if n % SCAN_EVERY == 0:
                self.tree = _children_of(self.tree)
            total = 0
            for pid in list(self.tree):
                rss, hwm = _memory(pid)
                total += rss
                self.hwm[pid] = max(self.hwm.get(pid, 0), hwm)
            self.peak_sum = max(self.peak_sum, total)
            n += 1
            self.done.wait(SAMPLE)

    @property
    def peak(self) -> int:
        return max(self.peak_sum, max(self.hwm.values(), default=0))


def run_process(
    cmd: list[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 600,
) -> Sample:
    """Run ``cmd`` to its end (output discarded); its wall time and its tree's peak memory."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd
    )
    sampler = TreeSampler(proc.pid)
    sampler.start()
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise
    seconds = time.perf_counter() - start
    sampler.done.set()
    sampler.join()
    if proc.returncode not in (0, 1):  # 1: the file has errors, still a complete run
        lines = err.decode("utf-8", "replace").strip().splitlines() or ["(no message)"]
        raise RuntimeError(f"exit code {proc.returncode}: {lines[-1].strip()}")
    return Sample(seconds, sampler.peak, proc.returncode)
