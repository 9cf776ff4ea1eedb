"""Measuring one process: wall time, CPU time and peak memory from ``os.wait4``."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def say(message: str) -> None:
    """A progress line with the time of day."""
    print(f"[{dt.datetime.now():%H:%M:%S}] {message}", flush=True)


@dataclass
class Run:
    """One process: what it said about its own steps, and what the kernel says about it."""

    wall: float
    cpu: float
    peak_mb: float
    result: dict


class ProbeFailed(RuntimeError):
    pass


def measure(command: list[str], log: Path, env: dict | None = None) -> Run:
    """Run ``command`` in a fresh process; wall time, CPU and peak memory from ``wait4``."""
    log.parent.mkdir(parents=True, exist_ok=True)
    out_path = log.with_suffix(".out")
    with out_path.open("w") as out, log.open("w") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, cwd=REPO, env=env)
        # wait4 and not Popen.wait: it also gives this child's resource usage, children included.
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
    text = out_path.read_text()
    if process.returncode != 0:
        raise ProbeFailed(f"{' '.join(command)} exited {process.returncode}; see {log}\n{log.read_text()[-3000:]}")
    lines = [line for line in text.splitlines() if line.startswith("{")]
    result = json.loads(lines[-1]) if lines else {}
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, result)


