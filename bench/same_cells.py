"""Check that a change to the data stages leaves every cell exactly as it was.

    python bench/same_cells.py save    SNAPSHOT [--data D] [--project P]   before the change
    python bench/same_cells.py compare SNAPSHOT [--data D] [--project P]   after it; exit 1 on any difference

``save`` writes the unrounded indicator cells (``compute_indicators``) and the
published cells (``apply_disclosure``: values, rounded bases, flags and
suppression reasons) of an input as Parquet; ``compare`` computes them again
and requires the same rows in the same order with the same values, bit for bit
(NaN equal to NaN). Speeding up the aggregation or the suppression must not
move a single published figure.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))  # the repository's generator package, also when not installed


def current_tables(project: Path, data: Path | None) -> dict[str, pd.DataFrame]:
    """The indicator cells and the published cells of an input, computed as the build computes them."""
    from generator.build import load_inputs
    from generator.disclosure import apply_disclosure
    from generator.indicators import compute_indicators

    started = time.perf_counter()
    inputs = load_inputs(project, data)
    loaded = time.perf_counter()
    cells = compute_indicators(inputs.package.graduates, inputs.package.programmes,
                               inputs.config.indicators.pooled_cohorts)
    aggregated = time.perf_counter()
    safe, report = apply_disclosure(cells, inputs.config.disclosure)
    done = time.perf_counter()
    print(f"load {loaded - started:.1f} s, aggregate {aggregated - loaded:.1f} s, disclose {done - aggregated:.1f} s; "
          f"{len(cells.cells):,} cells", file=sys.stderr)
    meta = pd.DataFrame({"cohorts": [",".join(map(str, cells.cohorts))], "pooled_label": [cells.pooled_label],
                         "months": [",".join(map(str, cells.months))]})
    tables = {"indicators": cells.cells, "safe": safe.cells, "report": report.counts}
    # The dtypes in memory too: Parquet gives back the same strings whether they were objects or str.
    dtypes = pd.DataFrame([(name, column, str(dtype)) for name, table in tables.items()
                           for column, dtype in table.dtypes.items()], columns=["table", "column", "dtype"])
    return {**tables, "meta": meta, "dtypes": dtypes}


def differences(old: pd.DataFrame, new: pd.DataFrame) -> list[str]:
    """What differs between two tables, column by column; empty when they are the same."""
    if list(old.columns) != list(new.columns):
        return [f"columns differ: {list(old.columns)} != {list(new.columns)}"]
    if len(old) != len(new):
        return [f"{len(old):,} rows before, {len(new):,} now"]
    found = []
    for column in old.columns:
        a, b = old[column], new[column]
        if a.dtype.kind == "f" or b.dtype.kind == "f":
            x, y = a.to_numpy(dtype="float64", na_value=np.nan), b.to_numpy(dtype="float64", na_value=np.nan)
            same = (x == y) | (np.isnan(x) & np.isnan(y))
        else:
            # As text, with missing as a marker no value can have, so that NA equals NA.
            x, y = (c.astype("string").fillna("\x00NA").to_numpy(dtype=object) for c in (a, b))
            same = x == y
        if not same.all():
            first = int(np.flatnonzero(~same)[0])
            found.append(f"{column}: {int((~same).sum()):,} rows differ, first at row {first}: "
                         f"{x[first]!r} before, {y[first]!r} now")
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["save", "compare"])
    parser.add_argument("snapshot", type=Path, help="folder of the saved Parquet files")
    parser.add_argument("--project", type=Path, default=BENCH.parent)
    parser.add_argument("--data", type=Path, help="input data package (default: the project's)")
    args = parser.parse_args(argv)
    tables = current_tables(args.project.resolve(), args.data)
    if args.action == "save":
        args.snapshot.mkdir(parents=True, exist_ok=True)
        for name, table in tables.items():
            table.to_parquet(args.snapshot / f"{name}.parquet")
        print(f"saved {', '.join(tables)} into {args.snapshot}")
        return
    problems = []
    for name, table in tables.items():
        saved = pd.read_parquet(args.snapshot / f"{name}.parquet")
        # Compare through a Parquet round trip, so that both sides have the dtypes Parquet gives back.
        problems += [f"{name}: {d}" for d in differences(saved, _round_trip(table))]
    for line in problems:
        print(line)
    if problems:
        raise SystemExit(1)
    print(f"same cells as {args.snapshot}: {', '.join(f'{n} {len(t):,} rows' for n, t in tables.items())}")


def _round_trip(table: pd.DataFrame) -> pd.DataFrame:
    import io

    buffer = io.BytesIO()
    table.to_parquet(buffer)
    buffer.seek(0)
    return pd.read_parquet(buffer)


if __name__ == "__main__":
    main()
