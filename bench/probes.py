"""The measured workloads. Each runs in a fresh process started by ``bench/run.py``.

    python bench/probes.py data   --project P --data D        ontrack load_inputs, compute_indicators, apply_disclosure
    python bench/probes.py duckdb --data D [--threads N]      DuckDB: load the CSV files, then the same aggregation
    python bench/probes.py build  --project P --data D --output O [--cold]
                                                              a whole ontrack build (what `ontrack build` runs)
    python bench/probes.py pages  --project P --data D        ontrack renders the programme pages, charts off
    python bench/probes.py verify --project P --data D        DuckDB's cells equal ontrack's (a correctness check)

Each prints one JSON object on its last line of standard output: seconds per
step, measured inside the process with ``time.perf_counter``. The parent
measures the wall time and peak memory of the whole process.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import shutil
import sys
import time
from contextlib import contextmanager
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))  # the repository's generator package, also when not installed


class Steps:
    """Wall-clock and CPU seconds of each named step, in order.

    CPU time (``time.process_time``: this process, all its threads) is much less
    disturbed than wall time when other jobs share the machine.
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    @contextmanager
    def step(self, name: str):
        started, cpu = time.perf_counter(), time.process_time()
        yield
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started
        self.cpu[name] = self.cpu.get(name, 0.0) + time.process_time() - cpu

    def result(self, **more) -> dict:
        return {"steps": self.seconds, "cpu": self.cpu, **more}


@contextmanager
def profiled(path: str | None):
    """cProfile the block into ``path`` (pstats format) when a path is given."""
    if not path:
        yield
        return
    profile = cProfile.Profile()
    profile.enable()
    try:
        yield
    finally:
        profile.disable()
        profile.dump_stats(path)


def probe_data(args) -> dict:
    """ontrack's data stages, called as generator.build.build calls them."""
    from generator.build import load_inputs
    from generator.disclosure import apply_disclosure
    from generator.indicators import compute_indicators

    steps = Steps()
    with profiled(args.profile):
        with steps.step("load and validate"):
            inputs = load_inputs(Path(args.project), Path(args.data))
        with steps.step("aggregate"):
            cells = compute_indicators(inputs.package.graduates, inputs.package.programmes,
                                       inputs.config.indicators.pooled_cohorts)
        with steps.step("disclose"):
            safe, _report = apply_disclosure(cells, inputs.config.disclosure)
    return steps.result(records=len(inputs.package.graduates), cells=len(safe))


def probe_duckdb(args) -> dict:
    """DuckDB loads the same CSV files into tables, then runs the aggregation and hands it to pandas."""
    import duckdb

    from duckdb_floor import aggregation_sql, load_sql

    steps = Steps()
    con = duckdb.connect(config={"threads": args.threads} if args.threads else {})
    with steps.step("load"):
        for statement in load_sql(Path(args.data)):
            con.execute(statement)
    with steps.step("aggregate"):
        result = con.execute(aggregation_sql()).df()
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    return steps.result(rows=len(result), threads=int(threads), duckdb=duckdb.__version__)


def probe_build(args) -> dict:
    """A whole build, as `ontrack build PROJECT --output O --data D` runs it; --cold empties the chart cache first.

    The stage times are the build's own (``BuildSummary.timings``); the stage
    clock is swapped for one that also notes this process's CPU time per stage.
    """
    import generator.build as build_module

    class CpuStageClock(build_module.StageClock):
        cpu: dict[str, float] = {}

        def __init__(self, *args, **kwargs) -> None:  # whatever the build's own clock takes, passed on
            super().__init__(*args, **kwargs)
            self._cpu = time.process_time()

        def done(self, stage: str) -> None:
            super().done(stage)
            now = time.process_time()
            CpuStageClock.cpu[stage] = CpuStageClock.cpu.get(stage, 0.0) + now - self._cpu
            self._cpu = now

    build_module.StageClock = CpuStageClock
    project = Path(args.project)
    if args.cold:
        shutil.rmtree(project / build_module.CACHE_FOLDER, ignore_errors=True)
    if args.reports_cold:  # only the quality reports are laid out again; the rest of the build is a warm one
        shutil.rmtree(project / build_module.CACHE_FOLDER / "reports", ignore_errors=True)
    with profiled(args.profile):
        summary = build_module.build(project, Path(args.output), Path(args.data),
                                     reports=args.reports or args.reports_cold)
    return {"steps": dict(summary.timings), "cpu": CpuStageClock.cpu, "pages": summary.pages,
            "files": summary.files, "packages": summary.packages,
            "reports": {"made": summary.cache_misses.get("reports", 0), "cached": summary.cache_hits.get("reports", 0)}}


#: Replaces the site's chart partial, so that a page with no charts renders without them.
NO_CHART = "{% macro chart_figure(c) -%}{%- endmacro %}"


class _SiteModel(Exception):
    """Carries the site model out of generator.build.build, which stops there."""

    def __init__(self, site):
        super().__init__("site model made")
        self.site = site


#: Work of the build that no programme page shows, skipped to keep the set-up short at 5,000 programmes:
#: (module, attribute, stand-in). The pages' HTML does not depend on these bytes.
SKIPPED_FOR_PAGES = (
    ("generator.publish.release", "indicator_workbook", lambda *args, **kwargs: b""),  # the Excel download
    ("generator.build", "programme_csvs", lambda *args, **kwargs: {}),                    # each page's CSV download
)


def programme_site(project: Path, data: Path, scratch: Path):
    """The site model of a demo input, made by generator.build.build itself (setup, not measured).

    The build runs as ``ontrack build`` runs it up to the site model; its render
    stage is swapped for one that hands the model back, so nothing is rendered
    or written and the harness follows the pipeline as it changes. Returns the
    site and the names of the skipped steps (``SKIPPED_FOR_PAGES``) that exist today.
    """
    import importlib

    import generator.build as build_module
    from generator.build import build

    skipped = []
    for module_name, attribute, stand_in in SKIPPED_FOR_PAGES:
        owner = importlib.import_module(module_name)
        *path, name = attribute.split(".")
        for part in path:
            owner = getattr(owner, part, None)
        if owner is not None and hasattr(owner, name):
            setattr(owner, name, stand_in)
            skipped.append(f"{module_name}.{attribute}")

    def capture(site, *args, **kwargs):
        raise _SiteModel(site)

    build_module.render_site = capture
    try:
        build(project, scratch, data)
    except _SiteModel as made:
        return made.site, skipped
    raise RuntimeError("generator.build.build did not call render_site")


def probe_pages(args) -> dict:
    """Render every programme page with the site's templates and no charts; optionally write them out."""
    import jinja2

    from generator.model import NAV
    from generator.render import render_page, template_environment

    steps = Steps()
    project = Path(args.project)
    with steps.step("setup: load, disclose, publish, site model"):
        site, skipped = programme_site(project, Path(args.data), Path(args.output or BENCH / "work" / "pages-scratch"))
    # The default language's pages: MkDocs builds the same number of pages in one language.
    pages = [page for page in site.pages if page.template == "programme.html" and not page.lang.prefix]
    for page in pages:
        page.charts = []
    with steps.step("setup: template environment"):
        env = template_environment(project)
        env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({"_chart.html": NO_CHART}), env.loader])
        env.get_template("programme.html")
    common = {"site": site.config.site, "config": site.config, "release": site.release, "nav": NAV,
              "languages": site.languages}
    html = {}
    with profiled(args.profile):
        with steps.step("render"):
            for page in pages:
                html[page.path] = render_page(env, page, common, {}).encode("utf-8")
    if args.write:
        out = Path(args.write)
        shutil.rmtree(out, ignore_errors=True)
        with steps.step("write"):
            for path, data in html.items():
                target = out / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
    return steps.result(pages=len(pages), bytes=sum(len(b) for b in html.values()), skipped_in_setup=skipped)


def probe_verify(args) -> dict:
    """Check that the DuckDB floor computes ontrack's numbers: every rate's numerator and base, and the earnings."""
    import duckdb
    import numpy as np
    import pandas as pd

    from duckdb_floor import aggregation_sql, level_of_grouping, load_sql
    from generator.build import load_inputs
    from generator.indicators import EARNINGS, RATES, UNIT_COLUMNS, compute_indicators

    inputs = load_inputs(Path(args.project), Path(args.data))
    cells = compute_indicators(inputs.package.graduates, inputs.package.programmes,
                               inputs.config.indicators.pooled_cohorts)
    con = duckdb.connect()
    for statement in load_sql(Path(args.data)):
        con.execute(statement)
    wide = con.execute(aggregation_sql(pooled_cohorts=inputs.config.indicators.pooled_cohorts)).df()
    levels = level_of_grouping()
    wide["level"] = [levels[g][0] for g in wide["grouping_id"]]
    pooled = [levels[g][1] == "pooled" for g in wide["grouping_id"]]
    wide["cohort"] = np.where(pooled, cells.pooled_label, wide["cohort_year"].astype("Int64").astype(str))
    for column in UNIT_COLUMNS:
        wide[column] = wide[column].fillna("").astype(str)
    keys = ["level", *UNIT_COLUMNS, "cohort", "months_after"]
    wide["months_after"] = wide["months_after"].astype("int64")
    long = []
    for indicator, (num, base, _ref) in RATES.items():
        long.append(wide[keys].assign(indicator=indicator, numerator=wide[num].astype("float64"),
                                      base=wide[base].astype("int64")))
    for indicator in EARNINGS:
        have = wide[indicator].notna()
        long.append(wide.loc[have, keys].assign(indicator=indicator, numerator=wide.loc[have, indicator],
                                                base=wide.loc[have, "earn_n"].astype("int64")))
    duck = pd.concat(long, ignore_index=True)
    duck = duck[duck["base"] > 0]
    ours = cells.cells[cells.cells["indicator"].isin([*RATES, *EARNINGS])][[*keys, "indicator", "numerator", "base"]]
    joined = ours.merge(duck, on=[*keys, "indicator"], how="outer", suffixes=("", "_duckdb"), indicator=True)
    only = joined["_merge"].value_counts().to_dict()
    both = joined[joined["_merge"] == "both"]
    same = np.isclose(both["numerator"], both["numerator_duckdb"], rtol=1e-9, atol=1e-6) & (both["base"] == both["base_duckdb"])
    return {"cells": len(ours), "matched": int(same.sum()), "differ": int((~same).sum()),
            "only_ontrack": int(only.get("left_only", 0)), "only_duckdb": int(only.get("right_only", 0)),
            "ok": bool(same.all() and not only.get("left_only") and not only.get("right_only"))}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("probe", choices=["data", "duckdb", "build", "pages", "verify"])
    parser.add_argument("--project", default=str(BENCH.parent))
    parser.add_argument("--data", required=True)
    parser.add_argument("--output")
    parser.add_argument("--cold", action="store_true")
    parser.add_argument("--reports", action="store_true", help="build: with the quality reports (`ontrack reports`)")
    parser.add_argument("--reports-cold", action="store_true",
                        help="build: with the quality reports, each laid out again (the rest of the cache kept)")
    parser.add_argument("--threads", type=int, default=0, help="DuckDB threads (0: DuckDB's default, every core)")
    parser.add_argument("--write", help="pages: also write the rendered pages under this folder")
    parser.add_argument("--profile", help="write a cProfile of the measured part to this file")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(BENCH))
    result = {"data": probe_data, "duckdb": probe_duckdb, "build": probe_build, "pages": probe_pages,
              "verify": probe_verify}[args.probe](args)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
