"""Where a profiled probe spent its time: ``python bench/profile_top.py bench/results/profile-build-1M.prof [N]``.

Prints the N functions with the most cumulative time, and the N with the most
time of their own, from a cProfile file written by ``bench/run.py --profile``
(or ``bench/probes.py ... --profile FILE``).
"""

from __future__ import annotations

import pstats
import sys


def main(argv: list[str]) -> None:
    path, count = argv[0], int(argv[1]) if len(argv) > 1 else 25
    stats = pstats.Stats(path)
    stats.strip_dirs()
    print(f"== {path}: by cumulative time ==")
    stats.sort_stats("cumulative").print_stats(count)
    print(f"== {path}: by own time ==")
    stats.sort_stats("tottime").print_stats(count)


if __name__ == "__main__":
    main(sys.argv[1:])
