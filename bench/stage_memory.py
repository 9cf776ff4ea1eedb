"""One whole build from scratch, with each stage's wall time and peak memory, sampled as it runs.

    python bench/stage_memory.py --data /tmp/d1m --output /tmp/out1m [--project .]

Peak memory is sampled every 0.2 s from /proc: the build's own process (its RSS), and its whole process
tree (the chart-drawing workers and the Pagefind and frictionless processes with it), which is what a
machine with 2 GB has to hold. The children count with their proportional set sizes (PSS): a child just
forked, before it runs its own program, shares the parent's pages and does not count them twice. (The
build's own process counts with its RSS: reading its PSS walks all its page tables, which five times a
second would cost the build tens of seconds of system time.) Run it under ``/usr/bin/time -v`` for the CPU seconds of the children too.
Linux only (it reads /proc).
"""

from __future__ import annotations

import argparse
import os
import resource
import threading
import time
from pathlib import Path


def _proc_mb(path: str, field: str) -> int:
    """A size in kB from a /proc file's ``field:`` line, in MB (0 once the process is gone)."""
    try:
        with open(path) as lines:
            for line in lines:
                if line.startswith(field):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


def _rss_mb(pid: int) -> int:
    return _proc_mb(f"/proc/{pid}/status", "VmRSS:")


def _pss_mb(pid: int) -> int:
    return _proc_mb(f"/proc/{pid}/smaps_rollup", "Pss:")


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    todo += [int(child) for child in children.read().split()]
        except OSError:
            pass
    return found


class PeakMemory:
    """The highest RSS of this process and of its process tree since the last ``take()``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._main = self._tree = 0
        self._stopped = threading.Event()
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        me = os.getpid()
        while not self._stopped.wait(0.2):
            main = _rss_mb(me)
            tree = main + sum(_pss_mb(pid) for pid in _tree(me) if pid != me)
            with self._lock:
                self._main, self._tree = max(self._main, main), max(self._tree, tree)

    def take(self) -> tuple[int, int]:
        with self._lock:
            peaks, self._main, self._tree = (self._main, self._tree), 0, 0
        return peaks

    def stop(self) -> None:
        self._stopped.set()


def main() -> None:
    from generator.build import build

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="input data package (ontrack demo-data --out ...)")
    parser.add_argument("--output", type=Path, required=True, help="folder to build into")
    parser.add_argument("--project", type=Path, default=Path(__file__).resolve().parent.parent,
                        help="project whose content and templates are built (default: this repository)")
    args = parser.parse_args()
    peaks = PeakMemory()
    start, cpu = time.perf_counter(), os.times()

    def on_stage(stage: str, seconds: float) -> None:
        main_mb, tree_mb = peaks.take()
        print(f"{stage:<28} {seconds:7.1f} s   peak {main_mb:5d} MB (with workers, PSS {tree_mb:5d} MB)   "
              f"load {os.getloadavg()[0]:.1f}", flush=True)

    summary = build(args.project, args.output, args.data, on_stage=on_stage, use_cache=False)
    peaks.stop()
    now = os.times()
    print(f"wall {time.perf_counter() - start:.1f} s; CPU {now.user - cpu.user:.1f} user + {now.system - cpu.system:.1f}"
          f" system s in the build's process; peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB;"
          f" {summary.pages} pages, {summary.charts} charts, {summary.files} files")


if __name__ == "__main__":  # the chart workers are spawned: they import this file and must not build again
    main()
